"""Spreadsheet files for download: .xlsx workbooks and .csv, from column definitions, and
the progress dashboard's report (``dashboard_sheets``). The lists' columns are in ``columns``.

Every export goes through here, so every one of them neutralises cells that a
spreadsheet would run as a formula (CSV/formula injection, OWASP), text starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: in a .csv it gets a
leading apostrophe; in an .xlsx it is written as a text cell marked with Excel's
quote prefix (shown and edited as text, never run), so the value itself is unchanged. Numbers and dates are written as real numbers and dates,
never as text, so a manager can sum and sort them.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

from .numbers import plain_decimal
from .selectors.dashboard import MEASURE_LABELS, Dashboard
from .sheet_layout import ColumnWidths, lay_out_xlsxwriter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """A CSV cell that a spreadsheet would run as a formula, made inert; anything else as is."""
    return "'" + value if is_formula_like(value) else value


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and how to get the cell from a row."""

    header: str
    value: Callable[[Any], Any]
    # An Excel number format for numbers and dates, e.g. "0.0%" or "yyyy-mm-dd".
    number_format: str = ""
    # No width: every column is as wide as its header and first rows (sheet_layout).


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]
    # Lines written above the header (a report's title, its "as of" date).
    preamble: Sequence[str] = field(default_factory=tuple)


def choice_label(field) -> Callable[[Any], Any]:
    """``value → label`` of a model field with choices: what ``get_<field>_display()`` gives, in
    the active language, for a column of an export. Django's method hashes every choice and
    translates its label on every call (most of a long export's time); this looks each
    (language, value) up once. The field's values must be hashable (they are for CharField
    and IntegerField choices)."""
    choices = dict(make_hashable(field.flatchoices))
    labels: dict[tuple[str | None, Any], Any] = {}

    def label(value: Any) -> Any:
        key = (get_language(), value)
        try:
            return labels[key]
        except KeyError:
            # As Model._get_FIELD_display: a value outside the choices is shown as it is.
            found = labels[key] = force_str(choices.get(make_hashable(value), value), strings_only=True)
            return found

    return label


# Cells of these exact types are kept as they are: nearly every cell, so they are checked
# first and by type, not through the isinstance chain below (bool is not int here).
_AS_IS = frozenset({str, int, float, dt.date})


def _plain(value: Any, tz: dt.tzinfo | None = None) -> Any:
    """A cell value as a spreadsheet holds it: local naive datetimes, floats for decimals.
    ``tz`` is the local time zone, read once per export by the caller (default: the current one)."""
    if type(value) in _AS_IS:
        return value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            # timezone.localtime(value), without looking the current time zone up per cell.
            value = value.astimezone(timezone.get_current_timezone() if tz is None else tz)
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (str, int, float, dt.date)):
        return value
    return str(value)


def _download_headers(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # A report is a snapshot of the moment it is asked for; never serve a stale copy.
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """A workbook with one sheet per ``Sheet`` (``write_xlsx``), as a download."""
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return _download_headers(response, filename)


def write_xlsx(file: Any, sheets: Sequence[Sheet]) -> None:
    """A workbook with one sheet per ``Sheet`` written to ``file`` (a path or a binary file):
    bold header row, frozen and filtered, columns sized to their content (``sheet_layout``),
    real numbers and dates. The download and the background export (``services.exports``) both
    write through here, so their files hold the same cells."""
    # constant_memory streams rows to disk as they are written, so a long list costs little memory.
    workbook = xlsxwriter.Workbook(file, {"in_memory": False, "constant_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#E8F0FB", "border": 1})
    formats: dict[str, Any] = {}
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    # Excel's "text, as typed" marker: the cell keeps its value and is never evaluated.
    as_text = workbook.add_format({"quote_prefix": True})
    tz = timezone.get_current_timezone()

    def number_format(column: Column):
        if not column.number_format:
            return None
        if column.number_format not in formats:
            formats[column.number_format] = workbook.add_format({"num_format": column.number_format})
        return formats[column.number_format]

    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.title[:31])
        row_index = 0
        for line in sheet.preamble:
            worksheet.write_string(row_index, 0, line, as_text if is_formula_like(line) else None)
            row_index += 1
        header_row = row_index
        for col_index, column in enumerate(sheet.columns):
            worksheet.write_string(header_row, col_index, column.header, bold)
        widths = ColumnWidths([column.header for column in sheet.columns])
        see = widths.see
        # Each column's reader and number format (None: the value's own), found once per sheet.
        cells = [(column.value, number_format(column)) for column in sheet.columns]
        write_string = worksheet.write_string
        for item in sheet.rows:
            row_index += 1
            measuring = widths.sampling  # the first rows only: see sheet_layout
            widths.next_row()
            for col_index, (read, column_format) in enumerate(cells):
                value = read(item)
                if measuring:
                    see(col_index, value)
                if type(value) is str:
                    # Most cells: text, written as below without going through _plain.
                    if value:
                        formula_like = value.startswith(FORMULA_STARTS)
                        write_string(row_index, col_index, value, as_text if formula_like else column_format)
                    continue
                value = _plain(value, tz)
                if value == "":
                    # A missing value (no withdrawal date) is a blank cell, not an empty text one,
                    # so Excel's blanks filter, COUNTA and date sorting treat it as empty.
                    continue
                fmt = column_format
                if fmt is None and isinstance(value, dt.date):
                    fmt = datetime_format if isinstance(value, dt.datetime) else date_format
                if isinstance(value, str):
                    # write_string, never write(): a string is never turned into a formula or a URL.
                    write_string(row_index, col_index, value, as_text if is_formula_like(value) else fmt)
                elif isinstance(value, dt.datetime | dt.date):
                    worksheet.write_datetime(row_index, col_index, value, fmt)
                else:
                    worksheet.write_number(row_index, col_index, value, fmt)
        # Frozen header, autofilter and widths: XlsxWriter writes them at close, so after the rows.
        lay_out_xlsxwriter(worksheet, widths, header_row=header_row, last_row=row_index)
    workbook.close()


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any, tz: dt.tzinfo | None = None) -> str:
    if type(value) is str:
        # Most cells: text, neutralised as below without going through _plain.
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, Decimal):
        return plain_decimal(value)  # 85 and 0.01, as typed; not float's 85.0
    value = _plain(value, tz)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    # Only text is neutralised: a negative number is a number, not a formula.
    return neutralise(value) if isinstance(value, str) else str(value)


def csv_lines(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The BOM makes Excel on Chinese Windows open UTF-8 as UTF-8, not as GBK.
    yield "\ufeff" + writer.writerow([neutralise(c.header) for c in columns])
    # Read when the first row is, as timezone.localtime would: once, not per datetime cell.
    tz = timezone.get_current_timezone()
    reads = [c.value for c in columns]
    for item in rows:
        yield writer.writerow([_csv_text(read(item), tz) for read in reads])


def write_csv(file: Any, columns: Sequence[Column], rows: Iterable[Any]) -> None:
    """The lines of ``csv_response``, UTF-8 encoded as the response encodes them, into a binary
    file: the background export's file is byte for byte the download's."""
    for line in csv_lines(columns, rows):
        file.write(line.encode("utf-8"))


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Any]) -> StreamingHttpResponse:
    """A UTF-8 (with BOM) CSV file, streamed row by row."""
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type=CSV_TYPE)
    return _download_headers(response, filename)


# -- the progress dashboard's report ------------------------------------------------------


def dashboard_sheets(dashboard: Dashboard) -> list[Sheet]:
    """The progress dashboard as a workbook: summary (with the county's rank statements, where
    ranks mean anything), offices (考核), industries, monthly trend, each headed by the report's
    county, scope, day and plan."""
    plan = dashboard.plan
    scope = dashboard.branch_office.name if dashboard.branch_office else "全市"
    preamble = [
        f"{dashboard.county_name}对标达标千项计划进度报表（{scope}）",
        f"截至 {dashboard.as_of:%Y-%m-%d} 日终（北京时间）",
    ]
    if plan:
        preamble.append(
            f"{plan.name}：{plan.starts_on:%Y-%m-%d} 至 {plan.ends_on:%Y-%m-%d}，"
            f"时间进度 {dashboard.elapsed:.1%}"
        )
    percent = "0.0%"
    summary = Sheet(
        "汇总",
        [
            Column("指标", lambda m: m.label + ("（全市）" if m.citywide else "")),
            Column("完成数", lambda m: m.count),
            Column("目标数", lambda m: m.target),
            Column("完成率", lambda m: m.share, number_format=percent),
            Column("计划开始前已完成", lambda m: m.baseline),
            Column("按时间进度应完成", lambda m: m.expected),
            Column("超前(+)/落后(-)", lambda m: m.ahead_by),
            Column("按近90天速度预计完成日期", lambda m: _projection_text(m, plan)),
        ],
        dashboard.measures,
        # The rank sentences, one a line, under the heading (none in a single-county deployment).
        preamble=[*preamble, *(f"全省排名：{statement.text}" for statement in dashboard.ranks)],
    )
    offices = Sheet(
        "监管所考核",
        [
            Column("排名", lambda r: r.rank),
            Column("监管所", lambda r: r.office.name),
            Column("对标企业", lambda r: r.enterprises),
            Column("企业任务数", lambda r: r.enterprise_quota),
            Column("对标结果", lambda r: r.results),
            Column("结果任务数", lambda r: r.result_quota),
            Column("完成率", lambda r: r.completion, number_format=percent),
            # The dashboard's colour, in words (rules.pace_band): one rule for both.
            Column(
                "对照时间进度",
                lambda r: r.pace_band and f"{r.pace_band.colour}：{r.pace_band.label}",
            ),
        ],
        dashboard.offices,
        preamble=preamble,
    )
    industries = Sheet(
        "行业",
        [
            Column("行业", lambda r: r.industry.name),
            Column("国民经济行业代码", lambda r: r.industry.gb_code),
            Column(MEASURE_LABELS["schemes"], lambda r: r.schemes),
            Column(MEASURE_LABELS["enterprises"], lambda r: r.enterprises),
            Column(MEASURE_LABELS["results"], lambda r: r.results),
        ],
        dashboard.industries,
        preamble=preamble,
    )
    trend_columns = [Column("月份", lambda p: p.month, number_format="yyyy-mm")]
    for key, label in MEASURE_LABELS.items():
        trend_columns += [
            Column(f"{label}（累计）", lambda p, key=key: getattr(p.progress, key)),
            Column(f"{label}（目标线）", lambda p, key=key: p.expected.get(key)),
        ]
    trend = Sheet("月度趋势", trend_columns, dashboard.trend, preamble=preamble)
    return [summary, offices, industries, trend]


def _projection_text(measure, plan) -> str | dt.date:
    if measure.target is None:
        return "未设任务"
    if measure.reached:
        return "已完成目标"
    if measure.projected_on is None or (plan and measure.projected_on > plan.ends_on):
        return "按此速度无法在截止日期前完成"
    return measure.projected_on
