"""Property test for table blocks: whatever the rows hold, every non-empty cell is one block whose
offsets slice exactly its text, with its row and column, and each row reads as one line."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from screening.extract.common import PartBuilder
from screening.extract.table import Cell, add_table
from screening.types import PartKind

cell_text = st.text(st.characters(blacklist_characters="\t\n\r", blacklist_categories=("Cs",)), max_size=8)
rows_strategy = st.lists(st.lists(cell_text, min_size=1, max_size=5), min_size=1, max_size=6)


@given(rows_strategy, st.integers(1, 9))
def test_cells_map_to_blocks_and_rows_to_lines(rows, number):
    builder = PartBuilder(PartKind.TABLE)
    builder.add("表前段落")
    add_table(builder, number, [[Cell(t, c) for c, t in enumerate(row, 1)] for row in rows])
    part = builder.build()
    cells = [b for b in part.blocks if b.cell is not None]
    expected = [(r, c, t) for r, row in enumerate(rows, 1) for c, t in enumerate(row, 1) if t.strip()]
    assert [(b.cell.row, b.cell.column, part.text[b.start:b.end]) for b in cells] == expected
    assert all(b.cell.table == number for b in cells)
    lines = part.text.split("\n")[1:]
    assert lines == ["\t".join(t for t in row if t.strip()) for row in rows if any(t.strip() for t in row)]
    for block in part.blocks:
        assert part.block_at(block.start) == block
