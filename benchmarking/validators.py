"""Normalisers and validators for the identifiers people type in (docs/domain.md, "Identifiers").

Each identifier is normalised first (people paste codes with spaces, lower case
and full-width characters), then validated, so the same thing is always stored
in one form.
"""

import datetime as dt
import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import StandardKind

# ---------------------------------------------------------------------------
# What people paste but cannot see
# ---------------------------------------------------------------------------

# Characters web pages and Word put into copied text that no one can see: zero-width space,
# non-joiner and joiner, left-to-right and right-to-left marks, word joiner and the invisible
# operators, the byte-order mark (zero-width no-break space), soft hyphen, Mongolian vowel
# separator. They are dropped from every identifier before anything else.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e]")
# Spaces that are not the ASCII space (no-break, narrow no-break, figure, ideographic ...): one
# ASCII space each. NFKC does this too; it is spelled out for the text that is not NFKC'd.
_ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def strip_invisible(value: str) -> str:
    """``value`` without the invisible characters pasted from web pages and Word (zero-width
    space, BOM, word joiner, soft hyphen, …), and with the no-break and ideographic spaces as
    plain spaces: what the person sees is what is stored and counted."""
    if not value:
        return value
    return _ODD_SPACES.sub(" ", _INVISIBLE.sub("", str(value)))


# ---------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# ---------------------------------------------------------------------------

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_LENGTH = 18
# 3^(i-1) mod 31 for positions 1–17.
CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
CREDIT_CODE_FORBIDDEN = "IOSVZ"


def normalize_credit_code(value: str) -> str:
    """Invisible characters dropped, NFKC (full-width to ASCII), every kind of whitespace
    dropped, upper-case."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFKC", strip_invisible(str(value)))
    return "".join(value.split()).upper()


def credit_code_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code_format(value: str) -> None:
    """Length and alphabet only; the check character is verified separately,
    because staff may override it for the few legal early codes that fail it."""
    code = normalize_credit_code(value)
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(length)d 位。"),
            code="credit_code_length",
            params={"length": len(code)},
        )
    bad = [ch for ch in code if ch not in CREDIT_CODE_ALPHABET]
    if bad:
        forbidden = [ch for ch in bad if ch in CREDIT_CODE_FORBIDDEN]
        if forbidden:
            raise ValidationError(
                _("统一社会信用代码不使用字母 I、O、S、V、Z，代码中出现了「%(chars)s」。"),
                code="credit_code_forbidden_letter",
                params={"chars": "、".join(dict.fromkeys(forbidden))},
            )
        raise ValidationError(
            _("统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z），代码中出现了「%(chars)s」。"),
            code="credit_code_character",
            params={"chars": "、".join(dict.fromkeys(bad))},
        )


# The 登记管理机关行政区划码 of Yongkang (positions 3–8 of a credit code).
YONGKANG_REGION_CODE = "330784"


def credit_code_region(value: str) -> str:
    """The registering authority's region code of a credit code (its characters 3–8), or ""
    when the code is too short to have one."""
    code = normalize_credit_code(value)
    return code[2:8] if len(code) == CREDIT_CODE_LENGTH else ""


def credit_code_region_note(value: str) -> str:
    """The note staff see beside an enterprise registered outside Yongkang ("" for one
    registered here, or for a code with no region to speak of). Such a code is accepted: a firm
    registered elsewhere may produce in Yongkang; staff confirm it belongs on the plan."""
    region = credit_code_region(value)
    if not region or region == YONGKANG_REGION_CODE:
        return ""
    return gettext(
        "该统一社会信用代码的登记机关行政区划码为 %(region)s，不是永康市（%(yongkang)s）："
        "企业在永康市以外登记，请核实其生产经营地在永康。"
    ) % {"region": region, "yongkang": YONGKANG_REGION_CODE}


def credit_code_check_passes(value: str) -> bool:
    code = normalize_credit_code(value)
    return code[-1] == credit_code_check_character(code[:17])


def validate_credit_code(value: str) -> None:
    """Full GB 32100 check: format, then the check character."""
    validate_credit_code_format(value)
    code = normalize_credit_code(value)
    expected = credit_code_check_character(code[:17])
    if code[-1] != expected:
        raise ValidationError(
            _(
                "统一社会信用代码校验位不正确：第 18 位应为「%(expected)s」，实际为「%(actual)s」。"
                "请核对代码；如确为早期合法代码，可由工作人员填写核验例外理由。"
            ),
            code="credit_code_check",
            params={"expected": expected, "actual": code[-1]},
        )


# ---------------------------------------------------------------------------
# Standard numbers
# ---------------------------------------------------------------------------

# Codes of China's industry standards (行业标准代号), e.g. QB/T, JB/T.
# DB is not here: it is the prefix of local standards, handled on its own.
_INDUSTRY_CODES_TEXT = """
AQ BB CB CH CJ CY DA DL DZ EJ FZ GA GH GM GY HB HG HJ HS HY JB JC JG JR JT JY LB LD LS LY
MH MT MZ NB NY QB QC QJ QX RB SB SC SF SH SJ SL SN SW SY TB TD TY WB WH WJ WM WS WW XB YB YC YD
YS YY YZ ZY
"""
CHINESE_INDUSTRY_CODES = frozenset(_INDUSTRY_CODES_TEXT.split())
INTERNATIONAL_PREFIXES = ("ISO", "IEC", "ITU")

_DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D-]")
_CHINESE_PREFIX = re.compile(
    r"^(?:GB(?:/[TZ])?|DB\d{2}(?:\d{2})?(?:/T)?|T/[A-Z0-9]+|Q/[A-Z0-9]+|(?P<industry>[A-Z]{2})(?:/[TZ])?)(?=[ \d]|$)"
)
_LETTER_PREFIX = re.compile(r"^((?:DB\d{2}(?:\d{2})?|[A-Z]+)(?:/[A-Z]+)*) ?(?=\d)")
CHINESE_YEAR_DASH = "—"  # em dash, as Chinese standard numbers write the year: GB/T 1.1—2020


def _is_chinese_number(number: str) -> bool:
    match = _CHINESE_PREFIX.match(number)
    if not match:
        return False
    industry = match.group("industry")
    return industry is None or industry in CHINESE_INDUSTRY_CODES


# Group-standard bodies (团体标准) whose code people run into the "T": "TZZB 0001-2018" is
# T/ZZB 0001—2018. Only these: a T glued to other letters may be a foreign code (TIS, TCVN).
GROUP_CODES_TYPED_WITHOUT_SLASH = frozenset({"ZZB", "CAS", "CNHA", "CNLIC", "CHEAA", "CEEIA", "CSTM"})
# The year after a hyphen at the end of an ISO or IEC number ("ISO 9001-2015"): those write it
# after a colon. Four digits from 1900 on, so a part number (ISO 8442-1, ISO 10303-1001) stays.
_HYPHENATED_YEAR = re.compile(r"(?<=\d)-((?:19|20)\d{2})$")
_ISO_OR_IEC = re.compile(r"(?:^|[ /])(?:ISO|IEC)(?=[ /])")


def _slash_in_chinese_code(number: str) -> str:
    """Put back the "/" people leave out of a Chinese code, or type as a space: GBT and GB T
    are GB/T, QBT is QB/T, DB33T is DB33/T, TZZB and T ZZB are T/ZZB."""
    number = re.sub(r"^GB ?([TZ])(?=[ \d])", r"GB/\1", number)
    number = re.sub(r"^DB(\d{2}(?:\d{2})?) ?T(?=[ \d])", r"DB\1/T", number)
    industry = re.match(r"^([A-Z]{2}) ?T(?=[ \d])", number)
    if industry and industry.group(1) in CHINESE_INDUSTRY_CODES:
        number = f"{industry.group(1)}/T{number[industry.end() :]}"
    group = re.match(r"^T( ?)([A-Z]{2,})(?=[ \d])", number)
    if group and (group.group(1) or group.group(2) in GROUP_CODES_TYPED_WITHOUT_SLASH):
        number = f"T/{group.group(2)}{number[group.end() :]}"
    return number


def normalize_standard_number(value: str) -> str:
    """One stored form per standard, which is also its key: invisible characters dropped,
    NFKC, upper-case, single spaces, no spaces around "/" or ":", the "/" of a Chinese code
    put back (GBT, GB T → GB/T; QBT → QB/T; DB33T → DB33/T; TZZB → T/ZZB), one space between
    a code and its number (also further in: BS EN12983 → BS EN 12983, JIS B1180 → JIS B 1180),
    "-" between parts, a colon before the year of an ISO or IEC number (ISO 9001-2015 →
    ISO 9001:2015) and, for Chinese standards, an em dash before the year (GB/T 1.1—2020)."""
    if value is None:
        return ""
    number = unicodedata.normalize("NFKC", strip_invisible(str(value))).upper()
    number = _DASHES.sub("-", number)
    number = " ".join(number.split())
    # Local standards' code is one token: "DB 33/T" is DB33/T.
    number = re.sub(r"^DB (?=\d)", "DB", number)
    number = re.sub(r" ?([/:]) ?", r"\1", number)
    number = re.sub(r" ?- ?", "-", number)
    number = _slash_in_chinese_code(number)
    number = _LETTER_PREFIX.sub(r"\1 ", number, count=1)
    # A code further in, glued to its number: BS EN12983-1, EN ISO8442-1, DIN EN ISO4762.
    number = re.sub(r"(?<= )([A-Z]{2,}(?:/[A-Z]+)*)(?=\d)", r"\1 ", number)
    # JIS numbers carry a division letter: JIS B 1180.
    number = re.sub(r"^JIS ([A-Z])(?=\d)", r"JIS \1 ", number)
    if _is_chinese_number(number):
        number = re.sub(r"-(\d{4})$", CHINESE_YEAR_DASH + r"\1", number)
    elif ":" not in number and _ISO_OR_IEC.search(number):
        number = _HYPHENATED_YEAR.sub(r":\1", number)
    return number


def standard_kind_for(number: str) -> str:
    """The kind a standard number's prefix implies. Anything that is neither
    international nor Chinese is taken as a foreign advanced standard (EN, DIN,
    ASTM, JIS, UL, ANSI, …); staff may correct the kind by hand."""
    number = normalize_standard_number(number)
    head = number.split(" ", 1)[0]
    if head.startswith(INTERNATIONAL_PREFIXES):
        return StandardKind.INTERNATIONAL
    if head in {"GB", "GB/T", "GB/Z"}:
        return StandardKind.NATIONAL
    if re.match(r"^DB\d{2}(\d{2})?(/T)?$", head):
        return StandardKind.LOCAL
    if head.startswith("T/"):
        return StandardKind.GROUP
    if head.startswith("Q/"):
        return StandardKind.ENTERPRISE
    if re.match(r"^[A-Z]{2}(/[TZ])?$", head) and head[:2] in CHINESE_INDUSTRY_CODES:
        return StandardKind.INDUSTRY
    return StandardKind.FOREIGN


# A code of letters (and "/"), then somewhere a digit; only the characters standard numbers use.
_STANDARD_NUMBER_SHAPE = re.compile(r"^[A-Z][A-Z0-9 /.:()+—-]*\d[A-Z0-9 /.:()+—-]*$")


def validate_standard_number(value: str) -> None:
    number = normalize_standard_number(value)
    if not number:
        raise ValidationError(_("请填写标准编号。"), code="standard_number_empty")
    if not _STANDARD_NUMBER_SHAPE.match(number):
        raise ValidationError(
            _(
                "标准编号「%(number)s」格式不正确：应以标准代号开头，后接顺序号，例如 GB/T 1.1—2020、ISO 8442-1:2008。"
            ),
            code="standard_number_shape",
            params={"number": number},
        )


# ---------------------------------------------------------------------------
# GB/T 4754-2017 industry classification codes
# ---------------------------------------------------------------------------

GB4754_SECTIONS = "ABCDEFGHIJKLMNOPQRST"
_GB4754_CODE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")


def normalize_scheme_code(value: str) -> str:
    """A technical scheme's code as stored and matched: invisible characters dropped, NFKC
    (full-width to ASCII), every run of whitespace one space, trimmed, upper-case —
    "yk-bwb　2024" is "YK-BWB 2024"."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFKC", strip_invisible(str(value))).split()).upper()


def normalize_industry_code(value: str) -> str:
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", strip_invisible(str(value))).split()).upper()


def validate_industry_code(value: str) -> None:
    """门类 letter A–T, optionally followed by 2, 3 or 4 digits (大类/中类/小类)."""
    code = normalize_industry_code(value)
    if not _GB4754_CODE.match(code):
        raise ValidationError(
            _(
                "国民经济行业代码「%(code)s」格式不正确：应为门类字母 A–T，"
                "可后接 2 位（大类）、3 位（中类）或 4 位（小类）数字，例如 C、C33、C338、C3381。"
            ),
            code="industry_code_shape",
            params={"code": code},
        )


# The dates a date filter or "as of" field accepts: the plan's records start in this century,
# and the day before or after a date at the ends of Python's calendar would not exist.
EARLIEST_RECORD_DATE, LATEST_RECORD_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def validate_record_date(value: dt.date) -> None:
    if not EARLIEST_RECORD_DATE <= value <= LATEST_RECORD_DATE:
        raise ValidationError(
            _("日期应在 %(earliest)s 至 %(latest)s 之间。"),
            params={"earliest": EARLIEST_RECORD_DATE.isoformat(), "latest": LATEST_RECORD_DATE.isoformat()},
        )


def validate_as_of_day(value: dt.date) -> None:
    """The day figures are asked "as of": not after today (figures to come do not exist), not
    before 2000 (no record is older). The dashboard's form and the API's figures both ask it."""
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("截至日期不能晚于今天（%(today)s）。"), params={"today": today.isoformat()})
    if value < EARLIEST_RECORD_DATE:
        raise ValidationError(_("截至日期不能早于 2000 年。"))


# ---------------------------------------------------------------------------
# Names of branch offices and industries, as staff write them
# ---------------------------------------------------------------------------


def normalize_reference_name(value: str) -> str:
    """An office's or industry's name, code or alias as it is compared (docs/domain.md,
    "Offices and industries by the names staff write"): NFKC (full-width to ASCII), every kind
    of whitespace and invisible formatting character (zero-width space, BOM) dropped, upper
    case. "方岩 所", "方岩所" and "方岩所\u200b" are one name; "dc" is the code "DC"."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFKC", str(value))
    return "".join(ch for ch in "".join(value.split()) if unicodedata.category(ch) != "Cf").upper()


# ---------------------------------------------------------------------------
# 企业标准信息公共服务平台 links
# ---------------------------------------------------------------------------


def national_platform_host(value: str) -> str | None:
    """The host of ``value`` when it is a plain http(s) address on one of the national
    enterprise-standard platform's own hosts (``settings.NATIONAL_PLATFORM_HOSTS``), else None.

    Plain: no user name or password before the host, no port other than the scheme's own, no
    backslash or whitespace (browsers read "https://evil.example\\@www.cpbz.gov.cn" as evil.example)."""
    value = (value or "").strip()
    if not value or any(ch.isspace() or ch == "\\" for ch in value):
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or "@" in parts.netloc:
        return None
    if port is not None and port != {"http": 80, "https": 443}[parts.scheme.lower()]:
        return None
    host = (parts.hostname or "").rstrip(".")
    allowed = {h.lower() for h in settings.NATIONAL_PLATFORM_HOSTS}
    return host if host in allowed else None


def validate_national_platform_url(value: str) -> None:
    """A declaration's 企业标准信息公共服务平台链接 must lead to that platform and nowhere else:
    the public page shows it as a link under the bureau's name."""
    if value and national_platform_host(value) is None:
        raise ValidationError(
            _("只接受企业标准信息公共服务平台的链接（%(host)s）。"),
            code="national_platform_host",
            params={"host": settings.NATIONAL_PLATFORM_HOSTS[0] if settings.NATIONAL_PLATFORM_HOSTS else ""},
        )
