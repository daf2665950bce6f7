"""``manage.py import_records``: the site's import from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from benchmarking.models import Standard
from tests.factories import StandardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def standards_csv(tmp_path):
    def write(*rows, name="standards.csv"):
        path = tmp_path / name
        path.write_text(
            "\n".join(",".join(r) for r in [("标准编号", "标准名称"), *rows]) + "\n", encoding="utf-8"
        )
        return str(path)

    return write


def run(*args):
    out = io.StringIO()
    call_command("import_records", *args, stdout=out)
    return out.getvalue()


def test_dry_run_reports_and_writes_nothing(bureau_staff, standards_csv):
    StandardFactory(number="GB/T 20000.1—2014", title="标准化工作指南")
    path = standards_csv(("GB/T 1.1—2020", "标准化工作导则"), ("GB/T 20000.1—2014", "标准化工作指南"))
    out = run("standards", path, "--user", bureau_staff.username, "--dry-run")
    assert "新增      1" in out and "无变化    1" in out and "问题      0" in out
    assert "未写入任何数据" in out
    assert Standard.objects.count() == 1


def test_problems_fail_with_every_line_and_write_nothing(bureau_staff, standards_csv):
    path = standards_csv(
        ("GB/T 1.1—2020", "标准化工作导则"), ("GB/T 2828.1—2012", ""), ("GB/T 1.1-2020", "重复")
    )
    with pytest.raises(CommandError) as refused:
        run("standards", path, "--user", bureau_staff.username)
    message = str(refused.value)
    # In row order; a key shared by rows that differ is a problem on both of them.
    assert "发现 3 个问题" in message
    assert [line[:5] for line in message.splitlines()[1:]] == ["第 2 行", "第 3 行", "第 4 行"]
    assert "第 2 行，列「标准编号」：与第 4 行的标准编号相同" in message
    assert "第 3 行，列「标准名称」：不能为空。" in message
    assert "第 4 行，列「标准编号」：与第 2 行的标准编号相同" in message
    assert not Standard.objects.exists()


def test_success_writes_with_the_users_history(bureau_staff, standards_csv):
    path = standards_csv(("GB/T 1.1—2020", "标准化工作导则"), ("ISO 8442-1:2008", "餐具"))
    out = run("standards", path, "--user", bureau_staff.username)
    assert "新增      2" in out and "导入完成" in out
    assert Standard.objects.count() == 2
    assert {s.history.latest().history_user for s in Standard.objects.all()} == {bureau_staff}
    # Importing the same file again changes nothing.
    again = run("standards", path, "--user", bureau_staff.username)
    assert "无变化    2" in again and "新增      0" in again


def test_the_user_must_exist_and_may_import(branch_staff, manager, standards_csv):
    path = standards_csv(("GB/T 1.1—2020", "标准化工作导则"))
    with pytest.raises(CommandError, match="没有用户名为“nobody”"):
        run("standards", path, "--user", "nobody")
    for user in (branch_staff, manager):  # standards are bureau staff's
        with pytest.raises(CommandError, match="无权导入标准"):
            run("standards", path, "--user", user.username)
    with pytest.raises(CommandError, match="--user"):
        run("standards", path)
    assert not Standard.objects.exists()


def test_a_missing_file_is_a_sentence(bureau_staff, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run("standards", str(tmp_path / "none.xlsx"), "--user", bureau_staff.username)
