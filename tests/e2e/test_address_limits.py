"""受限的网络地址 in a real browser, as the account manager sees it on a phone, a laptop and a wide
screen, with the longest addresses there are (IPv6); and the lock-out page a limited office sees.
Each page is saved as a PNG in ``test-artifacts/e2e/``."""

import datetime as dt

import pytest
from axes.models import AccessFailureLog
from django.utils import timezone

from benchmarking.models import AddressLimitLift
from tests.e2e.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (390, 1366, 1920)
LONGEST = "2001:db8:85a3:1234:5678:8a2e:abcd:7334"  # stored as written: no group to compress


def fail_from(address, count, *, minutes_ago=1):
    AccessFailureLog.objects.bulk_create(
        AccessFailureLog(
            username=f"guess-{address}-{n}", ip_address=address, user_agent="spray", locked_out=False
        )
        for n in range(count)
    )
    AccessFailureLog.objects.filter(ip_address=address).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def page_overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def test_the_account_manager_sees_and_lifts_limited_addresses(new_page, live_server, shoot, bureau_staff):
    bureau_staff.first_name = "王晓明"
    bureau_staff.save()
    fail_from(LONGEST, 42)
    fail_from("203.0.113.77", 30)
    fail_from("198.51.100.250", 31)
    AddressLimitLift.objects.create(
        ip_address="2001:db8:ffff:ffff:ffff:ffff:ffff:1", lifted_by=bureau_staff, failures=35, usernames=12
    )

    for width in WIDTHS:
        page = new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", bureau_staff.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/auth/user/")
        page.get_by_role("link", name="受限的网络地址").click()
        assert page.locator("#result_list tbody tr").count() == 3
        assert page.get_by_text(LONGEST).is_visible()
        shoot(page, f"{width} 受限的网络地址")
        assert not page_overflows(page), f"the page scrolls sideways at {width}px"

    page.locator("#result_list tbody tr", has_text=LONGEST).get_by_role("button", name="解除限制").click()
    assert page.get_by_text(f"已解除网络地址 {LONGEST} 的登录限制").is_visible()
    assert page.locator("#result_list tbody tr").count() == 2
    shoot(page, "1920 解除之后")
    assert AddressLimitLift.objects.filter(ip_address=LONGEST, lifted_by=bureau_staff).exists()


def test_the_lock_out_page_of_a_limited_address(new_page, live_server, shoot, enterprise_user):
    # The browser comes from 127.0.0.1: that is the office whose address is limited.
    fail_from("127.0.0.1", 30)
    for width in (390, 1366):
        page = new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(enterprise_user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        assert page.get_by_role("heading", name="登录暂时受限").is_visible()
        shoot(page, f"{width} 登录暂时受限")
        assert not page_overflows(page)
