"""Tables in extraction: rows of cells → one block per cell carrying its `CellRef`.

Every extractor that finds a table (docx, pdf) hands its rows here; html, which places cells as
it walks the page, asks `column_headers` which rows are headers and what each column is called.
A cell knows its table, its row (1-based, as the reader counts them, title and header rows
included), its grid column (the first one it covers when merged) and its column's header text. The cells of one row are joined
with a tab and rows with a newline, so the part's text still reads across a row and a rule that
needs "姓名 … 身份证号" on one line sees the row.

The header row is the first row (after title rows: one cell spanning the table) that a reader
would take for labels: every cell text, no digits, not mostly personal names. Formats that mark
header rows (docx `w:tblHeader`, html `<thead>` or a row of `<th>`) say so and are believed.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from screening.types import CellRef
from screening.validators import chinese_name

_DIGIT = re.compile(r"\d")
_CJK_END = re.compile(r"[\u4e00-\u9fff]$")
_CJK_START = re.compile(r"^[\u4e00-\u9fff]")
CELL_SEPARATOR = "\t"
_MAX_HEADER_CHARS = 20


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as an extractor read it: its text, first grid column (1-based) and span."""

    text: str
    column: int
    span: int = 1
    page: int | None = None


def join_lines(lines: Sequence[str]) -> str:
    """A cell's lines as one text: wrapped CJK joined directly, other lines with a space."""
    out = ""
    for line in (x.strip() for x in lines):
        if not line:
            continue
        out = line if not out else out + ("" if _CJK_END.search(out) and _CJK_START.search(line) else " ") + line
    return out


def _is_title(row: Sequence[Cell], width: int) -> bool:
    filled = [c for c in row if c.text.strip()]
    return len(filled) == 1 and (width >= 3 or width == 2 and (filled[0].span >= width or len(row) == 1))


def _looks_like_header(row: Sequence[Cell]) -> bool:
    texts = [c.text.strip() for c in row if c.text.strip()]
    if len(texts) < 2 or any(_DIGIT.search(t) or len(t) > _MAX_HEADER_CHARS for t in texts):
        return False
    return sum(chinese_name(t) for t in texts) * 2 < len(texts)


def header_rows(rows: Sequence[Sequence[Cell]], explicit: Sequence[bool] = ()) -> tuple[int, int]:
    """(first header row index, number of header rows), 0-based; (n, 0) when there is none."""
    width = max((c.column + c.span - 1 for row in rows for c in row), default=0)
    if any(explicit):
        first = next(i for i, e in enumerate(explicit) if e)
        count = next((i for i in range(first, len(explicit)) if not explicit[i]), len(explicit)) - first
        return first, count
    first = 0
    while first < min(2, len(rows) - 1) and _is_title(rows[first], width):
        first += 1
    if first < len(rows) - 1 and _looks_like_header(rows[first]):
        spanned = any(c.span > 1 for c in rows[first])
        two = spanned and first + 2 < len(rows) and _looks_like_header(rows[first + 1])
        return first, 2 if two else 1
    return first, 0


def column_headers(rows: Sequence[Sequence[Cell]], explicit: Sequence[bool] = ()) -> tuple[int, dict[int, str]]:
    """(how many rows from the top name no header: title and header rows; grid column → its
    header text, "parent/child" under a two-row header)."""
    first, count = header_rows(rows, explicit)
    return first + count, _headers(rows, first, count)


def _headers(rows: Sequence[Sequence[Cell]], first: int, count: int) -> dict[int, str]:
    headers: dict[int, str] = {}
    for row in rows[first:first + count]:
        for cell in row:
            text = " ".join(cell.text.split())
            for column in range(cell.column, cell.column + cell.span):
                if not text:
                    continue
                parent = headers.get(column)
                headers[column] = f"{parent}/{text}" if parent and parent != text else text
    return headers


def add_table(builder, number: int, rows: Sequence[Sequence[Cell]], *, explicit: Sequence[bool] = (),
              label: str = "") -> None:
    """Add a table's cells to `builder` (a PartBuilder): one block per non-empty cell."""
    unheaded, headers = column_headers(rows, explicit)
    for index, row in enumerate(rows):
        in_header = index < unheaded            # title rows and header rows name no header
        sep = "\n"
        for cell in sorted(row, key=lambda c: c.column):
            text = cell.text
            if not text.strip():
                continue
            ref = CellRef(number, index + 1, cell.column, None if in_header else headers.get(cell.column))
            builder.add(text, page=cell.page, label=label, cell=ref, sep=sep)
            sep = CELL_SEPARATOR
