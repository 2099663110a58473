"""Assertions shared by the extractor tests."""
from __future__ import annotations

import hashlib

from screening.extract.common import PART_LABELS
from screening.types import Document, PartKind


def blocks(doc: Document, kind: PartKind) -> list[str]:
    """The text of each block of that part ([] when the document has no such part)."""
    for part in doc.parts:
        if part.kind is kind:
            return [part.text[b.start:b.end] for b in part.blocks]
    return []


def labelled(doc: Document, kind: PartKind) -> list[tuple[str, str]]:
    """(block text, block label) for each block of that part."""
    for part in doc.parts:
        if part.kind is kind:
            return [(part.text[b.start:b.end], b.label) for b in part.blocks]
    return []


def pages(doc: Document, kind: PartKind) -> list[int | None]:
    for part in doc.parts:
        if part.kind is kind:
            return [b.page for b in part.blocks]
    return []


def assert_well_formed(doc: Document, data: bytes) -> None:
    """The invariants every extractor keeps: one part per kind; blocks sorted, disjoint,
    numbered from 1 and covering Part.text joined by newlines; the file's hash and size."""
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.size == len(data)
    kinds = [p.kind for p in doc.parts]
    assert len(kinds) == len(set(kinds)), kinds
    for part in doc.parts:
        assert part.label == PART_LABELS[part.kind]
        assert part.blocks, part.kind
        assert [b.paragraph for b in part.blocks] == list(range(1, len(part.blocks) + 1))
        # blocks are joined with a newline, the cells of one table row with a tab
        assert part.blocks[0].start == 0 and part.blocks[-1].end == len(part.text)
        for before, after in zip(part.blocks, part.blocks[1:]):
            gap = part.text[before.end:after.start]
            assert gap == "\n" or gap == "\t" and after.cell is not None, (gap, after)
        for block in part.blocks:
            assert part.block_at(block.start) == block
