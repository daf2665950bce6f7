"""``manage.py generate_scale --counties N`` / ``--province``: the copies spread round-robin over
the province's county-level units, each county with its own offices, its own current plan, its
enterprises and schemes, so that each counts (copies in it) × the demo's 61 / 230 / 480.

As in tests/demo/test_scale.py, ``TestFourOverThree`` generates factor 4 over 3 counties once in
a transaction rolled back when the class ends: copies 1 and 4 in 永康市 (the home county), copy
2 in 婺城区, copy 3 in 金东区 (金华's next counties by code).
"""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F

from benchmarking.choices import COUNTY_LEVEL_KINDS
from benchmarking.demo.builder import build_demo
from benchmarking.demo.scale import generate_scale, scale_credit_code, spread_counties
from benchmarking.models import BranchOffice, Enterprise, Plan, PlanQuota, Region, TechnicalScheme
from benchmarking.selectors.progress import benchmarked_enterprises, counted_declarations, counted_schemes
from benchmarking.validators import validate_credit_code

DEMO = build_demo()
HOME, WUCHENG, JINDONG = "330784", "330702", "330703"
COPIES = {HOME: 2, WUCHENG: 1, JINDONG: 1}


@pytest.fixture(scope="class")
def spread(django_db_setup, django_db_blocker):
    """The command's output for factor 4 over 3 counties on an empty database."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("generate_scale", "--factor", "4", "--counties", "3", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def output(spread, db):
    return spread


def figures(county: str) -> tuple[int, int, int]:
    """The county's three counted figures, counted by the rule's own selectors."""
    return (
        counted_schemes().filter(publisher_region=county).count(),
        benchmarked_enterprises().filter(region=county).count(),
        counted_declarations().filter(enterprise__region=county).count(),
    )


class TestFourOverThree:
    def test_each_county_counts_its_copies_times_the_demo(self, output):
        for county, copies in COPIES.items():
            assert figures(county) == (copies * 61, copies * 230, copies * 480), county
        assert Counter(Enterprise.objects.values_list("region", flat=True)) == {
            county: copies * len(DEMO.enterprises) for county, copies in COPIES.items()
        }
        assert "分到 3 个县级行政区" in output and "每县 1–2 份" in output

    def test_each_other_county_has_its_own_offices_and_its_enterprises_use_them(self, output):
        for county in (WUCHENG, JINDONG):
            offices = BranchOffice.objects.filter(region=county)
            assert sorted(o.code for o in offices) == sorted(f"{o.code}-{county}" for o in DEMO.offices)
            short_name = Region.objects.get(code=county).short_name
            assert all(o.name.startswith(short_name) for o in offices)
        # The home county keeps the demo's offices, under their own codes.
        assert sorted(BranchOffice.objects.filter(region=HOME).values_list("code", flat=True)) == sorted(
            o.code for o in DEMO.offices
        )
        # An enterprise's office is in its county, so a county's office figures add up to it.
        assert not Enterprise.objects.exclude(branch_office__region=F("region")).exists()

    def test_each_county_has_one_current_plan_with_quotas_for_its_own_offices(self, output):
        for county, copies in COPIES.items():
            plan = Plan.objects.get(region=county, is_active=True)
            quotas = PlanQuota.objects.filter(plan=plan)
            assert quotas.count() == len(DEMO.plan.quotas)
            assert not quotas.exclude(branch_office__region=county).exists()
            if county == HOME:
                # seed_demo's plan, shared as without the option.
                assert plan.name == DEMO.plan.name and plan.target_results == DEMO.plan.target_results
            else:
                assert plan.name.startswith(Region.objects.get(code=county).name)
                assert plan.target_results == copies * DEMO.plan.target_results
                assert sum(q.results for q in quotas) == copies * sum(q.results for q in DEMO.plan.quotas)
        assert Plan.objects.count() == len(COPIES)

    def test_schemes_are_published_in_their_county_under_its_name(self, output):
        assert Counter(TechnicalScheme.objects.values_list("publisher_region", flat=True)) == {
            county: copies * len(DEMO.schemes) for county, copies in COPIES.items()
        }
        others = TechnicalScheme.objects.exclude(publisher_region=HOME)
        assert not others.filter(publisher__startswith="永康市").exists()
        assert others.filter(publisher__startswith="婺城区", publisher_region=WUCHENG).exists()

    def test_credit_codes_stay_valid_and_distinct(self, output):
        codes = list(Enterprise.objects.values_list("credit_code", flat=True))
        assert len(set(codes)) == len(codes) == 4 * len(DEMO.enterprises)
        for code in codes[:: len(DEMO.enterprises) // 3]:
            validate_credit_code(code)
        assert set(codes) == {scale_credit_code(n) for n in range(len(codes))}


def test_spread_order_is_home_then_its_prefecture_then_the_province(db):
    counties = spread_counties()
    codes = [c.code for c in counties]
    assert (
        len(codes) == Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS, code__startswith="33").count() == 90
    )
    assert codes[0] == HOME
    jinhua = [c for c in codes if c.startswith("3307")]
    assert codes[: len(jinhua)] == [HOME, *sorted(set(jinhua) - {HOME})]
    assert codes[len(jinhua) :] == sorted(c for c in codes if not c.startswith("3307"))
    assert [c.code for c in spread_counties(3)] == [HOME, WUCHENG, JINDONG]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--factor", "2", "--counties", "3"], "fewer copies than the 3 counties"),
        (["--factor", "89", "--province"], "fewer copies than the 90 counties"),
        (["--factor", "100", "--counties", "91"], "between 1 and 90"),
        (["--factor", "2", "--counties", "0"], "between 1 and 90"),
    ],
)
def test_refuses_a_spread_that_leaves_a_county_empty_or_is_not_in_the_province(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_scale", *arguments, stdout=io.StringIO())
    assert not Enterprise.objects.exists() and not BranchOffice.objects.exists()


def test_counties_and_province_are_one_or_the_other(db):
    with pytest.raises(CommandError):
        call_command(
            "generate_scale", "--factor", "90", "--counties", "3", "--province", stdout=io.StringIO()
        )


def test_a_county_with_a_current_plan_keeps_it(db):
    """One current plan per county: a county that has one (the bureau's, or seed_demo's) keeps
    it, and the spread's plan for it is added as not current, with a note."""
    theirs = Plan.objects.create(
        name="婺城区的计划", starts_on="2024-01-01", ends_on="2026-12-31", region_id=WUCHENG, is_active=True
    )
    result = generate_scale(2, counties=2, with_items=False)
    assert Plan.objects.get(region=WUCHENG, is_active=True) == theirs
    ours = Plan.objects.get(region=WUCHENG, is_active=False)
    assert ours.quotas.count() == len(DEMO.plan.quotas)
    assert any("婺城区已有当前计划" in note for note in result.notes)
    assert result.copies_by_county == {HOME: 1, WUCHENG: 1}
    assert figures(WUCHENG) == (61, 230, 480)
