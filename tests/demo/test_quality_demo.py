"""``seed_demo`` reproduces the bureau's 质量强市 figures for Yongkang as of the demo's last day:
64 浙江制造 standards led by 30 enterprises, 11 published this year, 8 new 品字标 enterprises and
35 一带一路 certificates; seeding again changes nothing. Seeded once per module (without the
other counties, whose records these figures do not read), rolled back at the end."""

import pytest
from django.db import transaction
from django.test import override_settings

from benchmarking.choices import CertificateStatus, ZhejiangStandardStage
from benchmarking.demo.seed import seed_demo
from benchmarking.demo.specs import LAST_EVENT
from benchmarking.models import BeltRoadCertificate, PinCertificate, ZhejiangMadeDrafter, ZhejiangMadeStandard
from benchmarking.regions import RegionScope
from benchmarking.selectors.quality import quality_figures

YONGKANG = RegionScope("330784")
MODELS = (ZhejiangMadeStandard, ZhejiangMadeDrafter, PinCertificate, BeltRoadCertificate)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        seed_demo(province=False)
        first = {m: m.objects.count() for m in MODELS}
        seed_demo(province=False)
        yield first
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_the_articles_figures(demo):
    figures = quality_figures(LAST_EVENT, region=YONGKANG)
    assert (figures.standards, figures.lead_enterprises, figures.standards_new) == (64, 30, 11)
    assert figures.pin_enterprises_new == 8
    assert figures.belt_road_certificates == 35
    # Older 品字标 enterprises too, as the article's "新增" implies.
    assert figures.pin_enterprises > 8


def test_seeding_again_creates_nothing(demo):
    assert {m: m.objects.count() for m in MODELS} == demo


def test_records_that_do_not_count_are_there_for_realism(demo):
    assert ZhejiangMadeStandard.objects.exclude(stage=ZhejiangStandardStage.PUBLISHED).exists()
    assert ZhejiangMadeDrafter.objects.filter(role="co").exists()
    assert BeltRoadCertificate.objects.filter(status=CertificateStatus.REVOKED).exists()
    # Certificates due for renewal in the weeks after the demo's last day (the reminders).
    soon = {
        "expires_on__gt": LAST_EVENT,
        "expires_on__lte": LAST_EVENT.replace(year=LAST_EVENT.year + 1, month=3, day=1),
    }
    assert PinCertificate.objects.filter(**soon).exists()
    assert BeltRoadCertificate.objects.filter(**soon).exists()
