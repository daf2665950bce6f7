"""The columns of the list exports, defined once per kind of record.

The headers are full Chinese field names (统一社会信用代码, not 代码), so a file
reads on its own and the import template can reuse the same headers.
Each row is a model instance from the list's FilterSet, with the related rows
named in ``EXPORT_SELECT_RELATED`` already joined and ``counted_results``
annotated by the FilterSet (a declaration's row is a dict of values, see
``DECLARATION_VALUES``): a cell never runs a query.

``*_FIELDS`` are the record's own fields (what an import would fill in);
``*_EXPORT`` adds what the system works out (status, grade, counts, dates).
The headers are plain strings, not translated: a file's headers are its format,
and an import must recognise them whatever the interface language.
"""

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple

from django.db.models import Prefetch, QuerySet

from .exports import Column, choice_label
from .filters import COUNTY_NAME
from .models import Declaration, Indicator, SchemeBenchmark, TechnicalScheme
from .selectors.declarations import declaration_value_pairs

# Excel number formats: real dates and numbers, sortable and summable.
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
COUNT = "0"

# The choice columns' labels (get_status_display() and the like, looked up once per value).
_scheme_status = choice_label(TechnicalScheme._meta.get_field("status"))
_direction = choice_label(Indicator._meta.get_field("direction"))
_declaration_status = choice_label(Declaration._meta.get_field("status"))
_grade = choice_label(Declaration._meta.get_field("grade"))

ENTERPRISE_FIELDS: tuple[Column, ...] = (
    Column("统一社会信用代码", lambda e: e.credit_code),
    Column("企业名称", lambda e: e.name),
    Column("所属监管所", lambda e: e.branch_office.name),
    Column("行业", lambda e: e.industry.name),
    Column("地址", lambda e: e.address),
    Column("法定代表人", lambda e: e.legal_representative),
    Column("联系人", lambda e: e.contact_person),
    Column("联系电话", lambda e: e.phone),
    Column("电子邮箱", lambda e: e.email),
    Column("浙江制造/品字标认证", lambda e: e.zhejiang_made),
    Column("企业标准“领跑者”", lambda e: e.standard_leader),
)
ENTERPRISE_EXPORT: tuple[Column, ...] = (
    *ENTERPRISE_FIELDS,
    Column("已计入对标结果数", lambda e: e.counted_results, number_format=COUNT),
)

# Schemes: one row per indicator, the scheme's own columns repeated on each of its rows (a
# scheme with no indicator yet has one row, its indicator columns blank). Each row is a
# ``SchemeRow`` made by ``scheme_export_rows`` from schemes with ``SCHEME_EXPORT_PREFETCH``.


class SchemeRow(NamedTuple):
    scheme: Any
    indicator: Any  # None on the one row of a scheme with no indicators
    standards: str  # the 对标标准 cell, joined once per scheme, not once per indicator row


def _indicator(read: Callable[[Any], Any]) -> Callable[[SchemeRow], Any]:
    return lambda r: read(r.indicator) if r.indicator is not None else None


# Between benchmark standards in the 对标标准 cell; the import also accepts ; 、 and new lines.
STANDARD_SEPARATOR = "；"

SCHEME_FIELDS: tuple[Column, ...] = (
    Column("方案编号", lambda r: r.scheme.code),
    Column("方案名称", lambda r: r.scheme.title),
    Column("产品类别", lambda r: r.scheme.product_category),
    Column("行业", lambda r: r.scheme.industry.name),
    Column("发布机构", lambda r: r.scheme.publisher),
    Column("对标标准", lambda r: r.standards),
    Column("状态", lambda r: _scheme_status(r.scheme.status)),
    Column("发布时间", lambda r: r.scheme.published_at, number_format=DATETIME),
    Column("撤销时间", lambda r: r.scheme.withdrawn_at, number_format=DATETIME),
    Column("撤销理由", lambda r: r.scheme.withdraw_reason),
    Column("指标名称", _indicator(lambda i: i.name)),
    Column("单位", _indicator(lambda i: i.unit)),
    Column("检测方法", _indicator(lambda i: i.test_method)),
    Column("排序", _indicator(lambda i: i.order), number_format=COUNT),
    Column("核心指标", _indicator(lambda i: i.is_core)),
    Column("比较方式", _indicator(lambda i: _direction(i.direction))),
    Column("对标值", _indicator(lambda i: i.benchmark_value)),
    Column("区间下限", _indicator(lambda i: i.benchmark_min)),
    Column("区间上限", _indicator(lambda i: i.benchmark_max)),
    Column("要求说明", _indicator(lambda i: i.requirement)),
)
SCHEME_EXPORT: tuple[Column, ...] = (
    *SCHEME_FIELDS,
    Column("已计入对标结果数", lambda r: r.scheme.counted_results, number_format=COUNT),
)
# What the scheme rows read beyond the scheme's own row: its indicators (the indicator
# columns) and its benchmark standards (对标标准), in their display order.
SCHEME_EXPORT_PREFETCH = (
    Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
    Prefetch(
        "schemebenchmark_set",
        queryset=SchemeBenchmark.objects.select_related("standard").order_by("order", "id"),
    ),
)


def scheme_export_rows(schemes: Iterable[Any]) -> Iterator[SchemeRow]:
    """One row per indicator of each scheme, or one row for a scheme with none."""
    for scheme in schemes:
        standards = STANDARD_SEPARATOR.join(b.standard.number for b in scheme.schemebenchmark_set.all())
        indicators = list(scheme.indicators.all())
        if not indicators:
            yield SchemeRow(scheme, None, standards)
        for indicator in indicators:
            yield SchemeRow(scheme, indicator, standards)


# Declarations are the long export (52,000 at province scale): each row is a dict of the
# values named in DECLARATION_VALUES (QuerySet.values, joins included), not a declaration
# with its enterprise, office, industry, scheme and standard: building those six model
# instances per row took most of the export's time.
DECLARATION_FIELDS: tuple[Column, ...] = (
    Column("统一社会信用代码", itemgetter("enterprise__credit_code")),
    Column("企业名称", itemgetter("enterprise__name")),
    Column("方案编号", itemgetter("scheme__code")),
    Column("产品名称", itemgetter("product_name")),
    Column("产品型号", itemgetter("product_model")),
    Column("执行标准编号", itemgetter("executed_standard__number")),
    Column("声明日期", itemgetter("declared_on"), number_format=DATE),
    Column("企业标准信息公共服务平台链接", itemgetter("national_platform_url")),
    # Status and dates are columns of the import too: a historic record imports as what it was.
    Column("状态", lambda d: _declaration_status(d["status"])),
    Column("发布时间", itemgetter("published_at"), number_format=DATETIME),
    Column("撤回时间", itemgetter("withdrawn_at"), number_format=DATETIME),
)
# After the fields, the export and the import template have the indicator values as pairs of
# columns 指标1 | 声明值1 | 指标2 | 声明值2 | … (``declaration_export_table`` builds them: as
# many pairs as the widest declaration exported); then what the system works out.
DECLARATION_PAIR_HEADERS = ("指标", "声明值")
DECLARATION_TEMPLATE_PAIRS = 12
DECLARATION_COMPUTED: tuple[Column, ...] = (
    Column("所属监管所", itemgetter("enterprise__branch_office__name")),
    Column("行业", itemgetter("enterprise__industry__name")),
    Column("方案名称", itemgetter("scheme__title")),
    Column("对标水平", lambda d: _grade(d["grade"])),
)
# The fixed columns of the export, without the pairs.
DECLARATION_EXPORT: tuple[Column, ...] = (*DECLARATION_FIELDS, *DECLARATION_COMPUTED)

# What the declaration columns read (each row's keys), and "pk", to find its indicator values.
DECLARATION_VALUES: tuple[str, ...] = (
    "pk",
    "enterprise__credit_code",
    "enterprise__name",
    "scheme__code",
    "product_name",
    "product_model",
    "executed_standard__number",
    "declared_on",
    "national_platform_url",
    "status",
    "published_at",
    "withdrawn_at",
    "enterprise__branch_office__name",
    "enterprise__industry__name",
    "scheme__title",
    "grade",
)


def declaration_export_table(
    declarations: QuerySet, *, chunk_size: int
) -> tuple[tuple[Column, ...], Iterator[dict]]:
    """The declarations export's columns and rows: the fields, the indicator values as pairs
    指标1 | 声明值1 | … (as many as the widest declaration exported), then the computed columns."""
    pairs = declaration_value_pairs(declarations, chunk_size=chunk_size)
    width = max(map(len, pairs.values()), default=0)
    columns = (*DECLARATION_FIELDS, *declaration_pair_columns(width), *DECLARATION_COMPUTED)
    county = with_county_column((), declarations, kind="declaration")
    # Dicts of the values the columns read, not model instances (see DECLARATION_VALUES).
    values = (*DECLARATION_VALUES, COUNTY_NAME) if county else DECLARATION_VALUES
    rows = declarations.values(*values).iterator(chunk_size=chunk_size)
    return (*county, *columns), _with_pairs(rows, pairs)


def declaration_pair_columns(count: int) -> list[Column]:
    """指标1 | 声明值1 | … 指标N | 声明值N, read from the row's "indicator_pairs"."""
    indicator, value = DECLARATION_PAIR_HEADERS
    columns = []
    for n in range(count):
        columns += [
            Column(f"{indicator}{n + 1}", partial(_pair_cell, n=n, part=0)),
            Column(f"{value}{n + 1}", partial(_pair_cell, n=n, part=1)),
        ]
    return columns


def _pair_cell(declaration: dict, *, n: int, part: int):
    pairs = declaration["indicator_pairs"]
    return pairs[n][part] if n < len(pairs) else ""


def _with_pairs(rows: Iterable[dict], pairs: dict[int, list[tuple[str, object]]]) -> Iterator[dict]:
    for declaration in rows:
        declaration["indicator_pairs"] = pairs.get(declaration["pk"], ())
        yield declaration


# Above a county (a prefecture's or the province's staff), each export begins with the row's
# county, which the list's FilterSet annotates (``filters.COUNTY_NAME``, a join of the rows'
# query); a county's own exports, without it, keep the import's columns.
COUNTY_HEADER = "所属县（市、区）"
_COUNTY_READERS: dict[str, Callable[[Any], Any]] = {
    "enterprise": lambda e: getattr(e, COUNTY_NAME),
    "scheme": lambda r: getattr(r.scheme, COUNTY_NAME),
    "declaration": itemgetter(COUNTY_NAME),
}


def with_county_column(columns: Iterable[Column], records: QuerySet, *, kind: str) -> tuple[Column, ...]:
    """``columns``, with the county column first when the FilterSet named each row's county
    (``records`` carries the annotation: the viewer spans more than one county)."""
    if COUNTY_NAME not in records.query.annotations:
        return tuple(columns)
    return (Column(COUNTY_HEADER, _COUNTY_READERS[kind]), *columns)


# The joins each export's cells read (the select_related of its rows; the declarations' rows
# are values, joined by DECLARATION_VALUES).
EXPORT_SELECT_RELATED: dict[str, tuple[str, ...]] = {
    "enterprise": ("branch_office", "industry"),
    "scheme": ("industry",),
    "declaration": (),
}
