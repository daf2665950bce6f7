"""Reading a declaration row: its cells, the indicator pairs, and the records they name.

Nothing here writes or decides what to do with a row; ``planning`` does (docs/domain.md,
"Imports").
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from ...access import enterprise_scope
from ...choices import DeclarationStatus, Direction, SchemeStatus
from ...columns import DECLARATION_PAIR_HEADERS, DECLARATION_TEMPLATE_PAIRS
from ...models import Declaration, Enterprise, Indicator, Standard, TechnicalScheme
from ...numbers import plain_decimal
from ...services.errors import CLOCK_TOLERANCE
from ...validators import normalize_credit_code, normalize_standard_number, validate_national_platform_url
from .. import cells
from ..common import given, squeezed_text
from ..engine import NOT_GIVEN, Blank, Cleared, ImportColumn, ImportPlan, RowReader, unmarked

S = DeclarationStatus
INDICATOR, VALUE = DECLARATION_PAIR_HEADERS
_PAIR = re.compile(rf"^({INDICATOR}|{VALUE})(\d+)$")
# The words a pass/fail indicator's cell may hold; the export writes 符合 / 不符合.
_PASS = {"符合", "是", "合格", "通过", "√", "✓", "pass", "yes", "y", "true"}
_FAIL = {"不符合", "否", "不合格", "不通过", "×", "fail", "no", "n", "false"}
_STATUSES = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED, S.WITHDRAWN)
# Where the workflow leaves the enterprise's hands: the import may not change these.
FIXED = frozenset({S.SUBMITTED, S.PUBLISHED, S.WITHDRAWN})


def _url(value) -> str:
    result = cells.optional_text(value, max_length=200)
    if result:
        try:
            URLValidator()(result)
        except ValidationError:
            raise cells.CellError(_("不是有效的网址，应以 http:// 或 https:// 开头。")) from None
        try:
            validate_national_platform_url(result)
        except ValidationError as error:
            raise cells.CellError(error.messages[0]) from None
    return result


def _status(value) -> str:
    if not cells.text(value):
        return S.DRAFT
    return cells.choice(value, [(s.value, s.label) for s in _STATUSES])


def _passed(raw) -> bool | None:
    word = unicodedata.normalize("NFKC", cells.text(raw)).lower()
    if not word:
        return None
    if word in _PASS:
        return True
    if word in _FAIL:
        return False
    raise cells.CellError(
        _("合格/不合格指标应填“符合”或“不符合”，而不是“%(value)s”。") % {"value": cells.text(raw)}
    )


@dataclass
class DeclarationRow:
    """One row as read: the records its cells name and the values it declares."""

    reader: RowReader
    enterprise: Enterprise | None
    scheme: TechnicalScheme | None
    product_model: str
    status: str
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    details: dict
    # indicator id -> (value, passed), for the indicators the row names: a blank value cell as
    # Blank((None, None)), which keeps a stored value, and 〔清空〕 as Cleared((None, None)).
    values: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.enterprise.pk, self.scheme.pk, self.product_model)


COLUMNS = (
    ImportColumn(
        "统一社会信用代码",
        lambda v: normalize_credit_code(cells.text(v)),
        required=True,
        note="须为系统中已有的企业；空格、小写和全角字符会自动规范。",
        example="91330784MA2E8RKX2P",
    ),
    ImportColumn(
        "企业名称",
        lambda v: cells.optional_text(v, max_length=200),
        note="仅供核对，导入时不读取；以统一社会信用代码匹配企业。",
    ),
    ImportColumn(
        "方案编号",
        cells.scheme_code,
        required=True,
        note="须为系统中已有的对标技术方案。",
        example="YKDB-2024-001",
        options=lambda actor: list(
            TechnicalScheme.objects.filter(status=SchemeStatus.PUBLISHED).values_list("code", flat=True)
        ),
    ),
    ImportColumn(
        "产品名称", lambda v: cells.required_text(v, max_length=120), required=True, example="真空保温杯"
    ),
    ImportColumn(
        "产品型号",
        lambda v: cells.required_text(v, max_length=80),
        required=True,
        note="同一企业、同一方案、同一型号只能有一条未撤回的声明；用于匹配已有声明。",
        example="YK-500",
    ),
    ImportColumn(
        "执行标准编号",
        lambda v: cells.required_text(v, max_length=60),
        required=True,
        note="须为系统中已登记的标准；大小写、空格和连接号会自动统一。",
        example="Q/YKSL 001—2024",
    ),
    ImportColumn("声明日期", cells.date, note="例如 2024-03-05。", example="2024-03-05"),
    ImportColumn(
        "企业标准信息公共服务平台链接",
        _url,
        note=f"可选；只接受企业标准信息公共服务平台（{settings.NATIONAL_PLATFORM_HOSTS[0]}）的链接。",
        example=f"https://{settings.NATIONAL_PLATFORM_HOSTS[0]}/",
    ),
    ImportColumn(
        "状态",
        _status,
        note="草稿、已提交、已发布或已撤回，空白为草稿。已提交、已发布、已撤回的声明须填齐方案的全部指标。",
        choices=tuple(str(s.label) for s in (S.DRAFT, S.SUBMITTED, S.PUBLISHED, S.WITHDRAWN)),
        # A draft: an example imported by mistake counts toward nothing.
        example=str(S.DRAFT.label),
        clearable=False,
    ),
    ImportColumn(
        "发布时间",
        cells.instant,
        note="已发布、已撤回的声明必填，例如 2024-03-05 10:00，不能晚于当前时间。",
        clearable=False,
    ),
    ImportColumn("撤回时间", cells.instant, note="已撤回的声明必填，不早于发布时间。", clearable=False),
)


def template_pairs() -> tuple[ImportColumn, ...]:
    """The pair columns the template offers: DECLARATION_TEMPLATE_PAIRS pairs of 指标N / 声明值N
    (a file may have as many pairs as its widest scheme needs)."""
    pairs = []
    for n in range(1, DECLARATION_TEMPLATE_PAIRS + 1):
        first = n == 1
        pairs += [
            ImportColumn(
                f"{INDICATOR}{n}",
                cells.text,
                note="该方案的一项关键指标名称，与方案中的写法一致；每项指标一对列。" if first else "",
                example="保温效能" if first else "",
                clearable=False,
            ),
            ImportColumn(
                f"{VALUE}{n}",
                cells.text,
                note="实测值（数字）；合格/不合格指标填“符合”或“不符合”。已有声明空白保持原值，填〔清空〕清空。"
                if first
                else "",
                example="12.5" if first else "",
            ),
        ]
    return tuple(pairs)


def _example_value(indicator: Indicator) -> str:
    """A value that meets the indicator's benchmark, as the file writes it."""
    if indicator.direction == Direction.PASS_FAIL:
        return "符合"
    value = indicator.benchmark_value
    if indicator.direction == Direction.RANGE:
        value = indicator.benchmark_min if indicator.benchmark_min is not None else indicator.benchmark_max
    return plain_decimal(value if value is not None else Decimal(0))


def example_row(actor) -> dict[str, object]:
    """The template's example: a new draft of an enterprise the user may import for, against a
    published scheme, with every indicator of the scheme answered. Empty (the columns' own
    examples) when the database has no such enterprise or scheme."""
    if actor is None:
        return {}
    enterprise = Enterprise.objects.filter(enterprise_scope(actor, write=True).q()).order_by("pk").first()
    scheme = (
        TechnicalScheme.objects.filter(status=SchemeStatus.PUBLISHED, indicators__isnull=False)
        .distinct()
        .order_by("code")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")))
        .first()
    )
    if enterprise is None or scheme is None:
        return {}
    standard = (
        scheme.benchmark_standards.order_by("schemebenchmark__order").first() or Standard.objects.first()
    )
    taken = set(
        Declaration.objects.filter(enterprise=enterprise, scheme=scheme).values_list(
            "product_model", flat=True
        )
    )
    model = next(f"YK-{n}" for n in range(500, 502 + len(taken)) if f"YK-{n}" not in taken)
    example = {
        "统一社会信用代码": enterprise.credit_code,
        "企业名称": enterprise.name,
        "方案编号": scheme.code,
        "产品名称": scheme.product_category,
        "产品型号": model,
        "执行标准编号": standard.number if standard else "",
        "声明日期": timezone.localdate(),
        **{f"{INDICATOR}{n}": "" for n in range(1, DECLARATION_TEMPLATE_PAIRS + 1)},
        **{f"{VALUE}{n}": "" for n in range(1, DECLARATION_TEMPLATE_PAIRS + 1)},
    }
    for n, indicator in enumerate(scheme.indicators.all()[:DECLARATION_TEMPLATE_PAIRS], start=1):
        example[f"{INDICATOR}{n}"] = indicator.name
        example[f"{VALUE}{n}"] = _example_value(indicator)
    return example


def is_pair_header(text: str) -> bool:
    """Whether ``text`` is a 指标N or 声明值N header."""
    return bool(_PAIR.match(text))


def find_pairs(table, plan: ImportPlan) -> None:
    """Find the 指标N / 声明值N pairs among the headers, beside the fixed columns: each N must
    have both, once. Sets ``plan.pairs`` and keeps the pairs out of the ignored columns."""
    found: dict[tuple[str, int], int] = {}
    for index, header in enumerate(table.headers):
        match = _PAIR.match(header or "")
        if not match:
            continue
        slot = (match[1], int(match[2]))
        if slot in found:
            plan.add(_("表头中「%(header)s」出现了两次。") % {"header": header}, row=table.header_row)
        found[slot] = index
    numbers = sorted({n for _part, n in found})
    for n in numbers:
        for part in (INDICATOR, VALUE):
            if (part, n) not in found:
                plan.add(
                    _("表头有「%(have)s」而没有「%(missing)s」：指标和声明值须成对出现。")
                    % {
                        "have": f"{INDICATOR if part == VALUE else VALUE}{n}",
                        "missing": f"{part}{n}",
                    },
                    row=table.header_row,
                )
    pair_headers = {f"{part}{n}" for part, n in found}
    plan.ignored_columns = [h for h in plan.ignored_columns if h not in pair_headers]
    # (number, position of 指标N, position of 声明值N), in the file's numbering.
    plan.pairs = [
        (n, found[(INDICATOR, n)], found[(VALUE, n)])
        for n in numbers
        if (VALUE, n) in found and (INDICATOR, n) in found
    ]


def read_cells(row: RowReader) -> dict:
    raw_standard = row["执行标准编号"]
    return {
        "row": row,
        "code": row["统一社会信用代码"],
        "scheme": row["方案编号"],
        "standard": normalize_standard_number(raw_standard) if raw_standard else "",
        "product_name": row["产品名称"],
        "product_model": row["产品型号"],
        "declared_on": row["声明日期"],
        "national_platform_url": row["企业标准信息公共服务平台链接"],
        # Without these columns a row reads as a blank cell would: a draft, no dates.
        "status": S.DRAFT if (status := row["状态"]) is NOT_GIVEN else status,
        "published_at": row["发布时间"] or None,
        "withdrawn_at": row["撤回时间"] or None,
    }


def resolve(plan, r, enterprises, schemes, standards, scope, now) -> DeclarationRow | None:
    row: RowReader = r["row"]
    enterprise = enterprises.get(r["code"]) if r["code"] else None
    if not r["code"]:
        row.problem(_("不能为空。"), "统一社会信用代码")
    elif enterprise is None:
        row.problem(
            _("系统中没有统一社会信用代码为 %(code)s 的企业，请先导入企业。") % {"code": r["code"]},
            "统一社会信用代码",
        )
    elif not scope.covers(enterprise):
        row.problem(_("该企业不属于您负责的监管所，不能为其导入声明。"), "统一社会信用代码")
    scheme = schemes.get(r["scheme"]) if r["scheme"] else None
    if r["scheme"] and scheme is None:
        row.problem(_("系统中没有编号为“%(code)s”的技术方案。") % {"code": r["scheme"]}, "方案编号")
    standard = standards.get(r["standard"]) if r["standard"] else None
    if r["standard"] and standard is None:
        row.problem(
            _("标准“%(number)s”尚未登记，请先在标准中登记（或导入标准）。") % {"number": r["standard"]},
            "执行标准编号",
        )
    status, published_at, withdrawn_at = r["status"], r["published_at"], r["withdrawn_at"]
    check_dates(row, status, published_at, withdrawn_at, now)
    values = declared_values(row, scheme, status) if scheme is not None else {}
    if enterprise is None or scheme is None or row.failed:
        return None
    return DeclarationRow(
        reader=row,
        enterprise=enterprise,
        scheme=scheme,
        product_model=r["product_model"],
        status=status,
        published_at=published_at,
        withdrawn_at=withdrawn_at,
        details=given(
            {
                "product_name": r["product_name"],
                "executed_standard_id": standard.pk if standard else None,
                "declared_on": r["declared_on"],
                "national_platform_url": r["national_platform_url"],
            }
        ),
        values=values,
    )


def check_dates(row, status, published_at, withdrawn_at, now) -> None:
    if status in (S.PUBLISHED, S.WITHDRAWN) and published_at is None:
        row.problem(_("“%(status)s”的声明须填写发布时间。") % {"status": S(status).label}, "发布时间")
    if status == S.WITHDRAWN and withdrawn_at is None:
        row.problem(_("“已撤回”的声明须填写撤回时间。"), "撤回时间")
    if status not in (S.PUBLISHED, S.WITHDRAWN) and published_at is not None and status is not None:
        row.problem(_("“%(status)s”的声明不应有发布时间。") % {"status": S(status).label}, "发布时间")
    if status != S.WITHDRAWN and withdrawn_at is not None and status is not None:
        row.problem(_("“%(status)s”的声明不应有撤回时间。") % {"status": S(status).label}, "撤回时间")
    for header, moment in (("发布时间", published_at), ("撤回时间", withdrawn_at)):
        # A record published "tomorrow" would start counting by itself as the clock passes it.
        if moment is not None and moment > now + CLOCK_TOLERANCE:
            row.problem(_("不能晚于当前时间。"), header)
    if published_at and withdrawn_at and withdrawn_at < published_at:
        row.problem(_("撤回时间早于发布时间。"), "撤回时间")


def declared_values(row: RowReader, scheme, status) -> dict:
    # By name as the importer reads it ("双  空格" typed in the app is the file's "双 空格").
    indicators = {squeezed_text(i.name): i for i in scheme.indicators.all()}
    values: dict[int, tuple] = {}
    for n, at_name, at_value in row.plan.pairs:
        name_cell = row.cells[at_name] if at_name < len(row.cells) else None
        value_cell = row.cells[at_value] if at_value < len(row.cells) else None
        if cells.is_clear_marker(name_cell):
            row.problem(
                _("指标名称不能清空；要清空该指标的声明值，请在声明值列填写〔清空〕。"), f"{INDICATOR}{n}"
            )
            continue
        try:
            name = cells.text(name_cell)
        except cells.CellError as error:
            row.problem(error.message, f"{INDICATOR}{n}")
            continue
        if not name:
            if value_cell is not None and str(value_cell).strip():
                row.problem(_("填写了声明值，却没有写是哪项指标。"), f"{INDICATOR}{n}")
            continue
        indicator = indicators.get(name)
        if indicator is None:
            row.problem(
                _("方案“%(code)s”没有指标“%(name)s”，应为：%(valid)s。")
                % {"code": scheme.code, "name": name, "valid": "、".join(indicators)},
                f"{INDICATOR}{n}",
            )
            continue
        if indicator.pk in values:
            row.problem(_("指标“%(name)s”在这一行出现了两次。") % {"name": name}, f"{INDICATOR}{n}")
            continue
        if cells.is_clear_marker(value_cell):
            values[indicator.pk] = Cleared((None, None))
            continue
        try:
            if indicator.direction == Direction.PASS_FAIL:
                values[indicator.pk] = (None, _passed(value_cell))
            else:
                values[indicator.pk] = (cells.decimal(value_cell), None)
        except cells.CellError as error:
            row.problem(error.message, f"{VALUE}{n}")
            values[indicator.pk] = None  # named but unreadable: said once, not again as missing
            continue
        if cells.is_blank(value_cell):
            values[indicator.pk] = Blank((None, None))
    return values


def require_every_value(row: DeclarationRow) -> None:
    """A new declaration that has left the enterprise's hands (``FIXED``) answers every
    indicator. Checked once the row is known to be new: on a stored one a blank cell keeps
    the stored value (docs/domain.md, "Imports")."""
    if row.status not in FIXED:
        return
    missing = [
        i.name
        for i in row.scheme.indicators.all()
        if unmarked(row.values.get(i.pk, (None, None))) == (None, None)
    ]
    if missing:
        row.reader.problem(
            _("“%(status)s”的声明须填齐方案的全部指标，缺少：%(names)s。")
            % {"status": S(row.status).label, "names": "、".join(missing)}
        )
