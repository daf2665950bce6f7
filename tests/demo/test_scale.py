"""``manage.py generate_scale``: N copies of the demo count exactly N × (61, 230, 480), now
and at every earlier date, with valid rows, shared reference data, and no second run.

Like tests/demo/test_seed.py, ``TestFactorTwo`` generates factor 2 once inside a
transaction that is rolled back when the class ends; each of its tests runs in its own
savepoint on top. The tests outside the class start from an empty database.
"""

import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Max, QuerySet

from benchmarking.access import role_of
from benchmarking.choices import Role
from benchmarking.demo import scale
from benchmarking.demo.builder import build_demo
from benchmarking.demo.scale import (
    COPIED_MODELS,
    SCALE_CODE_PREFIX,
    SCALE_USERNAME,
    copy_rows,
    generate_scale,
    scale_credit_code,
)
from benchmarking.demo.seed import _logins, seed_industries, seed_offices, seed_plan, seed_standards
from benchmarking.models import (
    BranchOffice,
    Declaration,
    DeclarationEvent,
    DeclarationItem,
    Enterprise,
    Indicator,
    Industry,
    Plan,
    PlanQuota,
    Standard,
    TechnicalScheme,
)
from benchmarking.selectors.progress import end_of_day, progress_as_of
from benchmarking.validators import validate_credit_code

FACTOR = 2
DEMO = build_demo()


@pytest.fixture(scope="class")
def scaled(django_db_setup, django_db_blocker):
    """The command's output for factor 2 on an empty database."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("generate_scale", "--factor", str(FACTOR), stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def output(scaled, db):
    return scaled


def _moment(spec, action):
    """When the demo declaration ``spec`` last made ``action``, or None."""
    return next((step.at for step in reversed(spec.steps) if step.action == action), None)


def demo_progress(at: dt.datetime) -> tuple[int, int, int]:
    """The demo's own counts at instant ``at``, worked out from its plan, not the database."""

    def counted(published, withdrawn):
        return published is not None and published <= at and (withdrawn is None or withdrawn > at)

    schemes = sum(1 for s in DEMO.schemes if counted(s.published_at, s.withdrawn_at))
    results = [d for d in DEMO.declarations if counted(_moment(d, "publish"), _moment(d, "withdraw"))]
    return schemes, len({d.enterprise for d in results}), len(results)


class TestFactorTwo:
    def test_counts_are_factor_times_the_demo(self, output):
        progress = progress_as_of()
        assert (progress.schemes, progress.enterprises, progress.results) == (
            FACTOR * 61,
            FACTOR * 230,
            FACTOR * 480,
        )
        assert f"= {FACTOR} × 480 + 0" in output

    @pytest.mark.parametrize("day", [dt.date(2022, 12, 31), dt.date(2024, 6, 30), dt.date(2025, 6, 30)])
    def test_counts_over_time_are_factor_times_the_demo(self, output, day):
        """The copies keep the demo's dates, so the "as of" counts and the trend scale too."""
        at = end_of_day(day)
        progress = progress_as_of(at)
        expected = tuple(FACTOR * n for n in demo_progress(at))
        assert (progress.schemes, progress.enterprises, progress.results) == expected
        assert 0 < expected[2] < FACTOR * 480

    def test_copies_keep_statuses_grades_and_dates(self, output):
        declarations = Counter(
            Declaration.objects.values_list("status", "grade", "submitted_at", "published_at", "withdrawn_at")
        )
        expected = Counter(
            (d.status, d.grade, _moment(d, "submit"), _moment(d, "publish"), _moment(d, "withdraw"))
            for d in DEMO.declarations
        )
        assert declarations == Counter({key: FACTOR * n for key, n in expected.items()})

        schemes = Counter(TechnicalScheme.objects.values_list("published_at", "withdrawn_at"))
        expected = Counter((s.published_at, s.withdrawn_at) for s in DEMO.schemes)
        assert schemes == Counter({key: FACTOR * n for key, n in expected.items()})

    def test_one_item_per_indicator_and_one_event_per_move(self, output):
        indicators = dict(TechnicalScheme.objects.annotate(n=Count("indicators")).values_list("pk", "n"))
        items = Declaration.objects.annotate(n=Count("items")).values_list("scheme_id", "n")
        assert all(n == indicators[scheme] for scheme, n in items)
        assert not DeclarationItem.objects.exclude(indicator__scheme=F("declaration__scheme")).exists()
        assert not DeclarationItem.objects.filter(comparison="").exists()
        assert DeclarationItem.objects.count() == FACTOR * sum(len(d.values) for d in DEMO.declarations)

        assert DeclarationEvent.objects.count() == FACTOR * sum(len(d.steps) for d in DEMO.declarations)
        last = {}
        for declaration, to_status in DeclarationEvent.objects.order_by("at").values_list(
            "declaration_id", "to_status"
        ):
            last[declaration] = to_status
        assert last == dict(Declaration.objects.values_list("pk", "status"))

    def test_identifiers_are_valid_and_each_copy_has_its_own(self, output):
        codes = list(Enterprise.objects.values_list("credit_code", flat=True))
        assert len(codes) == FACTOR * len(DEMO.enterprises)
        for code in codes:
            assert code.startswith(SCALE_CODE_PREFIX)
            validate_credit_code(code)
        names = list(Enterprise.objects.values_list("name", flat=True))
        assert len(set(names)) == len(names)
        assert TechnicalScheme.objects.filter(code__endswith="-S0002").count() == len(DEMO.schemes)
        # A replaced edition names its successor in the same copy.
        for code, reason in TechnicalScheme.objects.exclude(withdraw_reason="").values_list(
            "code", "withdraw_reason"
        ):
            assert code[-6:] in reason

    def test_sampled_rows_pass_full_clean(self, output):
        """The database checks every row's constraints on insert; full_clean also runs the
        field validators and the models' clean() (credit-code check, same-scheme items)."""
        for model in (Enterprise, TechnicalScheme, Indicator, Declaration, DeclarationItem):
            rows = list(model.objects.order_by("pk")[::97])
            assert rows, model
            for row in rows:
                row.full_clean()

    def test_shared_rows_once_and_no_history_for_the_copies(self, output):
        demo = DEMO
        assert BranchOffice.objects.count() == len(demo.offices)
        assert Industry.objects.count() == len(demo.industries)
        assert Standard.objects.count() == len(demo.standards)
        assert Plan.objects.get().is_active
        assert PlanQuota.objects.count() == len(demo.plan.quotas)
        # Bulk rows are written without change history; the shared reference rows have theirs.
        assert not Enterprise.history.exists() and not Declaration.history.exists()
        assert BranchOffice.history.count() == len(demo.offices)

        creator = get_user_model().objects.get(username=SCALE_USERNAME)
        assert not creator.has_usable_password()
        assert role_of(creator) == Role.BUREAU_STAFF
        assert set(Declaration.objects.values_list("created_by", flat=True)) == {creator.pk}

    def test_a_second_run_is_refused(self, output):
        before = Declaration.objects.count()
        with pytest.raises(CommandError, match="已有规模测试数据"):
            call_command("generate_scale", "--factor", "1", stdout=io.StringIO())
        assert Declaration.objects.count() == before


def test_factor_must_be_positive(db):
    with pytest.raises(CommandError, match="至少为 1"):
        call_command("generate_scale", "--factor", "0", stdout=io.StringIO())
    assert not Enterprise.objects.exists()


def test_refuses_while_the_clock_is_before_the_demo(db, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2025, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    with pytest.raises(CommandError, match="系统时间"):
        call_command("generate_scale", "--factor", "1", stdout=io.StringIO())
    assert not Enterprise.objects.exists()


def test_without_items(db):
    result = generate_scale(1, with_items=False, demo=DEMO)
    assert (result.progress.schemes, result.progress.enterprises, result.progress.results) == (61, 230, 480)
    assert not DeclarationItem.objects.exists()
    assert result.created(Declaration) == len(DEMO.declarations)


def test_reuses_the_reference_data_seed_demo_wrote(db):
    """On top of seed_demo's offices, industries, standards, plan and logins (written here
    by seed_demo's own helpers; a full seed_demo takes half a minute), nothing shared is
    created twice, and the "bureau" login is named as creator."""
    demo = DEMO
    bureau = _logins(demo, [])["bureau"]
    offices = seed_offices(demo, bureau)
    seed_industries(demo, bureau)
    seed_standards(demo, bureau)
    seed_plan(demo, offices, [], bureau)
    shared = (BranchOffice, Industry, Standard, Plan, PlanQuota, get_user_model())
    before = {model: model.objects.count() for model in shared}

    generate_scale(1, demo=demo)

    assert {model: model.objects.count() for model in shared} == before
    assert set(Declaration.objects.values_list("created_by", flat=True)) == {bureau.pk}
    assert Plan.objects.filter(is_active=True).count() == 1


def test_scale_credit_codes_are_valid_distinct_and_never_the_demos():
    numbers = [*range(0, 2000), 31**5 - 1]
    codes = [scale_credit_code(n) for n in numbers]
    assert len(set(codes)) == len(codes)
    for code in codes:
        validate_credit_code(code)
    assert not set(codes) & {e.credit_code for e in DEMO.enterprises}
    assert not any(e.credit_code.startswith(SCALE_CODE_PREFIX) for e in DEMO.enterprises)
    with pytest.raises(ValueError):
        scale_credit_code(31**5)


def test_postgresql_copies_and_sqlite_inserts_in_batches(db, monkeypatch):
    """On PostgreSQL no copied row goes through bulk_create (they go through COPY); on SQLite
    they all do, in batches."""
    bulk_created = []
    bulk_create = QuerySet.bulk_create

    def spy(self, objs, *args, **kwargs):
        bulk_created.append(self.model)
        return bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", spy)
    result = generate_scale(1, demo=DEMO)

    assert all(
        result.created(model) for model in (Enterprise, Declaration, DeclarationItem, DeclarationEvent)
    )
    if connection.vendor == "postgresql":
        assert not set(bulk_created) & set(COPIED_MODELS)
    else:
        assert set(bulk_created) >= set(COPIED_MODELS)


def test_a_later_ordinary_insert_does_not_collide_with_the_copies(db):
    """COPY writes ids it took from each table's sequence, so the sequences have moved past
    them: the next ``save()`` gets a fresh id, not one of the copies'."""
    generate_scale(1, demo=DEMO)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in COPIED_MODELS:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s))",
                    [model._meta.db_table, model._meta.pk.column],
                )
                assert cursor.fetchone()[0] > model.objects.aggregate(Max("pk"))["pk__max"], model

    newest = Enterprise.objects.order_by("pk").last()
    enterprise = Enterprise.objects.get(pk=newest.pk)
    # A copy of a row is a new row: pk None and _state.adding, as Django documents it.
    enterprise.pk, enterprise._state.adding = None, True
    enterprise.credit_code, enterprise.name = scale_credit_code(9999), "后来登记的企业"
    enterprise.save()
    event = DeclarationEvent.objects.order_by("pk").last()
    event.pk, event._state.adding = None, True
    event.save()

    assert enterprise.pk > newest.pk and Enterprise.objects.count() == len(DEMO.enterprises) + 1
    assert DeclarationEvent.objects.count() == sum(len(d.steps) for d in DEMO.declarations) + 1


def test_copy_rows_writes_awkward_values_as_they_are(db):
    """Tabs, newlines, backslashes, "\\N", NULLs, decimals, booleans and times with an offset
    come back from the database as they went in, and the rows get their primary keys."""
    generate_scale(1, demo=DEMO, with_items=False)
    awkward = "制表符\t换行\n回车\r反斜杠\\ \\N 和 \\t"
    indicator = Indicator.objects.order_by("pk").first()
    indicator.pk, indicator.name, indicator.unit = None, awkward, ""
    indicator.benchmark_value, indicator.benchmark_min, indicator.is_core = Decimal("-12.345678"), None, True
    event = DeclarationEvent.objects.order_by("pk").first()
    event.pk, event.comment = None, awkward
    event.at = dt.datetime(2025, 3, 31, 23, 59, 59, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))

    copy_rows(Indicator, [indicator])
    copy_rows(DeclarationEvent, [event])

    saved = Indicator.objects.get(pk=indicator.pk)
    assert (saved.name, saved.unit, saved.benchmark_value, saved.benchmark_min, saved.is_core) == (
        awkward,
        "",
        Decimal("-12.345678"),
        None,
        True,
    )
    saved = DeclarationEvent.objects.get(pk=event.pk)
    assert (saved.comment, saved.at) == (awkward, event.at)


def test_a_failure_half_way_writes_nothing_and_keeps_the_foreign_keys(db, monkeypatch):
    """The copies, the ids and, on PostgreSQL, the foreign keys dropped for the load are all
    in the one transaction: a failure in the second copy leaves the database as it was."""
    foreign_keys = _foreign_keys()
    write = scale._Rows.write

    def fail_in_copy_two(self, copy):
        if copy == 2:
            raise RuntimeError("disk full")
        write(self, copy)

    monkeypatch.setattr(scale._Rows, "write", fail_in_copy_two)
    with pytest.raises(RuntimeError, match="disk full"):
        generate_scale(2, demo=DEMO)

    assert not any(model.objects.exists() for model in COPIED_MODELS)
    assert _foreign_keys() == foreign_keys
    assert len(foreign_keys) > 10 or connection.vendor != "postgresql"


def _foreign_keys() -> list[tuple]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text LIKE 'benchmarking_%' ORDER BY 1, 2"
        )
        return cursor.fetchall()
