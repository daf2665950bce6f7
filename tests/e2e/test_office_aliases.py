"""The office admin page with its aliases inline, as the bureau's admin sees it on a phone, a
laptop and a wide screen: the inline is there, adds a row, and nothing runs off the page."""

import pytest

from benchmarking.models import BranchOffice, BranchOfficeAlias
from tests.e2e.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (390, 1366, 1920)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_page_shows_and_saves_its_aliases(new_page, live_server, shoot, bureau_staff, width):
    # The demo's longest office name, with its short name.
    office = BranchOffice.objects.create(name="经济开发区市场监督管理所", code="KFQ")
    BranchOfficeAlias.objects.create(office=office, name="开发区所")
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(bureau_staff.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/admin/benchmarking/branchoffice/{office.pk}/change/")
    assert page.locator("input[value='开发区所']").is_visible()
    shoot(page, f"01 office page {width}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page runs {overflow}px off a {width}px screen"
    delete = page.locator("input[name='aliases-0-DELETE']").bounding_box()
    assert delete["x"] + delete["width"] <= width, "the delete box is on the screen"

    page.locator("input[name='aliases-1-name']").fill("经开所")
    page.locator("input[name='_continue']").click()
    page.wait_for_load_state("networkidle")
    assert sorted(office.aliases.values_list("name", flat=True)) == ["开发区所", "经开所"]
    shoot(page, f"02 saved {width}")

    page.goto(f"{live_server.url}/admin/benchmarking/branchoffice/")
    assert "开发区所、经开所" in page.content()
    name = page.locator("#result_list td.field-name, #result_list th.field-name").last.bounding_box()
    assert name["width"] >= 100, "the office's name is not squeezed to a letter a line"
    shoot(page, f"03 list {width}")
