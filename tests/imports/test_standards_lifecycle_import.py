"""The standards import's lifecycle columns: status, dates, what a standard replaces and its
adoption; problems in Chinese naming the column, nothing partial written; old files still import."""

import csv
import datetime as dt
import io

import pytest

from benchmarking.choices import StandardStatus
from benchmarking.imports.engine import commit_import
from benchmarking.imports.enterprises import StandardImport
from benchmarking.models import Standard
from tests.factories import StandardFactory

HEADERS = [
    "标准编号",
    "标准名称",
    "标准状态",
    "发布日期",
    "实施日期",
    "废止日期",
    "代替标准",
    "采标程度",
    "采用的国际/国外标准",
]


def csv_bytes(rows, headers=HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.django_db
def test_new_columns_import_and_replaced_standards_are_withdrawn(bureau_staff):
    old_a = StandardFactory(number="GB/T 29606—2013", status=StandardStatus.CURRENT)
    old_b = StandardFactory(number="GB/T 40355—2021", status=StandardStatus.CURRENT)
    data = csv_bytes(
        [
            [
                "GB/T 29606-2023",
                "不锈钢真空杯",
                "现行",
                "2023-05-01",
                "2023-12-01",
                "",
                "gb/t 29606-2013；GB/T 40355-2021",
                "mod",
                "ISO 8442-1:2008",
            ],
            ["GB/T 1.1-2020", "标准化工作导则", "", "2020-03-31", "2099-10-01", "", "", "", ""],
        ]
    )
    plan = commit_import(StandardImport(), "s.csv", data, bureau_staff)
    assert plan.written, [str(p) for p in plan.problems]
    new = Standard.objects.get(number="GB/T 29606—2023")
    assert (new.status, new.implemented_on, new.adoption_degree, new.adopted_standard) == (
        StandardStatus.CURRENT,
        dt.date(2023, 12, 1),
        "MOD",
        "ISO 8442-1:2008",
    )
    assert set(new.replaces.all()) == {old_a, old_b}
    for old in (old_a, old_b):
        old.refresh_from_db()
        assert (old.status, old.withdrawn_on) == (StandardStatus.REPLACED, dt.date(2023, 12, 1))
        assert old.history.first().history_user == bureau_staff
    # A blank status on a new standard is 现行, and with a date to come it is 即将实施.
    assert Standard.objects.get(number="GB/T 1.1—2020").status == StandardStatus.UPCOMING
    # The same file again changes nothing.
    again = commit_import(StandardImport(), "s.csv", data, bureau_staff)
    assert again.written and not again.creates and not again.updates


@pytest.mark.django_db
def test_bad_status_and_unknown_replacement_are_row_problems_and_nothing_is_written(bureau_staff):
    old = StandardFactory(status=StandardStatus.CURRENT)
    data = csv_bytes(
        [
            ["GB/T 1-2024", "甲", "作废", "", "", "", "", "", ""],
            ["GB/T 2-2024", "乙", "现行", "", "", "", f"{old.number}、GB/T 99999-1999", "", ""],
            ["GB/T 3-2024", "丙", "废止", "", "", "", "", "", ""],
        ]
    )
    plan = commit_import(StandardImport(), "s.csv", data, bureau_staff)
    problems = [str(p) for p in plan.problems]
    assert not plan.written
    assert any(p.startswith("第 2 行，列「标准状态」：“作废”不是可选的值") for p in problems), problems
    assert any(p.startswith("第 3 行，列「代替标准」：") and "GB/T 99999—1999" in p for p in problems), (
        problems
    )
    assert any(p.startswith("第 4 行，列「废止日期」：") for p in problems), problems
    assert not Standard.objects.filter(number__startswith="GB/T 2—").exists()
    old.refresh_from_db()
    assert old.status == StandardStatus.CURRENT and not old.replaced_by.exists()


@pytest.mark.django_db
def test_a_file_of_the_old_template_still_imports(bureau_staff):
    standard = StandardFactory(
        number="GB/T 5-2010", status=StandardStatus.ABOLISHED, withdrawn_on=dt.date(2015, 1, 1)
    )
    data = csv_bytes(
        [["GB/T 5-2010", "新名称", ""], ["Q/YK 001-2024", "企业标准", ""]],
        ["标准编号", "标准名称", "标准类别"],
    )
    plan = commit_import(StandardImport(), "s.csv", data, bureau_staff)
    assert plan.written, [str(p) for p in plan.problems]
    standard.refresh_from_db()
    assert (standard.title, standard.status) == ("新名称", StandardStatus.ABOLISHED)
    assert Standard.objects.get(number="Q/YK 001—2024").status == StandardStatus.CURRENT
