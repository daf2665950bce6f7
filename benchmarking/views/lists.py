"""The site's lists of schemes, enterprises and declarations, and their exports.

Each list is a FilterSet over the rows the user may see (``scoping.visible_to``):
filters, search box, sort and page all live in the URL. The export of a list
runs the same FilterSet on the same GET parameters, so the file holds exactly
the rows the screen selects, on every page, not just the current one.

A filter value that does not validate (a bad date, an unknown id) is shown as
an error beside its field, and the list is then empty, never silently
unfiltered: a count that ignored part of what was asked would look like the
answer to it. Its export goes back to the list, where the error shows.
"""

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView

from ..columns import (
    DECLARATION_EXPORT,
    ENTERPRISE_EXPORT,
    EXPORT_SELECT_RELATED,
    SCHEME_EXPORT,
    SCHEME_EXPORT_PREFETCH,
    declaration_export_table,
    scheme_export_rows,
)
from ..exports import Column, Sheet, csv_response, xlsx_response
from ..filters import DeclarationFilter, EnterpriseFilter, ListFilterSet, SchemeFilter
from ..models import Declaration, Enterprise, TechnicalScheme
from ..scoping import visible_to
from .mixins import ForgivingPaginationMixin, StaffOnlyMixin

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
EXPORT_FORMATS = ("xlsx", "csv")


class StaffListView(StaffOnlyMixin, ForgivingPaginationMixin, FilterView):
    """A list for staff: the rows the user may see, filtered, sorted and paged by the URL."""

    model: type
    filterset_class: type[ListFilterSet]
    paginate_by = PAGE_SIZE
    # Each list's joins: the columns its template shows (see each subclass).
    list_select_related: tuple[str, ...] = ()
    title = ""
    export_name = ""  # the URL name of the list's export

    def get_queryset(self) -> QuerySet:
        # The model's own order made explicit: Django drops Meta.ordering from a query that
        # aggregates (the counts), and pages need a stable order; the key breaks ties.
        return (
            visible_to(self.request.user, self.model)
            .select_related(*self.list_select_related)
            .order_by(*self.model._meta.ordering, "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        context.update(
            title=self.title,
            # A bound FilterSet whose form failed: the list is empty on purpose (see the module).
            filter_errors=not filterset.is_valid(),
            sort=filterset.current_sort,
            export_xlsx=reverse(self.export_name, kwargs={"fmt": "xlsx"}),
            export_csv=reverse(self.export_name, kwargs={"fmt": "csv"}),
        )
        return context


class SchemeListView(StaffListView):
    model = TechnicalScheme
    filterset_class = SchemeFilter
    template_name = "benchmarking/lists/schemes.html"
    list_select_related = ("industry",)  # the 行业 column
    title = _("对标技术方案")
    export_name = "scheme-export"


class EnterpriseListView(StaffListView):
    model = Enterprise
    filterset_class = EnterpriseFilter
    template_name = "benchmarking/lists/enterprises.html"
    list_select_related = ("branch_office", "industry")  # the 所属监管所 and 行业 columns
    title = _("企业")
    export_name = "enterprise-export"


class DeclarationListView(StaffListView):
    model = Declaration
    filterset_class = DeclarationFilter
    template_name = "benchmarking/lists/declarations.html"
    # The 企业/统一社会信用代码, 所属监管所, 行业 and 方案编号 columns.
    list_select_related = ("enterprise__branch_office", "enterprise__industry", "scheme")
    title = _("自我声明对标结果")
    export_name = "declaration-export"


class ListExportMixin:
    """The export of a list view: same access, same queryset, same FilterSet, every row."""

    kind: str  # key of EXPORT_SELECT_RELATED
    columns: tuple[Column, ...]
    file_stem: str  # the file's Chinese name, before the date
    list_name: str  # the URL name of the list, where invalid filters are shown

    def get(self, request, *args, fmt: str, **kwargs) -> HttpResponse | StreamingHttpResponse:
        if fmt not in EXPORT_FORMATS:
            raise Http404
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            # The list page shows what is wrong with the filters.
            return HttpResponseRedirect(f"{reverse(self.list_name)}?{request.GET.urlencode()}")
        queryset = filterset.qs
        # Only when there are joins to name: select_related() with none would join every key.
        if joins := EXPORT_SELECT_RELATED[self.kind]:
            queryset = queryset.select_related(*joins)
        columns, rows = self.export_table(queryset)
        filename = f"{self.file_stem}_{timezone.localdate().isoformat()}.{fmt}"
        if fmt == "csv":
            return csv_response(filename, columns, rows)
        return xlsx_response(filename, [Sheet(title=self.file_stem, columns=columns, rows=rows)])

    def export_table(self, queryset: QuerySet) -> tuple[Sequence[Column], Iterable]:
        """The file's columns and rows: the kind's columns, and ``export_rows``."""
        return self.columns, self.export_rows(queryset)

    def export_rows(self, queryset: QuerySet) -> Iterable:
        """The file's rows: one per record unless a kind says otherwise."""
        # Chunks keep a long export's memory flat; select_related keeps it one query per chunk.
        return queryset.iterator(chunk_size=EXPORT_CHUNK)


class SchemeExportView(ListExportMixin, SchemeListView):
    kind = "scheme"
    columns = SCHEME_EXPORT
    file_stem = "对标技术方案"
    list_name = "scheme-list"

    def export_rows(self, queryset: QuerySet) -> Iterable:
        # One row per indicator, in the import's format (export → edit → import); the prefetches
        # run once per chunk of schemes, so the file still costs a fixed number of queries.
        return scheme_export_rows(
            queryset.prefetch_related(*SCHEME_EXPORT_PREFETCH).iterator(chunk_size=EXPORT_CHUNK)
        )


class EnterpriseExportView(ListExportMixin, EnterpriseListView):
    kind = "enterprise"
    columns = ENTERPRISE_EXPORT
    file_stem = "企业"
    list_name = "enterprise-list"


class DeclarationExportView(ListExportMixin, DeclarationListView):
    """The declarations in the import's format: its columns, then the indicator values as pairs
    指标1 | 声明值1 | … (as many as the widest declaration exported), then the computed columns."""

    kind = "declaration"
    columns = DECLARATION_EXPORT
    file_stem = "对标结果"
    list_name = "declaration-list"

    def export_table(self, declarations: QuerySet) -> tuple[Sequence[Column], Iterable]:
        return declaration_export_table(declarations, chunk_size=EXPORT_CHUNK)
