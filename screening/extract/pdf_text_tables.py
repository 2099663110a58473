"""Tables printed without ruling lines (a 公示 laid out with tab stops or a grid-less table style):
columns read from the white gutters that run down a block of lines.

pdfplumber's own "text" strategy aligns word edges and merges ragged columns of names and IDs into
one, so the columns are found here instead: consecutive lines of several words form a block; an
x range that no word of any line of the block covers, at least `_GUTTER` points wide, is a gutter;
the covered ranges between gutters are the columns. Prose cannot pass for a table: its lines are
one word (CJK) or many words with no gutter common to all lines (Latin); a page laid out in text
columns has long cells and no short column. A block is a table only with at least `_MIN_ROWS`
lines, `_MIN_COLUMNS` columns, cells of at most `_MAX_CELL_CHARS` characters, and one column of
short cells (序号, 姓名, 性别, amounts).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from screening.extract.pdf_tables import PageTable
from screening.extract.table import Cell

_MIN_ROWS = 3
_MIN_COLUMNS = 3
_MIN_WORDS = 2            # words on a line of the block (a row may leave cells empty)
_GUTTER = 4.0             # points of white between two columns on every line
_LINE_TOLERANCE = 2.0     # points: words whose tops differ by less sit on one line
_MAX_LINE_GAP = 2.5       # a gap above this many line heights ends a block
_MAX_CELL_CHARS = 40
_SHORT_CELL = 5           # characters: the short column's cells
_SHORT_SHARE = 0.8
_MIN_CHUNKS = 3           # cheap gate on pdfium's text: space-separated chunks on a line ...
_MAX_CHUNKS = 12
_MIN_CHUNKED_LINES = 3    # ... on this many lines
_CJK_OR_DIGITS = re.compile(r"[\u4e00-\u9fff]+|\d[\dXx.\-]*")


@dataclass(frozen=True, slots=True)
class _Word:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str


def may_hold_text_table(text: str) -> bool:
    """Whether pdfium's text of a page has enough lines that could be grid-less rows (it writes the
    cells of a row on one line, a space between them): a few space-separated chunks, one of them
    all digits or CJK (序号, a name, an ID). Cheap, and false for Latin prose, whose lines have
    more words and few all-digit ones, so pdfplumber's layout analysis runs on few pages."""
    return sum(1 for line in text.splitlines() if _row_like(line.split())) >= _MIN_CHUNKED_LINES


def _row_like(chunks: list[str]) -> bool:
    return _MIN_CHUNKS <= len(chunks) <= _MAX_CHUNKS and any(_CJK_OR_DIGITS.fullmatch(c) for c in chunks)


def find(page, number: int) -> list[PageTable]:
    """The grid-less tables of a pdfplumber page (1-based `number`), top to bottom."""
    words = [_Word(w["x0"], w["x1"], w["top"], w["bottom"], w["text"])
             for w in page.extract_words(x_tolerance=1.5, y_tolerance=_LINE_TOLERANCE)]
    tables = []
    for block in _blocks(_lines(words)):
        table = _table(block, number)
        if table is not None:
            tables.append(table)
    return tables


def _lines(words: list[_Word]) -> list[list[_Word]]:
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and abs(lines[-1][0].top - word.top) < _LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _blocks(lines: list[list[_Word]]) -> list[list[list[_Word]]]:
    """Runs of consecutive lines of several words, evenly spaced."""
    blocks: list[list[list[_Word]]] = []
    run: list[list[_Word]] = []
    for line in lines:
        height = max(w.bottom - w.top for w in line)
        joined = bool(run) and line[0].top - run[-1][0].bottom <= _MAX_LINE_GAP * height
        if len(line) >= _MIN_WORDS and (joined or not run):
            run.append(line)
            continue
        blocks.append(run)
        run = [line] if len(line) >= _MIN_WORDS else []
    blocks.append(run)
    return [b for b in blocks if len(b) >= _MIN_ROWS]


def _columns(block: list[list[_Word]]) -> list[tuple[float, float]]:
    """The x ranges covered by words, split where every line leaves a gutter."""
    spans = sorted((w.x0, w.x1) for line in block for w in line)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 < columns[-1][1] + _GUTTER:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    return [(a, b) for a, b in columns]


def _table(block: list[list[_Word]], number: int) -> PageTable | None:
    columns = _columns(block)
    if len(columns) < _MIN_COLUMNS:
        return None
    rows: list[list[Cell]] = []
    for line in block:
        texts: dict[int, list[str]] = {}
        for word in line:
            index = next(i for i, (a, b) in enumerate(columns, 1) if a <= word.x0 <= b)
            texts.setdefault(index, []).append(word.text)
        rows.append([Cell(" ".join(parts), index, 1, number) for index, parts in sorted(texts.items())])
    cells = [c.text for row in rows for c in row]
    if any(len(t) > _MAX_CELL_CHARS for t in cells) or not _has_short_column(rows, len(columns)):
        return None
    if sum(len(row) >= _MIN_COLUMNS for row in rows) * 2 < len(rows):
        return None
    top = min(w.top for w in block[0]) - 1.0
    bottom = max(w.bottom for w in block[-1]) + 1.0
    return PageTable(top, bottom, rows)


def _has_short_column(rows: list[list[Cell]], width: int) -> bool:
    for column in range(1, width + 1):
        texts = [c.text for row in rows for c in row if c.column == column]
        if len(texts) >= _MIN_ROWS and sum(len(t) <= _SHORT_CELL for t in texts) >= _SHORT_SHARE * len(texts):
            return True
    return False
