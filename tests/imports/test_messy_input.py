"""The spreadsheets staff really receive: every messy cell or file either imports as meant
or is refused with a message that says where and what, and then nothing is written."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from benchmarking.imports import cells
from benchmarking.imports.engine import commit_import, plan_import
from benchmarking.imports.enterprises import EnterpriseImport, StandardImport
from benchmarking.models import Enterprise, Standard
from tests.factories import IndustryFactory, make_credit_code

HEADERS = ["统一社会信用代码", "企业名称", "所属监管所", "行业", "联系人", "浙江制造/品字标认证"]


@pytest.fixture
def industry(db):
    return IndustryFactory(name="杯业", gb_code="C3381")


def row(
    code, name="永康市新杯业有限公司", office="东城市场监管所", industry="杯业", contact="王五", made="否"
):
    return [code, name, office, industry, contact, made]


def xlsx(rows, headers=HEADERS, *, edit=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for cells_ in rows:
        sheet.append(cells_)
    if edit:
        edit(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=HEADERS, *, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def snapshot():
    return (
        Enterprise.objects.count(),
        Enterprise.history.count(),
        list(Enterprise.objects.values_list("credit_code", "name", "version")),
    )


def refused(data, bureau_staff, *, name="企业.xlsx"):
    """Import ``data``; assert it was refused with nothing written; return the problems as text."""
    before = snapshot()
    plan = commit_import(EnterpriseImport(), name, data, bureau_staff)
    assert not plan.ok
    assert snapshot() == before
    return [str(problem) for problem in plan.problems]


# -- cells that import as meant ---------------------------------------------------------------------


def test_credit_codes_with_spaces_lower_case_and_full_width_characters(office, industry, bureau_staff):
    code = make_credit_code(7)
    messy = " ".join(code[:6].lower()) + "　" + "".join(chr(ord(c) + 0xFEE0) for c in code[6:])  # full-width
    plan = commit_import(EnterpriseImport(), "e.xlsx", xlsx([row(messy)]), bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]
    assert Enterprise.objects.get().credit_code == code


def test_trailing_spaces_and_blank_rows(office, industry, bureau_staff):
    code = make_credit_code(8)
    data = xlsx([row(code + "  ", name="  永康市新杯业有限公司  "), [None] * 6, ["", "  ", None, "", "", ""]])
    plan = commit_import(EnterpriseImport(), "e.xlsx", data, bureau_staff)
    assert plan.ok and plan.rows == 1
    assert Enterprise.objects.get().name == "永康市新杯业有限公司"
    # The same file again changes nothing.
    again = commit_import(EnterpriseImport(), "e.xlsx", data, bureau_staff)
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")],
    ids=["utf8", "bom", "gb18030"],
)
def test_csv_in_every_encoding_chinese_excel_writes(office, industry, bureau_staff, encoding, prefix):
    data = prefix + csv_bytes([row(make_credit_code(9))], encoding=encoding)
    plan = commit_import(EnterpriseImport(), "企业.csv", data, bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]
    assert Enterprise.objects.get().name == "永康市新杯业有限公司"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (44260, dt.date(2021, 3, 5)),  # an Excel serial number
        ("44260", dt.date(2021, 3, 5)),
        ("2021/3/5", dt.date(2021, 3, 5)),
        ("2021年3月5日", dt.date(2021, 3, 5)),
        ("2021-03-05", dt.date(2021, 3, 5)),
        ("２０２１－０３－０５", dt.date(2021, 3, 5)),
        (dt.datetime(2021, 3, 5, 14, 30), dt.date(2021, 3, 5)),
        ("", None),
    ],
)
def test_dates_in_every_form(raw, expected):
    assert cells.date(raw) == expected


@pytest.mark.parametrize("raw", ["2021/13/5", "5.3.2021", "明天", 12.5])
def test_a_date_that_is_not_one(raw):
    with pytest.raises(cells.CellError, match="日期"):
        cells.date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", Decimal("12")),
        (" 1,234.5 ", Decimal("1234.5")),
        ("１２．５", Decimal("12.5")),
        (0.01, Decimal("0.01")),
        ("", None),
    ],
)
def test_numbers_stored_as_text(raw, expected):
    assert cells.decimal(raw) == expected


@pytest.mark.parametrize("raw", ["12h", "NaN", "Infinity", "1e30", True])
def test_a_number_that_is_not_one(raw):
    with pytest.raises(cells.CellError):
        cells.decimal(raw)


def test_the_apostrophe_of_the_sites_own_csv_export_is_undone():
    assert cells.text("'=SUM(A1)") == "=SUM(A1)"
    assert cells.text("'-12") == "-12"
    assert cells.text("O'Brien") == "O'Brien"


# -- files and cells refused, each with its message, nothing written -----------------------------


def test_merged_cells(office, industry, bureau_staff):
    data = xlsx([row(make_credit_code(1)), row(make_credit_code(2))], edit=lambda s: s.merge_cells("C2:C3"))
    assert any("C2:C3 是合并单元格" in p for p in refused(data, bureau_staff))


def test_formulas(office, industry, bureau_staff):
    data = xlsx([row(make_credit_code(1), name='=CONCAT("永康","杯业")')])
    assert any(p.startswith("第 2 行，列「企业名称」：单元格是公式") for p in refused(data, bureau_staff))


def test_a_missing_header_column(office, industry, bureau_staff):
    headers = [h for h in HEADERS if h != "行业"]
    data = xlsx([[c for h, c in zip(HEADERS, row(make_credit_code(1)), strict=True) if h != "行业"]], headers)
    problems = refused(data, bureau_staff)
    assert any("缺少必需的列：「行业」" in p for p in problems)


def test_a_renamed_header_column(office, industry, bureau_staff):
    headers = ["信用代码", *HEADERS[1:]]
    problems = refused(xlsx([row(make_credit_code(1))], headers), bureau_staff)
    assert any(
        "缺少必需的列：「统一社会信用代码」" in p and "「信用代码」" in p and "改动了列名" in p
        for p in problems
    )


def test_a_second_header_row(office, industry, bureau_staff):
    problems = refused(xlsx([HEADERS, row(make_credit_code(1))]), bureau_staff)
    assert "第 2 行：这一行与表头相同，像是第二个表头行，请删除后再导入。" in problems


def test_duplicate_keys_within_the_file(office, industry, bureau_staff):
    code = make_credit_code(1)
    problems = refused(xlsx([row(code), row(code.lower(), name="另一家")]), bureau_staff)
    assert problems == [
        "第 2 行，列「统一社会信用代码」：与第 3 行的统一社会信用代码相同，但内容不同：请核对后只保留一行。",
        "第 3 行，列「统一社会信用代码」：与第 2 行的统一社会信用代码相同，但内容不同：请核对后只保留一行。",
    ]


def test_every_problem_at_once_not_just_the_first(office, industry, bureau_staff):
    rows = [
        row("123", name=""),  # a short code and no name
        row(make_credit_code(2), office="没有这个所"),
        row(make_credit_code(3), made="也许"),
    ]
    problems = refused(xlsx(rows), bureau_staff)
    assert any(p.startswith("第 2 行，列「统一社会信用代码」：") for p in problems)
    assert "第 2 行，列「企业名称」：不能为空。" in problems
    assert "第 3 行，列「所属监管所」：系统中没有“没有这个所”。" in problems
    assert any(p.startswith("第 4 行，列「浙江制造/品字标认证」：应填“是”或“否”") for p in problems)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("企业.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "不是 Excel（.xlsx）或 CSV 文件"),
        ("企业.xlsx", b"PK\x03\x04" + b"broken" * 20, "Excel 文件已损坏"),
        # The container Office wraps a password-protected workbook in (and old .xls files use).
        ("企业.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "受密码保护"),
        ("企业.xlsx", b"", "文件为空"),
        ("企业.csv", (",".join(HEADERS) + "\n").encode(), "没有任何数据行"),
    ],
    ids=["wrong type", "corrupted", "password-protected", "empty", "header only"],
)
def test_files_that_cannot_be_read(office, industry, bureau_staff, name, data, message):
    assert any(message in p for p in refused(data, bureau_staff, name=name))


def test_a_truncated_workbook(office, industry, bureau_staff):
    whole = xlsx([row(make_credit_code(1))])
    assert any("Excel 文件已损坏" in p for p in refused(whole[: len(whole) // 2], bureau_staff))


def test_a_file_over_the_size_limit(office, industry, bureau_staff, monkeypatch):
    from benchmarking.imports import reading

    data = xlsx([row(make_credit_code(1))])
    monkeypatch.setattr(reading, "MAX_IMPORT_BYTES", len(data) - 1)
    monkeypatch.setattr(reading.read_table, "__kwdefaults__", {"max_bytes": len(data) - 1})
    assert any("文件过大" in p for p in refused(data, bureau_staff))


# -- round trip, scope and history ------------------------------------------------------------------


def _export(client, user, url) -> bytes:
    client.force_login(user)
    response = client.get(url)
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing_and_three_edits_change_three_cells(
    client, enterprise, other_enterprise, bureau_staff, fmt
):
    enterprise.contact_person, enterprise.phone = "=HYPERLINK(1)", "-0579-1"  # formula-like: neutralised
    enterprise.save()
    data = _export(client, bureau_staff, f"/enterprises/export.{fmt}")
    plan = commit_import(EnterpriseImport(), f"企业.{fmt}", data, bureau_staff)
    assert (len(plan.creates), len(plan.updates), plan.unchanged, plan.problems) == (0, 0, 2, [])

    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        sheet = workbook.active
        headers = [c.value for c in sheet[1]]
        by_code = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
        a, b = by_code[enterprise.credit_code], by_code[other_enterprise.credit_code]
        a[headers.index("企业名称")].value = "永康甲杯业股份有限公司"
        a[headers.index("地址")].value = "永康市东城街道九铃东路 1 号"
        b[headers.index("浙江制造/品字标认证")].value = "是"
        out = io.BytesIO()
        workbook.save(out)
        edited = out.getvalue()
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        headers = rows[0]
        for r in rows[1:]:
            if r[0] == enterprise.credit_code:
                r[headers.index("企业名称")] = "永康甲杯业股份有限公司"
                r[headers.index("地址")] = "永康市东城街道九铃东路 1 号"
            else:
                r[headers.index("浙江制造/品字标认证")] = "是"
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        edited = out.getvalue().encode("utf-8-sig")

    before_history = Enterprise.history.count()
    plan = commit_import(EnterpriseImport(), f"企业.{fmt}", edited, bureau_staff)
    assert plan.ok
    assert sorted((r.pk, sorted(c)) for r, c in plan.updates) == sorted(
        [(enterprise.pk, ["address", "name"]), (other_enterprise.pk, ["zhejiang_made"])]
    )
    enterprise.refresh_from_db()
    other_enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.address) == ("永康甲杯业股份有限公司", "永康市东城街道九铃东路 1 号")
    assert enterprise.contact_person == "=HYPERLINK(1)" and enterprise.phone == "-0579-1"
    assert other_enterprise.zhejiang_made is True
    # One history record per changed enterprise, under the importing user, saying what changed.
    new = Enterprise.history.order_by("-history_id")[: Enterprise.history.count() - before_history]
    assert {(h.id, h.history_user) for h in new} == {
        (enterprise.pk, bureau_staff),
        (other_enterprise.pk, bureau_staff),
    }
    latest = enterprise.history.latest()
    delta = latest.diff_against(latest.prev_record)
    assert sorted(change.field for change in delta.changes) == ["address", "name"]


def test_branch_staff_import_only_their_own_offices_enterprises(
    office, other_office, other_enterprise, industry, branch_staff
):
    rows = [
        row(make_credit_code(1), office=office.name),
        row(make_credit_code(2), office=other_office.name),
        row(other_enterprise.credit_code, name="改名", office=other_office.name),
    ]
    before = snapshot()
    plan = commit_import(EnterpriseImport(), "e.xlsx", xlsx(rows), branch_staff)
    problems = [str(p) for p in plan.problems]
    assert f"第 3 行，列「所属监管所」：只能导入本所的企业，不能导入“{other_office.name}”的企业。" in problems
    assert "第 4 行，列「统一社会信用代码」：该企业不属于您负责的监管所，不能修改。" in problems
    assert snapshot() == before


def test_managers_and_enterprises_may_not_import(manager, enterprise_user):
    for user in (manager, enterprise_user):
        with pytest.raises(PermissionError):
            plan_import(EnterpriseImport(), "e.xlsx", b"", user)


def test_standards_match_on_the_normalised_number(bureau_staff, executed_standard):
    data = csv_bytes(
        [["q/ykjb 001-2024", executed_standard.title, ""], ["GB/T 1.1-2020", "标准化工作导则", ""]],
        ["标准编号", "标准名称", "标准类别"],
    )
    plan = commit_import(StandardImport(), "s.csv", data, bureau_staff)
    assert plan.ok and plan.unchanged == 1 and len(plan.creates) == 1
    assert Standard.objects.get(number="GB/T 1.1—2020").kind == "national"


# -- review findings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1E+5", Decimal("100000")),
        ("-12e3", Decimal("-12000")),
        ("1.50", Decimal("1.5")),
        ("0e-9999999", Decimal("0")),
        ("0E+9999999", Decimal("0")),
        ("999999999999.999999", Decimal("999999999999.999999")),
    ],
)
def test_numbers_with_exponents_come_back_plain(raw, expected):
    number = cells.decimal(raw)
    assert number == expected
    assert number.as_tuple().exponent <= 0  # plain, as the database stores it


@pytest.mark.parametrize(
    "raw",
    [
        "1e9999999",  # normalize() used to overflow: a 500
        "1e-9999999",  # used to be stored as 0
        "-1E+999999999",
        "1e-7",
        "1000000000000",  # 13 integer digits
        "1.0000000000000000000000000000001",  # 31 digits: normalize() rounded it to 1
        1e300,
    ],
)
def test_numbers_out_of_range_are_refused_not_crashed_on(raw):
    with pytest.raises(cells.CellError, match="数值超出范围"):
        cells.decimal(raw)


def test_a_column_the_file_does_not_have_reads_as_not_given_unparsed():
    from benchmarking.imports.engine import NOT_GIVEN, Blank, ImportColumn, ImportPlan, RowReader

    parsed = []

    def parse(value):
        parsed.append(value)
        return cells.optional_text(value, max_length=10)

    columns = {
        "甲": ImportColumn("甲", parse),
        "乙": ImportColumn("乙", parse),
        "丙": ImportColumn("丙", parse),
    }
    plan = ImportPlan(kind=None)
    reader = RowReader(plan, 2, ["x"], {"甲": 0, "丙": 1}, columns)
    assert reader["乙"] is NOT_GIVEN and parsed == []
    assert not reader.given("乙") and reader.given("甲") and reader.given("丙")
    assert reader["甲"] == "x"
    # In the file, blank in this (short) row: a blank (kept on an update), not NOT_GIVEN.
    assert reader["丙"] == Blank("")
    assert repr(NOT_GIVEN) == "NOT_GIVEN" and NOT_GIVEN is not None
    assert plan.ok and not reader.failed
    with pytest.raises(KeyError):
        reader["未声明的列"]


def test_scheme_codes_follow_the_models_one_rule(scheme):
    assert cells.scheme_code(" yk-ｂｗｂ\u3000 2024\t") == "YK-BWB 2024"
    for blank in (None, "", " \u3000 "):
        with pytest.raises(cells.CellError, match="不能为空"):
            cells.scheme_code(blank)
    with pytest.raises(cells.CellError, match="过长"):
        cells.scheme_code("A" * 41)
    scheme.code = " yk-ｂｗｂ\u3000 2024\t"
    scheme.clean_fields()  # the field (fields.SchemeCodeField) normalises
    assert scheme.code == cells.scheme_code(" yk-ｂｗｂ\u3000 2024\t")


def test_a_sparse_workbook_is_read_in_little_memory_and_time():
    import time
    import tracemalloc

    from benchmarking.imports.reading import read_table

    def far_cells(sheet):
        sheet.cell(row=1, column=1000, value="远处的表头")
        sheet.cell(row=2, column=5000, value="表头右边的格子")
        sheet.cell(row=100_000, column=1, value="十万行之外")

    data = xlsx([row(make_credit_code(1))], edit=far_cells)
    assert len(data) < 20_000
    tracemalloc.start()
    started = time.monotonic()
    try:
        table = read_table("e.xlsx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, f"{peak / 2**20:.0f} MB"  # was 910 MB
    assert time.monotonic() - started < 20
    assert len(table.headers) == 1000 and table.headers[-1] == "远处的表头"
    # The row after 1,000 blank rows is past the end of the sheet; nothing right of the header is read.
    assert [(number, len(cells_)) for number, cells_ in table.rows] == [(2, 1000)]
    assert table.rows[0][1][: len(HEADERS)] == row(make_credit_code(1))


def test_a_workbook_that_unpacks_too_large_is_refused(office, industry, bureau_staff, monkeypatch):
    from benchmarking.imports import reading

    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
    (problem,) = refused(xlsx([row(make_credit_code(1))]), bureau_staff)
    assert "解压后达" in problem and "上限为" in problem


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_too_many_rows_are_refused(office, industry, bureau_staff, monkeypatch, fmt):
    from benchmarking.imports import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    rows = [row(make_credit_code(n)) for n in range(1, 5)]
    data = xlsx(rows) if fmt == "xlsx" else csv_bytes(rows)
    (problem,) = refused(data, bureau_staff, name=f"企业.{fmt}")
    assert problem == "数据行过多：一次最多导入 3 行，请分成几个文件导入。"
    monkeypatch.setattr(reading, "MAX_ROWS", 4)
    plan = commit_import(EnterpriseImport(), f"企业.{fmt}", data, bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]


def test_a_csv_of_empty_lines_is_not_kept_in_memory(office, industry, bureau_staff):
    data = csv_bytes([row(make_credit_code(1))]) + b"\r\n" * 1_000_000
    plan = commit_import(EnterpriseImport(), "企业.csv", data, bureau_staff)
    assert plan.ok and len(plan.creates) == 1


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x1b", "\x0c"])
def test_control_characters_deep_in_a_csv_are_refused(office, industry, bureau_staff, control):
    rows = [row(make_credit_code(n)) for n in range(1, 80)]  # well past the first 4096 bytes
    rows.append(row(make_credit_code(80), name=f"永康{control}杯业"))
    data = csv_bytes(rows)
    assert len(data) > 4096 and b"\x00" not in data[:4096]
    (problem,) = refused(data, bureau_staff, name="企业.csv")
    assert problem.startswith("无法读取：CSV 文件第 81 行含有不可见的控制字符")


def test_tabs_and_line_breaks_in_a_csv_are_not_control_characters(office, industry, bureau_staff):
    data = csv_bytes([row(make_credit_code(1), name="永康\t新杯业\r\n有限公司")])
    plan = commit_import(EnterpriseImport(), "企业.csv", data, bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]
    assert Enterprise.objects.get().name == "永康 新杯业 有限公司"


@pytest.mark.parametrize("raw", ["a\x00b", "\x07", "x\x7f", "名\x85称", "\x9f"])
def test_a_cell_with_control_characters_is_refused(raw):
    with pytest.raises(cells.CellError, match="控制字符"):
        cells.text(raw)


def test_a_workbook_cell_with_a_control_character_names_its_place(office, industry, bureau_staff):
    # openpyxl writes no C0 characters, but C1 ones pass through a workbook.
    problems = refused(xlsx([row(make_credit_code(1), name="永康\x85杯业")]), bureau_staff)
    assert problems == ["第 2 行，列「企业名称」：含有不可见的控制字符（如 NUL），请删除后重新输入。"]


def test_data_on_the_second_sheet_when_the_first_is_empty(office, industry, bureau_staff):
    workbook = openpyxl.Workbook()
    workbook.active.title = "空白"
    workbook.create_sheet("填写说明").append(["说明", "不是数据"])
    sheet = workbook.create_sheet("企业")
    sheet.append(HEADERS)
    sheet.append(row(make_credit_code(1)))
    out = io.BytesIO()
    workbook.save(out)
    plan = commit_import(EnterpriseImport(), "e.xlsx", out.getvalue(), bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]
    assert Enterprise.objects.get().credit_code == make_credit_code(1)


def test_a_workbook_with_no_data_on_any_sheet(office, industry, bureau_staff):
    workbook = openpyxl.Workbook()
    workbook.create_sheet("第二页")
    workbook.create_sheet("填写说明").append(["说明只在这里"])
    out = io.BytesIO()
    workbook.save(out)
    assert refused(out.getvalue(), bureau_staff) == ["工作簿中没有可导入的数据。"]


@pytest.mark.parametrize(
    "raw",
    ["1999-12-31", "1900/3/1", "2100年1月1日", "21000101", dt.date(1990, 1, 1), dt.datetime(2100, 1, 1)],
)
def test_dates_outside_the_records_years_are_refused(raw):
    with pytest.raises(cells.CellError, match="不在 2000-01-01 至 2099-12-31 之间"):
        cells.date(raw)
    with pytest.raises(cells.CellError, match="不在 2000-01-01 至 2099-12-31 之间"):
        cells.instant(raw)


@pytest.mark.parametrize(
    ("raw", "utc"),
    [
        ("2024-03-05T10:00:00+08:00", dt.datetime(2024, 3, 5, 2, 0, tzinfo=dt.UTC)),
        ("2024-03-05 10:00+08:00", dt.datetime(2024, 3, 5, 2, 0, tzinfo=dt.UTC)),
        ("2024-03-05T02:00:00Z", dt.datetime(2024, 3, 5, 2, 0, tzinfo=dt.UTC)),
        ("2024-03-05T10:00:00.5-0500", dt.datetime(2024, 3, 5, 15, 0, 0, 500000, tzinfo=dt.UTC)),
    ],
)
def test_iso_moments_with_an_offset(raw, utc):
    moment = cells.instant(raw)
    assert moment.tzinfo is not None and moment == utc


@pytest.mark.parametrize("raw", ["1999-12-31T23:00:00+08:00", "2024-13-05T10:00:00+08:00"])
def test_iso_moments_out_of_range_or_impossible(raw):
    with pytest.raises(cells.CellError):
        cells.instant(raw)


def test_a_file_named_xlsx_that_is_not_a_zip_is_refused_as_not_excel(office, industry, bureau_staff):
    data = csv_bytes([row(make_credit_code(1))])
    assert refused(data, bureau_staff, name="企业.xlsx") == [
        "无法读取：文件已损坏，或不是 Excel（.xlsx）或 CSV 文件。"
    ]
    # …while a workbook is read as one whatever it is called.
    plan = commit_import(EnterpriseImport(), "企业.csv", xlsx([row(make_credit_code(1))]), bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]
