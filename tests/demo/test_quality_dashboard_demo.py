"""The seeded demo's progress dashboard shows the bureau's 质量强市 figures for Yongkang as of the
demo's last day (64 standards led by 30 enterprises, 11 new; 8 new 品字标 enterprises; 35 一带一路
certificates), and each list behind them holds as many records. Seeded once per module, as
tests/demo/test_quality_demo.py does, rolled back at the end."""

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from benchmarking.choices import Role
from benchmarking.demo.seed import seed_demo
from benchmarking.demo.specs import LAST_EVENT
from tests.factories import make_user
from tests.views.test_quality_section import card, card_links, listed


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        seed_demo(province=False)
        yield
        transaction.set_rollback(True)


def test_the_dashboard_shows_the_articles_figures(seeded, db, client):
    client.force_login(make_user(Role.MANAGER, username="quality_demo_manager"))
    response = client.get(reverse("progress-dashboard"), {"as_of": LAST_EVENT.isoformat()})
    shown = card(response)
    assert (shown["standards"], shown["lead_enterprises"], shown["standards_new"]) == (64, 30, 11)
    assert shown["pin_enterprises_new"] == 8
    assert shown["belt_road_certificates"] == 35
    links = card_links(response)
    assert [listed(client.get(link)) for link in (links[0], links[2], links[4], links[5])] == [64, 11, 8, 35]
