"""What every spreadsheet reader shares: a workbook as rows of cells, turned into a Document.

A reader (xlsx.py, xls.py, delimited.py) fills a `Workbook` — sheets of rows of cell texts, which
sheets/rows/columns are hidden, comments, formulas worth showing, defined names, properties —
and `to_document` lays it out. Every cell is one Block with its `CellRef` (sheet, row, column and
the column's header); a part's text reads across a row, the cells of a row joined by a tab and the
rows by a newline, so that a rule sees "姓名\\t身份证号" as the context of the number below it.
Visible cells go to `table`; cells of hidden sheets, rows and columns, and cells whose style
shows nothing (concealing), to `hidden` (labelled by what hides them); comments to `comment`;
formulas, defined names and properties to `metadata`; printed headers/footers to `header`/`footer`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from screening.errors import UnreadableDocument
from screening.extract.common import HIDDEN_REASONS, PART_LABELS
from screening.types import Block, CellRef, Document, Part, PartKind, column_letter

_HEADER_SCAN = 10          # rows searched for the header row
# &L &C &R (sections), &P &N &D &T &F &A &Z &G (page, pages, date, time, file, sheet, path, picture),
# &B &I &U &E &S &X &Y &K.. (styles, colour), &"font,style", &12 (size), &[Page] &[Tab] … (the names
# Excel's dialog shows, which some writers store as such); && is a literal ampersand.
_MARGIN_CODES = re.compile(r'&(?:"[^"]*"|\d+|K[0-9A-Fa-f]{6}|K\d{2}[+-]\d{3}|[LCRPNDTFAZGBIUESXYO]'
                           r'|\[(?i:page|pages|date|time|file|path|tab|picture)\])')


@dataclass(slots=True)
class Sheet:
    name: str
    rows: dict[int, dict[int, str]] = field(default_factory=dict)   # row → column → text (1-based)
    state: str = "visible"                     # visible | hidden | veryHidden
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    hidden_cells: dict[tuple[int, int], str] = field(default_factory=dict)   # (row, column) → what hides it
    comments: list[tuple[int, int, str, str]] = field(default_factory=list)   # row, column, author, text
    formulas: list[tuple[int, int, str]] = field(default_factory=list)        # row, column, "公式…" text
    margins: list[tuple[bool, str]] = field(default_factory=list)     # (header? else footer, text) as printed
    lists: list[tuple[str, str]] = field(default_factory=list)        # (cell range, choices) of drop-down lists

    def set(self, row: int, column: int, text: str) -> None:
        if text and not text.isspace():
            self.rows.setdefault(row, {})[column] = text


@dataclass(slots=True)
class Workbook:
    sheets: list[Sheet] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)    # "标签：值" lines (properties, defined names)
    hidden: list[tuple[str, str]] = field(default_factory=list)   # (label, text): no cell (macros …)
    warnings: list[str] = field(default_factory=list)


class _PartText:
    """Blocks of one part; `sep` joins a block to the one before it."""

    def __init__(self, kind: PartKind) -> None:
        self.kind = kind
        self.texts: list[str] = []
        self.blocks: list[Block] = []
        self.length = 0

    def add(self, text: str, sep: str = "\n", *, label: str = "", cell: CellRef | None = None) -> None:
        if self.texts:
            self.texts.append(sep)
            self.length += len(sep)
        start = self.length
        self.texts.append(text)
        self.length += len(text)
        self.blocks.append(Block(None, len(self.blocks) + 1, start, self.length, label, cell))

    def build(self) -> Part | None:
        if not self.blocks:
            return None
        return Part(self.kind, "".join(self.texts), tuple(self.blocks), label=PART_LABELS[self.kind],
                    hidden_reason=HIDDEN_REASONS.get(self.kind, ""))


def header_row(sheet: Sheet) -> int | None:
    """The row naming the columns: among the first rows, the first whose filled cells are at least
    two, all text (no numbers) and at least half as many as the widest of those rows."""
    first = sorted(sheet.rows)[:_HEADER_SCAN]
    if not first:
        return None
    widest = max(len(sheet.rows[r]) for r in first)
    for r in first:
        cells = sheet.rows[r].values()
        if len(cells) >= max(2, (widest + 1) // 2) and not any(_numeric(c) for c in cells):
            return r
    return None


def printed_margin(code: str) -> str:
    """The text a printed header or footer shows, from its definition ("&C内部资料&R第&P页"):
    section, field and style codes removed, whitespace collapsed (the same in xlsx and xls)."""
    return " ".join("&".join(_MARGIN_CODES.sub(" ", piece) for piece in code.split("&&")).split())


def _numeric(text: str) -> bool:
    return text.replace(".", "", 1).replace("-", "", 1).strip().isdigit()


def _hidden_label(sheet: Sheet, row: int, column: int) -> str:
    if sheet.state != "visible":
        return f"隐藏的工作表“{sheet.name}”"
    if row in sheet.hidden_rows:
        return f"工作表“{sheet.name}”中隐藏的第 {row} 行"
    if column in sheet.hidden_columns:
        return f"工作表“{sheet.name}”中隐藏的 {column_letter(column)} 列"
    return f"工作表“{sheet.name}” {column_letter(column)} 列中{sheet.hidden_cells[row, column]}的单元格"


def to_document(book: Workbook, data: bytes, name: str, fmt: str) -> Document:
    parts = {kind: _PartText(kind) for kind in (PartKind.TABLE, PartKind.HEADER, PartKind.FOOTER, PartKind.HIDDEN,
                                                PartKind.COMMENT, PartKind.METADATA)}
    for index, sheet in enumerate(book.sheets, 1):
        head = header_row(sheet)
        headers = sheet.rows.get(head, {}) if head else {}
        for r in sorted(sheet.rows):
            new_row = {PartKind.TABLE: True, PartKind.HIDDEN: True}
            for c in sorted(sheet.rows[r]):
                header = headers.get(c) if head and r > head else None
                ref = CellRef(index, r, c, header, sheet.name)
                hidden = sheet.state != "visible" or r in sheet.hidden_rows or c in sheet.hidden_columns \
                    or (r, c) in sheet.hidden_cells
                kind = PartKind.HIDDEN if hidden else PartKind.TABLE
                label = _hidden_label(sheet, r, c) if hidden else ""
                parts[kind].add(sheet.rows[r][c], "\n" if new_row[kind] else "\t", label=label, cell=ref)
                new_row[kind] = False
        for r, c, author, text in sheet.comments:
            parts[PartKind.COMMENT].add(text, label=f"批注（作者：{author}）" if author else "批注",
                                        cell=CellRef(index, r, c, None, sheet.name))
        for r, c, text in sheet.formulas:
            parts[PartKind.METADATA].add(text, cell=CellRef(index, r, c, None, sheet.name))
        for is_header, text in sheet.margins:
            kind = PartKind.HEADER if is_header else PartKind.FOOTER
            parts[kind].add(text, label=f"工作表“{sheet.name}”打印时的{'页眉' if is_header else '页脚'}")
        for where, choices in sheet.lists:
            parts[PartKind.HIDDEN].add(choices, label=f"工作表“{sheet.name}” {where} 的下拉列表选项（点开单元格才看得到）")
    for label, text in book.hidden:
        parts[PartKind.HIDDEN].add(text, label=label)
    for line in book.metadata:
        parts[PartKind.METADATA].add(line)
    built = tuple(p for p in (parts[k].build() for k in PartKind if k in parts) if p is not None)
    if not book.warnings and not any(p.text.strip() for p in built):
        raise UnreadableDocument("empty", "表格中没有任何内容")
    return Document(name=name, sha256=hashlib.sha256(data).hexdigest(), format=fmt, pages=None, parts=built,
                    size=len(data), warnings=tuple(dict.fromkeys(book.warnings)))
