"""`screening.normalize.fold` (width and script, length-preserving) on an array of code points,
for the classifier's masked text: the same result, with the width fold read from one table and
OpenCC asked only for the lines holding a character outside GB 2312 or one of the few
Traditional characters inside it (`normalize.to_simplified` asks per line whether it has one;
the answer is a property of each character, so a table over the code points gives it at once).
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _width_table():
    """normalize's width fold as a table over the BMP (identity elsewhere)."""
    import numpy as np

    from screening.normalize import WIDTH_FOLD

    table = np.arange(0x10000, dtype=np.uint32)
    table[list(WIDTH_FOLD)] = list(WIDTH_FOLD.values())
    return table


@lru_cache(maxsize=1)
def _simplified_table():
    """Per BMP code point: is it a character `normalize._simplified_already` passes (it encodes
    to GB 2312 and is not one of the Traditional characters OpenCC changes there). GB 2312 is
    ASCII and the two-byte codes of rows and cells 0xA1–0xFE, read here by decoding them all."""
    import numpy as np

    from screening.normalize import T2S_IN_GB2312

    table = np.zeros(0x10000, dtype=bool)
    table[:0x80] = True
    for high in range(0xA1, 0xFF):
        for low in range(0xA1, 0xFF):
            try:
                table[ord(bytes((high, low)).decode("gb2312"))] = True
            except UnicodeDecodeError:
                pass
    table[[ord(c) for c in T2S_IN_GB2312]] = False
    return table


def fold_codes(text: str):
    """The code points (uint32) of `normalize.fold(text)`, or of `text` itself where the fold
    would change its length (never, by `to_simplified`'s guarantee)."""
    import numpy as np

    from screening.normalize import simplify_length_kept

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    bmp = codes < 0x10000
    folded = np.where(bmp, _width_table()[np.where(bmp, codes, 0)], codes)
    if text.isascii():
        return folded
    pending = ~(bmp & _simplified_table()[np.where(bmp, folded, 0)])
    if not pending.any():
        return folded
    lines = folded.tobytes().decode("utf-32-le").splitlines(keepends=True)
    ends = np.cumsum(np.fromiter(map(len, lines), dtype=np.int64, count=len(lines)))
    for i in np.unique(np.searchsorted(ends, pending.nonzero()[0], side="right")).tolist():
        lines[i] = simplify_length_kept(lines[i])
    simplified = "".join(lines)
    if len(simplified) != len(text):
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()
    return np.frombuffer(simplified.encode("utf-32-le"), dtype=np.uint32).copy()
