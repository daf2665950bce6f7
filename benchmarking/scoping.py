"""Which rows a user may see and which they may change: one function pair per model.

Every view, admin ``get_queryset``, autocomplete, export and selector that
serves a user goes through ``visible_to`` / ``editable_by``. A row outside a
user's scope is then simply not there: a 404, never a 403 that confirms it exists.

- bureau staff (市局): everything; change everything.
- branch-office staff (基层所): reference data; their own office's enterprises and
  those enterprises' declarations, which they may enter and change.
- managers (局领导): read everything, change nothing.
- enterprise users: their own enterprise, its declarations, and published schemes.
- anyone else: nothing.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet

from .access import branch_office_id_of, enterprise_scope, role_of
from .choices import Role, SchemeStatus, StandardKind
from .models import (
    BranchOffice,
    Declaration,
    DeclarationEvent,
    DeclarationEvidence,
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

STAFF_ROLES = frozenset({Role.BUREAU_STAFF, Role.BRANCH_STAFF, Role.MANAGER})
NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def _enterprise_q(user, *, prefix: str = "", write: bool) -> Q:
    """The enterprises a user may see (or change), as a filter on ``prefix`` + enterprise."""
    scope = enterprise_scope(user, write=write)
    if scope.everything:
        return EVERYTHING
    if scope.branch_office_id is not None:
        return Q(**{f"{prefix}branch_office_id": scope.branch_office_id})
    if scope.enterprise_id is not None:
        return Q(**{f"{prefix}pk": scope.enterprise_id})
    return NOTHING


def _reference_q(user, *, write: bool) -> Q:
    """Reference data (offices, industries, plans): staff read it; bureau staff change it."""
    role = role_of(user)
    if write:
        return EVERYTHING if role == Role.BUREAU_STAFF else NOTHING
    return EVERYTHING if role in STAFF_ROLES else NOTHING


def _standard_q(user, *, write: bool) -> Q:
    role = role_of(user)
    if write:
        if role == Role.BUREAU_STAFF:
            return EVERYTHING
        if role != Role.BRANCH_STAFF:
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
    return EVERYTHING if role in STAFF_ROLES or role == Role.ENTERPRISE else NOTHING


def _scheme_q(user, *, prefix: str = "", write: bool) -> Q:
    role = role_of(user)
    if write:
        return EVERYTHING if role == Role.BUREAU_STAFF else NOTHING
    if role in STAFF_ROLES:
        return EVERYTHING
    if role == Role.ENTERPRISE:
        # Drafts are the bureau's working papers; published and withdrawn schemes are public.
        return ~Q(**{f"{prefix}status": SchemeStatus.DRAFT})
    return NOTHING


def _scheme_part_q(user, *, prefix: str, write: bool) -> Q:
    """A scheme's benchmarks and indicators are the published document: changed only while a draft."""
    if write:
        return _scheme_q(user, prefix=prefix, write=True) & Q(**{f"{prefix}status": SchemeStatus.DRAFT})
    return _scheme_q(user, prefix=prefix, write=False)


# model -> function(user, write) -> Q over that model
_SCOPES: dict[type[Model], Callable[..., Q]] = {
    BranchOffice: lambda user, write: _reference_q(user, write=write),
    Industry: lambda user, write: _reference_q(user, write=write),
    Standard: lambda user, write: _standard_q(user, write=write),
    Plan: lambda user, write: _reference_q(user, write=write),
    PlanQuota: lambda user, write: _reference_q(user, write=write),
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
    # The history is written by services only; nobody changes it.
    DeclarationEvent: lambda user, write: (
        NOTHING if write else _enterprise_q(user, prefix="declaration__enterprise__", write=False)
    ),
    UserProfile: lambda user, write: EVERYTHING if role_of(user) == Role.BUREAU_STAFF else NOTHING,
}


def _user_scope(user, write: bool) -> Q:
    # Bureau staff manage logins; only a superuser manages superusers.
    if role_of(user) != Role.BUREAU_STAFF:
        return NOTHING
    return EVERYTHING if user.is_superuser else Q(is_superuser=False)


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
