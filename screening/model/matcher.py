"""The vocabulary words in a masked text: every occurrence (overlapping), as arrays.

The words are CJK only (`features.is_word`, the cues), so a word of up to four characters is one
exact 60-bit key (15 bits a character) and a text's keys of each length are computed at once
with numpy; a bit table over their hashes leaves the few positions to look up in the sorted keys
of the words of that length. Longer words (a few hundred) are found from their first four
characters and checked on the text. The matches come in the order of an Aho–Corasick scan
(`ahocorasick_rs`, overlapping): by end, the longest first; the features sum in that order.
"""
from __future__ import annotations

from collections.abc import Sequence

_FIRST, _LAST = 0x4E00, 0x9FFF
_BITS = 15                # a character's number: 1 + (code point − 0x4E00) < 2**15
_SHORT = 4                # words of up to this many characters are one key (longer: < 64)
_TABLE_BITS = 21          # 2 MB: about 1 in 200 positions of a length passes it by chance
_MIX = 0x9E3779B97F4A7C15


def _mixed(keys, n: int):
    """Bit-table slots of `keys` of length n (0: the first four characters of a longer word)."""
    import numpy as np

    multiplier = np.uint64((_MIX + 2 * n) & 0xFFFFFFFFFFFFFFFF)      # odd, one per length
    return (keys * multiplier) >> np.uint64(64 - _TABLE_BITS)


def _key(word: str) -> int:
    key = 0
    for c in word:
        key = (key << _BITS) | (ord(c) - _FIRST + 1)
    return key


class WordMatcher:
    def __init__(self, words: Sequence[str]) -> None:
        import numpy as np

        if not all(len(w) >= 2 and all(_FIRST <= ord(c) <= _LAST for c in w) for w in words):
            raise ValueError("vocabulary words are CJK (U+4E00–U+9FFF) only, two characters or more")
        self.table = np.zeros(1 << _TABLE_BITS, dtype=bool)
        self.keys: dict[int, tuple] = {}       # length → (sorted keys, their word indexes)
        for n in range(2, _SHORT + 1):
            mine = [(_key(w), i) for i, w in enumerate(words) if len(w) == n]
            keys = np.array(sorted(mine), dtype=np.uint64).reshape(-1, 2)
            self.keys[n] = (keys[:, 0].copy(), keys[:, 1].astype(np.int64))
            self.table[_mixed(self.keys[n][0], n)] = True
        self.long: dict[int, list[tuple[str, int]]] = {}   # key of the first four characters → (word, index)
        for i, w in enumerate(words):
            if len(w) > _SHORT:
                self.long.setdefault(_key(w[:_SHORT]), []).append((w, i))
        self.prefixes = np.array(sorted(self.long), dtype=np.uint64)
        self.table[_mixed(self.prefixes, 0)] = True

    def find(self, masked: str, codes):
        """(word index, start, end) of every occurrence in `masked` (its code points `codes`),
        an (n, 3) int64 array in Aho–Corasick's overlapping order."""
        import numpy as np

        length = len(codes)
        # A character outside the words' range is 0: a key holding one is no word's key (a word's
        # characters are all non-zero, and its first one fills the key's top bits).
        value = np.where((codes >= _FIRST) & (codes <= _LAST), codes - (_FIRST - 1), 0).astype(np.uint64)
        found = []
        key = value
        for n in range(2, _SHORT + 1):
            if length < n:
                break
            key = (key[:-1] << np.uint64(_BITS)) | value[n - 1:]
            for tag, sorted_keys in ((n, self.keys[n][0]), (0, self.prefixes if n == _SHORT else ())):
                if not len(sorted_keys):
                    continue
                where = np.flatnonzero(self.table[_mixed(key, tag)])
                candidates = key[where]
                j = np.minimum(np.searchsorted(sorted_keys, candidates), len(sorted_keys) - 1)
                hit = sorted_keys[j] == candidates
                where = where[hit]
                if tag:
                    found.append(np.stack([self.keys[n][1][j[hit]], where, where + n], axis=1))
                else:
                    found.append(self._long(masked, where, candidates[hit]))
        if not found:
            return np.zeros((0, 3), dtype=np.int64)
        matches = np.concatenate(found)
        # by end, then the longest (the earliest start) first; (start, end) names one word
        return matches[np.argsort(matches[:, 2] * 64 + (matches[:, 1] - matches[:, 2] + 63))]

    def _long(self, masked: str, starts, prefixes):
        import numpy as np

        rows = [(i, start, start + len(w)) for start, prefix in zip(starts.tolist(), prefixes.tolist())
                for w, i in self.long[prefix] if masked.startswith(w, start)]
        return np.array(rows, dtype=np.int64).reshape(-1, 3)
