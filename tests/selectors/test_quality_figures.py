"""The 质量强市 figures (docs/domain.md "Quality figures", selectors.quality): what counts on a
day, what is new in its year, and in which county."""

import datetime as dt

import pytest

from benchmarking.choices import CertificateStatus, DrafterRole, ZhejiangStandardStage
from benchmarking.models import (
    BeltRoadCertificate,
    Enterprise,
    PinCertificate,
    ZhejiangMadeDrafter,
    ZhejiangMadeStandard,
)
from benchmarking.regions import RegionScope
from benchmarking.selectors.quality import (
    belt_road_certificates,
    led_standards,
    pin_enterprises,
    quality_figures,
)
from tests.conftest import sh
from tests.factories import EnterpriseFactory

YONGKANG, YIWU = RegionScope("330784"), RegionScope("330782")
D = dt.date

_numbers = iter(range(1, 10_000))


def standard(lead, *, published_on=None, stage=ZhejiangStandardStage.PUBLISHED, co=()):
    n = next(_numbers)
    s = ZhejiangMadeStandard.objects.create(
        number=f"T/ZZB {n:04d}—2026" if stage == ZhejiangStandardStage.PUBLISHED else None,
        title=f"测试标准{n}",
        stage=stage,
        published_on=published_on,
    )
    ZhejiangMadeDrafter.objects.create(standard=s, enterprise=lead, role=DrafterRole.LEAD)
    for enterprise in co:
        ZhejiangMadeDrafter.objects.create(standard=s, enterprise=enterprise, role=DrafterRole.CO_DRAFTER)
    return s


def pin(enterprise, issued_on, expires_on=None, status=CertificateStatus.VALID):
    return PinCertificate.objects.create(
        enterprise=enterprise,
        number=f"PZB-{next(_numbers)}",
        product="不锈钢保温杯",
        issued_on=issued_on,
        expires_on=expires_on or issued_on.replace(year=issued_on.year + 3),
        status=status,
    )


def belt_road(enterprise, issued_on, expires_on=None, status=CertificateStatus.VALID):
    return BeltRoadCertificate.objects.create(
        enterprise=enterprise,
        number=f"YDYL-{next(_numbers)}",
        product="电动工具",
        issued_on=issued_on,
        expires_on=expires_on,
        status=status,
        market="哈萨克斯坦",
    )


def in_yiwu(enterprise):
    Enterprise.objects.filter(pk=enterprise.pk).update(region_id=YIWU.code)
    return enterprise


@pytest.fixture
def firms(db):
    return [EnterpriseFactory() for _ in range(4)]


def test_standards_count_from_their_publication_day_where_their_lead_is(firms):
    a, b, c, d = firms
    standard(a, published_on=D(2025, 6, 1), co=[b])
    standard(a, published_on=D(2026, 3, 1))
    standard(b, published_on=D(2026, 7, 1))
    standard(c, stage=ZhejiangStandardStage.DRAFTING)  # 研制: never counted
    standard(c, stage=ZhejiangStandardStage.APPROVED)
    standard(in_yiwu(d), published_on=D(2026, 1, 1))  # another county's lead

    on = quality_figures(D(2026, 6, 30), region=YONGKANG)
    assert (on.standards, on.standards_new, on.lead_enterprises) == (2, 1, 1)
    # Published the day after T: not yet; on its day (to the day's end): counted.
    assert quality_figures(D(2026, 6, 30), region=YONGKANG).standards == 2
    assert quality_figures(D(2026, 7, 1), region=YONGKANG).standards == 3
    assert quality_figures(sh(2026, 7, 1, 23), region=YONGKANG).lead_enterprises == 2
    # A co-drafter does not make b a lead enterprise before its own standard.
    assert quality_figures(D(2025, 12, 31), region=YONGKANG).lead_enterprises == 1
    # "New this year" is T's year: the same standards, seen from the next year, are not new.
    later = quality_figures(D(2027, 1, 1), region=YONGKANG)
    assert (later.standards, later.standards_new) == (3, 0)
    assert quality_figures(D(2026, 12, 31), region=YIWU).standards == 1
    # No region: every county.
    assert quality_figures(D(2026, 12, 31)).standards == 4


def test_pin_enterprises_hold_a_valid_certificate_and_are_new_in_the_year_of_their_first(firms):
    a, b, c, d = firms
    pin(a, D(2023, 5, 1), expires_on=D(2026, 4, 30))
    pin(a, D(2026, 2, 1))  # a second certificate: a is still not new in 2026
    pin(b, D(2026, 3, 1))
    pin(b, D(2026, 4, 1))  # two certificates, one enterprise
    pin(c, D(2024, 1, 1), expires_on=D(2026, 1, 31))  # expired during 2026
    pin(d, D(2026, 5, 1), status=CertificateStatus.REVOKED)  # 撤销: never counts

    on = quality_figures(D(2026, 6, 30), region=YONGKANG)
    assert (on.pin_enterprises, on.pin_enterprises_new) == (2, 1)
    # The last day of validity counts, the day after does not.
    assert quality_figures(D(2026, 1, 31), region=YONGKANG).pin_enterprises == 2  # a and c
    assert quality_figures(D(2026, 2, 1), region=YONGKANG).pin_enterprises == 1
    # Issued the day after T: not yet.
    assert quality_figures(D(2026, 2, 28), region=YONGKANG).pin_enterprises_new == 0
    assert quality_figures(D(2026, 3, 1), region=YONGKANG).pin_enterprises_new == 1
    # A suspended certificate still counts.
    PinCertificate.objects.filter(enterprise=b).update(status=CertificateStatus.SUSPENDED)
    assert quality_figures(D(2026, 6, 30), region=YONGKANG).pin_enterprises == 2
    in_yiwu(b)
    assert quality_figures(D(2026, 6, 30), region=YONGKANG).pin_enterprises == 1
    assert quality_figures(D(2026, 6, 30), region=YIWU).pin_enterprises_new == 1


def test_belt_road_certificates_valid_on_the_day(firms):
    a, b, c, _d = firms
    belt_road(a, D(2025, 3, 1))  # no expiry date: never expires
    belt_road(a, D(2026, 3, 1), expires_on=D(2026, 9, 30))
    belt_road(b, D(2026, 8, 1), status=CertificateStatus.REVOKED)
    belt_road(in_yiwu(c), D(2026, 1, 1))

    on = quality_figures(D(2026, 9, 30), region=YONGKANG)
    assert (on.belt_road_certificates, on.belt_road_certificates_new) == (2, 1)
    assert quality_figures(D(2026, 10, 1), region=YONGKANG).belt_road_certificates == 1
    assert quality_figures(D(2025, 2, 28), region=YONGKANG).belt_road_certificates == 0
    assert quality_figures(D(2026, 9, 30), region=YIWU).belt_road_certificates == 1


def test_the_lists_hold_exactly_what_the_figures_count(firms):
    a, b, c, _d = firms
    standard(a, published_on=D(2026, 3, 1))
    standard(b, published_on=D(2025, 3, 1))
    pin(a, D(2026, 2, 1))
    pin(b, D(2024, 2, 1))
    pin(b, D(2026, 2, 1))
    belt_road(c, D(2026, 2, 1))
    for day in (D(2025, 12, 31), D(2026, 6, 30)):
        f = quality_figures(day, region=YONGKANG)
        assert led_standards(day, region=YONGKANG).count() == f.standards
        assert led_standards(day, region=YONGKANG, new_this_year=True).count() == f.standards_new
        assert pin_enterprises(day, region=YONGKANG).count() == f.pin_enterprises
        assert pin_enterprises(day, region=YONGKANG, new_this_year=True).count() == f.pin_enterprises_new
        assert belt_road_certificates(day, region=YONGKANG).count() == f.belt_road_certificates
    assert {e.pk for e in pin_enterprises(D(2026, 6, 30), new_this_year=True)} == {a.pk}


def test_an_office_counts_its_own_enterprises(firms):
    a, b, _c, _d = firms
    standard(a, published_on=D(2026, 3, 1))
    standard(b, published_on=D(2026, 3, 1))
    figures = quality_figures(D(2026, 6, 30), region=YONGKANG, branch_office_id=a.branch_office_id)
    assert (figures.standards, figures.lead_enterprises) == (1, 1)


def test_all_figures_in_three_queries(firms, django_assert_num_queries):
    for enterprise in firms:
        standard(enterprise, published_on=D(2026, 3, 1))
        pin(enterprise, D(2026, 2, 1))
        belt_road(enterprise, D(2026, 2, 1))
    with django_assert_num_queries(3):
        figures = quality_figures(D(2026, 6, 30), region=YONGKANG)
    assert (figures.standards, figures.pin_enterprises, figures.belt_road_certificates) == (4, 4, 4)
