"""xls / xlt / et (Excel 97-2003 and WPS 表格 BIFF workbooks): xlrd, LibreOffice where xlrd fails.

xlrd (with formatting_info, which is what knows hidden rows, hidden columns and cell notes)
reads the cells, sheet visibility and defined names; olefile reads the document properties
(SummaryInformation / DocumentSummaryInformation) and xls_margins the printed headers and
footers (页眉/页脚), which xlrd does not; cells whose style shows nothing (concealing) are hidden.
olefile opens the compound file once for both (xlrd keeps its own reader of it: it refuses
damaged sector chains that olefile would read, and such a workbook goes to LibreOffice).
A workbook xlrd cannot read (an old BIFF version, a WPS variant it rejects) is converted to xlsx
by LibreOffice and read by xlsx.py; only when both fail is it refused as corrupt. A password-protected workbook is `encrypted`.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from screening.errors import UnreadableDocument
from screening.extract import legacy, xls_margins, xlsx
from screening.extract.cells import Sheet, Workbook, printed_margin, to_document
from screening.extract.common import Limits
from screening.extract.concealing import WHITE, Concealing, concealing
from screening.extract.sniff import label, sniff
from screening.types import Document

_VISIBILITY = {0: "visible", 1: "hidden", 2: "veryHidden"}
# olefile metadata attribute → label (the labels detectors/hidden.py knows as identifying)
OLE_PROPERTIES = (
    ("title", "标题"), ("subject", "主题"), ("author", "作者"), ("keywords", "关键词"), ("comments", "备注"),
    ("last_saved_by", "最后修改者"), ("company", "公司"), ("manager", "管理者"), ("category", "类别"),
    ("creating_application", "创建程序"), ("create_time", "创建时间"), ("last_saved_time", "修改时间"),
)


def extract(data: bytes, name: str, limits: Limits) -> Document:
    import xlrd

    fmt = sniff(data, name)
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, ragged_rows=True,
                                  logfile=_Discard(), verbosity=0)
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise UnreadableDocument("encrypted", f"{label(fmt)}已设置打开密码，请取消密码后再提交") from None
        return _via_libreoffice(data, name, fmt, limits)
    except Exception:  # noqa: BLE001 - xlrd's failure is LibreOffice's turn
        return _via_libreoffice(data, name, fmt, limits)
    try:
        workbook = _read(book)
    finally:
        book.release_resources()
    compound = _Compound.of(data)
    printed = xls_margins.margins(compound.workbook)
    for sheet in workbook.sheets:
        sheet.margins = [(is_header, text) for is_header, code in printed.get(sheet.name, ())
                         if (text := printed_margin(code))]
    workbook.metadata.extend(ole_properties(compound.metadata))
    return to_document(workbook, data, name, fmt)


@dataclass(frozen=True, slots=True)
class _Compound:
    """What an .xls's compound file holds for xls_margins and the properties, from one opening:
    the Workbook stream (b"" without one) and the summary information (None without it)."""
    workbook: bytes
    metadata: Any

    @classmethod
    def of(cls, data: bytes) -> _Compound:
        import olefile

        try:
            with olefile.OleFileIO(data) as ole:
                return cls(_workbook_stream(ole), _metadata(ole))
        except Exception:  # noqa: BLE001 - the margins and properties are extra; the cells were read
            return cls(b"", None)


def _workbook_stream(ole) -> bytes:
    try:
        return ole.openstream("Workbook").read() if ole.exists("Workbook") else b""
    except Exception:  # noqa: BLE001 - a damaged stream: no margins, the properties still read
        return b""


def _metadata(ole) -> Any:
    try:
        return ole.get_metadata()
    except Exception:  # noqa: BLE001 - damaged properties: none, the margins still read
        return None


def _via_libreoffice(data: bytes, name: str, fmt: str, limits: Limits) -> Document:
    return legacy.from_converted(data, name, limits, fmt, "xlsx", xlsx.extract)


class _Discard:
    def write(self, _text: str) -> None:
        pass


def _read(book) -> Workbook:
    import xlrd

    out = Workbook()
    styles = _concealing_styles(book)
    for sx in range(book.nsheets):
        ws = book.sheet_by_index(sx)
        sheet = Sheet(ws.name, state=_VISIBILITY.get(ws.visibility, "hidden"))
        sheet.hidden_columns = {c + 1 for c, info in ws.colinfo_map.items() if info.hidden}
        sheet.hidden_rows = {r + 1 for r, info in ws.rowinfo_map.items() if info.hidden}
        for r in range(ws.nrows):
            for c, cell in enumerate(ws.row(r)):
                text = _text(cell, book.datemode, xlrd)
                sheet.set(r + 1, c + 1, text)
                hiding = styles.get(cell.xf_index)
                if hiding is not None and text and hiding.hides(cell.ctype == xlrd.XL_CELL_TEXT):
                    sheet.hidden_cells[r + 1, c + 1] = hiding.reason
        for (r, c), note in ws.cell_note_map.items():
            text = " ".join((note.text or "").split())
            if text:
                sheet.comments.append((r + 1, c + 1, (note.author or "").strip(), text))
        out.sheets.append(sheet)
    for name in book.name_obj_list:
        value = getattr(name, "formula_text", None) or getattr(getattr(name, "result", None), "text", None)
        if name.builtin or not value:
            continue
        line = f"定义的名称“{name.name}”：{value}"
        if name.hidden:
            out.hidden.append(("隐藏的定义名称", "隐藏的" + line))
        else:
            out.metadata.append(line)
    return out


def _concealing_styles(book) -> dict[int, Concealing]:
    """XF index → how that cell style hides its cells (a `;;;` format, text in its fill's colour)."""
    out = {}
    for index, xf in enumerate(book.xf_list):
        number_format = book.format_map.get(xf.format_key)
        font = book.font_list[xf.font_index] if xf.font_index < len(book.font_list) else None
        fill = xf.background
        background = WHITE if fill.fill_pattern == 0 else _rgb(book, fill.pattern_colour_index) \
            if fill.fill_pattern == 1 else None            # 1: solid; others let the text show through
        found = concealing(number_format.format_str if number_format else None,
                           _rgb(book, font.colour_index) if font else None, background)
        if found is not None:
            out[index] = found
    return out


def _rgb(book, colour_index: int) -> str | None:
    rgb = book.colour_map.get(colour_index)          # None: a system colour (automatic)
    return "".join(f"{v:02X}" for v in rgb) if rgb else None


def _text(cell, datemode: int, xlrd) -> str:
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        value = cell.value
        return str(int(value)) if value == int(value) and abs(value) < 1e20 else repr(value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode).isoformat(sep=" ").removesuffix(" 00:00:00")
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return repr(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return ""


def ole_properties(meta: Any) -> list[str]:
    """"标签：值" lines of an OLE2 file's summary information (olefile's metadata: author, company …)."""
    if meta is None:
        return []
    lines = []
    for attr, name in OLE_PROPERTIES:
        value = getattr(meta, attr, None)
        if isinstance(value, bytes):
            value = _decode(value, getattr(meta, "codepage", None))
        elif isinstance(value, datetime.datetime):
            value = value.isoformat(sep=" ")
        value = " ".join(str(value or "").split())
        if value and value != "0":
            lines.append(f"{name}：{value}")
    return lines


def _decode(raw: bytes, codepage: int | None) -> str:
    for codec in (f"cp{codepage}" if codepage and codepage != 1200 else "cp936", "gb18030", "latin-1"):
        try:
            return raw.decode(codec).rstrip("\x00")
        except (UnicodeDecodeError, LookupError):
            continue
    return ""
