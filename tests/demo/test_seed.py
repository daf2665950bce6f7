"""``manage.py seed_demo``: the demo Yongkang reproduces the reported numbers
(61 schemes, 230 enterprises, 480 results), and running it again changes nothing.
(The other counties it adds are tested in test_province_demo.py; here only Yongkang's records.)

Seeding goes through the workflow services and takes a while, so the module
seeds once (twice over, to check the second run) inside a transaction that is
rolled back when the module ends; each test runs in its own savepoint on top.
"""

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import RequestFactory, override_settings

from benchmarking.access import role_of
from benchmarking.choices import DeclarationStatus, Direction, Grade, Role, SchemeStatus, StandardKind
from benchmarking.demo.builder import build_demo
from benchmarking.demo.seed import SEED_REASON
from benchmarking.models import (
    BranchOffice,
    Declaration,
    DeclarationEvent,
    DeclarationItem,
    Enterprise,
    Indicator,
    IndicatorReferenceValue,
    Industry,
    Plan,
    PlanQuota,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
    UserProfile,
)
from benchmarking.regions import RegionScope
from benchmarking.selectors.progress import progress_as_of
from benchmarking.validators import validate_credit_code, validate_industry_code

YONGKANG = "330784"
# Yongkang's rows of the models seed_demo also writes for the province's other counties.
YONGKANG_ROWS = {
    BranchOffice: Q(region=YONGKANG),
    Enterprise: Q(region=YONGKANG),
    TechnicalScheme: Q(publisher_region=YONGKANG),
    Declaration: Q(enterprise__region=YONGKANG),
    Plan: Q(region=YONGKANG),
    PlanQuota: Q(plan__region=YONGKANG),
}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EXPECTED_ROLES = {
    "bureau": Role.BUREAU_STAFF,
    "branch": Role.BRANCH_STAFF,
    "manager": Role.MANAGER,
    "enterprise_a": Role.ENTERPRISE,
    "enterprise_b": Role.ENTERPRISE,
}
TOWNS = (
    "东城", "西城", "江南", "芝英", "石柱", "前仓", "舟山", "古山", "方岩", "龙山", "西溪", "象珠", "唐先",
    "花街", "经济开发区",
)  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    first_output: str
    second_output: str
    counts_after_first: dict[str, int]


def run_seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model of the app, and of users and groups."""
    models = [*apps.get_app_config("benchmarking").get_models(), get_user_model(), Group]
    return {model._meta.label: model.objects.count() for model in models}


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


def test_second_run_creates_nothing(demo):
    assert row_counts() == demo.counts_after_first
    assert demo.counts_after_first["benchmarking.Declaration"] > 480
    assert "本次未新建任何记录" in demo.second_output
    assert "本次未新建任何记录" not in demo.first_output


def test_progress_is_what_the_bureau_reported(demo):
    progress = progress_as_of(region=RegionScope(YONGKANG))
    assert (progress.schemes, progress.enterprises, progress.results) == (61, 230, 480)
    for line in ("61 / 100", "230 / 300", "480 / 600"):
        assert line in demo.second_output


def test_declarations_cover_every_status_grade_and_history(demo):
    declarations = Declaration.objects.filter(YONGKANG_ROWS[Declaration])
    assert set(declarations.values_list("status", flat=True)) == set(DeclarationStatus.values)
    published = declarations.filter(status=DeclarationStatus.PUBLISHED)
    assert set(published.values_list("grade", flat=True)) == set(Grade.values)
    assert declarations.filter(entered_on_paper=False).exists()

    # Each history starts with its creation, runs forward in time and ends in the current status.
    events = {}
    for declaration_id, action, to_status, at in DeclarationEvent.objects.order_by("id").values_list(
        "declaration_id", "action", "to_status", "at"
    ):
        events.setdefault(declaration_id, []).append((action, to_status, at))
    statuses = dict(declarations.values_list("id", "status"))
    assert set(events) == set(statuses)
    now = dt.datetime.now(dt.UTC)
    for declaration_id, history in events.items():
        assert history[0][0] == "create"
        moments = [at for _, _, at in history]
        assert moments == sorted(moments) and moments[-1] < now
        assert history[-1][1] == statuses[declaration_id]

    # A product withdrawn and then declared again: the new one was created after the withdrawal.
    redeclared = Declaration.objects.filter(
        status=DeclarationStatus.PUBLISHED,
        enterprise__declarations__status=DeclarationStatus.WITHDRAWN,
        enterprise__declarations__scheme=F("scheme"),
        enterprise__declarations__product_model=F("product_model"),
        published_at__gt=F("enterprise__declarations__withdrawn_at"),
    )
    assert redeclared.exists()

    # Enterprises whose only declarations do not count (draft, submitted, returned, withdrawn).
    pending_only = Enterprise.objects.annotate(
        declared=Count("declarations"),
        counted=Count("declarations", filter=Q(declarations__status=DeclarationStatus.PUBLISHED)),
    ).filter(declared__gt=0, counted=0)
    assert pending_only.exists()


def test_reference_data_is_believable_and_valid(demo):
    office_names = list(BranchOffice.objects.values_list("name", flat=True))
    for town in TOWNS:
        assert f"{town}市场监督管理所" in office_names
    for code in Industry.objects.values_list("gb_code", flat=True):
        validate_industry_code(code)
    assert set(Standard.objects.values_list("kind", flat=True)) == set(StandardKind.values)

    codes = list(Enterprise.objects.filter(YONGKANG_ROWS[Enterprise]).values_list("credit_code", flat=True))
    assert len(codes) > 230
    for code in codes:
        assert code.startswith("91330784")
        validate_credit_code(code)

    schemes = TechnicalScheme.objects.filter(YONGKANG_ROWS[TechnicalScheme]).annotate(
        n=Count("indicators", distinct=True),
        core=Count("indicators", filter=Q(indicators__is_core=True), distinct=True),
        benchmarks=Count("benchmark_standards", distinct=True),
    )
    for scheme in schemes:
        assert 4 <= scheme.n <= 10, scheme.code
        assert scheme.benchmarks >= 2, scheme.code
    assert schemes.filter(core__gt=0).exists()
    assert {d for d in schemes.values_list("indicators__direction", flat=True)} == set(Direction.values)
    assert TechnicalScheme.objects.filter(status=SchemeStatus.DRAFT).exists()
    withdrawn = TechnicalScheme.objects.filter(status=SchemeStatus.WITHDRAWN)
    assert withdrawn.exists() and all(s.withdraw_reason for s in withdrawn)


def test_the_plan_is_active_with_quotas_for_every_office(demo):
    plan = Plan.objects.get(is_active=True, region=YONGKANG)
    assert (plan.target_schemes, plan.target_enterprises, plan.target_results) == (100, 300, 600)
    quotas = list(plan.quotas.all())
    offices = BranchOffice.objects.filter(YONGKANG_ROWS[BranchOffice])
    assert {q.branch_office_id for q in quotas} == set(offices.values_list("id", flat=True))
    assert sum(q.enterprises for q in quotas) == 300
    assert sum(q.results for q in quotas) == 600
    assert all(q.results >= q.enterprises for q in quotas)


def printed_passwords(output: str) -> dict[str, str]:
    """username → password, read from the command's table of demo logins."""
    passwords = {}
    for line in output.splitlines():
        words = line.split()
        if len(words) == 3 and words[1] in EXPECTED_ROLES:
            passwords[words[1]] = words[2]
    return passwords


def test_one_login_per_role_with_the_printed_password(demo):
    assert "仅供本地演示" in demo.first_output
    passwords = printed_passwords(demo.second_output)
    assert set(passwords) == set(EXPECTED_ROLES)
    # A login request, as django-axes checks every authentication against its source address.
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
    users = {name: authenticate(request, username=name, password=pw) for name, pw in passwords.items()}
    for name, role in EXPECTED_ROLES.items():
        assert users[name] is not None, name
        assert role_of(users[name]) == role
        assert users[name].is_staff == (role != Role.ENTERPRISE)
    assert users["branch"].profile.branch_office.code == "DC"
    enterprises = [users[name].profile.enterprise for name in ("enterprise_a", "enterprise_b")]
    assert enterprises[0] != enterprises[1]
    # Both have published results they declared online themselves.
    for enterprise in enterprises:
        online = enterprise.declarations.filter(entered_on_paper=False)
        assert online.filter(status=DeclarationStatus.PUBLISHED).exists()


def test_refuses_to_seed_a_history_that_would_lie_in_the_future(db, monkeypatch):
    before = row_counts()
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2025, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    with pytest.raises(CommandError, match="系统时间"):
        call_command("seed_demo", stdout=io.StringIO())
    assert row_counts() == before


def test_the_plan_is_the_same_every_time():
    assert build_demo() == build_demo()


def test_every_seeded_record_has_its_history(demo):
    """Rows the seeder writes itself: one "created" record each, naming the bureau demo login
    and the seeding. Schemes and declarations: one record per workflow move on top, naming
    whoever made the move, in the order of the declaration's events."""
    bureau = get_user_model().objects.get(username="bureau").pk
    for model in (
        BranchOffice,
        Industry,
        Standard,
        Enterprise,
        SchemeBenchmark,
        Indicator,
        IndicatorReferenceValue,
        Plan,
        PlanQuota,
        UserProfile,
    ):
        # The standard the demo replaced by a newer edition has one more: its replacement.
        history = model.history.exclude(history_type="~", history_change_reason__startswith="被 ")
        per_row = Counter(history.values_list("id", flat=True))
        rows = model.objects.filter(YONGKANG_ROWS.get(model, Q()))
        assert set(per_row) == set(rows.values_list("pk", flat=True)), model
        assert set(per_row.values()) == {1}, model
        assert set(history.values_list("history_type", "history_user", "history_change_reason")) == {
            ("+", bureau, SEED_REASON)
        }, model

    schemes = TechnicalScheme.objects.filter(YONGKANG_ROWS[TechnicalScheme]).values_list(
        "pk", "published_at", "withdrawn_at", "superseded_at"
    )
    # Created, then published, withdrawn and superseded (by its revision's publication) where it was.
    moves = {pk: 1 + (p is not None) + (w is not None) + (s is not None) for pk, p, w, s in schemes}
    assert Counter(TechnicalScheme.history.values_list("id", flat=True)) == moves
    assert set(TechnicalScheme.history.values_list("history_user", flat=True)) == {bureau}

    actors: dict[int, list] = {}
    for declaration_id, actor in DeclarationEvent.objects.order_by("at", "id").values_list(
        "declaration_id", "actor"
    ):
        actors.setdefault(declaration_id, []).append(actor)
    recorded: dict[int, list] = {}
    for declaration_id, user in Declaration.history.order_by("history_date", "history_id").values_list(
        "id", "history_user"
    ):
        recorded.setdefault(declaration_id, []).append(user)
    assert recorded == actors

    creators = dict(Declaration.objects.values_list("pk", "created_by"))
    items = list(DeclarationItem.history.values_list("id", "declaration_id", "history_type", "history_user"))
    assert Counter(pk for pk, *_ in items) == Counter(DeclarationItem.objects.values_list("pk", flat=True))
    assert all(kind == "+" and user == creators[declaration] for _, declaration, kind, user in items)


def test_a_replaced_standard_and_a_revised_scheme(demo):
    """Standards over time in the demo: the longest-titled published scheme needs revision (its
    standard was replaced by a newer edition), and one scheme is revised, its results counting on."""
    from django.db.models.functions import Length

    from benchmarking.choices import StandardStatus
    from benchmarking.selectors.lifecycle import schemes_needing_revision

    schemes = TechnicalScheme.objects.filter(YONGKANG_ROWS[TechnicalScheme])
    longest = (
        schemes.filter(status=SchemeStatus.PUBLISHED).annotate(n=Length("title")).order_by("-n", "code")[0]
    )
    assert longest in schemes_needing_revision(schemes)
    replaced = longest.benchmark_standards.get(status=StandardStatus.REPLACED)
    assert replaced.replaced_by.get().number.endswith("—2025")
    revised = schemes.get(superseded_at__isnull=False)
    revision = revised.revisions.get(status=SchemeStatus.PUBLISHED)
    assert revised.superseded_at == revision.published_at
    assert Declaration.objects.filter(scheme=revised, status=DeclarationStatus.PUBLISHED).exists()
    assert not schemes_needing_revision(schemes.filter(pk=revised.pk)).exists()
