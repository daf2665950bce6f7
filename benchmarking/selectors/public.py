"""Reads for the public disclosure pages (结果公示): published results, for anyone.

What is public is listed here, once, as an allowlist of columns (``LIST_FIELDS``,
``DETAIL_FIELDS``): the enterprise's name, credit code (on every business licence),
industry and branch office; the product; the scheme; the grade; the dates. Contact
details, the address, the legal representative, evidence files, override reasons,
workflow comments and history are never loaded, so no template can show them:
the detail page gets plain data (``PublicResult``), not model instances, and a list
template that reached for a column left out would cost a query per row, which the
pinned query counts of tests/views/test_public.py catch.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils import timezone

from ..choices import DeclarationStatus, Grade
from ..models import Declaration, DeclarationItem, SchemeBenchmark
from ..validators import national_platform_host
from .declarations import declaration_grade_explained, item_display
from .lifecycle import StandardUpdate, standard_updates, with_standard_updates
from .progress import counted_declarations

__all__ = [
    "DETAIL_FIELDS",
    "LIST_FIELDS",
    "PublicIndicatorRow",
    "PublicResult",
    "public_result",
    "published_results",
]

# The columns of the public list (and what its search, filters and sort read are joined
# anyway): enterprise and its industry (the 行业 column), scheme code and title (the 技术方案
# column), product, grade, dates.
LIST_FIELDS = (
    "enterprise__name",
    "enterprise__industry__name",
    "scheme__code",
    "scheme__title",
    "product_name",
    "product_model",
    "grade",
    "declared_on",
    "published_at",
)
# The detail adds the credit code, the branch office, the scheme's publisher, the executed
# standard and the national platform link.
DETAIL_FIELDS = (
    *LIST_FIELDS,
    "enterprise__credit_code",
    "enterprise__branch_office__name",
    "scheme__publisher",
    "executed_standard__number",
    "executed_standard__title",
    "national_platform_url",
    # the line explaining the grade: computed by the rule, or overridden by staff (never why)
    "computed_grade",
    "override_grade",
)


def published_results() -> QuerySet[Declaration]:
    """Declarations published now and not withdrawn: exactly what the 千项计划 counts as its
    results (``progress.counted_declarations``), so the page's total is the dashboard's figure.
    Each is annotated with its 对标标准已更新 mark (``lifecycle.with_standard_updates``): a result
    whose standard has moved on still counts, and says so.

    The status test adds nothing under the ``status_dates`` constraint (a counted declaration
    is a published one), but it states the page's promise in the query itself and lets the
    database use the (status, published_at) index.
    """
    return with_standard_updates(
        counted_declarations()
        .filter(status=DeclarationStatus.PUBLISHED)
        # the 企业, 行业 and 技术方案 columns
        .select_related("enterprise__industry", "scheme")
        # the executed standard's key: why a row is marked 对标标准已更新 names it
        .only(*LIST_FIELDS, "executed_standard")
        # The list sorts by grade best first (领先, 先进, 平均, 落后), not by the codes' spelling.
        .annotate(grade_rank=Case(*(When(grade=g, then=Value(i)) for i, g in enumerate(Grade.values))))
        .order_by("-published_at", "-pk")
    )


@dataclass(frozen=True)
class PublicIndicatorRow:
    """One indicator of a published result, as the public reads it."""

    name: str
    unit: str
    is_core: bool
    benchmark: str  # Indicator.benchmark_display: ≥ 12 h, 10–20 mm, 合格
    value: str  # as declared: 13, not 13.000000; 符合/不符合 for a pass/fail indicator
    comparison: str  # Comparison value, for the row's class
    comparison_label: str


@dataclass(frozen=True)
class PublicResult:
    """A published result with its public particulars only."""

    pk: int
    enterprise_name: str
    credit_code: str
    industry: str
    branch_office: str
    product_name: str
    product_model: str
    scheme_code: str
    scheme_title: str
    scheme_publisher: str
    benchmark_standards: tuple[str, ...]  # "ISO 8442-1:2008 标题", in the scheme's order
    executed_standard_number: str
    executed_standard_title: str
    grade: str
    grade_label: str
    grade_explained: str  # rules.grade_explanation: how the grade follows from the indicators
    published_on: dt.date  # the Shanghai calendar day
    declared_on: dt.date | None
    national_platform_url: str
    items: tuple[PublicIndicatorRow, ...]
    # 对标标准已更新, and why (the scheme revised, a standard withdrawn); None when it is not
    standard_update: StandardUpdate | None = None


def public_result(pk: int) -> PublicResult | None:
    """The published result ``pk``, or None when there is none: drafts, submitted, returned
    and withdrawn declarations are not there, exactly like an id that never existed.
    Three queries, whatever the number of indicators."""
    declaration = (
        published_results()
        # the 所属监管所 and 执行标准 lines
        .select_related("enterprise__branch_office", "executed_standard")
        .only(*DETAIL_FIELDS)
        .prefetch_related(
            # the indicator table: each row's name, unit, direction and benchmark
            Prefetch("items", queryset=DeclarationItem.objects.select_related("indicator")),
        )
        .filter(pk=pk)
        .first()
    )
    if declaration is None:
        return None
    update = standard_updates([declaration]).get(declaration.pk)
    benchmarks = SchemeBenchmark.objects.filter(scheme_id=declaration.scheme_id).select_related("standard")
    return PublicResult(
        pk=declaration.pk,
        enterprise_name=declaration.enterprise.name,
        credit_code=declaration.enterprise.credit_code,
        industry=declaration.enterprise.industry.name,
        branch_office=declaration.enterprise.branch_office.name,
        product_name=declaration.product_name,
        product_model=declaration.product_model,
        scheme_code=declaration.scheme.code,
        scheme_title=declaration.scheme.title,
        scheme_publisher=declaration.scheme.publisher,
        benchmark_standards=tuple(f"{b.standard.number} {b.standard.title}" for b in benchmarks),
        executed_standard_number=declaration.executed_standard.number,
        executed_standard_title=declaration.executed_standard.title,
        grade=declaration.grade,
        grade_label=declaration.get_grade_display(),
        grade_explained=declaration_grade_explained(declaration, declaration.items.all()),
        published_on=timezone.localdate(declaration.published_at),
        declared_on=declaration.declared_on,
        # Only a link to the platform itself: one stored before that rule is not shown at all.
        national_platform_url=(
            declaration.national_platform_url
            if national_platform_host(declaration.national_platform_url)
            else ""
        ),
        items=tuple(
            PublicIndicatorRow(
                name=item.indicator.name,
                unit=item.indicator.unit,
                is_core=item.indicator.is_core,
                benchmark=item.indicator.benchmark_display,
                value=item_display(item),
                comparison=item.comparison,
                comparison_label=item.get_comparison_display(),
            )
            for item in declaration.items.all()
        ),
        standard_update=update,
    )
