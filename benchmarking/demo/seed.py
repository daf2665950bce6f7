"""Write the demo plan of ``builder`` to the database, idempotently.

Every record is matched on its natural key (office code and plan name within the
home county, industry name, credit code, standard number, scheme code, scheme ×
indicator name, enterprise × scheme × product model, username, plan × office) and only what is missing
is created, so a second run creates nothing. Reference data goes in with
simple-history's ``bulk_create_with_history``, so each row gets its one
"created" history record, naming the bureau demo login (created first for
that) and the seeding as the reason; every workflow move (publishing and
withdrawing schemes, creating, submitting, returning, publishing and
withdrawing declarations) goes through the services, with the plan's past
timestamps, so the history is recorded exactly as if staff and enterprises
had done it.

The other county-level units of the province (``province``) are bulk-written after Yongkang:
only what their figures are counted from, without services or history.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ..access import is_branch_office_role, is_enterprise_role, is_staff_role, set_only_role
from ..choices import DeclarationStatus, SchemeStatus
from ..models import (
    BranchOffice,
    BranchOfficeAlias,
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
from ..regions import RegionScope
from ..selectors.progress import Progress, progress_as_of
from ..services.declarations import (
    declaration_create,
    declaration_publish,
    declaration_return,
    declaration_submit,
    declaration_withdraw,
)
from ..services.schemes import scheme_publish, scheme_withdraw
from ..validators import normalize_reference_name
from .builder import build_demo
from .names import LoginTemplate
from .province import LOGIN_REGIONS, REGION_LOGINS, ProvinceSeed, seed_province
from .quality import seed_quality
from .reminders import seed_digests
from .revisions import seed_revisions
from .specs import LAST_EVENT, SHANGHAI, Demo

User = get_user_model()

# The models whose rows the command reports, in the order a reader meets them.
REPORTED_MODELS: tuple[type[models.Model], ...] = (
    BranchOffice,
    Industry,
    Enterprise,
    Standard,
    TechnicalScheme,
    SchemeBenchmark,
    Indicator,
    IndicatorReferenceValue,
    Declaration,
    DeclarationItem,
    DeclarationEvent,
    Plan,
    PlanQuota,
    User,
    UserProfile,
)

# The reason on the history records of rows the seeder writes itself (not through a service).
SEED_REASON = "演示数据（seed_demo）"
# The demo login named as the user on those records.
SEEDER = "bureau"

_MOVES: dict[str, Callable] = {
    "submit": declaration_submit,
    "return": declaration_return,
    "publish": declaration_publish,
    "withdraw": declaration_withdraw,
}


class DemoClockError(RuntimeError):
    """The system clock is earlier than the demo's history, which would then lie in the future."""


@dataclass
class SeedResult:
    before: dict[type[models.Model], int]
    after: dict[type[models.Model], int]
    # The home county's (Yongkang's) figures.
    progress: Progress
    demo: Demo
    # The other counties of the province (None when the demo was seeded without them).
    province: ProvinceSeed | None = None
    # What happened besides rows being created (passwords reset, a plan left inactive, …).
    notes: list[str] = field(default_factory=list)

    @property
    def logins(self) -> tuple[LoginTemplate, ...]:
        """Every demo login: Yongkang's, then the prefecture's and the province's."""
        return (*self.demo.logins, *(REGION_LOGINS if self.province is not None else ()))

    def created(self, model: type[models.Model]) -> int:
        return self.after[model] - self.before[model]

    @property
    def created_anything(self) -> bool:
        return any(self.created(model) for model in REPORTED_MODELS)


def _counts() -> dict[type[models.Model], int]:
    return {model: model.objects.count() for model in REPORTED_MODELS}


def _create_missing(
    model: type[models.Model],
    rows: Iterable[models.Model],
    existing: set,
    key: Callable[[models.Model], object],
    *,
    seeder,
    exclude: tuple[str, ...] = (),
) -> None:
    """Validate and bulk-insert the rows whose key is not among ``existing``, each with
    its "created" history record naming ``seeder``."""
    missing = [row for row in rows if key(row) not in existing]
    # The region keys are the home region's code (their default), which the database checks.
    exclude = (*exclude, "region", "publisher_region")
    for row in missing:
        # Field validators and the model's clean() (e.g. the credit-code check); foreign keys
        # and uniqueness are the database's job here, as the keys were matched above.
        row.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    bulk_create_with_history(missing, model, default_user=seeder, default_change_reason=SEED_REASON)


def seed_demo(demo: Demo | None = None, *, province: bool = True) -> SeedResult:
    """Create whatever of the demo Yongkang is missing, in one transaction, and (``province``)
    of the other counties of Zhejiang with the prefecture's and the province's logins."""
    demo = demo or build_demo()
    last_event = dt.datetime.combine(LAST_EVENT, dt.time.max, tzinfo=SHANGHAI)
    if timezone.now() < last_event:
        raise DemoClockError(
            f"系统时间早于演示数据的最后一条记录（{LAST_EVENT:%Y-%m-%d}），演示数据会出现在“未来”。请检查系统时钟。"
        )
    notes: list[str] = []
    before = _counts()
    with transaction.atomic():
        users = _logins(demo, notes)
        seeder = users[SEEDER]
        offices = seed_offices(demo, seeder)
        industries = seed_industries(demo, seeder)
        standards = seed_standards(demo, seeder)
        enterprises = _enterprises(demo, offices, industries, seeder)
        users = _profiles(demo, users, offices, enterprises, seeder)
        schemes = _schemes(demo, industries, standards, users["bureau"])
        _declarations(demo, enterprises, schemes, standards, users)
        # A replaced standard (需修订) and a revised scheme, leaving the figures as they are.
        seed_revisions(users["bureau"], change_reason=SEED_REASON)
        seed_plan(demo, offices, notes, seeder)
        # The 质量强市 records (demo/quality.py), validated and bulk-written like the reference data.
        seed_quality(
            demo,
            enterprises,
            lambda model, rows, existing, key: _create_missing(model, rows, existing, key, seeder=seeder),
        )
        others = None
        if province:
            # Bulk-written, no services and no history: only what the figures count.
            others = seed_province(creator=seeder, industries=industries, standards=standards)
            _region_profiles(_demo_users(REGION_LOGINS, notes), seeder)
        # The digests the calendar's jobs wrote on the demo's last day (demo/reminders.py).
        seed_digests()
    return SeedResult(
        before=before,
        after=_counts(),
        progress=progress_as_of(region=RegionScope(settings.BENCHMARKING_HOME_REGION)),
        demo=demo,
        province=others,
        notes=notes,
    )


def seed_offices(demo: Demo, seeder) -> dict[str, BranchOffice]:
    # The home county's offices: an office's code names it within its county.
    in_home = BranchOffice.objects.filter(region_id=settings.BENCHMARKING_HOME_REGION)
    existing = set(in_home.values_list("code", flat=True))
    rows = [BranchOffice(code=o.code, name=o.name, order=n) for n, o in enumerate(demo.offices, start=1)]
    _create_missing(BranchOffice, rows, existing, lambda o: o.code, seeder=seeder)
    offices = {o.code: o for o in in_home.filter(code__in=[o.code for o in demo.offices])}
    # Each office's short name (方岩所) as its alias, unless that name is already taken.
    aliases = [
        BranchOfficeAlias(office=offices[o.code], name=alias) for o in demo.offices for alias in o.aliases
    ]
    taken = set(BranchOfficeAlias.objects.values_list("name", flat=True))
    _create_missing(
        BranchOfficeAlias, aliases, taken, lambda a: normalize_reference_name(a.name), seeder=seeder
    )
    return offices


def seed_industries(demo: Demo, seeder) -> dict[str, Industry]:
    existing = Industry.objects.in_bulk(field_name="name")
    rows = [Industry(name=t.name, gb_code=t.gb_code, order=n) for n, t in enumerate(demo.industries, start=1)]
    _create_missing(Industry, rows, set(existing), lambda i: i.name, seeder=seeder)
    return Industry.objects.in_bulk([t.name for t in demo.industries], field_name="name")


def seed_standards(demo: Demo, seeder) -> dict[str, Standard]:
    numbers = [s.number for s in demo.standards]
    existing = set(Standard.objects.filter(number__in=numbers).values_list("number", flat=True))
    rows = [Standard(number=s.number, title=s.title, kind=s.kind) for s in demo.standards]
    _create_missing(Standard, rows, existing, lambda s: s.number, seeder=seeder)
    return Standard.objects.in_bulk(numbers, field_name="number")


def _enterprises(demo: Demo, offices, industries, seeder) -> dict[str, Enterprise]:
    codes = [e.credit_code for e in demo.enterprises]
    existing = set(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True))
    rows = [
        Enterprise(
            name=e.name,
            credit_code=e.credit_code,
            branch_office=offices[e.office],
            industry=industries[e.industry],
            address=e.address,
            legal_representative=e.legal_representative,
            contact_person=e.contact_person,
            phone=e.phone,
            email=e.email,
            zhejiang_made=e.zhejiang_made,
            standard_leader=e.standard_leader,
        )
        for e in demo.enterprises
    ]
    _create_missing(
        Enterprise,
        rows,
        existing,
        lambda e: e.credit_code,
        seeder=seeder,
        exclude=("branch_office", "industry", "credit_code_override_by"),
    )
    return Enterprise.objects.in_bulk(codes, field_name="credit_code")


def _logins(demo: Demo, notes: list[str]) -> dict[str, models.Model]:
    """One login per role."""
    return _demo_users(demo.logins, notes)


def _demo_users(logins: Iterable[LoginTemplate], notes: list[str]) -> dict[str, models.Model]:
    """The users of demo ``logins``. An existing demo login keeps its row; its password and
    role group are put back to the demo's if someone changed them."""
    users = {}
    for login in logins:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User(
                username=login.username,
                last_name=login.last_name,
                first_name=login.first_name,
                email=f"{login.username}@example.com",
                is_staff=is_staff_role(login.role),
            )
            user.set_password(login.password)
            user.save()
        else:
            changed = []
            if not user.check_password(login.password):
                user.set_password(login.password)
                changed.append("password")
            if not user.is_active:
                user.is_active = True
                changed.append("is_active")
            if changed:
                user.save(update_fields=changed)
                notes.append(f"已将演示账号 {login.username} 的密码/状态恢复为演示值。")
        set_only_role(user, login.role)
        users[login.username] = user
    return users


def _profiles(demo: Demo, users, offices, enterprises, seeder) -> dict[str, models.Model]:
    """Each login's office or enterprise, put back to the demo's if someone changed it.
    A new profile is saved once, with its office or enterprise: one history record."""
    for login in demo.logins:
        user = users[login.username]
        office = offices[login.acts_for] if is_branch_office_role(login.role) else None
        enterprise = None
        if is_enterprise_role(login.role):
            enterprise = enterprises[demo.login_enterprises[login.username]]
        profile = UserProfile.objects.filter(user=user).first() or UserProfile(user=user)
        if profile._state.adding or (profile.branch_office_id, profile.enterprise_id) != (
            office.pk if office else None,
            enterprise.pk if enterprise else None,
        ):
            profile.branch_office, profile.enterprise = office, enterprise
            profile._history_user, profile._change_reason = seeder, SEED_REASON
            profile.save()
    # The role is cached on the instance by access.role_of; fresh ones see the groups set in _logins.
    return {
        username: User.objects.select_related("profile").get(pk=user.pk) for username, user in users.items()
    }


def _region_profiles(users, seeder) -> None:
    """The prefecture's and the province's logins read the counties under their region
    (``LOGIN_REGIONS``): each one's profile region, put back if someone changed it."""
    for username, user in users.items():
        region = LOGIN_REGIONS[username]
        profile = UserProfile.objects.filter(user=user).first() or UserProfile(user=user)
        held = (profile.branch_office_id, profile.enterprise_id, profile.region_id)
        if profile._state.adding or held != (None, None, region):
            profile.branch_office = profile.enterprise = None
            profile.region_id = region
            profile._history_user, profile._change_reason = seeder, SEED_REASON
            profile.save()


def _schemes(demo: Demo, industries, standards, bureau) -> dict[str, TechnicalScheme]:
    codes = [s.code for s in demo.schemes]
    existing = set(TechnicalScheme.objects.filter(code__in=codes).values_list("code", flat=True))
    rows = [
        TechnicalScheme(
            code=s.code,
            title=s.title,
            product_category=s.product_category,
            industry=industries[s.industry],
            publisher=s.publisher,
        )
        for s in demo.schemes
    ]
    _create_missing(TechnicalScheme, rows, existing, lambda s: s.code, seeder=bureau, exclude=("industry",))
    schemes = TechnicalScheme.objects.in_bulk(codes, field_name="code")

    have = set(
        SchemeBenchmark.objects.filter(scheme__code__in=codes).values_list("scheme__code", "standard__number")
    )
    rows = [
        SchemeBenchmark(scheme=schemes[s.code], standard=standards[number], order=n)
        for s in demo.schemes
        for n, number in enumerate(s.benchmarks, start=1)
    ]
    _create_missing(
        SchemeBenchmark,
        rows,
        have,
        lambda b: (b.scheme.code, b.standard.number),
        seeder=bureau,
        exclude=("scheme", "standard"),
    )

    have = set(Indicator.objects.filter(scheme__code__in=codes).values_list("scheme__code", "name"))
    rows = [indicator_from_spec(i, scheme=schemes[s.code]) for s in demo.schemes for i in s.indicators]
    _create_missing(
        Indicator, rows, have, lambda i: (i.scheme.code, i.name), seeder=bureau, exclude=("scheme",)
    )
    indicators = {
        (code, name): pk
        for pk, code, name in Indicator.objects.filter(scheme__code__in=codes).values_list(
            "pk", "scheme__code", "name"
        )
    }

    have = set(
        IndicatorReferenceValue.objects.filter(indicator__scheme__code__in=codes).values_list(
            "indicator_id", "standard__number"
        )
    )
    rows = [
        IndicatorReferenceValue(
            indicator_id=indicators[s.code, i.name], standard=standards[number], value=value
        )
        for s in demo.schemes
        for i in s.indicators
        for number, value in i.references
    ]
    _create_missing(
        IndicatorReferenceValue,
        rows,
        have,
        lambda r: (r.indicator_id, r.standard.number),
        seeder=bureau,
        exclude=("indicator", "standard"),
    )

    # Publish in the order they were published, then withdraw the replaced editions.
    for spec in sorted((s for s in demo.schemes if s.published_at), key=lambda s: s.published_at):
        if schemes[spec.code].status == SchemeStatus.DRAFT:
            scheme_publish(scheme=schemes[spec.code], actor=bureau, at=spec.published_at)
            # Entered when it was published, as the bureau would have (see _entered_as_made).
            _entered_as_made(TechnicalScheme, schemes[spec.code].pk, spec.published_at)
    for spec in sorted((s for s in demo.schemes if s.withdrawn_at), key=lambda s: s.withdrawn_at):
        scheme = TechnicalScheme.objects.get(pk=schemes[spec.code].pk)
        if scheme.status == SchemeStatus.PUBLISHED:
            scheme_withdraw(scheme=scheme, actor=bureau, reason=spec.withdraw_reason, at=spec.withdrawn_at)
    return TechnicalScheme.objects.in_bulk(codes, field_name="code")


def _declarations(demo: Demo, enterprises, schemes, standards, users) -> None:
    """Each declaration the plan has and the database lacks, moved step by step through
    the services. A withdrawn declaration and the live one for the same product are told
    apart by status, as the database's one-live-declaration-per-product rule does."""
    have = {
        (enterprise_id, scheme_id, model, status == DeclarationStatus.WITHDRAWN)
        for enterprise_id, scheme_id, model, status in Declaration.objects.filter(
            enterprise__in=enterprises.values()
        ).values_list("enterprise_id", "scheme_id", "product_model", "status")
    }
    indicator_ids = {
        (scheme_id, name): pk
        for pk, scheme_id, name in Indicator.objects.filter(scheme__in=schemes.values()).values_list(
            "pk", "scheme_id", "name"
        )
    }
    for spec in demo.declarations:  # already in the order they were started
        enterprise, scheme = enterprises[spec.enterprise], schemes[spec.scheme]
        key = (enterprise.pk, scheme.pk, spec.product_model, spec.status == DeclarationStatus.WITHDRAWN)
        if key in have:
            continue
        first, *moves = spec.steps
        declaration = declaration_create(
            actor=users[first.actor],
            enterprise=enterprise,
            scheme=scheme,
            product_name=spec.product_name,
            product_model=spec.product_model,
            executed_standard=standards[spec.executed_standard],
            declared_on=spec.declared_on,
            values={indicator_ids[scheme.pk, name]: value for name, value in spec.values.items()},
            at=first.at,
        )
        _entered_as_made(Declaration, declaration.pk, first.at)
        for step in moves:
            declaration = _MOVES[step.action](
                declaration=declaration, actor=users[step.actor], comment=step.comment, at=step.at
            )
        have.add(key)


def _entered_as_made(model: type[models.Model], pk: int, at: dt.datetime) -> None:
    """Date the entry of a demo record (``created_at``) when the demo says it was made.

    The demo stands for a tracker used as things happened, each record entered on the day it
    was made, so no past day of its dashboard reads as changed by later entries
    (``selectors.progress.entered_later``) and its moves are not 补录 in the timeline. Only the
    historic import enters records after the fact. (The scale copies, benchmark data, keep the
    time they were generated.)"""
    model.objects.filter(pk=pk).update(created_at=at)


def seed_plan(demo: Demo, offices, notes: list[str], seeder) -> None:
    spec = demo.plan
    # A plan's name names it within its county: the home county's.
    plan = Plan.objects.filter(region_id=settings.BENCHMARKING_HOME_REGION, name=spec.name).first()
    if plan is None:
        # One current plan per county: the home county's, which the demo plan is for.
        other_active = Plan.objects.filter(
            is_active=True, region_id=settings.BENCHMARKING_HOME_REGION
        ).first()
        plan = Plan(
            name=spec.name,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            target_schemes=spec.target_schemes,
            target_enterprises=spec.target_enterprises,
            target_results=spec.target_results,
            # Only one plan may be current; an existing current plan is the bureau's, not ours to demote.
            is_active=other_active is None,
        )
        plan.full_clean(validate_constraints=False)
        plan._history_user, plan._change_reason = seeder, SEED_REASON
        plan.save()
        if other_active:
            notes.append(f"已有当前计划“{other_active}”，演示计划未设为当前计划。")
    have = set(plan.quotas.values_list("branch_office__code", flat=True))
    rows = [
        PlanQuota(plan=plan, branch_office=offices[q.office], enterprises=q.enterprises, results=q.results)
        for q in spec.quotas
    ]
    _create_missing(
        PlanQuota,
        rows,
        have,
        lambda q: q.branch_office.code,
        seeder=seeder,
        exclude=("plan", "branch_office"),
    )


def indicator_from_spec(i, **fields) -> Indicator:
    """An unsaved Indicator of the demo's spec ``i`` (seed_demo and generate_scale build them alike)."""
    return Indicator(
        name=i.name,
        unit=i.unit,
        test_method=i.test_method,
        order=i.order,
        is_core=i.is_core,
        direction=i.direction,
        benchmark_value=i.benchmark_value,
        benchmark_min=i.benchmark_min,
        benchmark_max=i.benchmark_max,
        requirement=i.requirement,
        **fields,
    )
