"""The FilterSets of the site's lists: one per list, shared by the page and its export.

Every filter lives in the URL (GET), so a link reproduces a view, and the export
of a list reads the same parameters through the same FilterSet: the file holds
exactly the rows the screen selects, on every page.

"Counted as of a date" (``counted_on``) and the per-row counts never restate the
counting rule: they ask ``benchmarking.selectors.progress``, the one place the rule
lives, so a list opened from a dashboard figure shows that many rows.
"""

import datetime as dt
import re
import unicodedata

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .access import enterprise_scope, region_scope_of, reviews_every_office
from .choices import (
    COUNTY_LEVEL_KINDS,
    DeclarationStatus,
    Grade,
    RegionKind,
    SchemeStatus,
    StandardKind,
    StandardStatus,
)
from .models import BranchOffice, Declaration, Enterprise, Industry, Region, Standard, TechnicalScheme
from .regions import RegionLevel, RegionScope
from .scoping import visible_to
from .selectors.organisation import named_q, reference_lookup
from .selectors.progress import (
    benchmarked_enterprises,
    counted_q,
    end_of_day,
    entered_after_q,
    enterprises_with_counted_results,
    scheme_counted_q,
    schemes_with_counted_results,
)
from .validators import normalize_credit_code, strip_invisible, validate_record_date

ALL = _("全部")
BAD_DATE = _("请输入有效的日期，格式如 2026-11-27。")


def _date_filter(label, method: str, help_text="") -> django_filters.DateFilter:
    # type=date gives a date picker, which submits ISO dates (2026-11-27) in every browser.
    return django_filters.DateFilter(
        label=label,
        method=method,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": BAD_DATE},
        validators=[validate_record_date],
    )


def _lists_every_office(user) -> bool:
    """Whether this user's lists hold every office's records (bureau staff, managers), not only
    one office's (a branch-office login)."""
    return enterprise_scope(user, write=False).every_office


def _office_choices(request) -> QuerySet[BranchOffice]:
    """The offices whose records this user's lists can hold: every office for bureau staff and
    managers; for a branch-office login its own office only, since choosing another would
    only ever list nothing (the lists are scoped to its office)."""
    offices = visible_to(request.user, BranchOffice)
    region = region_scope_of(request.user)
    if not region.is_county:
        # Above a county: the offices of the county (or prefecture) chosen in the same form;
        # a province's 1,350 offices in one select are no choice at all, a prefecture's few
        # dozen are. A code the viewer does not cover narrows nothing (the region filter says so).
        chosen = request.GET.get("region", "")
        if re.fullmatch(r"[0-9]{6}", chosen) and region.covers(chosen) and chosen != region.code:
            return offices.filter(RegionScope(chosen).q("region"))
        return offices if region.level == RegionLevel.PREFECTURE else offices.none()
    if _lists_every_office(request.user):
        return offices
    scope = enterprise_scope(request.user, write=False)
    if scope.branch_office_id is None:
        return offices.none()
    return offices.filter(pk=scope.branch_office_id)


OFFICE_OUT_OF_SCOPE = _("只能选择您所在的监管所，请从列表中重新选择。")


def _industry_choices(request) -> QuerySet[Industry]:
    return visible_to(request.user, Industry)


class ReferenceChoiceField(django_filters.fields.ModelChoiceField):
    """An office (or industry) select that also takes the office as staff write it in the
    address — its name, code or alias (``?branch_office=方岩所``) — among the same choices."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            found = reference_lookup(self.queryset.model, self.queryset).get(str(value))
            if found is None:
                raise
            return found


class ReferenceChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ReferenceChoiceField


def _office_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return ReferenceChoiceFilter(
        field_name=field_name,
        label=_("所属监管所"),
        queryset=_office_choices,
        empty_label=ALL,
        error_messages={"invalid_choice": _("所选监管所不存在，请从列表中重新选择。")},
    )


def _industry_filter(
    field_name: str, *, scoped: bool = True, empty_label=ALL
) -> django_filters.ModelChoiceFilter:
    """Industries to filter by: those the user may see, or (``scoped=False``) all of them, for
    pages where industries are public reference data (the portal's finder, the public page)."""
    return ReferenceChoiceFilter(
        field_name=field_name,
        label=_("行业"),
        queryset=_industry_choices if scoped else Industry.objects.all(),
        empty_label=empty_label,
        error_messages={"invalid_choice": _("所选行业不存在，请从列表中重新选择。")},
    )


def _choice_filter(label, choices) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=label,
        choices=choices,
        empty_label=ALL,
        error_messages={"invalid_choice": _("“%(value)s”不是可选的值，请从列表中重新选择。")},
    )


class SortFilter(django_filters.OrderingFilter):
    """Sort by the ``sort`` parameter (``field`` ascending, ``-field`` descending).

    Empty values sort last on every database (SQLite and PostgreSQL disagree by
    default), and the primary key breaks ties, so a page boundary never moves
    between two requests of the same list.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("排序"))
        kwargs.setdefault("error_messages", {"invalid_choice": _("无法按“%(value)s”排序，请点击表头排序。")})
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        ordering = []
        for param in value:
            if not param:
                continue
            name = self.get_ordering_value(param)
            if name.startswith("-"):
                ordering.append(F(name[1:]).desc(nulls_last=True))
            else:
                ordering.append(F(name).asc(nulls_last=True))
        return qs.order_by(*ordering, "pk") if ordering else qs


# A search box is for a name or a code, not a document: each word adds a condition over several
# columns, so an unbounded query string (anyone may send one to the public page) would cost the
# database seconds. Longer input is refused beside the box; extra words are ignored.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 8


def search_terms(value: str) -> list[str]:
    """The words of a search box (the first SEARCH_MAX_WORDS); every word must match
    (any of the searched fields)."""
    return value.split()[:SEARCH_MAX_WORDS]


def _search_filter(**kwargs) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("搜索"),
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _("搜索内容过长：最多 %(limit_value)d 个字（现有 %(show_value)d 个）。")
        },
        **kwargs,
    )


class WordSearchMixin:
    """The search box of every list on the site: each word must match one of
    ``search_fields`` (or, normalised as a credit code, one of ``credit_code_fields``)."""

    # Fields searched by ``q`` with the raw word (names keep their full-width brackets).
    search_fields: tuple[str, ...] = ()
    # Fields searched with the word normalised as a credit code (spaces, case, full-width).
    credit_code_fields: tuple[str, ...] = ()
    # Office and industry fields: a word that names one (its name, code or alias:
    # ``selectors.organisation.named_q``) matches the rows under it.
    reference_fields: tuple[tuple[str, type], ...] = ()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # A code pasted from a web page may carry characters no one sees.
        for word in search_terms(strip_invisible(value)):
            match = Q()
            for field, model in self.reference_fields:
                # A subquery: the search costs no query of its own.
                match |= Q(**{f"{field}__in": model._default_manager.filter(named_q(model, word))})
            for field in self.search_fields:
                match |= Q(**{f"{field}__icontains": word})
            code = normalize_credit_code(word)
            for field in self.credit_code_fields:
                match |= Q(**{f"{field}__icontains": code})
            # Full-width digits and letters typed in a code or model number still find it.
            ascii_word = unicodedata.normalize("NFKC", word)
            if ascii_word != word:
                for field in self.search_fields:
                    match |= Q(**{f"{field}__icontains": ascii_word})
            queryset = queryset.filter(match)
        return queryset


class SortStateMixin:
    """For a FilterSet with a ``sort`` filter: the sort in force, which the column headers show."""

    @property
    def current_sort(self) -> str:
        """The sort parameter in force ("" for the default order)."""
        if not self.form.is_valid():
            return ""
        value = self.form.cleaned_data.get("sort") or []
        return value[0] if value else ""


# -- the county of a record, for a viewer above a county -------------------------------------
#
# A prefecture's or the province's staff list the records of every county under them; their
# lists name each record's county (``COUNTY_NAME``, a join, no query per row) and filter by it
# (``region``). A county's own logins keep the lists as a single-county deployment has them:
# neither the filter nor the column.

# The annotation naming each row's county (the exports' county column reads it too: columns.py).
COUNTY_NAME = "county_name"
REGION_OUT_OF_SCOPE = _("所选县（市、区）不在您可查看的范围内，请从列表中重新选择。")


def region_choices(scope: RegionScope) -> list[tuple[str, str]]:
    """The regions a viewer above a county may filter a list by, in code order (so grouped by
    prefecture): the county-level units under them and, for the province, each prefecture
    (its counties together) before its counties. One query over the ~100 regions."""
    kinds = [*COUNTY_LEVEL_KINDS, RegionKind.PREFECTURE]
    regions = Region.objects.filter(kind__in=kinds).order_by("code").values_list("code", "name")
    names = dict(regions)
    choices = []
    for code, name in names.items():
        if not scope.covers(code) or code == scope.code:
            continue
        if scope.level == RegionLevel.PREFECTURE:
            choices.append((code, name))
        elif code[4:] == "00":
            choices.append((code, _("%(prefecture)s（全市）") % {"prefecture": name}))
        else:
            # Among the province's 90, the prefecture names the county.
            choices.append((code, f"{names.get(code[:4] + '00', '')} · {name}"))
    return choices


class ListFilterSet(WordSearchMixin, SortStateMixin, django_filters.FilterSet):
    """What the three lists share: the search box ``q``, ``counted_on``, ``sort``, and
    the per-row count of counted results "as of" the same instant as ``counted_on``; above a
    county, the county (``region``) and each row's county name (``COUNTY_NAME``)."""

    # The county-level region foreign key a row belongs to, as the counting rules count it.
    region_field = "region"

    q = _search_filter()
    region = django_filters.ChoiceFilter(
        label=_("所属县（市、区）"),
        method="filter_region",
        empty_label=ALL,
        error_messages={"invalid_choice": REGION_OUT_OF_SCOPE},
    )
    counted_on = _date_filter(_("截至该日计入"), "filter_counted_on")
    # What counted_on selects on this list, under the field.
    counted_on_help = _("该日（北京时间）结束时已发布、且尚未撤回的记录。")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if request is None:
            # The choices (offices, industries) and the counts are scoped to the user.
            raise TypeError(f"{type(self).__name__} needs the request")
        # Always bound (an empty query is a valid one), so the counts below are annotated and
        # the FilterSet validated on the bare list too, not only once something is filtered.
        super().__init__({} if data is None else data, queryset, request=request, prefix=prefix)
        self.filters["counted_on"].extra["help_text"] = self.counted_on_help
        # No query: the profile comes with the user.
        self.spans_counties = not region_scope_of(request.user).is_county
        if self.spans_counties:
            self.filters["region"].extra["choices"] = region_choices(region_scope_of(request.user))
        elif self.region_field == "publisher_region" and self.data.get("region"):
            # A county's own viewers read every county's published schemes; their dashboard's
            # scheme figure asks for those their county published. Offered only when asked, so
            # a county's lists look as a single-county deployment's (one query, then).
            own = region_scope_of(request.user).code
            self.filters["region"].extra["choices"] = list(
                Region.objects.filter(code=own).values_list("code", "name")
            )
        else:
            del self.filters["region"]
        if "branch_office" in self.filters and not _lists_every_office(request.user):
            # A branch-office login offered only its own office: another one (a crafted or
            # shared link) is not "missing", it is outside what this login may list.
            self.filters["branch_office"].extra["error_messages"] = {"invalid_choice": OFFICE_OUT_OF_SCOPE}

    def filter_counted_on(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        raise NotImplementedError

    def counted_as_of(self) -> dt.date | None:
        """The ``counted_on`` date when it is given and valid, else None (now)."""
        if not hasattr(self.form, "cleaned_data"):
            return None
        return self.form.cleaned_data.get("counted_on")

    def with_counts(self, queryset: QuerySet) -> QuerySet:
        """Annotate the per-row counts before filtering, so the columns can sort by them."""
        return queryset

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # One of the choices (the form refused any other): a county, or a prefecture's counties.
        return queryset.filter(RegionScope(value).q(self.region_field))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.spans_counties:
            # The county column: a join on the rows' query, not a query per row.
            queryset = queryset.annotate(**{COUNTY_NAME: F(f"{self.region_field}__name")})
        return super().filter_queryset(self.with_counts(queryset))


def _entered_after_filter() -> django_filters.DateFilter:
    # The dashboard's "changed by later entries" links pair it with counted_on: the records that
    # count on a day although entered since (selectors.progress.entered_later).
    return _date_filter(
        _("该日之后录入"),
        "filter_entered_after",
        help_text=_("该日（北京时间）结束之后才录入系统的记录，如补录的历史记录。"),
    )


class EnteredAfterMixin:
    def filter_entered_after(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(entered_after_q(value))


def _published_from(queryset: QuerySet, value: dt.date) -> QuerySet:
    # From the start of that Shanghai day: after the end of the day before.
    return queryset.filter(published_at__gt=end_of_day(value - dt.timedelta(days=1)))


def _published_to(queryset: QuerySet, value: dt.date) -> QuerySet:
    return queryset.filter(published_at__lte=end_of_day(value))


class SchemeFilter(EnteredAfterMixin, ListFilterSet):
    # A scheme counts in its publisher's county.
    region_field = "publisher_region"
    industry = _industry_filter("industry")
    status = _choice_filter(_("状态"), SchemeStatus.choices)
    published_from = _date_filter(_("发布日期起"), "filter_published_from")
    published_to = _date_filter(_("发布日期止"), "filter_published_to")
    entered_after = _entered_after_filter()
    sort = SortFilter(
        fields=(
            ("code", "code"),
            ("title", "title"),
            ("product_category", "product_category"),
            ("industry__name", "industry"),
            ("publisher", "publisher"),
            # By code, so by prefecture (the county column, above a county).
            ("publisher_region", "region"),
            ("published_at", "published_at"),
            ("withdrawn_at", "withdrawn_at"),
            ("counted_results", "counted_results"),
        )
    )

    search_fields = ("code", "title", "product_category", "publisher")
    reference_fields = (("industry", Industry),)
    counted_on_help = _("该日（北京时间）结束时已发布、且尚未撤销的方案；“已计入对标结果”也按该日统计。")

    class Meta:
        model = TechnicalScheme
        fields: list[str] = []

    def filter_published_from(self, queryset, name, value):
        return _published_from(queryset, value)

    def filter_published_to(self, queryset, name, value):
        return _published_to(queryset, value)

    def filter_counted_on(self, queryset, name, value):
        return queryset.filter(scheme_counted_q(value))

    def with_counts(self, queryset):
        return schemes_with_counted_results(
            queryset, declarations=visible_to(self.request.user, Declaration), as_of=self.counted_as_of()
        )


class EnterpriseFilter(ListFilterSet):
    branch_office = _office_filter("branch_office")
    industry = _industry_filter("industry")
    sort = SortFilter(
        fields=(
            ("name", "name"),
            ("credit_code", "credit_code"),
            ("branch_office__name", "branch_office"),
            ("region", "region"),
            ("industry__name", "industry"),
            ("counted_results", "counted_results"),
        )
    )

    search_fields = ("name",)
    reference_fields = (("branch_office", BranchOffice), ("industry", Industry))
    counted_on_help = _(
        "该日（北京时间）结束时至少有一项计入的对标结果的企业；“已计入对标结果”也按该日统计。"
    )
    credit_code_fields = ("credit_code",)

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def filter_counted_on(self, queryset, name, value):
        return queryset.filter(pk__in=benchmarked_enterprises(value).values("pk"))

    def with_counts(self, queryset):
        return enterprises_with_counted_results(queryset, as_of=self.counted_as_of())


class DeclarationFilter(EnteredAfterMixin, ListFilterSet):
    # The counting rules count a result under its enterprise's current county, office and industry.
    region_field = "enterprise__region"
    branch_office = _office_filter("enterprise__branch_office")
    industry = _industry_filter("enterprise__industry")
    status = _choice_filter(_("状态"), DeclarationStatus.choices)
    grade = _choice_filter(_("对标水平"), Grade.choices)
    declared_from = _date_filter(_("声明日期起"), "filter_declared_from")
    declared_to = _date_filter(_("声明日期止"), "filter_declared_to")
    published_from = _date_filter(_("发布日期起"), "filter_published_from")
    published_to = _date_filter(_("发布日期止"), "filter_published_to")
    entered_after = _entered_after_filter()
    sort = SortFilter(
        fields=(
            ("enterprise__name", "enterprise"),
            ("enterprise__credit_code", "credit_code"),
            ("enterprise__branch_office__name", "branch_office"),
            ("enterprise__region", "region"),
            ("enterprise__industry__name", "industry"),
            ("scheme__code", "scheme"),
            ("product_name", "product_name"),
            ("product_model", "product_model"),
            ("declared_on", "declared_on"),
            ("published_at", "published_at"),
        )
    )

    search_fields = ("enterprise__name", "scheme__code", "product_name", "product_model")
    reference_fields = (("enterprise__branch_office", BranchOffice), ("enterprise__industry", Industry))
    counted_on_help = _("该日（北京时间）结束时已发布、且尚未撤回的对标结果（此后撤回的仍计入）。")
    credit_code_fields = ("enterprise__credit_code",)

    class Meta:
        model = Declaration
        fields: list[str] = []

    def filter_declared_from(self, queryset, name, value):
        return queryset.filter(declared_on__gte=value)

    def filter_declared_to(self, queryset, name, value):
        return queryset.filter(declared_on__lte=value)

    def filter_published_from(self, queryset, name, value):
        return _published_from(queryset, value)

    def filter_published_to(self, queryset, name, value):
        return _published_to(queryset, value)

    def filter_counted_on(self, queryset, name, value):
        return queryset.filter(counted_q(value))


class StandardFilter(WordSearchMixin, django_filters.FilterSet):
    """The standards staff read (the API's standards list; the admin has its own search): a
    search box over the number and the title, and the standard's kind and status."""

    q = _search_filter(help_text=_("标准编号、标准名称或采用的国际/国外标准编号"))
    kind = _choice_filter(_("标准类别"), StandardKind.choices)
    status = _choice_filter(_("标准状态"), StandardStatus.choices)

    search_fields = ("number", "title", "adopted_standard")

    class Meta:
        model = Standard
        fields: list[str] = []


class PortalSchemeFilter(WordSearchMixin, django_filters.FilterSet):
    """The enterprise portal's scheme finder: a search box over what an enterprise knows of
    its product (its name, the scheme's code or title, the industry) and an industry select."""

    q = _search_filter(help_text=_("方案名称、编号、产品类别或行业，例如“保温杯”“门”"))
    # Industries are reference data every enterprise may read here, though not in the admin.
    # The view presets the enterprise's own industry; the empty choice widens to every one.
    industry = _industry_filter("industry", scoped=False, empty_label=_("全部行业"))

    search_fields = ("title", "code", "product_category", "industry__name")
    reference_fields = (("industry", Industry),)

    class Meta:
        model = TechnicalScheme
        fields: list[str] = []


# The review queue (benchmarking/views/review.py): submitted declarations awaiting a decision.


class ReviewQueueFilter(WordSearchMixin, django_filters.FilterSet):
    """The queue's search box ``q`` (enterprise, product, scheme) and, for bureau staff, the
    branch office. Branch-office staff see only their own office, so they get no office choice."""

    q = _search_filter(
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("企业、产品或方案编号")})
    )
    # The office an enterprise falls under now, as the counting rules and the lists use it.
    branch_office = _office_filter("enterprise__branch_office")

    search_fields = (
        "enterprise__name",
        "product_name",
        "product_model",
        "scheme__code",
        "scheme__title",
    )
    reference_fields = (("enterprise__branch_office", BranchOffice), ("enterprise__industry", Industry))

    class Meta:
        model = Declaration
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if request is None:
            raise TypeError("ReviewQueueFilter needs the request")
        super().__init__(data, queryset, request=request, prefix=prefix)
        if not reviews_every_office(request.user):
            del self.filters["branch_office"]


# ---------------------------------------------------------------------------------------
# Public disclosure (结果公示, benchmarking/views/public.py): the published results, for anyone.
#
# Not a ListFilterSet: it has no "counted as of" (a past date would list results withdrawn
# since, which the public page never shows), and nothing in it depends on who is asking.


class PublicResultFilter(WordSearchMixin, SortStateMixin, django_filters.FilterSet):
    """Search, industry, grade, publication dates and sort of the public results list.

    Like the staff lists, a value that does not validate is shown beside its field and the
    list is empty, never silently unfiltered (the view is strict).
    """

    q = _search_filter(help_text=_("企业名称、产品名称或型号、方案编号或名称、统一社会信用代码"))
    # All industries, not only those with a published result: the choices then cost no
    # join over the results, and a saved link to an industry whose last result was withdrawn
    # shows an empty list rather than "所选行业不存在", which would be untrue. Filtered by the
    # enterprise's current industry, as the counting rules count (so the figures match the
    # dashboard's by-industry table).
    # Industries are public reference data: not scoped to the user (visible_to would give the
    # anonymous reader none).
    industry = _industry_filter("enterprise__industry", scoped=False)
    grade = _choice_filter(_("对标水平"), Grade.choices)
    published_from = _date_filter(_("发布日期起"), "filter_published_from")
    published_to = _date_filter(_("发布日期止"), "filter_published_to")
    # Offered as a select too (not only the column headers), since on a phone the table's
    # headers give way to cards.
    sort = SortFilter(
        fields=(
            ("published_at", "published_at"),
            ("enterprise__name", "enterprise"),
            ("enterprise__industry__name", "industry"),
            ("product_name", "product_name"),
            ("scheme__code", "scheme"),
            # The selector's rank: 领先 first, not the stored codes' alphabetical order.
            ("grade_rank", "grade"),
        ),
        choices=[
            ("-published_at", _("发布日期（新→旧）")),
            ("published_at", _("发布日期（旧→新）")),
            ("enterprise", _("企业名称")),
            ("-enterprise", _("企业名称（倒序）")),
            ("industry", _("行业")),
            ("-industry", _("行业（倒序）")),
            ("product_name", _("产品名称")),
            ("-product_name", _("产品名称（倒序）")),
            ("scheme", _("方案编号")),
            ("-scheme", _("方案编号（倒序）")),
            ("grade", _("对标水平（领先→落后）")),
            ("-grade", _("对标水平（落后→领先）")),
        ],
        empty_label=_("默认（最新发布在前）"),
    )

    search_fields = (
        "enterprise__name",
        "product_name",
        "product_model",
        "scheme__code",
        "scheme__title",
    )
    credit_code_fields = ("enterprise__credit_code",)
    # Industries are public; offices are not named on the public page.
    reference_fields = (("enterprise__industry", Industry),)

    class Meta:
        model = Declaration
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # Always bound, as the staff lists: the bare list is a valid (empty) query, and the
        # view's strict mode then only empties the list for a value that failed.
        super().__init__({} if data is None else data, queryset, request=request, prefix=prefix)

    def filter_published_from(self, queryset, name, value):
        return _published_from(queryset, value)

    def filter_published_to(self, queryset, name, value):
        return _published_to(queryset, value)
