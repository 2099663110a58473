"""Ruled tables on PDF pages (pdfplumber's table finder), as cells for the `table` part.

pdfium reads a page's text in about a millisecond; pdfplumber's layout analysis takes tens of
milliseconds, so it runs only on pages that draw enough lines or boxes to hold a ruled table
(counted from pdfium's page objects). The text of a table is then taken out of the page's
body lines (the body keeps the bands above, between and below the tables), so every cell is read
once, in the `table` part, with its row and column.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pypdfium2.raw as pdfium_c

from screening.extract.table import Cell, join_lines

_MIN_PATHS = 6          # a 2×2 ruled table draws at least this many lines or boxes
_MIN_ROWS = 2
_MIN_COLUMNS = 2


@dataclass(frozen=True, slots=True)
class PageTable:
    top: float              # distance from the page's top edge (pdfplumber's coordinates)
    bottom: float
    rows: list[list[Cell]]


def may_hold_table(page) -> bool:
    """Whether the page draws enough paths for a ruled table (cheap: pdfium object types only)."""
    paths = 0
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        if pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page, i)) == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
            if paths >= _MIN_PATHS:
                return True
    return False


class TableReader:
    """Opens the PDF with pdfplumber on first use; `on_page(number, finders)` for a 1-based page."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf = None
        self.count = 0          # tables numbered across the document (CellRef.table)

    def on_page(self, number: int, finders: Sequence[Callable[[Any, int], list[PageTable]]]) -> list[PageTable]:
        """The tables of the first of `finders` (each called as `finder(pdfplumber page, number)`)
        that finds any, top to bottom; the page's objects are loaded once for all of them. A finder
        that fails finds none."""
        if not finders:
            return []
        import pdfplumber

        if self._pdf is None:
            self._pdf = pdfplumber.open(io.BytesIO(self._data))
        page = self._pdf.pages[number - 1]
        try:
            for finder in finders:
                try:
                    found = finder(page, number)
                except Exception:   # noqa: BLE001 — a layout the finder cannot analyse: the page's
                    continue        # text then stays in the body, read by pdfium, so nothing is lost
                if found:
                    return sorted(found, key=lambda t: t.top)
            return []
        finally:
            page.close()

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


def ruled(page, number: int) -> list[PageTable]:
    """The ruled tables of a pdfplumber page (1-based `number`)."""
    found = []
    for table in page.find_tables():
        rows = _rows(table, number)
        if len(rows) >= _MIN_ROWS and max(len(r) for r in rows) >= _MIN_COLUMNS:
            found.append(PageTable(table.bbox[1], table.bbox[3], rows))
    return found


def _rows(table, number: int) -> list[list[Cell]]:
    texts = table.extract()
    lefts = sorted({round(box[0], 1) for row in table.rows for box in row.cells if box is not None})
    rows = []
    for row, row_texts in zip(table.rows, texts):
        cells = []
        for index, (box, text) in enumerate(zip(row.cells, row_texts)):
            if box is None or text is None:
                continue                      # covered by a merged cell
            span = max(1, sum(1 for x in lefts if box[0] - 0.5 <= x < box[2] - 0.5))
            column = 1 + sum(1 for x in lefts if x < box[0] - 0.5)
            cells.append(Cell(join_lines(text.splitlines()), column if lefts else index + 1, span, number))
        rows.append(cells)
    return rows


def body_bands(height: float, tables: list[PageTable]) -> list[tuple[float, float]]:
    """(bottom, top) in PDF user space (origin at the bottom) of the page outside the tables."""
    bands, cursor = [], 0.0
    for t in tables:
        if t.top > cursor:
            bands.append((height - t.top, height - cursor))
        cursor = max(cursor, t.bottom)
    bands.append((0.0, height - cursor))
    return [b for b in bands if b[1] - b[0] > 1.0]
