"""Chinese sentence/passage segmentation that keeps offsets into the part text.

A segment ends at 。！？；!? (with any closing quotes or brackets after them) or at a block
boundary (paragraph, table cell, list item, line). Very long sentences are cut at a
comma near the limit so that a passage stays a readable unit.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from screening.types import Part

_END = re.compile(r"[。！？；!?;]+[”’」』）)】]*|\n")
MIN_CHARS = 8
MAX_CHARS = 240


def _split_long(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > MAX_CHARS:
        cut = max(text.rfind(c, start + MAX_CHARS // 2, start + MAX_CHARS) for c in "，,、：:")
        cut = cut + 1 if cut > start else start + MAX_CHARS
        yield start, cut
        start = cut
    yield start, end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def segments(part: Part, min_chars: int = MIN_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of every sentence of the part with at least `min_chars` characters."""
    text = part.text
    ranges = [(b.start, b.end) for b in part.blocks] or [(0, len(text))]
    for block_start, block_end in ranges:
        pos = block_start
        for m in _END.finditer(text, block_start, block_end):
            yield from _emit(text, pos, m.end(), min_chars)
            pos = m.end()
        yield from _emit(text, pos, block_end, min_chars)


def _emit(text: str, start: int, end: int, min_chars: int) -> Iterator[tuple[int, int]]:
    start, end = _trimmed(text, start, end)
    for s, e in _split_long(text, start, end):
        s, e = _trimmed(text, s, e)
        if e - s >= min_chars:
            yield s, e
