"""A normalized view of a part's text for matching, with a map back to the original.

Matching happens on `NormalizedView.text`; reporting never does. Three folds:
width (full-width ASCII and the ideographic space → ASCII), script (Traditional →
Simplified via OpenCC, one character for one), and removal of characters inserted
to split a word (spaces, zero-width and filler characters between letters or digits).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

from screening.types import Part

# The width fold (code point → code point): full-width ASCII forms and the wide spaces to ASCII.
# Public for `screening.model.fold`, which applies the same fold to arrays of code points.
WIDTH_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
WIDTH_FOLD[0x3000] = 0x20
WIDTH_FOLD.update({ord("\u00a0"): 0x20, ord("\u2002"): 0x20, ord("\u2003"): 0x20, ord("\u2009"): 0x20})
_WIDTH_TABLE = str.maketrans(WIDTH_FOLD)

# Characters inserted to split a word, removed for matching only:
# - zero-width and soft characters, anywhere;
# - spaces and dots between two CJK characters ("机 密", "機·密");
# - spaces between short digit groups ("110 105 1949 1231 002X", "138 1234 5678"), but not
#   next to a long number or a dotted/colon group, so "1 110105…" and "10.0.0.1 10.0.0.2"
#   keep their boundaries.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE = r"[ \t\u00a0\u2002\u2003\u2009\u3000]"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_REMOVABLE_PATTERN = (
    rf"[{_INVISIBLE}]+"
    rf"|(?<=[{_CJK}])(?:{_SPACE}|[·•・])+(?=[{_CJK}])"
    rf"|(?<=(?<![\d./\-]|\d:)\d{{1,8}}){_SPACE}(?=\d{{1,8}}(?![\d.:/\-]))"
)


# Every removal consumes at least one of these; the full pattern runs only near them. Its
# lookarounds reach at most 9 characters past a candidate (\d{1,8} and one more).
_CANDIDATE_PATTERN = rf"(?:[{_INVISIBLE}]|{_SPACE}|[·•・])+"
_REACH = 10


@lru_cache(maxsize=1)
def _removable():
    import regex  # variable-length lookbehind

    return regex.compile(_REMOVABLE_PATTERN)


@lru_cache(maxsize=1)
def _candidates():
    import re

    return re.compile(_CANDIDATE_PATTERN)


def removals(text: str):
    """The matches of the removable pattern in `text`, found by running it only around the
    characters a removal consumes (a plain `re` scan finds those): the same matches as
    `_removable().finditer(text)`, at the speed of that scan on text with few of them."""
    pattern = _removable()
    windows: list[list[int]] = []
    for m in _candidates().finditer(text):
        if windows and m.start() <= windows[-1][1] + _REACH:
            windows[-1][1] = m.end()
        else:
            windows.append([m.start(), m.end()])
    for lo, hi in windows:
        for m in pattern.finditer(text, lo, min(len(text), hi + _REACH)):
            if m.start() < hi:
                yield m


def fold_width(text: str) -> str:
    """Full-width ASCII and odd spaces → ASCII. A long text is folded as an array of code points
    (numpy, already loaded by the model), where str.translate spends most of a rule pass."""
    if text.isascii():
        return text
    if len(text) < _ARRAY_FOLD_MIN:
        return text.translate(_WIDTH_TABLE)
    import numpy as np

    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    wide = (points >= 0xFF01) & (points <= 0xFF5E)
    points[wide] -= 0xFEE0
    for space in (0x3000, 0x00A0, 0x2002, 0x2003, 0x2009):
        points[points == space] = 0x20
    return points.tobytes().decode("utf-32-le", "surrogatepass")


_ARRAY_FOLD_MIN = 50_000


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # imported lazily: no work at import time

    return opencc.OpenCC("t2s")


# GB 2312 holds Simplified characters only, except these, which OpenCC's t2s changes too
# (tests/test_normalize.py derives the list from OpenCC): a line of GB 2312 characters without any
# of them is already Simplified and skips OpenCC, as nearly every line of a mainland document does.
T2S_IN_GB2312 = frozenset("乾吒夥後徵拚捱摺於榘菸薹袷醣麴麽")


@lru_cache(maxsize=1)
def _t2s_in_gb2312():
    import re

    return re.compile("[" + "".join(sorted(T2S_IN_GB2312)) + "]")   # a class search: no str→set walk


def _simplified_already(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return _t2s_in_gb2312().search(text) is None


def to_simplified(text: str) -> str:
    """Traditional → Simplified, guaranteed to keep the length (one char for one). Only the
    lines that may hold a Traditional character go through OpenCC."""
    if text.isascii() or _simplified_already(text):
        return text
    return "".join(line if _simplified_already(line) else simplify_length_kept(line)
                   for line in text.splitlines(keepends=True))


def simplify_length_kept(text: str) -> str:
    """OpenCC's Traditional→Simplified of `text`, one character for one: where a phrase would
    change the length, each line (then each character) is converted alone."""
    converter = _t2s()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    out = []
    for line in text.splitlines(keepends=True):
        c = converter.convert(line)
        if len(c) == len(line):
            out.append(c)
        else:
            out.extend(ch2 if len(ch2 := converter.convert(ch)) == 1 else ch for ch in line)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class NormalizedView:
    """`text` is the matching text; `removed_at[j]` is the normalized index before which
    the j-th removed original character stood (non-decreasing), which maps every
    normalized offset back to the original in O(log n)."""

    part: Part
    text: str
    removed_at: tuple[int, ...]

    def to_original(self, index: int) -> int:
        """Original offset of the normalized character at `index` (or of the end, for len(text))."""
        return index + bisect.bisect_right(self.removed_at, index)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the normalized span: from its first to its last character."""
        if end <= start:
            raise ValueError("empty span")
        return self.to_original(start), self.to_original(end - 1) + 1


def fold(text: str) -> str:
    """Width and script folding only (length-preserving)."""
    return to_simplified(fold_width(text))


def normalize(part: Part) -> NormalizedView:
    folded = fold(part.text)
    pieces: list[str] = []
    removed_at: list[int] = []
    pos = 0
    kept = 0
    for m in removals(folded):
        pieces.append(folded[pos:m.start()])
        kept += m.start() - pos
        removed_at.extend([kept] * (m.end() - m.start()))
        pos = m.end()
    pieces.append(folded[pos:])
    return NormalizedView(part=part, text="".join(pieces), removed_at=tuple(removed_at))


def normalize_text(text: str) -> str:
    """The normalized form of a short string (rule examples, fingerprints)."""
    from screening.types import PartKind

    return normalize(Part(PartKind.BODY, text, ())).text
