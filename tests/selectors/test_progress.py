"""The counting rules (docs/domain.md, "Counting") as benchmarking.selectors.progress answers them."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from benchmarking.selectors.progress import (
    GroupCounts,
    benchmarked_enterprises,
    counted_declarations,
    counted_schemes,
    end_of_day,
    monthly_progress,
    progress_as_of,
    progress_at,
    progress_grid,
)
from benchmarking.services.declarations import (
    declaration_create,
    declaration_publish,
    declaration_return,
    declaration_submit,
    declaration_withdraw,
)
from benchmarking.services.schemes import scheme_publish, scheme_withdraw
from tests.factories import EnterpriseFactory, IndicatorFactory, SchemeFactory

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
D = dt.date(2024, 6, 30)  # the "as of" day of the boundary tests
NEXT = D + dt.timedelta(days=1)


def sh(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """An aware instant on a Shanghai wall clock."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SH)


EARLY = sh(dt.date(2024, 1, 10), 9)  # long before every as-of instant below


@pytest.fixture
def base_scheme(bureau_staff):
    """A scheme published well before every instant the tests ask about."""
    scheme = SchemeFactory(code="YKDB-BASE")
    IndicatorFactory(scheme=scheme, name="保温效能", benchmark_value=Decimal("12"))
    return scheme_publish(scheme=scheme, actor=bureau_staff, at=EARLY)


def declare(enterprise, scheme, standard, actor, *, model: str, at: dt.datetime):
    """A complete paper declaration entered by staff at ``at``, still a draft."""
    indicator = scheme.indicators.get()
    return declaration_create(
        actor=actor,
        enterprise=enterprise,
        scheme=scheme,
        product_name="保温杯",
        product_model=model,
        executed_standard=standard,
        values={indicator.pk: Decimal("13")},
        at=at,
    )


@pytest.fixture
def make_published(base_scheme, executed_standard, bureau_staff):
    """make_published(enterprise, at=…, model=…) -> a declaration published at ``at``."""

    def make(enterprise, *, at: dt.datetime, model: str):
        declaration = declare(enterprise, base_scheme, executed_standard, bureau_staff, model=model, at=at)
        return declaration_publish(declaration=declaration, actor=bureau_staff, at=at)

    return make


def counts(as_of) -> tuple[int, int, int]:
    progress = progress_as_of(as_of)
    return (progress.schemes, progress.enterprises, progress.results)


# ---------------------------------------------------------------------------
# what counts
# ---------------------------------------------------------------------------


def test_only_published_declarations_count(
    base_scheme, executed_standard, bureau_staff, enterprise, make_published
):
    at = sh(dt.date(2024, 2, 1), 10)
    draft = declare(enterprise, base_scheme, executed_standard, bureau_staff, model="DRAFT", at=at)
    submitted = declare(enterprise, base_scheme, executed_standard, bureau_staff, model="SUBMITTED", at=at)
    declaration_submit(declaration=submitted, actor=bureau_staff, at=at)
    returned = declare(enterprise, base_scheme, executed_standard, bureau_staff, model="RETURNED", at=at)
    declaration_submit(declaration=returned, actor=bureau_staff, at=at)
    declaration_return(declaration=returned, actor=bureau_staff, comment="缺检测报告", at=at)
    withdrawn = make_published(enterprise, at=at, model="WITHDRAWN")
    declaration_withdraw(
        declaration=withdrawn, actor=bureau_staff, comment="数据有误", at=at + dt.timedelta(hours=1)
    )
    published = make_published(enterprise, at=at, model="PUBLISHED")

    as_of = sh(dt.date(2024, 3, 1), 12)
    assert list(counted_declarations(as_of)) == [published]
    assert draft not in counted_declarations(as_of)
    assert list(benchmarked_enterprises(as_of)) == [enterprise]
    assert counts(as_of) == (1, 1, 1)
    assert counts(None) == (1, 1, 1)  # "now" as well


def test_an_enterprise_with_no_counted_result_is_not_benchmarked(
    base_scheme, executed_standard, bureau_staff, enterprise, other_enterprise, make_published
):
    at = sh(dt.date(2024, 2, 1), 10)
    declare(other_enterprise, base_scheme, executed_standard, bureau_staff, model="ONLY-DRAFT", at=at)
    make_published(enterprise, at=at, model="YK-1")
    assert set(benchmarked_enterprises(D)) == {enterprise}


def test_an_enterprise_with_several_results_counts_once(enterprise, other_enterprise, make_published):
    at = sh(dt.date(2024, 2, 1), 10)
    for model in ("YK-1", "YK-2", "YK-3", "YK-4", "YK-5"):
        make_published(enterprise, at=at, model=model)
    make_published(other_enterprise, at=at, model="YK-1")

    assert counts(D) == (1, 2, 6)
    assert benchmarked_enterprises(D).count() == 2
    assert set(benchmarked_enterprises(D)) == {enterprise, other_enterprise}


def test_a_result_withdrawn_after_the_as_of_date_still_counts_as_of_that_date(
    enterprise, bureau_staff, make_published
):
    declaration = make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-1")
    declaration_withdraw(declaration=declaration, actor=bureau_staff, comment="企业申请撤回", at=sh(NEXT, 9))

    assert counts(D) == (1, 1, 1)
    assert list(counted_declarations(D)) == [declaration]
    assert counts(NEXT) == (1, 0, 0)
    assert counts(None) == (1, 0, 0)


def test_nothing_counts_before_it_was_published(enterprise, make_published):
    make_published(enterprise, at=sh(D, 12), model="YK-1")
    assert counts(D - dt.timedelta(days=1)) == (1, 0, 0)
    assert counts(sh(D, 11, 59, 59)) == (1, 0, 0)
    assert counts(sh(D, 12)) == (1, 1, 1)  # "on or before T"


# ---------------------------------------------------------------------------
# "as of a date" is the end of that Shanghai day
# ---------------------------------------------------------------------------


def test_end_of_day_is_the_last_instant_of_the_shanghai_day(db):
    assert end_of_day(D) == dt.datetime(2024, 7, 1, tzinfo=SH) - dt.timedelta(microseconds=1)
    assert end_of_day(D) == dt.datetime(2024, 6, 30, 15, 59, 59, 999999, tzinfo=UTC)
    assert progress_as_of(D).as_of == end_of_day(D)


def test_declaration_day_boundary_in_shanghai(enterprise, other_enterprise, make_published):
    late = make_published(enterprise, at=sh(D, 23, 59), model="LATE")
    early_next = make_published(other_enterprise, at=sh(NEXT, 0, 1), model="EARLY")

    assert list(counted_declarations(D)) == [late]
    assert counts(D) == (1, 1, 1)
    assert set(counted_declarations(NEXT)) == {late, early_next}
    assert counts(NEXT) == (1, 2, 2)
    # 23:59 Shanghai on D is 15:59 UTC on D; 00:01 on D+1 is still 16:01 UTC on D,
    # so a UTC reading of "the day" would wrongly count both.
    assert counts(dt.datetime(2024, 6, 30, 23, 59, tzinfo=UTC)) == (1, 2, 2)


def test_published_exactly_at_midnight_belongs_to_the_next_day(enterprise, make_published):
    make_published(enterprise, at=sh(NEXT, 0, 0), model="MIDNIGHT")
    assert counts(D) == (1, 0, 0)
    assert counts(NEXT) == (1, 1, 1)


def test_declaration_withdrawn_at_the_day_boundary(
    enterprise, other_enterprise, bureau_staff, make_published
):
    before_midnight = make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="A")
    after_midnight = make_published(other_enterprise, at=sh(dt.date(2024, 2, 1), 10), model="B")
    declaration_withdraw(declaration=before_midnight, actor=bureau_staff, comment="撤回", at=sh(D, 23, 59))
    declaration_withdraw(declaration=after_midnight, actor=bureau_staff, comment="撤回", at=sh(NEXT, 0, 1))

    assert list(counted_declarations(D)) == [after_midnight]
    assert list(benchmarked_enterprises(D)) == [other_enterprise]
    assert counts(NEXT) == (1, 0, 0)


def test_scheme_day_boundary_in_shanghai(bureau_staff):
    def new_scheme(code):
        scheme = SchemeFactory(code=code)
        IndicatorFactory(scheme=scheme)
        return scheme

    late = scheme_publish(scheme=new_scheme("LATE"), actor=bureau_staff, at=sh(D, 23, 59))
    scheme_publish(scheme=new_scheme("EARLY-NEXT"), actor=bureau_staff, at=sh(NEXT, 0, 1))
    new_scheme("NEVER")  # a draft never counts

    assert list(counted_schemes(D)) == [late]
    assert counts(D) == (1, 0, 0)
    assert counted_schemes(NEXT).count() == 2
    assert counts(None)[0] == 2


def test_scheme_withdrawn_at_the_day_boundary(bureau_staff):
    def published_scheme(code):
        scheme = SchemeFactory(code=code)
        IndicatorFactory(scheme=scheme)
        return scheme_publish(scheme=scheme, actor=bureau_staff, at=EARLY)

    gone_before_midnight = published_scheme("GONE-D")
    gone_after_midnight = published_scheme("GONE-NEXT")
    scheme_withdraw(scheme=gone_before_midnight, actor=bureau_staff, reason="换版", at=sh(D, 23, 59))
    scheme_withdraw(scheme=gone_after_midnight, actor=bureau_staff, reason="换版", at=sh(NEXT, 0, 1))

    assert counts(D - dt.timedelta(days=1))[0] == 2
    assert list(counted_schemes(D)) == [gone_after_midnight]
    assert counts(NEXT)[0] == 0
    assert counts(None)[0] == 0


# ---------------------------------------------------------------------------
# an enterprise changing branch office
# ---------------------------------------------------------------------------


def test_moving_an_enterprise_to_another_branch_leaves_the_totals_alone(
    enterprise, other_office, make_published
):
    other = EnterpriseFactory(branch_office=other_office)
    make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-1")
    make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-2")
    make_published(other, at=sh(dt.date(2024, 2, 1), 10), model="YK-1")
    before = (counts(D), counts(None))
    assert before[0] == (1, 2, 3)

    enterprise.branch_office = other_office
    enterprise.save()

    assert (counts(D), counts(None)) == before


def test_an_enterprise_and_its_results_count_under_its_current_office_even_as_of_the_past(
    enterprise, office, other_office, make_published
):
    make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-1")
    make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-2")
    assert progress_grid([D]).by_office(0) == {office.pk: GroupCounts(enterprises=1, results=2)}

    enterprise.branch_office = other_office
    enterprise.save()

    # The rule counts under the *current* office: last month's figures move with the enterprise.
    assert progress_grid([D]).by_office(0) == {other_office.pk: GroupCounts(enterprises=1, results=2)}
    assert progress_as_of(D, branch_office_id=office.pk).results == 0
    assert progress_as_of(D, branch_office_id=other_office.pk).results == 2


# ---------------------------------------------------------------------------
# breakdowns and several instants at once
# ---------------------------------------------------------------------------


def test_counts_by_industry_put_schemes_under_theirs_and_results_under_the_enterprises(
    base_scheme, enterprise, other_enterprise, make_published
):
    make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-1")
    make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-2")
    make_published(other_enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-1")
    by_industry = progress_grid([D]).by_industry(0)

    assert by_industry[base_scheme.industry_id].schemes == 1
    assert by_industry[enterprise.industry_id].enterprises == 1
    assert by_industry[enterprise.industry_id].results == 2
    assert by_industry[other_enterprise.industry_id].results == 1
    assert sum(c.results for c in by_industry.values()) == counts(D)[2]


def test_progress_at_several_instants_equals_one_at_a_time(enterprise, bureau_staff, make_published):
    published = make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-1")
    declaration_withdraw(
        declaration=published, actor=bureau_staff, comment="更正", at=sh(dt.date(2024, 5, 1), 10)
    )
    instants = [end_of_day(day) for day in (dt.date(2024, 1, 31), dt.date(2024, 3, 1), dt.date(2024, 6, 1))]

    together = progress_at(instants)

    assert together == [progress_as_of(at) for at in instants]
    assert [p.results for p in together] == [0, 1, 0]


# ---------------------------------------------------------------------------
# the monthly trend
# ---------------------------------------------------------------------------

MONTHS = [dt.date(2024, m, 1) for m in range(1, 13)]


def assert_trend_matches_the_rule(as_of, **scope):
    trend = monthly_progress(MONTHS, as_of, **scope)
    assert trend, "the trend has points"
    for point in trend:
        expected = progress_as_of(point.as_of, **scope)
        assert (point.schemes, point.enterprises, point.results) == (
            expected.schemes,
            expected.enterprises,
            expected.results,
        ), point.as_of
    return trend


def test_trend_counts_each_month_end_by_the_counting_rule(
    enterprise, other_enterprise, office, bureau_staff, make_published
):
    # Published at 23:59 on the last day of March and at 00:01 on the first of April (Shanghai):
    # the first counts at the end of March, the second only from April.
    make_published(enterprise, at=sh(dt.date(2024, 3, 31), 23, 59), model="YK-1")
    make_published(other_enterprise, at=sh(dt.date(2024, 4, 1), 0, 1), model="YK-1")
    # Withdrawn in June and declared again in August: the enterprise drops out for June and July.
    gap = make_published(enterprise, at=sh(dt.date(2024, 3, 31), 23, 59), model="YK-2")
    declaration_withdraw(declaration=gap, actor=bureau_staff, comment="更正", at=sh(dt.date(2024, 5, 2), 9))
    first = enterprise.declarations.get(product_model="YK-1")
    declaration_withdraw(declaration=first, actor=bureau_staff, comment="更正", at=sh(dt.date(2024, 6, 3), 9))
    make_published(enterprise, at=sh(dt.date(2024, 8, 5), 9), model="YK-3")

    trend = assert_trend_matches_the_rule(dt.date(2024, 12, 31))
    enterprises = {p.as_of.month: p.enterprises for p in trend}
    assert [enterprises[m] for m in (2, 3, 4, 5, 6, 7, 8)] == [0, 1, 2, 2, 1, 1, 2]
    assert_trend_matches_the_rule(dt.date(2024, 12, 31), branch_office_id=office.pk)


def test_trend_stops_at_the_as_of_day_and_ignores_what_came_after(enterprise, bureau_staff, make_published):
    published = make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-1")
    declaration_withdraw(
        declaration=published, actor=bureau_staff, comment="更正", at=sh(dt.date(2024, 6, 20), 9)
    )
    make_published(enterprise, at=sh(dt.date(2024, 6, 18), 9), model="YK-2")

    trend = assert_trend_matches_the_rule(dt.date(2024, 6, 15))

    assert trend[-1].as_of == end_of_day(dt.date(2024, 6, 15))
    # The withdrawal on 20 June has not happened as of the 15th; the new result neither.
    assert (trend[-1].enterprises, trend[-1].results) == (1, 1)


def test_trend_costs_the_same_queries_for_any_number_of_records(
    enterprise, other_enterprise, make_published, django_assert_num_queries
):
    make_published(enterprise, at=sh(dt.date(2024, 2, 1), 10), model="YK-1")
    with django_assert_num_queries(4) as few:
        monthly_progress(MONTHS, dt.date(2024, 12, 31))
    for n in range(12):
        make_published(other_enterprise, at=sh(dt.date(2024, 1 + n, 3), 10), model=f"YK-{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        monthly_progress(MONTHS, dt.date(2024, 12, 31))


# A boundary instant or an ordinary one, in the months around MONTHS.
def _random_instant(rng) -> dt.datetime:
    month = dt.date(2023 + (rng.randrange(14) + 11) // 12, (rng.randrange(14) + 11) % 12 + 1, 1)
    last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return rng.choice(
        [
            sh(month, 0, 0),  # the first instant of a month
            sh(last, 23, 59, 59),  # the last second of one
            sh(month.replace(day=rng.randint(1, last.day)), rng.randrange(24), rng.randrange(60)),
        ]
    )


@pytest.mark.parametrize("seed", range(6))
def test_trend_and_grid_follow_the_rule_for_random_histories(
    seed, office, other_office, base_scheme, executed_standard, bureau_staff
):
    """Random publications and withdrawals (some re-declared, some withdrawn after T, some at
    month boundaries): every trend point, for the city and each office, with and without a grid
    read in the same pass, counts what ``progress_as_of`` counts at that instant."""
    import random

    from benchmarking.selectors.progress import trend_ends

    rng = random.Random(seed)
    enterprises = [EnterpriseFactory(branch_office=rng.choice([office, other_office])) for _ in range(4)]
    for n in range(14):
        published_at = _random_instant(rng)
        declaration = declare(
            rng.choice(enterprises),
            base_scheme,
            executed_standard,
            bureau_staff,
            model=f"R-{n}",
            at=published_at,
        )
        declaration = declaration_publish(declaration=declaration, actor=bureau_staff, at=published_at)
        if rng.random() < 0.45:
            withdrawn_at = max(published_at + dt.timedelta(seconds=1), _random_instant(rng))
            declaration_withdraw(declaration=declaration, actor=bureau_staff, comment="更正", at=withdrawn_at)

    for as_of in (dt.date(2024, 12, 31), dt.date(2024, 6, 15), _random_instant(rng)):
        at = end_of_day(as_of) if isinstance(as_of, dt.date) and not isinstance(as_of, dt.datetime) else as_of
        grid = progress_grid([at, end_of_day(dt.date(2024, 3, 1))], trend_ends=trend_ends(MONTHS, at))
        for scope in ({}, {"branch_office_id": office.pk}, {"branch_office_id": other_office.pk}):
            trend = monthly_progress(MONTHS, at, **scope)
            assert trend == monthly_progress(MONTHS, at, grid=grid, **scope)
            for point in trend:
                expected = progress_as_of(point.as_of, **scope)
                assert (point.schemes, point.enterprises, point.results) == (
                    expected.schemes,
                    expected.enterprises,
                    expected.results,
                ), (seed, as_of, scope, point.as_of)
