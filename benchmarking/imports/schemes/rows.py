"""Reading a scheme import's rows: the columns and how each cell reads, and the scheme a
run of rows describes (one row per indicator, the scheme's own columns repeated)."""

import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ...choices import Direction, SchemeStatus
from ...models import Industry
from ...validators import normalize_standard_number
from .. import cells
from ..engine import NOT_GIVEN, Blank, Cleared, ImportColumn, RowReader

# What may separate the standard numbers in one 对标标准 cell.
_STANDARD_SEPARATORS = ("；", ";", "、", "\r\n", "\n", "\r")
# Short names people use for the comparison directions, besides the labels and stored values.
_DIRECTION_WORDS = {
    "越高越好": Direction.HIGHER_BETTER,
    "越低越好": Direction.LOWER_BETTER,
    "区间": Direction.RANGE,
    "区间内达标": Direction.RANGE,
    "合格判定": Direction.PASS_FAIL,
    "合格/不合格": Direction.PASS_FAIL,
    "定性": Direction.PASS_FAIL,
}
_SMALLINT_MAX = 32767


def _squeezed(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


def _direction(value) -> str:
    raw = cells.text(value)
    if not raw:
        return ""
    word = _squeezed(raw)
    for stored, label in Direction.choices:
        if word in (stored, _squeezed(str(label))):
            return stored
    if word in _DIRECTION_WORDS:
        return _DIRECTION_WORDS[word]
    allowed = "、".join(str(label) for _stored, label in Direction.choices)
    raise cells.CellError(
        _("“%(value)s”不是可选的比较方式，应为：%(allowed)s（或简写 越高越好、越低越好、区间、合格判定）。")
        % {"value": raw, "allowed": allowed}
    )


def _order(value) -> int:
    number = cells.decimal(value)
    if number is None:
        return 0
    if number != number.to_integral_value() or not 0 <= number <= _SMALLINT_MAX:
        raise cells.CellError(_("应为 0—%(max)d 的整数。") % {"max": _SMALLINT_MAX})
    return int(number)


def standard_numbers(value) -> tuple[str, ...]:
    """The cell's standard numbers, normalised, in order (the text parser would fold a
    new line into a space, so the separators are split off first)."""
    if isinstance(value, str):
        for separator in _STANDARD_SEPARATORS[1:]:
            value = value.replace(separator, _STANDARD_SEPARATORS[0])
        parts = value.split(_STANDARD_SEPARATORS[0])
    else:
        parts = [value]
    return tuple(normalize_standard_number(part) for part in map(cells.text, parts) if part)


def listed_standards(numbers) -> tuple:
    """The 对标标准 cell's numbers; none when the cell is blank or cleared or the column is missing."""
    if isinstance(numbers, Blank | Cleared):
        numbers = numbers.value
    return () if numbers is None or numbers is NOT_GIVEN else numbers


def _status(value) -> str:
    return cells.choice(value, SchemeStatus.choices) if cells.text(value) else ""


# The scheme's columns (repeated on each of its rows) and the indicator's, with their fields.
SCHEME_COLUMNS = {
    "方案名称": "title",
    "产品类别": "product_category",
    "行业": "industry",
    "发布机构": "publisher",
}
STATUS_COLUMNS = {
    "状态": "status",
    "发布时间": "published_at",
    "撤销时间": "withdrawn_at",
    "撤销理由": "withdraw_reason",
}
INDICATOR_COLUMNS = {
    "指标名称": "name",
    "单位": "unit",
    "检测方法": "test_method",
    "排序": "order",
    "核心指标": "is_core",
    "比较方式": "direction",
    "对标值": "benchmark_value",
    "区间下限": "benchmark_min",
    "区间上限": "benchmark_max",
    "要求说明": "requirement",
}
HEADER_OF = {
    **{f: h for h, f in SCHEME_COLUMNS.items()},
    **{f: h for h, f in STATUS_COLUMNS.items()},
    "code": "方案编号",
}
INDICATOR_HEADER_OF = {f: h for h, f in INDICATOR_COLUMNS.items()}


@dataclass
class SchemeInFile:
    """A scheme as the file gives it: the values of its first row and each indicator row."""

    first_row: RowReader
    values: dict  # header → parsed value, of the scheme's columns
    indicators: list = field(default_factory=list)  # (row, {field: value})
    indicator_rows: dict = field(default_factory=dict)  # name → row number
    rows: list = field(default_factory=list)  # every row of the scheme
    failed: bool = False


COLUMNS = (
    ImportColumn(
        "方案编号",
        cells.scheme_code,
        required=True,
        note="用于匹配已有方案；一个方案的每个指标各占一行，方案各列在这些行上填写相同的内容。",
        example="YKDB-2024-001",
    ),
    ImportColumn(
        "方案名称",
        lambda v: cells.required_text(v, max_length=200),
        required=True,
        example="保温杯对标技术方案",
    ),
    ImportColumn(
        "产品类别", lambda v: cells.required_text(v, max_length=100), required=True, example="保温杯"
    ),
    ImportColumn(
        "行业",
        lambda v: cells.required_text(v, max_length=60),
        required=True,
        note="行业名称、别名或国民经济行业代码，须为系统中已有的行业。",
        example="杯业",
        options=lambda actor: list(Industry.objects.values_list("name", flat=True)),
    ),
    ImportColumn(
        "发布机构",
        lambda v: cells.required_text(v, max_length=120),
        required=True,
        example="永康市标准化研究院",
    ),
    ImportColumn(
        "对标标准",
        standard_numbers,
        note="标准编号，多个用“；”“、”或换行分隔；须为标准库中已有的标准。已发布的方案不能修改。",
        example="EN 12546-1:2000；GB/T 29606—2013",
    ),
    ImportColumn(
        "状态",
        _status,
        note="新方案的状态，空白为草稿；已有方案的状态请在系统中通过发布、撤销操作修改。",
        choices=tuple(str(label) for _v, label in SchemeStatus.choices),
        example="草稿",
        clearable=False,
    ),
    ImportColumn(
        "发布时间", cells.instant, note="已发布、已撤销的方案必填，例如 2021-03-05。", clearable=False
    ),
    ImportColumn("撤销时间", cells.instant, note="已撤销的方案必填，不早于发布时间。", clearable=False),
    ImportColumn(
        "撤销理由",
        lambda v: cells.optional_text(v, max_length=1000),
        note="已撤销的方案必填。",
        clearable=False,
    ),
    ImportColumn(
        "指标名称",
        lambda v: cells.optional_text(v, max_length=100),
        required=True,
        note="同一方案中不能重复；方案尚无指标时留空。",
        example="保温效能",
        clearable=False,
    ),
    ImportColumn("单位", lambda v: cells.optional_text(v, max_length=30), example="h"),
    ImportColumn("检测方法", lambda v: cells.optional_text(v, max_length=200), example="GB/T 29606—2013 6.6"),
    ImportColumn(
        "排序", _order, note="整数。新指标空白为 0；已有指标空白保持不变，填〔清空〕改为 0。", example=1
    ),
    ImportColumn("核心指标", cells.boolean, note=cells.YES_NO_NOTE, choices=("是", "否"), example="是"),
    ImportColumn(
        "比较方式",
        _direction,
        required=True,
        note="也可简写为 越高越好、越低越好、区间、合格判定。",
        choices=tuple(str(label) for _v, label in Direction.choices),
        example=str(Direction.HIGHER_BETTER.label),
    ),
    ImportColumn("对标值", cells.decimal, note="“越高越好”“越低越好”时必填。", example=12),
    ImportColumn("区间下限", cells.decimal, note="“区间内达标”时至少填写下限或上限。"),
    ImportColumn("区间上限", cells.decimal),
    ImportColumn(
        "要求说明",
        lambda v: cells.optional_text(v, max_length=200),
        note="定性指标的合格要求，或对标值的文字说明。",
        example="不低于对标值",
    ),
)
