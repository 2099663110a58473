"""Which passages the model may judge: Chinese prose. A model trained on Chinese prose says
nothing useful about Russian or Japanese text, tables of numbers, code or web addresses.

Computed for all sentences of a part at once: each character's class is read from one table
(built on first use), and the classes are summed over each span with cumulative sums.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|[\w.-]+@[\w.-]+\.[A-Za-z]{2,}", re.IGNORECASE)
_CODE = "{}[]<>=;$\\|`#^~_"
MIN_CJK = 6

# The character classes, disjoint, by code point ranges (inclusive); a code point in none is class 0.
CLASSES = ("cjk", "kana", "hangul", "digit", "letter", "code")
_RANGES = {
    "cjk": ((0x4E00, 0x9FFF), (0x3400, 0x4DBF)),
    "kana": ((0x3040, 0x30FF),),
    "hangul": ((0xAC00, 0xD7AF),),
    "digit": ((0x30, 0x39), (0xFF10, 0xFF19)),
    "letter": ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x370, 0x52F), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)),
    "code": tuple((ord(c), ord(c)) for c in _CODE),
}


@lru_cache(maxsize=1)
def _class_table():
    """Class number (1 + index in CLASSES, 0 for none) of every code point of the BMP."""
    import numpy as np

    table = np.zeros(0x10000, dtype=np.uint8)
    for number, name in enumerate(CLASSES, 1):
        for lo, hi in _RANGES[name]:
            table[lo:hi + 1] = number
    return table


def _may_hold_url(text: str) -> bool:
    """False when `_URL` cannot match: every match holds "://", "www." or "@" (a quick test that
    spares the scan, whose e-mail branch tries every run of word characters)."""
    return "://" in text or "@" in text or "www." in text.lower()


def prose_spans(text: str, starts: Sequence[int], ends: Sequence[int]):
    """(judgeable, content chars) per span: judgeable spans have at least MIN_CJK CJK characters,
    no kana or hangul (Japanese, Korean), more CJK than Latin/Cyrillic letters and than digits,
    few code characters, and are not mostly a web or e-mail address."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    classes = _class_table()[np.minimum(codes, 0xFFFF)]    # 0xFFFF is of no class, as is all beyond
    s, e = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    n = {}
    for number, name in enumerate(CLASSES, 1):
        c = np.concatenate(([0], np.cumsum(classes == number, dtype=np.int64)))
        n[name] = c[e] - c[s]
    n["url"] = np.zeros(len(s), dtype=np.int64)
    if _may_hold_url(text):
        url = np.zeros(len(codes) + 1, dtype=np.int64)
        for m in _URL.finditer(text):
            url[m.start()] += 1
            url[m.end()] -= 1
        c = np.concatenate(([0], np.cumsum(np.cumsum(url[:-1]) > 0, dtype=np.int64)))
        n["url"] = c[e] - c[s]
    length = e - s
    content = n["cjk"] + n["kana"] + n["hangul"] + n["digit"] + n["letter"]
    ok = ((n["cjk"] >= MIN_CJK) & (n["kana"] < 2) & (n["hangul"] < 2) & (n["letter"] <= n["cjk"])
          & (n["digit"] <= n["cjk"]) & (n["code"] * 8 <= length) & (n["url"] * 3 < length))
    return ok, content


def judgeable(text: str) -> bool:
    """One passage: is it Chinese prose the model may judge?"""
    return bool(prose_spans(text, [0], [len(text)])[0][0])
