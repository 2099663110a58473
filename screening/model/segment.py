"""Chinese sentence/passage segmentation that keeps offsets into the part text.

A segment ends at 。！？；!? (with any closing quotes or brackets after them) or at a block
boundary (paragraph, table cell, list item, line). Very long sentences are cut at a
comma near the limit so that a passage stays a readable unit.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from screening.types import Part

# One sentence in one match: leading whitespace, then (group 1) the text up to and with its end
# mark (。！？；!?; and any closing quotes or brackets after it), then the line break that ends it.
# The same pieces as cutting after every end mark and line break and trimming each piece (`\s` is
# str.isspace), found by one scan (tests/model/test_fast_paths.py).
_PIECE = re.compile(r"\s*([^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)】]*)?)\n?")
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
    """(start, end) offsets of every sentence of the part with at least `min_chars` (≥ 1) characters."""
    text = part.text
    ranges = [(b.start, b.end) for b in part.blocks] or [(0, len(text))]
    for block_start, block_end in ranges:
        for m in _PIECE.finditer(text, block_start, block_end):
            start, end = m.span(1)
            if end - start < min_chars:
                continue
            while end > start and text[end - 1].isspace():
                end -= 1
            if end - start > MAX_CHARS:
                yield from _emit(text, start, end, min_chars)
            elif end - start >= min_chars:
                yield start, end


def _emit(text: str, start: int, end: int, min_chars: int) -> Iterator[tuple[int, int]]:
    for s, e in _split_long(text, start, end):
        s, e = _trimmed(text, s, e)
        if e - s >= min_chars:
            yield s, e
