"""Sheets as the county sends them: a title and a note above the header, a few bad rows among
hundreds of good ones, rows pasted twice — and the problem rows as a workbook that the clerk
fixes and imports back (docs/domain.md, "Imports")."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from benchmarking.imports import common
from benchmarking.imports.engine import PROBLEM_COLUMN, commit_import, plan_import
from benchmarking.imports.enterprises import EnterpriseImport, StandardImport
from benchmarking.imports.problem_rows import problem_rows_workbook
from benchmarking.imports.reading import FileRefused, read_table
from benchmarking.models import Enterprise, Standard
from benchmarking.validators import validate_credit_code
from tests.factories import (
    BranchOfficeFactory,
    EnterpriseFactory,
    IndustryFactory,
    StandardFactory,
    make_credit_code,
)
from tests.imports.test_messy_input import HEADERS, industry, row  # noqa: F401 (industry: a fixture)

KIND = EnterpriseImport()
TITLE = "永康市2024年度对标达标企业名单（第一批）"
NOTE = "说明：统一社会信用代码为 18 位；所属监管所填写全称。"


def titled_xlsx(rows, *, headers=HEADERS) -> bytes:
    """The county's layout: a merged title row, a note row, the header on row 3."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append([NOTE])
    sheet.append(headers)
    for cells_ in rows:
        sheet.append(cells_)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def titled_csv(rows, *, encoding="utf-8", prefix=b"") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([TITLE, "", "", "", "", ""])
    writer.writerow([])  # a blank line between the title and the header
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return prefix + out.getvalue().encode(encoding)


def texts(plan) -> list[str]:
    return [str(problem) for problem in plan.problems]


def codes() -> set[str]:
    return set(Enterprise.objects.values_list("credit_code", flat=True))


def good_and_bad():
    """Three good rows (sheet rows 4, 5, 7) and two bad ones (6: no name; 8: unknown office)."""
    good = [make_credit_code(n) for n in (101, 102, 103)]
    rows = [
        row(good[0]),
        row(good[1], name="永康市乙杯业有限公司"),
        row(make_credit_code(104), name=""),
        row(good[2], name="永康市丙杯业有限公司"),
        row(make_credit_code(105), office="南城市场监管所"),
    ]
    return rows, good


# -- the header below a title ---------------------------------------------------------------------


def test_the_header_is_found_below_a_merged_title_and_a_note(office, industry, bureau_staff):  # noqa: F811
    rows, good = good_and_bad()
    plan = plan_import(KIND, "名单.xlsx", titled_xlsx(rows), bureau_staff)
    assert plan.header_row == 3
    assert plan.rows == 5
    # Row numbers are the sheet's own; the merged title above the header is not a problem.
    assert texts(plan) == [
        "第 6 行，列「企业名称」：不能为空。",
        "第 8 行，列「所属监管所」：系统中没有“南城市场监管所”。",
    ]
    assert sorted(r.credit_code for r in plan.creates) == sorted(good)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")],
    ids=["utf8", "bom", "gb18030"],
)
def test_the_header_is_found_below_a_title_in_csv(office, industry, bureau_staff, encoding, prefix):  # noqa: F811
    rows, _good = good_and_bad()
    plan = plan_import(KIND, "名单.csv", titled_csv(rows, encoding=encoding, prefix=prefix), bureau_staff)
    assert plan.header_row == 3
    assert texts(plan) == [
        "第 6 行，列「企业名称」：不能为空。",
        "第 8 行，列「所属监管所」：系统中没有“南城市场监管所”。",
    ]
    assert len(plan.creates) == 3


def test_without_known_names_the_first_row_is_the_header():
    table = read_table("a.csv", "标题\n甲,乙\n1,2\n".encode())
    assert (table.header_row, table.headers) == (1, ["标题"])
    found = read_table("a.csv", "标题\n甲,乙\n1,2\n".encode(), is_header=lambda text: text == "乙")
    assert (found.header_row, found.headers, found.rows) == (2, ["甲", "乙"], [(3, ["1", "2"])])


def test_a_header_below_the_first_ten_rows_is_not_looked_for(office, industry, bureau_staff):  # noqa: F811
    data = "\n".join([f"说明{n}" for n in range(10)] + [",".join(HEADERS)]).encode()
    plan = plan_import(KIND, "a.csv", data, bureau_staff)
    assert plan.header_row == 1
    assert "缺少必需的列" in texts(plan)[0]


# -- importing only the rows without problems -------------------------------------------------------


def test_all_or_nothing_stays_the_default(office, industry, bureau_staff):  # noqa: F811
    rows, _good = good_and_bad()
    plan = commit_import(KIND, "名单.xlsx", titled_xlsx(rows), bureau_staff)
    assert not plan.written and not Enterprise.objects.exists()


def test_only_the_rows_without_problems_are_written(office, industry, bureau_staff):  # noqa: F811
    rows, good = good_and_bad()
    data = titled_xlsx(rows)
    preview = plan_import(KIND, "名单.xlsx", data, bureau_staff)
    assert (preview.valid_rows, preview.problem_rows) == (3, [6, 8])
    assert preview.valid_rows_importable

    plan = commit_import(
        KIND, "名单.xlsx", data, bureau_staff, valid_rows_only=True, expected_problems=preview.problems_digest
    )
    assert plan.written
    assert codes() == set(good)
    # Each written row has its history under the importing user.
    assert set(Enterprise.history.values_list("history_user", flat=True)) == {bureau_staff.pk}


def test_nothing_is_written_when_the_problems_are_not_the_ones_seen(office, industry, bureau_staff):  # noqa: F811
    rows, _good = good_and_bad()
    data = titled_xlsx(rows)
    preview = plan_import(KIND, "名单.xlsx", data, bureau_staff)
    # Since the preview, someone added the office row 8 names: that row would now be written
    # too, which is not what the clerk chose.
    BranchOfficeFactory(name="南城市场监管所", code="NC")
    before = Enterprise.objects.count()
    plan = commit_import(
        KIND, "名单.xlsx", data, bureau_staff, valid_rows_only=True, expected_problems=preview.problems_digest
    )
    assert not plan.written
    assert Enterprise.objects.count() == before
    # Without the digest of what was seen, nothing either.
    plan = commit_import(KIND, "名单.xlsx", data, bureau_staff, valid_rows_only=True, expected_problems=None)
    assert not plan.written and Enterprise.objects.count() == before


def test_a_file_wide_problem_cannot_be_skipped(office, industry, bureau_staff):  # noqa: F811
    rows, _good = good_and_bad()
    headers = [h for h in HEADERS if h != "行业"]
    data = titled_xlsx([r[:3] + r[4:] for r in rows], headers=headers)
    preview = plan_import(KIND, "名单.xlsx", data, bureau_staff)
    assert not preview.valid_rows_importable
    plan = commit_import(
        KIND, "名单.xlsx", data, bureau_staff, valid_rows_only=True, expected_problems=preview.problems_digest
    )
    assert not plan.written and not Enterprise.objects.exists()


def test_a_failure_while_writing_leaves_nothing(office, industry, bureau_staff, monkeypatch):  # noqa: F811
    """The valid rows are written in one transaction: creates and updates together or not at all."""
    existing = EnterpriseFactory(credit_code=make_credit_code(106), name="旧名称", branch_office=office)
    rows, _good = good_and_bad()
    rows.append(row(existing.credit_code, name="新名称"))
    data = titled_xlsx(rows)
    preview = plan_import(KIND, "名单.xlsx", data, bureau_staff)
    assert (len(preview.creates), len(preview.updates)) == (3, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # The new rows are inserted first; the update then fails.
    monkeypatch.setattr(common, "bulk_update_with_history", broken)
    with pytest.raises(RuntimeError):
        commit_import(
            KIND,
            "名单.xlsx",
            data,
            bureau_staff,
            valid_rows_only=True,
            expected_problems=preview.problems_digest,
        )
    assert codes() == {existing.credit_code}
    existing.refresh_from_db()
    assert existing.name == "旧名称"


# -- the problem rows as a workbook ------------------------------------------------------------------


def test_the_problem_rows_workbook_round_trips_to_a_clean_import(office, industry, bureau_staff):  # noqa: F811
    rows, good = good_and_bad()
    data = titled_xlsx(rows)
    preview = plan_import(KIND, "名单.xlsx", data, bureau_staff)
    commit_import(
        KIND, "名单.xlsx", data, bureau_staff, valid_rows_only=True, expected_problems=preview.problems_digest
    )

    workbook = openpyxl.load_workbook(
        io.BytesIO(problem_rows_workbook(KIND, "名单.xlsx", data, bureau_staff))
    )
    sheet = workbook.active
    got = [[cell.value for cell in r] for r in sheet.iter_rows()]
    assert got[0] == [*HEADERS, PROBLEM_COLUMN]
    # The original cells of the two problem rows, and what is wrong with each.
    assert [r[:6] for r in got[1:]] == [
        [rows[2][0], None, *rows[2][2:]],
        rows[4],
    ]
    assert got[1][6] == "（原第 6 行）列「企业名称」：不能为空。"
    assert got[2][6] == "（原第 8 行）列「所属监管所」：系统中没有“南城市场监管所”。"
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"  # codes stay text

    # The clerk fixes both rows and uploads the workbook as it is (问题 column and all).
    sheet["B2"] = "永康市丁杯业有限公司"
    sheet["C3"] = "东城市场监管所"
    fixed = io.BytesIO()
    workbook.save(fixed)
    plan = commit_import(KIND, "问题行.xlsx", fixed.getvalue(), bureau_staff)
    assert plan.written and plan.ok, texts(plan)
    assert plan.ignored_columns == []  # the 问题 column is not reported as unknown
    assert codes() == {*good, make_credit_code(104), make_credit_code(105)}


def test_cells_that_look_like_formulas_stay_text(office, industry, bureau_staff):  # noqa: F811
    data = titled_xlsx([row(make_credit_code(107), name="=HYPERLINK(1)", contact=None, office="南城")])
    sheet = openpyxl.load_workbook(
        io.BytesIO(problem_rows_workbook(KIND, "a.xlsx", data, bureau_staff))
    ).active
    assert sheet["B2"].value == "=HYPERLINK(1)" and sheet["B2"].data_type == "s"


# -- duplicate rows ------------------------------------------------------------------------------------


def test_an_exact_duplicate_row_is_merged_with_a_notice(office, industry, bureau_staff):  # noqa: F811
    code = make_credit_code(108)
    plan = commit_import(
        KIND,
        "名单.xlsx",
        titled_xlsx(
            [row(code), row(make_credit_code(109)), row(" " + code.lower(), name="永康市新杯业有限公司 ")]
        ),
        bureau_staff,
    )
    # Cells are compared as typed, but for spaces: a code in lower case is the same key read
    # differently, which the clerk is asked about rather than merged silently.
    assert [p.row for p in plan.problems] == [4, 6]
    plan = commit_import(
        KIND, "名单.xlsx", titled_xlsx([row(code), row(code), row(code + " ")]), bureau_staff
    )
    assert plan.written and plan.ok
    assert [str(n) for n in plan.notices] == [
        "第 5 行：与第 4 行完全相同，已合并为一条（只导入一次）。",
        "第 6 行：与第 4 行完全相同，已合并为一条（只导入一次）。",
    ]
    assert plan.rows == 1 and codes() == {code}


def test_duplicates_that_disagree_block_naming_both_rows(office, industry, bureau_staff):  # noqa: F811
    code = make_credit_code(110)
    plan = commit_import(
        KIND,
        "名单.xlsx",
        titled_xlsx([row(code), row(make_credit_code(111)), row(code, contact="赵六")]),
        bureau_staff,
    )
    assert not plan.written
    assert texts(plan) == [
        "第 4 行，列「统一社会信用代码」：与第 6 行的统一社会信用代码相同，但内容不同：请核对后只保留一行。",
        "第 6 行，列「统一社会信用代码」：与第 4 行的统一社会信用代码相同，但内容不同：请核对后只保留一行。",
    ]
    # Neither is the one to keep: importing the valid rows writes only the third.
    assert plan.problem_rows == [4, 6] and plan.valid_rows == 1


def test_standards_duplicates_by_their_normalised_number(bureau_staff):
    data = "标准编号,标准名称\nGB/T 1.1—2020,导则\nGB/T 1.1—2020,导则\ngb/t 1.1-2020,另一名称\n".encode()
    plan = plan_import(StandardImport(), "s.csv", data, bureau_staff)
    assert [str(n) for n in plan.notices] == ["第 3 行：与第 2 行完全相同，已合并为一条（只导入一次）。"]
    assert [p.row for p in plan.problems] == [2, 4]
    assert not Standard.objects.exists()


# -- problems in order, and an import's own sentences ------------------------------------------------------


def test_problems_in_row_order_then_column_order(office, industry, bureau_staff):  # noqa: F811
    code = make_credit_code(112)
    wrong_check = make_credit_code(113)[:-1] + ("0" if make_credit_code(113)[-1] != "0" else "1")
    rows = [
        row(wrong_check),  # row 4: found late (the check character is tested after reading every row)
        row(code, name=""),  # row 5: a blank name (read first), then the key shared with row 6
        row(code, contact="赵六", made="也许"),  # row 6
    ]
    assert texts(plan_import(KIND, "名单.xlsx", titled_xlsx(rows), bureau_staff)) == [
        "第 4 行，列「统一社会信用代码」：统一社会信用代码校验位不正确：第 18 位应为"
        f"「{make_credit_code(113)[-1]}」，实际为「{wrong_check[-1]}」。请对照营业执照核对后改正。",
        "第 5 行，列「统一社会信用代码」：与第 6 行的统一社会信用代码相同，但内容不同：请核对后只保留一行。",
        "第 5 行，列「企业名称」：不能为空。",
        "第 6 行，列「统一社会信用代码」：与第 5 行的统一社会信用代码相同，但内容不同：请核对后只保留一行。",
        "第 6 行，列「浙江制造/品字标认证」：应填“是”或“否”，而不是“也许”。",
    ]


def test_a_credit_code_problem_does_not_point_to_the_staff_exception(office, industry, bureau_staff):  # noqa: F811
    good = make_credit_code(114)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="核验例外"):  # the form's sentence, for staff
        validate_credit_code(wrong)
    (problem,) = texts(plan_import(KIND, "名单.xlsx", titled_xlsx([row(wrong)]), bureau_staff))
    assert "校验位不正确" in problem and "例外" not in problem and "工作人员" not in problem


# -- a workbook with a DTD ---------------------------------------------------------------------------------


def with_doctype(data: bytes, part: str = "xl/worksheets/sheet1.xml", *, encoding="utf-8") -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name in source.namelist():
            content = source.read(name)
            if name == part:
                doctype = '<!DOCTYPE worksheet [<!ENTITY a "永康"><!ENTITY b "&a;&a;&a;&a;">]>'
                if encoding == "utf-8":
                    content = doctype.encode() + content
                else:
                    content = "\ufeff".encode(encoding) + (doctype + content.decode()).encode(encoding)
            package.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("part", "encoding"),
    [
        ("xl/worksheets/sheet1.xml", "utf-8"),
        ("xl/worksheets/sheet1.xml", "utf-16-le"),
        ("xl/sharedStrings.xml", "utf-8"),
        ("[Content_Types].xml", "utf-8"),
    ],
)
def test_a_workbook_with_a_dtd_is_refused_in_chinese(office, industry, bureau_staff, part, encoding):  # noqa: F811
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(row(make_credit_code(115)))
    plain = io.BytesIO()
    workbook.save(plain)
    data = plain.getvalue()
    if part not in zipfile.ZipFile(io.BytesIO(data)).namelist():
        part = "xl/workbook.xml"
    hostile = with_doctype(data, part, encoding=encoding)
    with pytest.raises(FileRefused, match="文档类型声明（DTD）"):
        read_table("名单.xlsx", hostile)
    plan = commit_import(KIND, "名单.xlsx", hostile, bureau_staff)
    assert not plan.written and "DTD" in texts(plan)[0] and not Enterprise.objects.exists()


# -- the other kinds ----------------------------------------------------------------------------------------


def test_a_scheme_is_skipped_whole_with_its_rows_in_the_workbook(bureau_staff):
    from benchmarking.imports.schemes import SchemeImport
    from benchmarking.models import TechnicalScheme
    from tests.imports import test_schemes

    IndustryFactory(name="杯业", gb_code="C3381")
    for number in ("EN 12546-1:2000", "GB/T 29606—2013"):
        StandardFactory(number=number)
    good = test_schemes.new_rows("YKDB-2020-001")
    bad = test_schemes.new_rows("YKDB-2020-002")
    bad[1]["比较方式"] = "越大越好"  # the scheme's second row: its first row is held back with it
    data = test_schemes.xlsx(good + bad)
    kind = SchemeImport()
    preview = plan_import(kind, "方案.xlsx", data, bureau_staff)
    assert [p.row for p in preview.problems] == [5]
    assert preview.problem_rows == [4, 5] and preview.valid_rows == 2
    plan = commit_import(
        kind, "方案.xlsx", data, bureau_staff, valid_rows_only=True, expected_problems=preview.problems_digest
    )
    assert plan.written
    assert list(TechnicalScheme.objects.values_list("code", flat=True)) == ["YKDB-2020-001"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(problem_rows_workbook(kind, "方案.xlsx", data, bureau_staff))
    ).active
    remarks = [r[-1].value for r in sheet.iter_rows(min_row=2)]
    assert remarks == [
        "（原第 4 行）同一方案的第 5 行有问题，本行随该方案一并跳过。",
        f"（原第 5 行）列「比较方式」：{preview.problems[0].message}",
    ]


def test_declaration_pair_headers_are_known_column_names():
    from benchmarking.imports.declarations import DeclarationImport

    kind = DeclarationImport()
    assert kind.is_known_header("指标12") and kind.is_known_header("声明值3")
    assert kind.is_known_header(PROBLEM_COLUMN) and not kind.is_known_header(TITLE)
