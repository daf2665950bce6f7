"""What a list export reads: the list's rows for one user and query (the list's own FilterSet),
its columns and rows, and how many records it holds; and a user's export jobs.

The download answered at once (``views.lists.ListExportMixin``) and the background export
(``services.exports.export_job_run``) both read through ``ListExport``, so a file built by a
worker holds what the download would have, cell for cell.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from ..columns import (
    DECLARATION_EXPORT,
    ENTERPRISE_EXPORT,
    EXPORT_SELECT_RELATED,
    SCHEME_EXPORT,
    SCHEME_EXPORT_PREFETCH,
    declaration_export_table,
    scheme_export_rows,
    with_county_column,
)
from ..exports import Column
from ..filters import DeclarationFilter, EnterpriseFilter, ListFilterSet, SchemeFilter
from ..models import Declaration, Enterprise, ExportJob, ExportKind, TechnicalScheme
from ..scoping import visible_to

__all__ = [
    "EXPORT_CHUNK",
    "EXPORT_FORMATS",
    "LIST_EXPORTS",
    "ListExport",
    "export_job_of",
    "filter_summary",
    "recent_export_jobs",
]

EXPORT_CHUNK = 2000
EXPORT_FORMATS = ("xlsx", "csv")

# Called once per record read, for a background export's progress; the download passes none.
Tick = Callable[[Iterable[Any]], Iterable[Any]]


def _untouched(records: Iterable[Any]) -> Iterable[Any]:
    return records


@dataclass(frozen=True)
class ListExport:
    """One list's export: same access, same FilterSet, every row."""

    kind: str  # ExportKind; key of EXPORT_SELECT_RELATED
    model: type
    filterset_class: type[ListFilterSet]
    columns: tuple[Column, ...]
    file_stem: str  # the file's Chinese name, before the date
    list_name: str  # the URL name of the list, where invalid filters are shown
    export_name: str  # the URL name of the export
    # The file's rows per record, roughly, for weighing an export against the queue's threshold:
    # a scheme is a row per indicator (6.9 on average in the demo data and at 100 ×).
    rows_per_record: int = 1

    def filterset(self, user, data: QueryDict) -> ListFilterSet:
        """The list's FilterSet over the rows ``user`` may see, bound to ``data`` (the list's
        query string), ordered as the list is. The FilterSet asks its request only for the user."""
        queryset = visible_to(user, self.model).order_by(*self.model._meta.ordering, "pk")
        return self.filterset_class(data, queryset, request=SimpleNamespace(user=user, GET=data))

    def queryset(self, filterset: ListFilterSet) -> QuerySet:
        """The records of a valid FilterSet, with the joins the columns read."""
        queryset = filterset.qs
        # Only when there are joins to name: select_related() with none would join every key.
        if joins := EXPORT_SELECT_RELATED[self.kind]:
            queryset = queryset.select_related(*joins)
        return queryset

    def size(self, queryset: QuerySet) -> int:
        """How many records: one COUNT, without the rows' joins or order."""
        return queryset.order_by().count()

    def file_rows(self, records: int) -> int:
        """About how many rows a file of ``records`` records holds."""
        return records * self.rows_per_record

    def table(self, queryset: QuerySet, tick: Tick = _untouched) -> tuple[Sequence[Column], Iterable]:
        """The file's columns and rows; ``tick`` wraps the records as they are read."""
        # Chunks keep a long export's memory flat; select_related keeps it one query per chunk.
        if self.kind == ExportKind.SCHEMES:
            # One row per indicator, in the import's format (export → edit → import); the
            # prefetches run once per chunk of schemes, so the file still costs a fixed number
            # of queries.
            schemes = queryset.prefetch_related(*SCHEME_EXPORT_PREFETCH).iterator(chunk_size=EXPORT_CHUNK)
            columns = with_county_column(self.columns, queryset, kind=self.kind)
            return columns, scheme_export_rows(tick(schemes))
        if self.kind == ExportKind.DECLARATIONS:
            # The import's columns, the indicator values as pairs 指标1 | 声明值1 | … (as many as
            # the widest declaration exported), then the computed columns.
            columns, rows = declaration_export_table(queryset, chunk_size=EXPORT_CHUNK)
            return columns, tick(rows)
        # Above a county, the county column first (columns.with_county_column).
        columns = with_county_column(self.columns, queryset, kind=self.kind)
        return columns, tick(queryset.iterator(chunk_size=EXPORT_CHUNK))

    def filename(self, fmt: str) -> str:
        return f"{self.file_stem}_{timezone.localdate().isoformat()}.{fmt}"


LIST_EXPORTS: dict[str, ListExport] = {
    export.kind: export
    for export in (
        ListExport(
            kind=ExportKind.SCHEMES,
            model=TechnicalScheme,
            filterset_class=SchemeFilter,
            columns=SCHEME_EXPORT,
            file_stem="对标技术方案",
            list_name="scheme-list",
            export_name="scheme-export",
            rows_per_record=7,
        ),
        ListExport(
            kind=ExportKind.ENTERPRISES,
            model=Enterprise,
            filterset_class=EnterpriseFilter,
            columns=ENTERPRISE_EXPORT,
            file_stem="企业",
            list_name="enterprise-list",
            export_name="enterprise-export",
        ),
        ListExport(
            kind=ExportKind.DECLARATIONS,
            model=Declaration,
            filterset_class=DeclarationFilter,
            columns=DECLARATION_EXPORT,
            file_stem="对标结果",
            list_name="declaration-list",
            export_name="declaration-export",
        ),
    )
}


def filter_summary(filterset: ListFilterSet) -> list[tuple[str, str]]:
    """The filters in force as (label, value) in words, for the export's page: 所属监管所：东城所."""
    if not filterset.is_valid():
        return []
    summary = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        if name == "sort":
            continue  # the rows' order, not which rows
        field = filterset.form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            shown = str(dict(field.choices).get(value, value))
        elif hasattr(value, "isoformat"):
            shown = value.isoformat()
        else:
            shown = str(value)
        summary.append((str(field.label), shown))
    return summary


def export_job_of(user, pk: int) -> ExportJob | None:
    """The export job ``pk`` if ``user`` asked for it: nobody else's, whatever their role."""
    if not user.is_authenticated:
        return None
    return ExportJob.objects.filter(pk=pk, user=user).first()


# How many of a user's exports their page lists.
RECENT_EXPORTS = 20


def recent_export_jobs(user) -> Iterator[ExportJob]:
    return ExportJob.objects.filter(user=user).order_by("-created_at", "-pk")[:RECENT_EXPORTS]
