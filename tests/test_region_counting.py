"""Counting per region (docs/domain.md, "Counting"): a county's figures count its enterprises'
results and its bureau's schemes; a prefecture's and the province's are the sums of their
counties'; ``figures_by_county`` reads every county at once, in two queries however many."""

import datetime as dt
from decimal import Decimal

import pytest

from benchmarking.models import Enterprise, TechnicalScheme
from benchmarking.regions import RegionScope
from benchmarking.selectors.progress import (
    Progress,
    benchmarked_enterprises,
    counted_declarations,
    counted_schemes,
    entered_later,
    figures_by_county,
    monthly_progress,
    progress_as_of,
    progress_at,
    progress_grid,
)
from benchmarking.services.declarations import declaration_withdraw
from benchmarking.services.schemes import scheme_publish, scheme_withdraw
from tests.conftest import EARLY, sh
from tests.factories import EnterpriseFactory, IndicatorFactory, SchemeFactory

YONGKANG, YIWU, SHANGCHENG = "330784", "330782", "330102"  # 金华 ×2, 杭州 ×1
JINHUA, HANGZHOU, ZHEJIANG = "330700", "330100", "330000"
COUNTIES = (YONGKANG, YIWU, SHANGCHENG)
MONTHS = [dt.date(2024, m, 1) for m in range(1, 13)] + [dt.date(2025, m, 1) for m in range(1, 7)]
INSTANTS = [sh(2024, 3, 1), sh(2024, 8, 31), dt.date(2024, 12, 31), sh(2025, 3, 10), None]


def figures(progress: Progress) -> tuple[int, int, int]:
    return (progress.schemes, progress.enterprises, progress.results)


def total(rows) -> tuple[int, int, int]:
    return tuple(sum(column) for column in zip(*rows, strict=True)) if rows else (0, 0, 0)


def publish_scheme(county: str, actor, *, at: dt.datetime, code: str):
    """A scheme published by ``county``'s bureau. Written by the home county's staff (the test
    users work there) and then handed to the county, as its own bureau would have published it."""
    scheme = SchemeFactory(code=code)
    IndicatorFactory(scheme=scheme, name="保温效能", benchmark_value=Decimal("12"))
    scheme = scheme_publish(scheme=scheme, actor=actor, at=at)
    TechnicalScheme.objects.filter(pk=scheme.pk).update(publisher_region_id=county)
    scheme.refresh_from_db()
    return scheme


def move(enterprise, county: str):
    """The enterprise now belongs to ``county`` (staff corrected it)."""
    Enterprise.objects.filter(pk=enterprise.pk).update(region_id=county)
    enterprise.refresh_from_db()
    return enterprise


@pytest.fixture
def counties(declare, list_scheme, bureau_staff, office):
    """Yongkang (永康): list_scheme, two enterprises, four results (one withdrawn in 2025).
    Yiwu (义乌): two schemes (one withdrawn in 2024-10), one enterprise with two results, one
    published in 2025. Shangcheng (上城, 杭州): one scheme, one enterprise with one result; its
    enterprise declares against Yongkang's scheme (a scheme counts where published, not used)."""
    # Results entered by the home county's staff, the enterprises then moved to their counties.
    yk_a = EnterpriseFactory(branch_office=office)
    yk_b = EnterpriseFactory(branch_office=office)
    yw = EnterpriseFactory(branch_office=office)
    sc = EnterpriseFactory(branch_office=office)
    yw_scheme = publish_scheme(YIWU, bureau_staff, at=sh(2024, 2, 1), code="YW-1")
    yw_gone = publish_scheme(YIWU, bureau_staff, at=sh(2024, 5, 1), code="YW-2")
    scheme_withdraw(scheme=yw_gone, actor=bureau_staff, reason="废止", at=sh(2024, 10, 1))
    publish_scheme(SHANGCHENG, bureau_staff, at=sh(2024, 7, 1), code="SC-1")

    declare(yk_a, model="YK-A1", published=sh(2024, 2, 20))
    declare(yk_a, model="YK-A2", published=sh(2024, 8, 5))
    declare(yk_b, model="YK-B1", published=sh(2024, 9, 9))
    late = declare(yk_b, model="YK-B2", published=sh(2025, 1, 8))
    declaration_withdraw(declaration=late, actor=bureau_staff, comment="数据有误", at=sh(2025, 3, 3))
    declare(yw, model="YW-1", published=sh(2024, 4, 1), scheme=yw_scheme)
    declare(yw, model="YW-2", published=sh(2025, 2, 1), scheme=yw_scheme)
    declare(sc, model="SC-1", published=sh(2024, 11, 11))  # against Yongkang's scheme
    declare(sc, model="SC-DRAFT")  # never counts
    move(yw, YIWU)
    move(sc, SHANGCHENG)
    return {"yk_a": yk_a, "yk_b": yk_b, "yw": yw, "sc": sc}


def test_each_county_counts_its_enterprises_results_and_its_bureaus_schemes(counties):
    now = None
    assert figures(progress_as_of(now, region=RegionScope(YONGKANG))) == (1, 2, 3)
    assert figures(progress_as_of(now, region=RegionScope(YIWU))) == (1, 1, 2)
    assert figures(progress_as_of(now, region=RegionScope(SHANGCHENG))) == (1, 1, 1)
    # Every county, as one county's deployment always counted.
    assert figures(progress_as_of(now)) == (3, 4, 6)


@pytest.mark.parametrize("as_of", INSTANTS)
def test_a_region_is_the_sum_of_its_counties(counties, as_of):
    by_county = {code: figures(progress_as_of(as_of, region=RegionScope(code))) for code in COUNTIES}
    assert figures(progress_as_of(as_of, region=RegionScope(JINHUA))) == total(
        [by_county[YONGKANG], by_county[YIWU]]
    )
    assert figures(progress_as_of(as_of, region=RegionScope(HANGZHOU))) == by_county[SHANGCHENG]
    province = figures(progress_as_of(as_of, region=RegionScope(ZHEJIANG)))
    assert province == total(list(by_county.values()))
    assert province == figures(progress_as_of(as_of))
    # A prefecture with no records counts nothing.
    assert figures(progress_as_of(as_of, region=RegionScope("331000"))) == (0, 0, 0)


def test_as_of_and_withdrawals_per_county(counties):
    yiwu, yongkang = RegionScope(YIWU), RegionScope(YONGKANG)
    # Yiwu's second scheme counts from May to its withdrawal in October 2024.
    assert figures(progress_as_of(dt.date(2024, 4, 30), region=yiwu)) == (1, 1, 1)
    assert figures(progress_as_of(dt.date(2024, 9, 30), region=yiwu)) == (2, 1, 1)
    assert figures(progress_as_of(dt.date(2024, 10, 1), region=yiwu)) == (1, 1, 1)
    # Yongkang's withdrawn result counted between January and March 2025.
    assert figures(progress_as_of(dt.date(2025, 2, 1), region=yongkang)) == (1, 2, 4)
    assert figures(progress_as_of(dt.date(2025, 3, 3), region=yongkang)) == (1, 2, 3)


def test_the_querysets_per_region(counties):
    jinhua = RegionScope(JINHUA)
    assert set(benchmarked_enterprises(region=jinhua)) == {counties["yk_a"], counties["yk_b"], counties["yw"]}
    assert set(benchmarked_enterprises(region=RegionScope(SHANGCHENG))) == {counties["sc"]}
    assert counted_declarations(region=RegionScope(SHANGCHENG)).get().product_model == "SC-1"
    assert counted_declarations(region=jinhua).count() == 5
    assert set(counted_schemes(region=jinhua).values_list("code", flat=True)) == {"YKDB-LIST-001", "YW-1"}
    assert counted_schemes(dt.date(2024, 9, 1), region=RegionScope(YIWU)).count() == 2


def test_figures_by_county_agree_with_counting_each_region(counties, django_assert_num_queries):
    with django_assert_num_queries(2):
        by_county = figures_by_county(INSTANTS[:-1])
    assert set(by_county) == set(COUNTIES)
    for code in COUNTIES:
        expected = progress_at(INSTANTS[:-1], region=RegionScope(code))
        assert [figures(p) for p in by_county[code]] == [figures(p) for p in expected]
        assert [p.as_of for p in by_county[code]] == [p.as_of for p in expected]
    assert [figures(p) for p in by_county[YIWU]] == [(1, 0, 0), (2, 1, 1), (1, 1, 1), (1, 1, 2)]


def test_figures_by_county_costs_two_queries_however_many_counties(
    declare, list_scheme, office, bureau_staff, django_assert_num_queries
):
    codes = ["330782", "330783", "330781", "330102", "330106", "330122", "330182", "331002"]
    for i, code in enumerate(codes):
        publish_scheme(code, bureau_staff, at=EARLY, code=f"S-{code}")
        enterprise = EnterpriseFactory(branch_office=office)
        for n in range(i % 3 + 1):
            declare(enterprise, model=f"{code}-{n}", published=sh(2024, 5, 1 + n))
        move(enterprise, code)
    with django_assert_num_queries(2):
        by_county = figures_by_county([dt.date(2024, 12, 31)])
    assert {code: figures(p[0]) for code, p in by_county.items() if code != YONGKANG} == {
        code: (1, 1, i % 3 + 1) for i, code in enumerate(codes)
    }
    assert figures(by_county[YONGKANG][0]) == (1, 0, 0)  # list_scheme, no result


def test_an_enterprise_moved_to_another_county_counts_there(counties):
    before = {code: figures(progress_as_of(None, region=RegionScope(code))) for code in COUNTIES}
    move(counties["yk_b"], YIWU)  # one counted result (its other withdrawn)
    after = figures_by_county([None])
    assert figures(after[YONGKANG][0]) == (
        before[YONGKANG][0],
        before[YONGKANG][1] - 1,
        before[YONGKANG][2] - 1,
    )
    assert figures(after[YIWU][0]) == (before[YIWU][0], before[YIWU][1] + 1, before[YIWU][2] + 1)
    assert figures(progress_as_of(None, region=RegionScope(YIWU))) == figures(after[YIWU][0])
    # Counted under its current county at every past day too.
    assert figures(progress_as_of(dt.date(2025, 2, 1), region=RegionScope(YIWU))) == (1, 2, 4)
    # The prefecture's total does not change: both counties are 金华's.
    assert figures(progress_as_of(None, region=RegionScope(JINHUA))) == total(
        [before[YONGKANG], before[YIWU]]
    )


@pytest.mark.parametrize("code", [*COUNTIES, JINHUA, ZHEJIANG])
def test_monthly_progress_per_region_matches_progress_as_of(counties, code):
    region = RegionScope(code)
    at = sh(2025, 6, 15)
    months = monthly_progress(MONTHS, at, region=region)
    assert [figures(p) for p in months] == [figures(progress_as_of(p.as_of, region=region)) for p in months]
    # Read off a grid of the region, the same; a grid of another region is not used.
    from benchmarking.selectors.progress import trend_ends

    grid = progress_grid([at], trend_ends=trend_ends(MONTHS, at), region=region)
    assert monthly_progress(MONTHS, at, region=region, grid=grid) == months
    everyone = progress_grid([at], trend_ends=trend_ends(MONTHS, at))
    assert monthly_progress(MONTHS, at, region=region, grid=everyone) == months


def test_grid_breakdowns_per_region(counties, office):
    grid = progress_grid([None], region=RegionScope(YONGKANG))
    assert grid.by_office(0)[office.pk].enterprises == 2
    assert sum(g.schemes for g in grid.by_industry(0).values()) == 1


def test_entered_later_per_region(counties):
    # Every record here was entered today, after the day it counts on: what entered later
    # changed in a past day's figures is, per region, all of that region's figures that day.
    day = dt.date(2024, 12, 31)
    for code in (*COUNTIES, JINHUA, ZHEJIANG):
        region = RegionScope(code)
        later, counted = entered_later(day, region=region), progress_as_of(day, region=region)
        assert (later.schemes, later.enterprises, later.results) == figures(counted), code
