"""End to end, in a real browser: an enterprise declares online, staff return it, the
enterprise fixes it, staff publish it, and the result reaches the public page and the
dashboard.

Debian's ``chromium`` driven by Playwright (``executable_path``; Playwright downloads no
browser). Each step's page is saved as a PNG in ``test-artifacts/e2e/`` (or
``$E2E_SCREENSHOTS``), so a person can see what the enterprise saw.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest

from benchmarking.choices import DeclarationStatus, Grade
from benchmarking.models import Declaration, Plan
from tests.e2e.conftest import PASSWORD

# transaction=True: the live server runs in another thread, so the data must be committed;
# serialized_rollback brings back what the migrations wrote (role groups) after the flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def results_figure(page, live_server) -> int:
    page.goto(f"{live_server.url}/progress/")
    return int(page.locator('[data-measure="results"] .figure a').inner_text())


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_declare_return_fix_publish(
    new_page, live_server, shoot, tmp_path, enterprise_user, bureau_staff, scheme, executed_standard
):
    Plan.objects.create(
        name="千项计划", starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2027, 12, 31), is_active=True
    )
    report = tmp_path / "保温性能检测报告.pdf"
    report.write_bytes(b"%PDF-1.4\n% e2e evidence\n")

    staff = new_page()
    log_in(staff, live_server, bureau_staff.username)
    results_before = results_figure(staff, live_server)

    # -- the enterprise declares, with 保温效能 worse than the benchmark ----------------------
    ent = new_page(viewport={"width": 412, "height": 915})  # a phone
    log_in(ent, live_server, enterprise_user.username)
    ent.wait_for_url(re.compile(r"/portal/$"))
    shoot(ent, "01 企业登录后的首页")

    ent.get_by_role("link", name="新建对标声明").click()
    # The chooser opens on the enterprise's own industry; the fixture's scheme is in another.
    ent.get_by_label("行业").select_option(label="全部行业")
    ent.get_by_label("搜索").fill(scheme.title[:6])
    ent.get_by_role("button", name="筛选").click()
    shoot(ent, "02 查找技术方案")
    ent.get_by_role("link", name="按此方案声明").click()

    ent.get_by_label("产品名称").fill("真空保温杯")
    ent.get_by_label("产品型号").fill("YK-E2E-500")
    ent.get_by_label("执行标准编号").fill("Q/YKJB 001-2024")
    ent.get_by_label("保温效能").fill("10")  # the benchmark is ≥ 12 h
    ent.get_by_label("铅迁移量").fill("0.008")
    ent.get_by_text("符合", exact=True).check()
    ent.get_by_label("证明材料").set_input_files(report)
    shoot(ent, "03 填写声明")
    ent.get_by_role("button", name="下一步：核对对标结果并提交").click()

    summary = ent.locator(".result-summary")
    assert summary.locator(".grade").inner_text() == "平均"
    assert "劣于" in summary.locator("tr", has_text="保温效能").inner_text()
    shoot(ent, "04 提交前核对对标结果")
    ent.get_by_role("button", name="确认提交审核").click()
    assert "已提交审核" in ent.locator(".messages").inner_text()
    shoot(ent, "05 已提交")
    declaration = Declaration.objects.get(product_model="YK-E2E-500")
    assert declaration.status == DeclarationStatus.SUBMITTED

    # -- staff return it with a reason --------------------------------------------------------
    staff.goto(f"{live_server.url}/review/")
    staff.locator("tr", has_text="YK-E2E-500").get_by_role("link", name="审核").click()
    shoot(staff, "06 审核人员查看待审核声明")
    reason = "保温效能实测值低于对标值，请核对检测报告后重新填写。"
    staff.get_by_label("退回理由").fill(reason)
    staff.get_by_role("button", name="退回", exact=True).click()
    shoot(staff, "07 退回后")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.RETURNED

    # -- the enterprise reads the reason, fixes the value, resubmits ----------------------------
    ent.goto(f"{live_server.url}/portal/")
    attention = ent.locator(".attention")
    assert reason in attention.inner_text()
    shoot(ent, "08 企业看到退回理由")
    attention.get_by_role("link", name="修改后重新提交").click()
    ent.get_by_label("保温效能").fill("12.5")
    shoot(ent, "09 修改声明值")
    ent.get_by_role("button", name="下一步：核对对标结果并提交").click()
    assert ent.locator(".result-summary .grade").inner_text() == "领先"
    shoot(ent, "10 重新核对：领先")
    ent.get_by_role("button", name="确认提交审核").click()
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED

    # -- staff publish -----------------------------------------------------------------------------
    staff.goto(f"{live_server.url}/review/{declaration.pk}/")
    staff.get_by_role("button", name="发布", exact=True).click()
    shoot(staff, "11 发布后")
    declaration.refresh_from_db()
    assert (declaration.status, declaration.grade) == (DeclarationStatus.PUBLISHED, Grade.LEADING)
    assert declaration.items.get(indicator__name="保温效能").value == Decimal("12.5")

    # -- the public sees it, and the dashboard counts it ----------------------------------------------
    public = new_page()
    public.goto(f"{live_server.url}/public/results/")
    row = public.get_by_text("YK-E2E-500")
    assert row.count() >= 1
    shoot(public, "12 结果公示")
    assert results_figure(staff, live_server) == results_before + 1
    shoot(staff, "13 千项计划进度：对标结果 +1")

    ent.goto(f"{live_server.url}/portal/declarations/{declaration.pk}/")
    history = ent.locator(".timeline").inner_text()
    for step in ("提交", "退回", "发布", "保温效能：10 → 12.5", reason):
        assert step in history
    shoot(ent, "14 企业查看完整记录")
