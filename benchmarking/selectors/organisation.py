"""Offices and industries by the names staff write: their name, their code, or an alias
(docs/domain.md, "Offices and industries by the names staff write").

The imports, the lists' filters and search boxes all find an office or industry through
``reference_lookup``, so 方岩所, FY and 方岩市场监督管理所 name the same office everywhere.
"""

from collections.abc import Iterator

from django.db.models import Model, Prefetch, Q, QuerySet

from ..access import enterprise_scope
from ..models import BranchOffice, BranchOfficeAlias, Industry, IndustryAlias
from ..validators import normalize_reference_name

__all__ = ["ReferenceLookup", "importable_offices", "named_q", "reference_lookup", "resolve_reference"]

_ALIASES = {BranchOffice: BranchOfficeAlias, Industry: IndustryAlias}


class ReferenceLookup:
    """The offices (or industries) of a queryset by every name they go by, compared after
    ``normalize_reference_name``: names first, then aliases, then codes — a code only where it
    names just one record (two industries may share a GB/T 4754 class)."""

    def __init__(self, records: list[Model], model: type[Model]):
        self.records = records
        by_key: dict[str, Model] = {}
        for record in records:
            by_key.setdefault(normalize_reference_name(record.name), record)
        for record in records:
            for alias in record.aliases.all():
                by_key.setdefault(alias.name, record)
        by_code: dict[str, list[Model]] = {}
        for record in records:
            for field in model.naming_fields[1:]:
                code = normalize_reference_name(getattr(record, field))
                if code:
                    by_code.setdefault(code, []).append(record)
        for code, named in by_code.items():
            if len(named) == 1:
                by_key.setdefault(code, named[0])
        self._by_key = by_key
        self._by_pk = {record.pk: record for record in records}

    def get(self, text: str | None) -> Model | None:
        """The record ``text`` names, or None."""
        return self._by_key.get(normalize_reference_name(text)) if text else None

    def by_pk(self, pk) -> Model | None:
        return self._by_pk.get(pk)

    def __iter__(self) -> Iterator[Model]:
        return iter(self.records)


def reference_lookup(model: type[Model], queryset: QuerySet | None = None) -> ReferenceLookup:
    """Every office (or industry) of ``queryset`` (default: all) by name, alias and code. Two
    queries, however many rows."""
    queryset = model._default_manager.all() if queryset is None else queryset
    records = list(
        queryset.prefetch_related(Prefetch("aliases", queryset=_ALIASES[model]._default_manager.order_by()))
    )
    return ReferenceLookup(records, model)


def resolve_reference(model: type[Model], text: str, queryset: QuerySet | None = None) -> Model | None:
    """The one office (or industry) of ``queryset`` that ``text`` names, or None."""
    return reference_lookup(model, queryset).get(text) if normalize_reference_name(text) else None


def named_q(model: type[Model], word: str) -> Q:
    """The offices (or industries) a search word may name — by name, code or alias, compared
    as ``ReferenceLookup`` compares them, a shared code naming each record that has it — as a
    filter over ``model``, so a search box pays no query of its own for it. (A search word has
    no spaces; names are stored as typed, so they are compared case-insensitively, as typed
    and in NFKC.)"""
    key = normalize_reference_name(word)
    if not key:
        return Q(pk__in=[])
    aliases = _ALIASES[model]._default_manager.filter(name=key).values(_ALIASES[model].owner_field)
    match = Q(pk__in=aliases) | Q(name__iexact=word) | Q(name__iexact=key)
    for field in model.naming_fields[1:]:
        match |= Q(**{f"{field}__iexact": key})
    return match


def importable_offices(actor) -> QuerySet[BranchOffice]:
    """The offices whose enterprises ``actor`` may import (the scope rule): every office for
    bureau staff, their own for branch-office staff, none for anyone else."""
    scope = enterprise_scope(actor, write=True)
    if scope.region is not None:
        return BranchOffice.objects.filter(scope.region.q("region"))
    return (
        BranchOffice.objects.filter(pk=scope.branch_office_id)
        if scope.branch_office_id
        else BranchOffice.objects.none()
    )
