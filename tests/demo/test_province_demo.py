"""``manage.py seed_demo`` for the province: besides Yongkang, the other 89 county-level units of
Zhejiang get offices, enterprises, published schemes and results and a plan each, sized by the
county, so that the computed ranks state the bureau's article ("对标技术方案发布数61项，居全省县级市
第一；完成对标企业数230家，自我声明对标结果数480条，居金华第一、全省前列"); Yongkang stays as it was,
the prefecture's and the province's logins read their regions, and a second run creates nothing.

The module seeds once (twice over, for the second run) in a transaction rolled back at its end,
as tests/demo/test_seed.py does.
"""

from collections import Counter
from dataclasses import dataclass

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Count, F, Max, Min
from django.test import RequestFactory, override_settings

from benchmarking.access import role_of
from benchmarking.choices import COUNTY_LEVEL_KINDS, DeclarationStatus, RegionKind, Role
from benchmarking.demo import province
from benchmarking.demo.province import AHEAD_OF_HOME, build_province, check_province, county_level_units
from benchmarking.demo.specs import PLAN_ENDS, PLAN_STARTS
from benchmarking.models import (
    BranchOffice,
    Declaration,
    Enterprise,
    Plan,
    PlanQuota,
    Region,
    TechnicalScheme,
    UserProfile,
)
from benchmarking.ranks import RankedMeasure, rank_highlight, rank_statement, ranks_by_county
from benchmarking.regions import RegionScope
from benchmarking.selectors.progress import counted_q, figures_by_county, progress_as_of, scheme_counted_q
from benchmarking.selectors.ranks import county_places
from benchmarking.validators import credit_code_region, validate_credit_code
from tests.demo.test_seed import FAST_HASHERS, row_counts, run_seed_demo

YONGKANG = "330784"
JINHUA = "330700"


@dataclass(frozen=True)
class Seeded:
    first_output: str
    second_output: str
    counts_after_first: dict[str, int]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        first = run_seed_demo()
        counts = row_counts()
        second = run_seed_demo()
        yield Seeded(first, second, counts)
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def figures() -> dict[RankedMeasure, dict[str, int]]:
    """Each county's three figures now, counted here with plain grouped queries on the counting
    rule (published, not withdrawn; a scheme not superseded by its published revision either):
    results and enterprises by the enterprise's county, schemes by their publisher's."""
    counted = Declaration.objects.filter(counted_q()).values_list("enterprise__region").order_by()
    schemes = TechnicalScheme.objects.filter(scheme_counted_q()).values_list("publisher_region").order_by()
    return {
        RankedMeasure.SCHEMES: dict(schemes.annotate(n=Count("pk"))),
        RankedMeasure.ENTERPRISES: dict(counted.annotate(n=Count("enterprise", distinct=True))),
        RankedMeasure.RESULTS: dict(counted.annotate(n=Count("pk"))),
    }


def test_every_other_county_has_offices_enterprises_schemes_results_and_a_plan(demo):
    counties = set(Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS).values_list("code", flat=True))
    assert len(counties) == 90
    by_measure = figures()
    for measure, by_county in by_measure.items():
        assert set(by_county) == counties, measure
        assert all(n > 0 for n in by_county.values()), measure
    assert set(BranchOffice.objects.values_list("region", flat=True)) == counties
    plans = Plan.objects.filter(is_active=True)
    assert sorted(plans.values_list("region", flat=True)) == sorted(counties)
    # Each plan's quotas: one per office of its county, adding up to its targets.
    assert PlanQuota.objects.values("plan").distinct().count() == 90
    for plan in plans.exclude(region=YONGKANG).prefetch_related("quotas__branch_office"):
        assert (plan.starts_on, plan.ends_on) == (PLAN_STARTS, PLAN_ENDS)
        offices = {q.branch_office for q in plan.quotas.all()}
        assert offices == set(BranchOffice.objects.filter(region=plan.region_id)), plan.name
        assert sum(q.enterprises for q in plan.quotas.all()) == plan.target_enterprises
        assert sum(q.results for q in plan.quotas.all()) == plan.target_results
        assert all(q.results >= q.enterprises for q in plan.quotas.all())
        # Targets a little ahead of the county's figures, as Yongkang's (61 / 100, 230 / 300, 480 / 600).
        assert plan.target_schemes >= by_measure[RankedMeasure.SCHEMES][plan.region_id], plan.name
        assert plan.target_enterprises >= by_measure[RankedMeasure.ENTERPRISES][plan.region_id], plan.name
        assert plan.target_results >= by_measure[RankedMeasure.RESULTS][plan.region_id], plan.name


def test_the_counting_selector_agrees_and_yongkang_is_as_it_was(demo):
    counted = figures()
    per_county = figures_by_county([None])
    for code, (progress,) in per_county.items():
        assert (progress.schemes, progress.enterprises, progress.results) == (
            counted[RankedMeasure.SCHEMES].get(code, 0),
            counted[RankedMeasure.ENTERPRISES].get(code, 0),
            counted[RankedMeasure.RESULTS].get(code, 0),
        ), code
    yongkang = progress_as_of(region=RegionScope(YONGKANG))
    assert (yongkang.schemes, yongkang.enterprises, yongkang.results) == (61, 230, 480)
    assert BranchOffice.objects.filter(region=YONGKANG).count() == 15
    # The command reports Yongkang's progress against its own plan, not the province's sum.
    for line in ("61 / 100", "230 / 300", "480 / 600"):
        assert line in demo.first_output and line in demo.second_output
    # No other county's enterprise declared against Yongkang's schemes.
    assert not Declaration.objects.filter(scheme__publisher_region=YONGKANG).exclude(
        enterprise__region=YONGKANG
    )


def test_the_ranks_state_the_article(demo):
    tree = county_places()
    by_measure = figures()
    schemes = rank_statement(RankedMeasure.SCHEMES, YONGKANG, by_measure[RankedMeasure.SCHEMES], tree)
    assert schemes.startswith("对标技术方案发布数 61 项，居全省县级市第 1、金华第 1，全省第")
    county_cities = {
        code: n
        for code, n in by_measure[RankedMeasure.SCHEMES].items()
        if tree[code].kind == RegionKind.COUNTY_CITY and code != YONGKANG
    }
    assert len(county_cities) == 19 and max(county_cities.values()) < 61

    for measure, figure in ((RankedMeasure.ENTERPRISES, 230), (RankedMeasure.RESULTS, 480)):
        by_county = by_measure[measure]
        ranks = ranks_by_county(by_county, tree)[YONGKANG]
        assert (ranks.figure, ranks.prefecture.rank, ranks.prefecture.tied) == (figure, 1, False)
        assert all(
            n < figure
            for code, n in by_county.items()
            if tree[code].prefecture == JINHUA and code != YONGKANG
        )
        assert ranks.province.of == 90 and ranks.province.rank <= 9
        assert ranks.province.rank > 1  # 前列, not 第一: a few districts are ahead
        assert rank_highlight(ranks).startswith("居") and rank_highlight(ranks).endswith("金华第 1、全省前列")
        # Only the manufacturing districts of Hangzhou and Ningbo are ahead of Yongkang.
        ahead = {code for code, n in by_county.items() if n > figure}
        assert ahead and ahead <= AHEAD_OF_HOME
        assert {tree[code].prefecture for code in ahead} <= {"330100", "330200"}


def test_figures_follow_the_size_of_the_county(demo):
    enterprises = figures()[RankedMeasure.ENTERPRISES]
    hangzhou_districts = Region.objects.filter(parent__code="330100", kind=RegionKind.DISTRICT)
    lishui_counties = Region.objects.filter(
        parent__code="331100", kind__in=[RegionKind.COUNTY, RegionKind.AUTONOMOUS_COUNTY]
    )
    big = sorted(enterprises[code] for code in hangzhou_districts.values_list("code", flat=True))
    small = sorted(enterprises[code] for code in lishui_counties.values_list("code", flat=True))
    assert big[len(big) // 2] > 3 * small[len(small) // 2]
    assert enterprises["330922"] < 40  # 嵊泗, islands
    # Not every county alike: the figures spread widely.
    assert len(set(enterprises.values())) > 70


def test_records_are_valid_and_dated_over_the_plan(demo):
    others = Enterprise.objects.exclude(region=YONGKANG)
    for code, region in others.values_list("credit_code", "region"):
        validate_credit_code(code)
        assert credit_code_region(code) == region
    assert others.values("name").distinct().count() == others.count()
    # An enterprise's office is in its county.
    assert not others.exclude(branch_office__region=F("region")).exists()
    names = list(BranchOffice.objects.exclude(region=YONGKANG).values_list("name", flat=True))
    assert "萧山城区市场监督管理所" in names and all(n.endswith("市场监督管理所") for n in names)

    results = Declaration.objects.exclude(enterprise__region=YONGKANG)
    assert set(results.values_list("status", flat=True)) == {DeclarationStatus.PUBLISHED}
    assert not results.filter(published_at__lte=F("scheme__published_at")).exists()
    # Entered when declared (online) or when entered and published (paper), not at seeding time.
    assert not results.exclude(created_at__lte=F("published_at")).exists()
    assert results.filter(entered_on_paper=False, submitted_at__isnull=False).exists()
    years = Counter(results.values_list("published_at__year", flat=True))
    assert set(years) == {2022, 2023, 2024, 2025, 2026}
    assert years[2026] > years[2025] > years[2024] > years[2023] > years[2022]
    span = TechnicalScheme.objects.exclude(publisher_region=YONGKANG).aggregate(
        first=Min("published_at"), last=Max("published_at"), late=Max("created_at")
    )
    assert span["first"].year == 2022 and span["last"].year == 2026
    assert span["late"] == span["last"]  # entered when published
    # Results use the schemes of their county, now and then a neighbour's in the same prefecture.
    borrowed = results.exclude(scheme__publisher_region=F("enterprise__region"))
    assert borrowed.exists()
    for enterprise_region, scheme_region in borrowed.values_list(
        "enterprise__region", "scheme__publisher_region"
    ):
        assert enterprise_region[:4] == scheme_region[:4]


def test_the_prefecture_and_province_logins(demo):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
    for username, password, region in (
        ("jinhua", "Demo-Jinhua-2026", "330700"),
        ("zhejiang", "Demo-Zhejiang-2026", "330000"),
    ):
        user = authenticate(request, username=username, password=password)
        assert user is not None, username
        assert role_of(user) == Role.MANAGER and user.is_staff
        assert UserProfile.objects.get(user=user).region_id == region
        assert [username, password] in [line.split()[1:] for line in demo.second_output.splitlines()]
    assert "局领导（金华市）" in demo.first_output and "局领导（浙江省）" in demo.first_output
    # Yongkang's logins keep the home county.
    assert set(
        UserProfile.objects.exclude(user__username__in=["jinhua", "zhejiang"]).values_list(
            "region", flat=True
        )
    ) == {YONGKANG}


def test_second_run_creates_nothing(demo):
    assert row_counts() == demo.counts_after_first
    assert "已添加全省其他 89 个县（市、区）的演示数据" in demo.first_output
    assert "全省其他 89 个县（市、区）的演示数据已齐全" in demo.second_output
    assert "本次未新建任何记录" in demo.second_output


def test_the_plan_is_the_same_every_time(demo):
    counties = county_level_units()
    assert build_province(counties) == build_province(counties)


def test_a_plan_that_would_not_state_the_article_is_refused(demo, monkeypatch):
    counties = county_level_units()
    tree = county_places()
    plan = build_province(counties)
    # 义乌 publishing more schemes than Yongkang: no longer first among the county-level cities.
    yiwu = next(s for s in plan.schemes if s.code.startswith("DB330782-"))
    plan.schemes += [
        province.SchemeRow(**{**yiwu.__dict__, "code": f"DB330782-2026-9{n:02d}"}) for n in range(40)
    ]
    with pytest.raises(ValueError, match=r"schemes: .* not first"):
        check_province(plan, tree=tree)
    # Every county as big as Hangzhou's largest district: Yongkang no longer in the front.
    monkeypatch.setattr(province, "AHEAD_OF_HOME", frozenset(tree))
    monkeypatch.setattr(province, "COUNTY_SIZES", dict.fromkeys(tree, 1.4))
    with pytest.raises(ValueError, match=r"not first|not in its front"):
        build_province(counties)
