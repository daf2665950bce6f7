"""In a real browser, as bureau staff: an enterprise registered outside Yongkang carries the
note on its admin page and a tag in the enterprise list, readable on a phone (390), a laptop
(1366) and a desktop (1920). Screenshots in ``test-artifacts/e2e/``."""

import pytest

from tests.e2e.conftest import PASSWORD
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OUTSIDE = "91350200MA2YJ1XR9G"  # registered in 厦门市 (350200)
# As long as the demo's longest enterprise names.
LONG_NAME = "浙江省永康市金华地区不锈钢真空保温杯及户外运动器具智能制造股份有限公司"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def inside_viewport(page, locator, width: int) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box


@pytest.mark.parametrize("width", [390, 1366, 1920])
def test_the_outside_region_note_reads_at_every_width(
    new_page, live_server, shoot, bureau_staff, office, width
):
    outside = EnterpriseFactory(name=LONG_NAME, credit_code=OUTSIDE, branch_office=office)
    EnterpriseFactory(name="永康市本地杯业有限公司", branch_office=office)
    page = new_page(viewport={"width": width, "height": 900})
    log_in(page, live_server, bureau_staff.username)

    page.goto(f"{live_server.url}/admin/benchmarking/enterprise/{outside.pk}/change/")
    note = page.get_by_test_id("region-note")
    assert note.is_visible()
    assert "350200" in note.inner_text() and "330784" in note.inner_text()
    inside_viewport(page, note, width)
    shoot(page, f"01 企业页 {width}")

    page.goto(f"{live_server.url}/enterprises/")
    tag = page.get_by_text("永康市外登记", exact=True)
    assert tag.count() == 1 and tag.is_visible()
    assert "350200" in tag.get_attribute("title")
    inside_viewport(page, tag, width)
    shoot(page, f"02 企业列表 {width}")
