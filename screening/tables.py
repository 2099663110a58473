"""Tables as tables, for detectors: the blocks that carry a `CellRef`, grouped by (part, table,
sheet, member) into rows and columns. Pure; works on any extractor's output (docx, pdf, html,
spreadsheets) because it reads only the document model."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from screening.normalize import normalize_text
from screening.types import CellRef, Document, Part


@dataclass(frozen=True, slots=True)
class TableCell:
    part: Part
    start: int              # the cell's text without surrounding blanks, offsets into part.text
    end: int
    ref: CellRef

    @property
    def text(self) -> str:
        return self.part.text[self.start:self.end]

    @property
    def normalized(self) -> str:
        return normalize_text(self.text)


@dataclass(frozen=True, slots=True)
class Table:
    part: Part
    number: int
    sheet: str | None
    member: str | None
    cells: tuple[TableCell, ...]

    @property
    def header_rows(self) -> frozenset[int]:
        """Rows above the first cell that names a header: the header (and title) rows."""
        data = [c.ref.row for c in self.cells if c.ref.header is not None]
        first = min(data) if data else 1
        return frozenset(c.ref.row for c in self.cells if c.ref.row < first)

    def columns(self) -> dict[int, list[TableCell]]:
        out: dict[int, list[TableCell]] = {}
        for cell in sorted(self.cells, key=lambda c: (c.ref.column, c.ref.row)):
            out.setdefault(cell.ref.column, []).append(cell)
        return out

    def row(self, number: int) -> dict[int, TableCell]:
        return {c.ref.column: c for c in self.cells if c.ref.row == number}

    def header(self, column: int) -> str:
        """The column's header text, as the extractor found it ('' when the table has none)."""
        return next((c.ref.header for c in self.cells if c.ref.column == column and c.ref.header), "")


def tables(doc: Document) -> Iterator[Table]:
    for part in doc.parts:
        groups: dict[tuple, list[TableCell]] = {}
        for block in part.blocks:
            if block.cell is None:
                continue
            raw = part.text[block.start:block.end]
            lead = len(raw) - len(raw.lstrip())
            trimmed = raw.strip()
            if not trimmed:
                continue
            start = block.start + lead
            cell = TableCell(part, start, start + len(trimmed), block.cell)
            groups.setdefault((block.cell.table, block.cell.sheet, block.member), []).append(cell)
        for (number, sheet, member), cells in groups.items():
            yield Table(part, number, sheet, member, tuple(cells))
