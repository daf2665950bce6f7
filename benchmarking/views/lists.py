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

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView

from ..exports import Sheet, csv_response, xlsx_response
from ..filters import DeclarationFilter, EnterpriseFilter, ListFilterSet, SchemeFilter
from ..models import Declaration, Enterprise, ExportKind, TechnicalScheme
from ..scoping import visible_to
from ..selectors.exports import EXPORT_FORMATS, LIST_EXPORTS
from ..selectors.revisions import attach_outdated_benchmarks, with_revision_marks
from ..services import exports as export_services
from .mixins import ForgivingPaginationMixin, ReplicaReadsMixin, StaffOnlyMixin

PAGE_SIZE = 50


class StaffListView(StaffOnlyMixin, ReplicaReadsMixin, ForgivingPaginationMixin, FilterView):
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
            # Above a county: the 所属县（市、区） column (each row's ``county_name``).
            spans_counties=filterset.spans_counties,
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

    def get_queryset(self) -> QuerySet:
        # The 需修订 and 已修订 badges, in the page's own query.
        return with_revision_marks(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The badge's title names the replacements: one query for the page, none without a 需修订 row.
        context["object_list"] = attach_outdated_benchmarks(context["object_list"])
        return context


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
    """The export of a list view: same access, same queryset, same FilterSet, every row
    (``selectors.exports.ListExport``). Up to ``EXPORT_AT_ONCE_MAX_ROWS`` rows the file is the
    answer; a longer export is queued (``services.exports``) and the answer is its page."""

    kind: str  # key of selectors.exports.LIST_EXPORTS
    # The primary: the file's rows are read as it streams, after the view (and any scope it
    # opened) has returned, so the replica would serve only part of it.
    replica_reads = False

    def get(self, request, *args, fmt: str, **kwargs) -> HttpResponse | StreamingHttpResponse:
        if fmt not in EXPORT_FORMATS:
            raise Http404
        export = LIST_EXPORTS[self.kind]
        filterset = export.filterset(request.user, request.GET)
        if not filterset.is_valid():
            # The list page shows what is wrong with the filters.
            return HttpResponseRedirect(f"{reverse(export.list_name)}?{request.GET.urlencode()}")
        queryset = export.queryset(filterset)
        size = export.size(queryset)
        if export.file_rows(size) > export_services.EXPORT_AT_ONCE_MAX_ROWS:
            job = export_services.export_job_create(
                user=request.user, kind=self.kind, fmt=fmt, query=request.GET, rows_total=size
            )
            # 303: the browser GETs the job's page, whatever asked for the export.
            response = HttpResponse(status=303)
            response["Location"] = reverse("export-job", args=[job.pk])
            return response
        columns, rows = export.table(queryset)
        filename = export.filename(fmt)
        if fmt == "csv":
            return csv_response(filename, columns, rows)
        return xlsx_response(filename, [Sheet(title=export.file_stem, columns=columns, rows=rows)])


class SchemeExportView(ListExportMixin, SchemeListView):
    kind = ExportKind.SCHEMES


class EnterpriseExportView(ListExportMixin, EnterpriseListView):
    kind = ExportKind.ENTERPRISES


class DeclarationExportView(ListExportMixin, DeclarationListView):
    kind = ExportKind.DECLARATIONS
