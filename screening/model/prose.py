"""Which passages the model may judge: Chinese prose. A model trained on Chinese prose says
nothing useful about Russian or Japanese text, tables of numbers, code or web addresses.

Computed for all sentences of a part at once: per-character classes of the part text, summed
over each span with cumulative sums.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|[\w.-]+@[\w.-]+\.[A-Za-z]{2,}", re.IGNORECASE)
_CODE = "{}[]<>=;$\\|`#^~_"
MIN_CJK = 6


def _ranges(codes, *bounds):
    import numpy as np

    out = np.zeros(len(codes), dtype=bool)
    for lo, hi in bounds:
        out |= (codes >= lo) & (codes <= hi)
    return out


def prose_spans(text: str, starts: Sequence[int], ends: Sequence[int]):
    """(judgeable, content chars) per span: judgeable spans have at least MIN_CJK CJK characters,
    no kana or hangul (Japanese, Korean), more CJK than Latin/Cyrillic letters and than digits,
    few code characters, and are not mostly a web or e-mail address."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    classes = {
        "cjk": _ranges(codes, (0x4E00, 0x9FFF), (0x3400, 0x4DBF)),
        "kana": _ranges(codes, (0x3040, 0x30FF)),
        "hangul": _ranges(codes, (0xAC00, 0xD7AF)),
        "digit": _ranges(codes, (0x30, 0x39), (0xFF10, 0xFF19)),
        "letter": _ranges(codes, (0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x370, 0x52F), (0xFF21, 0xFF3A),
                          (0xFF41, 0xFF5A)),
        "code": np.isin(codes, np.frombuffer(_CODE.encode("utf-32-le"), dtype=np.uint32)),
    }
    url = np.zeros(len(codes) + 1, dtype=np.int64)
    for m in _URL.finditer(text):
        url[m.start()] += 1
        url[m.end()] -= 1
    classes["url"] = np.cumsum(url[:-1]) > 0
    s, e = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    n = {}
    for name, flags in classes.items():
        c = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
        n[name] = c[e] - c[s]
    length = e - s
    content = n["cjk"] + n["kana"] + n["hangul"] + n["digit"] + n["letter"]
    ok = ((n["cjk"] >= MIN_CJK) & (n["kana"] < 2) & (n["hangul"] < 2) & (n["letter"] <= n["cjk"])
          & (n["digit"] <= n["cjk"]) & (n["code"] * 8 <= length) & (n["url"] * 3 < length))
    return ok, content


def judgeable(text: str) -> bool:
    """One passage: is it Chinese prose the model may judge?"""
    return bool(prose_spans(text, [0], [len(text)])[0][0])
