"""The roll-up pages fit a phone, the office's 1366 and a 1920 monitor: nothing sticks out of the
viewport sideways but the county table, which scrolls inside its own box, as the dashboard's
tables do (tests/e2e/test_page_fit.py's measure)."""

import pytest
from django.urls import reverse

from benchmarking.choices import Role
from benchmarking.models import Region
from tests.e2e.conftest import log_in
from tests.e2e.test_page_fit import MEASURE_FIT
from tests.factories import make_user
from tests.views import test_rollup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

county_data = test_rollup.county_data


def test_the_rollups_fit_every_width(new_page, live_server, shoot, county_data):
    counties = Region.objects.filter(kind__in=["district", "county_city", "county", "autonomous_county"])
    for n, code in enumerate(counties.values_list("code", flat=True)[:40]):
        county_data(code, schemes=n % 7, enterprises=1 + n % 5, results=2 + n % 9)
        test_rollup.plan_for(code)
    make_user(Role.MANAGER, username="province", region=test_rollup.PROVINCE)
    make_user(Role.MANAGER, username="prefecture", region=test_rollup.JINHUA)

    misfits = []
    for username, code in (("province", test_rollup.PROVINCE), ("prefecture", test_rollup.JINHUA)):
        for width in (390, 1366, 1920):
            page = new_page(viewport={"width": width, "height": 900})
            log_in(page, live_server.url, username)
            page.goto(live_server.url + reverse("region_dashboard", args=[code]))
            assert page.locator("table.counties tbody tr").count() == len(
                [c for c in counties if c.code[:4] == code[:4] or code.endswith("0000")]
            )
            misfits += [f"{username} @{width}: {p}" for p in page.evaluate(MEASURE_FIT, False)]
            shoot(page, f"{username}-{width}")
    assert not misfits, "\n".join(misfits)
