"""End to end, in a real browser: a county list with a title row and two bad rows is
previewed (the header row found, the rows counted), its problem rows downloaded, its good rows
imported; the problem rows are then fixed in the downloaded workbook and imported clean.

Each step is saved at 390, 1366 and 1920 pixels wide in ``test-artifacts/e2e/`` (or
``$E2E_SCREENSHOTS``), so a person can see what the clerk saw.
"""

import re

import openpyxl
import pytest

from benchmarking.models import Enterprise
from tests.e2e.conftest import PASSWORD
from tests.factories import IndustryFactory, make_credit_code
from tests.imports.test_rows import good_and_bad, titled_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (390, 1366, 1920)


def shoot_widths(shoot, page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"{name} {width}")
        # Nothing sticks out sideways at any width: the page scrolls only down.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"


def upload(page, live_server, path) -> None:
    page.goto(f"{live_server.url}/imports/enterprises/")
    page.get_by_label("选择文件").set_input_files(path)
    page.get_by_role("button", name="上传并预览").click()


def test_title_row_sheet_good_rows_then_fixed_problem_rows(
    new_page, live_server, shoot, tmp_path, bureau_staff, office
):
    IndustryFactory(name="杯业", gb_code="C3381")
    rows, good = good_and_bad()
    county_list = tmp_path / "永康市2024年度对标达标企业名单（第一批）.xlsx"
    county_list.write_bytes(titled_xlsx(rows))

    page = new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(bureau_staff.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))

    # -- the preview: the header on row 3, three good rows, two with problems ----------------------
    upload(page, live_server, county_list)
    assert "第 3 行作为表头，其上 2 行已忽略。" in page.locator(".import-header-row").inner_text()
    counts = page.locator(".import-counts").inner_text()
    assert re.search(r"无误的行\s*3", counts) and re.search(r"有问题的行\s*2", counts)
    problems = page.locator(".import-problems li").all_inner_texts()
    assert problems == [
        "第 6 行，列「企业名称」：不能为空。",
        "第 8 行，列「所属监管所」：系统中没有“南城市场监管所”。",
    ]
    assert page.get_by_role("button", name="确认导入").count() == 0
    shoot_widths(shoot, page, "01 预览：标题行之下的表头，两行有问题")

    # -- the problem rows, downloaded ---------------------------------------------------------------
    page.set_viewport_size({"width": 1366, "height": 900})
    with page.expect_download() as download:
        page.get_by_role("button", name="下载有问题的行（.xlsx）").click()
    assert download.value.suggested_filename == "企业导入问题行.xlsx"
    problem_rows = tmp_path / "问题行.xlsx"
    download.value.save_as(problem_rows)
    workbook = openpyxl.load_workbook(problem_rows)
    sheet = workbook.active
    assert [c.value for c in sheet[1]][-1] == "问题"
    assert sheet.max_row == 3

    # -- the good rows imported ---------------------------------------------------------------------
    page.get_by_role("button", name="只导入无误的行（3 行）").click()
    page.wait_for_url(re.compile(r"/imports/$"))
    message = page.locator(".messages").inner_text()
    assert "新增 3 条" in message and "已跳过有问题的 2 行" in message
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == set(good)
    shoot_widths(shoot, page, "02 已导入无误的行")

    # -- the problem rows fixed in the workbook and imported clean ------------------------------------
    sheet["B2"] = "永康市丁杯业有限公司"
    sheet["C3"] = "东城市场监管所"
    workbook.save(problem_rows)
    upload(page, live_server, problem_rows)
    assert page.locator(".import-problems").count() == 0
    assert re.search(r"新增\s*2", page.locator(".import-counts").inner_text())
    shoot_widths(shoot, page, "03 改正后的问题行：预览无问题")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r"/imports/$"))
    assert "新增 2 条" in page.locator(".messages").inner_text()
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == {
        *good,
        make_credit_code(104),
        make_credit_code(105),
    }
    shoot_widths(shoot, page, "04 问题行改正后导入完成")
