"""Which rows a user may see and which they may change: one function pair per model
(docs/domain.md, "Roles and what each may do").

Every view, admin ``get_queryset``, autocomplete, export and selector that
serves a user goes through ``visible_to`` / ``editable_by``. A row outside a
user's scope is then simply not there: a 404, never a 403 that confirms it exists.

- bureau staff (市局): everything of their county; change it. Every county's published schemes.
- branch-office staff (基层所): their county's reference data; their own office's enterprises
  and those enterprises' declarations, which they may enter and change.
- managers (局领导): read everything of their county, change nothing.
- a prefecture's or the province's staff and managers: read everything of the counties under
  them, change nothing (``access.works_in_a_county``).
- enterprise users: their own enterprise, its declarations, and published schemes.
- anyone else: nothing.

The region (``access.region_scope_of``) narrows what each reads and writes; industries, standards
and published schemes are shared by every county.

The rules below are written with ``access``'s capabilities and its ``EnterpriseScope``,
never with roles, so a page's filter and a service's check of one record cannot drift apart.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet

from .access import (
    EVERYTHING,
    NOTHING,
    EnterpriseScope,
    branch_office_id_of,
    enterprise_scope,
    is_branch_office_staff,
    is_enterprise_user,
    may_manage_accounts,
    may_manage_reference_data,
    may_manage_schemes,
    may_read_staff_pages,
    region_scope_of,
)
from .choices import SchemeStatus, StandardKind
from .models import (
    ApiToken,
    BeltRoadCertificate,
    BranchOffice,
    BranchOfficeAlias,
    Declaration,
    DeclarationEvent,
    DeclarationEvidence,
    DeclarationItem,
    Enterprise,
    Indicator,
    IndicatorReferenceValue,
    Industry,
    IndustryAlias,
    PinCertificate,
    Plan,
    PlanQuota,
    Region,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
    UserProfile,
    ZhejiangMadeDrafter,
    ZhejiangMadeStandard,
)


def _enterprise_q(user, *, prefix: str = "", write: bool) -> Q:
    """The enterprises a user may see (or change), as a filter on ``prefix`` + enterprise."""
    return enterprise_scope(user, write=write).q(prefix)


def _allowed(allowed: bool) -> Q:
    return EVERYTHING if allowed else NOTHING


def _reference_q(user, *, write: bool, region_field: str | None = None) -> Q:
    """Reference data (offices, industries, plans): staff read it; the bureau changes it. What
    belongs to a county (``region_field``: its offices, its plan) only within the user's region."""
    if not (may_manage_reference_data(user) if write else may_read_staff_pages(user)):
        return NOTHING
    return region_scope_of(user).q(region_field) if region_field else EVERYTHING


def _standard_q(user, *, write: bool) -> Q:
    if write:
        if may_manage_reference_data(user):
            return EVERYTHING
        if not is_branch_office_staff(user):
            return NOTHING
        # Branch-office staff keep the Q/ standards their own enterprises execute: not one that
        # another office's declaration or any scheme relies on.
        office_id = branch_office_id_of(user)
        used_elsewhere = Declaration.objects.exclude(enterprise__branch_office_id=office_id).values(
            "executed_standard_id"
        )
        return (
            Q(kind=StandardKind.ENTERPRISE)
            & ~Q(pk__in=used_elsewhere)
            & ~Q(pk__in=SchemeBenchmark.objects.values("standard_id"))
            & ~Q(pk__in=IndicatorReferenceValue.objects.values("standard_id"))
        )
    # Enterprises pick the standard they execute from the same list.
    return _allowed(may_read_staff_pages(user) or is_enterprise_user(user))


def _scheme_q(user, *, prefix: str = "", write: bool) -> Q:
    # A scheme belongs to the county that publishes it; once published, any county's enterprises
    # may benchmark against it, so every county's staff read it.
    if write:
        if not may_manage_schemes(user):
            return NOTHING
        return region_scope_of(user).q(f"{prefix}publisher_region")
    if may_read_staff_pages(user):
        return ~Q(**{f"{prefix}status": SchemeStatus.DRAFT}) | region_scope_of(user).q(
            f"{prefix}publisher_region"
        )
    if is_enterprise_user(user):
        # Drafts are the bureau's working papers; published and withdrawn schemes are public.
        return ~Q(**{f"{prefix}status": SchemeStatus.DRAFT})
    return NOTHING


def _scheme_part_q(user, *, prefix: str, write: bool) -> Q:
    """A scheme's benchmarks and indicators are the published document: changed only while a draft."""
    if write:
        return _scheme_q(user, prefix=prefix, write=True) & Q(**{f"{prefix}status": SchemeStatus.DRAFT})
    return _scheme_q(user, prefix=prefix, write=False)


def _zhejiang_made_q(user, *, prefix: str = "", write: bool) -> Q:
    """A 浙江制造 standard belongs to its drafting enterprises: seen by whoever sees one of them,
    changed only by whoever may change every one of them (a branch office's staff do not edit a
    standard another office's enterprise co-drafts). One entered with no drafter yet is seen and
    changed by those who see or change enterprises across their county."""
    scope = enterprise_scope(user, write=write)
    if scope == EnterpriseScope():  # no enterprise at all
        return NOTHING
    drafters = ZhejiangMadeDrafter.objects.values("standard_id")
    in_scope = drafters.filter(scope.q("enterprise__"))
    undrafted = ~Q(**{f"{prefix}pk__in": drafters}) if scope.every_office else NOTHING
    if write:
        out_of_scope = drafters.exclude(scope.q("enterprise__"))
        return (Q(**{f"{prefix}pk__in": in_scope}) & ~Q(**{f"{prefix}pk__in": out_of_scope})) | undrafted
    return Q(**{f"{prefix}pk__in": in_scope}) | undrafted


# model -> function(user, write) -> Q over that model
_SCOPES: dict[type[Model], Callable[..., Q]] = {
    BranchOffice: lambda user, write: _reference_q(user, write=write, region_field="region"),
    Industry: lambda user, write: _reference_q(user, write=write),
    BranchOfficeAlias: lambda user, write: _reference_q(
        user, write=write, region_field="branch_office__region"
    ),
    IndustryAlias: lambda user, write: _reference_q(user, write=write),
    Standard: lambda user, write: _standard_q(user, write=write),
    Plan: lambda user, write: _reference_q(user, write=write, region_field="region"),
    PlanQuota: lambda user, write: _reference_q(user, write=write, region_field="plan__region"),
    TechnicalScheme: lambda user, write: _scheme_q(user, write=write),
    SchemeBenchmark: lambda user, write: _scheme_part_q(user, prefix="scheme__", write=write),
    Indicator: lambda user, write: _scheme_part_q(user, prefix="scheme__", write=write),
    IndicatorReferenceValue: lambda user, write: _scheme_part_q(
        user, prefix="indicator__scheme__", write=write
    ),
    Enterprise: lambda user, write: _enterprise_q(user, write=write),
    Declaration: lambda user, write: _enterprise_q(user, prefix="enterprise__", write=write),
    DeclarationItem: lambda user, write: _enterprise_q(user, prefix="declaration__enterprise__", write=write),
    DeclarationEvidence: lambda user, write: _enterprise_q(
        user, prefix="declaration__enterprise__", write=write
    ),
    # The quality records (docs/domain.md "Quality figures") belong to their enterprise.
    PinCertificate: lambda user, write: _enterprise_q(user, prefix="enterprise__", write=write),
    BeltRoadCertificate: lambda user, write: _enterprise_q(user, prefix="enterprise__", write=write),
    ZhejiangMadeStandard: lambda user, write: _zhejiang_made_q(user, write=write),
    ZhejiangMadeDrafter: lambda user, write: _zhejiang_made_q(user, prefix="standard__", write=write),
    # The history is written by services only; nobody changes it.
    DeclarationEvent: lambda user, write: (
        NOTHING if write else _enterprise_q(user, prefix="declaration__enterprise__", write=False)
    ),
    UserProfile: lambda user, write: (
        region_scope_of(user).q("region") if may_manage_accounts(user) else NOTHING
    ),
    # API tokens, read in the admin by those who manage the logins they belong to; made and
    # revoked only on the 接口令牌 pages (services.api_tokens), never changed in the admin.
    ApiToken: lambda user, write: (
        NOTHING if write else Q(user__in=get_user_model().objects.filter(_user_scope(user, write=False)))
    ),
    # The region tree is the national standard, loaded by migrations: every kind of staff reads
    # it (an enterprise's county is picked from it), nobody changes it.
    Region: lambda user, write: NOTHING if write else _allowed(may_read_staff_pages(user)),
}


def _user_scope(user, write: bool) -> Q:
    # Those who manage accounts manage their county's logins (and logins with no profile yet,
    # which belong to no county); a superuser manages every login, superusers too.
    if not may_manage_accounts(user):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    return (region_scope_of(user).q("profile__region") | Q(profile__isnull=True)) & Q(is_superuser=False)


def scope_q(user, model: type[Model], *, write: bool = False) -> Q:
    """The filter that keeps only the rows of ``model`` this user may see (or change)."""
    if model is get_user_model():
        return _user_scope(user, write)
    try:
        scope = _SCOPES[model]
    except KeyError:
        raise LookupError(
            f"no access rule for {model._meta.label}: add one to benchmarking.scoping"
        ) from None
    return scope(user, write)


def visible_to(user, queryset_or_model) -> QuerySet:
    """The rows this user may see."""
    queryset = _queryset(queryset_or_model)
    return queryset.filter(scope_q(user, queryset.model))


def editable_by(user, queryset_or_model) -> QuerySet:
    """The rows this user may change."""
    queryset = _queryset(queryset_or_model)
    return queryset.filter(scope_q(user, queryset.model, write=True))


def may_change(user, obj: Model) -> bool:
    scope = scope_q(user, type(obj), write=True)
    # Everything or nothing needs no query; only a row-dependent rule asks the database.
    if scope in (EVERYTHING, NOTHING):
        return scope == EVERYTHING
    return type(obj)._default_manager.filter(scope, pk=obj.pk).exists()


def _queryset(queryset_or_model) -> QuerySet:
    if isinstance(queryset_or_model, QuerySet):
        return queryset_or_model
    return queryset_or_model._default_manager.all()
