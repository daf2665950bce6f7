"""Public disclosure (结果公示): the published self-declared results, for anyone, no login.

Everyone sees the same page, signed in or not and whatever their role: what is public
is decided by ``selectors.public`` alone, never by who asks. Read-only: the only form
is the list's GET filter form, so nothing here needs a CSRF token — which lets an anonymous
visitor's page be cached whole and shared (``anonymous_cache``).
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_filters.views import FilterView

from ..filters import PublicResultFilter
from ..selectors.lifecycle import attach_standard_updates
from ..selectors.public import public_result, published_results
from .anonymous_cache import AnonymousPageCacheMixin
from .lists import PAGE_SIZE
from .mixins import ForgivingPaginationMixin

TITLE = _("对标达标结果公示")


class PublicResultListView(AnonymousPageCacheMixin, ForgivingPaginationMixin, FilterView):
    """The published results: search, industry, grade, publication dates, sort, 50 a page.

    Strict, as the staff lists: a filter value that does not validate empties the list and
    shows the error beside its field, rather than listing everything unfiltered.
    """

    filterset_class = PublicResultFilter
    template_name = "benchmarking/public/results.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return published_results()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=TITLE,
            # why the marked results are marked: a few queries for the whole page
            object_list=attach_standard_updates(context["object_list"]),
            filter_errors=not self.filterset.is_valid(),
            sort=self.filterset.current_sort,
        )
        return context


class PublicResultDetailView(AnonymousPageCacheMixin, TemplateView):
    """One published result. Anything else (a draft, a withdrawn result, an id that never
    existed) is the same 404, so the page says nothing about unpublished declarations."""

    template_name = "benchmarking/public/result_detail.html"

    def get_context_data(self, **kwargs):
        result = public_result(self.kwargs["pk"])
        if result is None:
            raise Http404
        return super().get_context_data(title=TITLE, result=result, **kwargs)
