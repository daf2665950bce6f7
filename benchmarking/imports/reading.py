"""Reading an uploaded spreadsheet into a header and numbered rows, or refusing it with a
sentence that says why.

Accepted: .xlsx (the first sheet that is not the template's notes or lists sheet and has any
non-blank cell) and .csv in UTF-8 (with or without BOM) or GB18030, which Chinese Excel
writes. The type is judged by the file's first bytes: a zip package is read as .xlsx
whatever its name, Office's OLE container (.xls, or a password-protected .xlsx) is refused,
and anything else is read as CSV — unless it is named .xlsx/.xls or has NUL bytes near the
start, when it is refused as neither Excel nor CSV. Cells come back as Python values (str,
int, float, datetime); making sense of them is ``cells``' job.

The header need not be the first row: county sheets open with a merged title row and perhaps a
note. Given the kind's known column names (``is_header``), the header is the row among the
first ``HEADER_SEARCH_ROWS`` non-blank ones with the most known names (the first such row on a
tie; the first non-blank row when none has any); what is above it is ignored, and every row
keeps its real number in the sheet.

A workbook whose XML carries a document type declaration (entity definitions: the "billion
laughs" and external-entity tricks) is refused before any part of it is parsed (``_refuse_dtd``).

Limits, so that a small crafted file cannot exhaust the server: the upload's size, the
workbook's uncompressed size, the number of data rows, and — in a workbook — the columns
read (the header's width) and the rows read (the sheet ends at 1,000 consecutive blank rows).
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The largest file an import reads (bytes). 20,000 declarations with eight values each is about 4 MB.
MAX_IMPORT_BYTES = 25 * 1024 * 1024
# The most an .xlsx may unpack to (its parts' declared sizes; zipfile reads no further than
# declared). A 20,000-row workbook unpacks to about 20 MB.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# The most data rows one import reads.
MAX_ROWS = 200_000
# A sheet's rows end after this many consecutive blank rows: read-only openpyxl yields every
# blank row up to the last used one, and a cell at row 1,000,000 would mean a million of them.
# Data further down is not read.
MAX_BLANK_RUN = 1_000
# The widest header a sheet may have; the data rows are read only as wide as the header.
MAX_COLUMNS = 2_000
# The header is looked for among this many non-blank rows at the top of the sheet.
HEADER_SEARCH_ROWS = 10
# The template's explanations; never data.
NOTES_SHEET = "填写说明"
# The template's hidden sheet of the drop-downs' values: never read either.
LISTS_SHEET = "选项"

_XLSX_MAGIC = b"PK\x03\x04"
# Office's encrypted-package container (a password-protected .xlsx) and the old .xls format.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A document type declaration, in the encodings an XML part may use (UTF-8, UTF-16 LE and BE).
_DTD_MARKS = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
_MERGE_REF = re.compile(rb'<mergeCell ref="([A-Z]+\d+):([A-Z]+\d+)"')
# C0 control characters but tab, line feed and carriage return: no text file has them, and
# PostgreSQL refuses NUL in text.
_CSV_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Formula:
    """A cell holding a formula rather than a value: imports take values only."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self):
        return f"Formula({self.text!r})"


@dataclass
class Table:
    """The sheet as read: the header row's texts and every non-blank row after it."""

    headers: list[str]
    header_row: int  # 1-based, as Excel numbers rows
    rows: list[tuple[int, list[object]]]  # (row number, cells)
    # Merged ranges that reach into the data rows, as "B3:B5".
    merged: list[str]


def read_table(
    name: str,
    data: bytes,
    *,
    max_bytes: int = MAX_IMPORT_BYTES,
    is_header: Callable[[str], bool] | None = None,
) -> Table:
    """The file's header and data rows. ``is_header`` says whether a cell's text (whitespace
    removed) is a column name the import knows; without it the first non-blank row is the header."""
    if not data:
        raise FileRefused(_("文件为空，请选择填写好的表格。"))
    if len(data) > max_bytes:
        raise FileRefused(
            _("文件过大：%(size)s，上限为 %(limit)s。请分成几个文件导入。")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(max_bytes)}
        )
    if data.startswith(_OLE_MAGIC):
        raise FileRefused(
            _(
                "无法读取：该文件受密码保护，或为旧版 Excel（.xls）格式。"
                "请在 Excel 中取消密码保护，或另存为 .xlsx 后再导入。"
            )
        )
    if data.startswith(_XLSX_MAGIC):
        rows, merged = _xlsx_rows(data, is_header)
    elif name.lower().endswith((".xlsx", ".xls")) or b"\x00" in data[:4096]:
        raise FileRefused(_("无法读取：文件已损坏，或不是 Excel（.xlsx）或 CSV 文件。"))
    else:
        rows, merged = _csv_rows(data), []
        rows = rows[header_index(rows[:HEADER_SEARCH_ROWS], is_header) :]
    return _table(rows, merged)


def header_index(candidates: list[tuple[int, list[object]]], is_header: Callable[[str], bool] | None) -> int:
    """Which of the first non-blank rows is the header: the one with the most known column
    names, the first of them on a tie; the first row when no row has any (the plan then says
    which columns are missing)."""
    if is_header is None:
        return 0
    best, best_score = 0, 0
    for index, (_number, cells) in enumerate(candidates):
        score = sum(1 for cell in cells if (text := _header_text(cell)) and is_header(text))
        if score > best_score:
            best, best_score = index, score
    return best


def _xlsx_rows(data: bytes, is_header) -> tuple[list[tuple[int, list[object]]], list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    damaged = _("无法读取：Excel 文件已损坏或格式不正确（%(error)s）。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise FileRefused(damaged % {"error": type(error).__name__}) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused(
            _(
                "无法读取：Excel 文件解压后达 %(size)s，上限为 %(limit)s。请删去无关的工作表、图片或格式后再导入。"
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(MAX_UNPACKED_BYTES)}
        )
    _refuse_dtd(data, damaged)
    try:
        # read_only parses the sheet as it goes, so memory follows the rows kept, not the
        # sheet's nominal size; data_only=False keeps formulas as formulas, so they can be
        # refused rather than read as stale cached values.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileRefused(damaged % {"error": type(error).__name__}) from None
    try:
        sheets = [ws for ws in workbook.worksheets if ws.title not in (NOTES_SHEET, LISTS_SHEET)]
        if not sheets:
            raise FileRefused(_("工作簿中没有可导入的工作表。"))
        for sheet in sheets:
            rows = _sheet_rows(sheet, is_header)
            if rows:
                return rows, _merged_ranges(sheet)
        raise FileRefused(_("工作簿中没有可导入的数据。"))
    except FileRefused:
        raise
    except Exception as error:  # a damaged part of the package shows only while reading it
        raise FileRefused(damaged % {"error": type(error).__name__}) from None
    finally:
        workbook.close()


def _refuse_dtd(data: bytes, damaged: str) -> None:
    """Refuse a package any of whose parts declares a document type. Excel never writes one;
    a DTD's entities are how a small file expands to gigabytes or reads the server's files.
    Each part is scanned whole (in pieces): a comment before the root element may hide one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                if info.is_dir():
                    continue
                tail = b""
                with package.open(info) as part:
                    while chunk := part.read(1024 * 1024):
                        window = tail + chunk
                        if any(mark in window for mark in _DTD_MARKS):
                            raise FileRefused(
                                _(
                                    "无法读取：该 Excel 文件含有文档类型声明（DTD），Excel 本身不会写入这种内容，"
                                    "文件可能被改动过。请在 Excel 中打开后另存为新的 .xlsx 再导入。"
                                )
                            )
                        tail = window[-32:]
    except FileRefused:
        raise
    except Exception as error:  # a damaged, encrypted or oddly compressed part shows only when read
        raise FileRefused(damaged % {"error": type(error).__name__}) from None


def _sheet_rows(sheet, is_header) -> list[tuple[int, list[object]]]:
    """The sheet's non-blank rows from the header on, numbered as Excel numbers them: the
    header (``header_index`` among the first HEADER_SEARCH_ROWS non-blank rows, at most
    MAX_COLUMNS wide) and the rows after it, cut to the header's width."""
    nominal_width = sheet.max_column or MAX_COLUMNS
    candidates: list[tuple[int, list[object]]] = []
    blank_run = 0
    for number, cells in enumerate(sheet.iter_rows(max_col=min(nominal_width, MAX_COLUMNS)), start=1):
        values = [_cell_value(c) for c in cells]
        if all(_is_blank(v) for v in values):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        candidates.append((number, values))
        if len(candidates) >= HEADER_SEARCH_ROWS:
            break
    if not candidates:
        return []
    chosen = header_index(candidates, is_header)
    header_number, header = candidates[chosen]
    header = list(header)
    while header and _is_blank(header[-1]):
        header.pop()
    rows: list[tuple[int, list[object]]] = [(header_number, header)]
    # Cells right of the header belong to no column, so they are not read at all.
    blank_run = 0
    data = sheet.iter_rows(min_row=header_number + 1, max_col=len(header))
    for number, cells in enumerate(data, start=header_number + 1):
        values = [_cell_value(c) for c in cells]
        if all(_is_blank(v) for v in values):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if len(rows) > MAX_ROWS:
            raise _too_many_rows()
        rows.append((number, values))
    return rows


def _cell_value(cell):
    return Formula(str(cell.value)) if getattr(cell, "data_type", None) == "f" else cell.value


def _too_many_rows() -> FileRefused:
    return FileRefused(
        _("数据行过多：一次最多导入 %(limit)s 行，请分成几个文件导入。") % {"limit": f"{MAX_ROWS:,}"}
    )


def _merged_ranges(sheet) -> list[str]:
    # A read-only sheet does not parse <mergeCells>; they sit at the end of the sheet's XML,
    # which is scanned in pieces (it may be large), each overlapping the last.
    archive, path = getattr(sheet.parent, "_archive", None), getattr(sheet, "_worksheet_path", None)
    if archive is None or path is None:
        return []
    found, tail = [], b""
    with archive.open(path) as xml:
        while chunk := xml.read(1024 * 1024):
            window = tail + chunk
            last_end = 0
            for match in _MERGE_REF.finditer(window):
                found.append(f"{match[1].decode()}:{match[2].decode()}")
                last_end = match.end()
            tail = window[max(last_end, len(window) - 200) :]
    return found


def _csv_rows(data: bytes) -> list[tuple[int, list[object]]]:
    text = _decode(data)
    control = _CSV_CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise FileRefused(
            _(
                "无法读取：CSV 文件第 %(line)d 行含有不可见的控制字符（如 NUL），文件可能已损坏或不是文本文件。"
            )
            % {"line": line}
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            if all(_is_blank(c) for c in cells):
                continue  # blank lines are not kept, so a file of empty lines costs nothing
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            rows.append((number, cells))
    except csv.Error as error:
        raise FileRefused(_("无法读取 CSV 文件：%(error)s") % {"error": error}) from None
    return rows


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Chinese Excel saves "CSV" in the system code page: GBK, which GB18030 contains.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused(
            _("无法识别文件的字符编码：请另存为“CSV UTF-8”或由 Excel 直接保存的 CSV。")
        ) from None


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(rows, merged) -> Table:
    rows = [(number, cells) for number, cells in rows if not all(_is_blank(c) for c in cells)]
    if not rows:
        raise FileRefused(_("文件中没有任何内容：第一行应为表头，其下每行一条记录。"))
    header_row, header_cells = rows[0]
    headers = [_header_text(cell) for cell in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    data_rows = [(number, list(cells[: len(headers)])) for number, cells in rows[1:]]
    merged_in_data = [ref for ref in merged if _first_row(ref) > header_row]
    return Table(headers=headers, header_row=header_row, rows=data_rows, merged=merged_in_data)


def _header_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    # Headers are compared whitespace-free: "企业 名称" and "企业名称 " are the same column.
    return "".join(str(cell).split())


def _first_row(ref: str) -> int:
    return int(re.sub(r"^[A-Z]+", "", ref.split(":")[0]))
