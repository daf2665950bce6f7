"""Making sense of the cells people actually send: codes with spaces and full-width
characters, dates as Excel serial numbers or as 2021/3/5, 2021年3月5日 or 2021-03-05,
numbers stored as text, 是/否 for yes/no, trailing spaces, and the apostrophe the
site's own CSV export puts before formula-like text.

Each parser takes a raw cell and returns a Python value, or raises ``CellError`` with a
message that names what is wrong (the importer adds the row and the column).
"""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, DecimalException

from django.utils import timezone
from django.utils.translation import gettext as _

from ..exports import FORMULA_STARTS
from ..validators import (
    EARLIEST_RECORD_DATE,
    LATEST_RECORD_DATE,
    normalize_scheme_code,
    strip_invisible,
)
from .reading import Formula

# Excel's day 0 (it counts 1900 as a leap year, so serial 60 is a date that never was; no
# record of ours is from before 1900-03-01, where both agree).
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Serial numbers of 2000-01-01 and 2099-12-31: a number in this range in a date column is a date.
_SERIAL_RANGE = (36526, 73050)
_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
_TIME = re.compile(r"^(?P<h>\d{1,2})[:：](?P<mi>\d{2})(?:[:：](?P<s>\d{2}))?$")
# ISO 8601 with an offset, as other systems export moments: 2024-03-05T10:00:00+08:00, …Z.
_ISO_WITH_OFFSET = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})$"
)
# Control characters (C0 but tab and line breaks, DEL, C1): never typed, and PostgreSQL refuses NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", ""}


# What a clerk types in a cell to clear a stored value (a blank cell keeps it): docs/domain.md,
# "Imports". Also read in ASCII or full-width square brackets, or in 【】.
CLEAR_MARKER = "〔清空〕"
_CLEAR_MARKERS = frozenset({CLEAR_MARKER, "[清空]", "【清空】"})


# The note of a yes/no column, in the template and on the upload page.
YES_NO_NOTE = "是 / 否。新记录空白为否；已有记录空白保持不变，填〔清空〕改为否。"


def is_blank(value) -> bool:
    """Whether a raw cell is empty (nothing, or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_clear_marker(value) -> bool:
    """Whether a raw cell holds the clear marker: 〔清空〕, [清空], ［清空］ or 【清空】, spaces
    anywhere ignored."""
    if not isinstance(value, str) or "清空" not in value:
        return False
    return "".join(unicodedata.normalize("NFKC", value).split()) in _CLEAR_MARKERS


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def text(value) -> str:
    """The cell as trimmed text ('' when blank). Refuses formulas; undoes the apostrophe the
    site's CSV export adds before formula-like text, so an export imports back unchanged."""
    if isinstance(value, Formula):
        raise CellError(
            _("单元格是公式（%(formula)s），请复制后“选择性粘贴 → 数值”再导入。") % {"formula": value.text}
        )
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number: 1001, not 1001.0
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if _CONTROL.search(str(value)):
        raise CellError(_("含有不可见的控制字符（如 NUL），请删除后重新输入。"))
    # Zero-width spaces, BOMs, soft hyphens pasted from web pages and Word: dropped, so a code
    # matches and a length counts what the person sees.
    result = " ".join(strip_invisible(str(value)).split())
    if result.startswith("'") and result[1:].startswith(FORMULA_STARTS):
        result = result[1:]
    return result


def required_text(value, *, max_length: int) -> str:
    result = text(value)
    if not result:
        raise CellError(_("不能为空。"))
    return checked_length(result, max_length)


def optional_text(value, *, max_length: int) -> str:
    return checked_length(text(value), max_length)


def checked_length(result: str, max_length: int) -> str:
    if len(result) > max_length:
        raise CellError(
            _("过长：最多 %(limit)d 个字，现有 %(count)d 个。") % {"limit": max_length, "count": len(result)}
        )
    return result


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    word = unicodedata.normalize("NFKC", text(value)).lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(_("应填“是”或“否”，而不是“%(value)s”。") % {"value": text(value)})


def decimal(value) -> Decimal | None:
    """A number, from a number cell or from text ('1,234.5', '１２', ' 12 '), in plain form
    (no exponent, no trailing zeros after the point). At most 12 digits before the point and
    6 after, as the stored field holds."""
    if isinstance(value, bool):
        raise CellError(_("应为数字。"))
    if isinstance(value, int | float | Decimal):
        shown = str(value)
        raw = shown
    else:
        shown = text(value)
        raw = unicodedata.normalize("NFKC", shown).replace(",", "").replace(" ", "")
        if not raw:
            return None
    try:
        number = Decimal(raw)
    except DecimalException:
        raise CellError(_("应为数字，而不是“%(value)s”。") % {"value": shown}) from None
    if not number.is_finite():
        raise CellError(_("应为数字，而不是“%(value)s”。") % {"value": shown})
    out_of_range = CellError(_("数值超出范围：最多 12 位整数、6 位小数。"))
    if number.is_zero():
        return Decimal(0)
    # Worked on the digits, not with normalize(): that rounds to the context's 28 digits and
    # overflows on 1e9999999, and would turn 1e-9999999 into 0.
    sign, digits, exponent = number.as_tuple()
    if number.adjusted() >= 12:
        raise out_of_range
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    digits, exponent = digits[: len(digits) - trailing_zeros], exponent + trailing_zeros
    if exponent < -6:
        raise out_of_range
    try:
        if exponent > 0:
            digits, exponent = digits + (0,) * exponent, 0
        return Decimal((sign, digits, exponent))
    except DecimalException:
        raise out_of_range from None


def date(value) -> dt.date | None:
    """A date, from a date cell, an Excel serial number, or text in the usual Chinese forms."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value).date()
    raw = unicodedata.normalize("NFKC", text(value)).replace(" ", "")
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):
        return _from_serial(float(raw)).date()
    raw = raw.split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
            return _in_range(day)
    raise CellError(
        _("无法识别的日期“%(value)s”，请写成 2021-03-05、2021/3/5 或 2021年3月5日。") % {"value": text(value)}
    )


def instant(value) -> dt.datetime | None:
    """A moment, Asia/Shanghai unless the cell says otherwise: a date-time cell, a serial
    number, or a date with an optional time ('2021-03-05 14:30'). A bare date is its noon,
    which no time-zone reading can push into another day."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        _in_range(value.date())
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(_in_range(value), dt.time(12))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = _from_serial(value)
    else:
        raw = unicodedata.normalize("NFKC", text(value)).strip()
        if _ISO_WITH_OFFSET.match(raw):
            try:
                moment = dt.datetime.fromisoformat(raw)
            except ValueError:
                raise CellError(
                    _("无法识别的时间“%(value)s”，请写成 2021-03-05 14:30。") % {"value": raw}
                ) from None
            # The day as Shanghai sees it must be a record date.
            _in_range(timezone.localtime(moment, timezone.get_default_timezone()).date())
            return moment
        day_text, _sep, time_text = raw.replace("T", " ").partition(" ")
        day = date(day_text)
        if day is None:  # a time without a day ("T", " 14:30")
            raise CellError(_("无法识别的时间“%(value)s”，请写成 2021-03-05 14:30。") % {"value": raw})
        if not time_text.strip():
            moment = dt.datetime.combine(day, dt.time(12))
        else:
            match = _TIME.match(time_text.strip())
            if not match:
                raise CellError(_("无法识别的时间“%(value)s”，请写成 2021-03-05 14:30。") % {"value": raw})
            try:
                moment = dt.datetime.combine(
                    day, dt.time(int(match["h"]), int(match["mi"]), int(match["s"] or 0))
                )
            except ValueError:
                raise CellError(
                    _("无法识别的时间“%(value)s”，请写成 2021-03-05 14:30。") % {"value": raw}
                ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _in_range(day: dt.date) -> dt.date:
    if not EARLIEST_RECORD_DATE <= day <= LATEST_RECORD_DATE:
        raise CellError(
            _("日期 %(value)s 不在 %(earliest)s 至 %(latest)s 之间。")
            % {
                "value": day.isoformat(),
                "earliest": EARLIEST_RECORD_DATE.isoformat(),
                "latest": LATEST_RECORD_DATE.isoformat(),
            }
        )
    return day


def _from_serial(serial: float) -> dt.datetime:
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        raise CellError(_("数字 %(value)s 不是 2000—2099 年间的日期。") % {"value": serial})
    return _EXCEL_EPOCH + dt.timedelta(days=float(serial))


def choice(value, choices) -> str:
    """A TextChoices value, from its Chinese label or its stored value."""
    raw = text(value)
    for stored, label in choices:
        if raw in (stored, str(label)):
            return stored
    allowed = "、".join(str(label) for _stored, label in choices)
    raise CellError(_("“%(value)s”不是可选的值，应为：%(allowed)s。") % {"value": raw, "allowed": allowed})


def scheme_code(value) -> str:
    """A technical scheme's code, normalised by the one rule the model uses
    (``validators.normalize_scheme_code``); refused when blank or too long."""
    from ..models import TechnicalScheme

    code = normalize_scheme_code(text(value))
    if not code:
        raise CellError(_("不能为空。"))
    return checked_length(code, TechnicalScheme._meta.get_field("code").max_length)
