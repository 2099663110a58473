"""The vocabulary words in a masked text: every occurrence (overlapping), as arrays.

The words are CJK only (`features.is_word`, the cues), so a word of up to four characters is one
exact 60-bit key (15 bits a character), and a text's keys of each length are computed at once
with numpy and looked up together in an open-addressing table of the words of that length.
Longer words (a few hundred) are found from their first four characters and checked on the
text. The matches come in the order of an Aho–Corasick scan (`ahocorasick_rs`, overlapping): by
end, the longest first; the features are summed in that order.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

_FIRST, _LAST = 0x4E00, 0x9FFF
_BITS = 15                # a character's number: 1 + (code point − 0x4E00) < 2**15
_SHORT = 4                # words of up to this many characters are one key
_MIX = 0x9E3779B97F4A7C15
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


def _key(word: str) -> int:
    key = 0
    for c in word:
        key = (key << _BITS) | (ord(c) - _FIRST + 1)
    return key


class _Table:
    """Keys (never 0: 0 marks an empty slot) → values, by linear probing, looked up many at once."""

    def __init__(self, items: Sequence[tuple[int, int]]) -> None:
        import numpy as np

        bits = max(4, (8 * len(items)).bit_length())      # at most 1/8 full: short probe runs
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        keys, values = [0] * (1 << bits), [0] * (1 << bits)
        self.probes = 1
        for key, value in items:
            slot, run = ((key * _MIX) & 0xFFFFFFFFFFFFFFFF) >> (64 - bits), 1
            while keys[slot]:
                slot, run = (slot + 1) & self.mask, run + 1
            keys[slot], values[slot] = key, value
            self.probes = max(self.probes, run)
        self.keys = np.array(keys, dtype=np.uint64)
        self.values = np.array(values, dtype=np.int64)

    def find(self, keys):
        """(positions in `keys` of the keys held, their values)."""
        import numpy as np

        slot = ((keys * np.uint64(_MIX)) >> self.shift).astype(np.int64)
        held = self.keys[slot]
        hit = (held == keys) & (held != 0)
        where = np.flatnonzero(hit)
        hits, values = [where], [self.values[slot[where]]]
        more = np.flatnonzero(~hit & (held != 0))          # an occupied slot of another key: probe on
        for _ in range(self.probes - 1):
            if not len(more):
                break
            slot[more] = (slot[more] + 1) & self.mask
            held = self.keys[slot[more]]
            hit = (held == keys[more]) & (held != 0)
            hits.append(more[hit])
            values.append(self.values[slot[more[hit]]])
            more = more[~hit & (held != 0)]
        return np.concatenate(hits), np.concatenate(values)


class WordMatcher:
    def __init__(self, words: Sequence[str]) -> None:
        if not all(map(_WORD.fullmatch, words)):
            raise ValueError("vocabulary words are CJK (U+4E00–U+9FFF) only, two characters or more")
        short: dict[int, list[tuple[int, int]]] = {n: [] for n in range(2, _SHORT + 1)}
        self.long: list[list[tuple[str, int]]] = []       # per first four characters: (word, index)
        prefixes: dict[int, int] = {}
        for i, w in enumerate(words):
            if len(w) <= _SHORT:
                short[len(w)].append((_key(w), i))
                continue
            at = prefixes.setdefault(_key(w[:_SHORT]), len(self.long))
            if at == len(self.long):
                self.long.append([])
            self.long[at].append((w, i))
        self.short = {n: _Table(items) for n, items in short.items()}
        self.prefixes = _Table(list(prefixes.items()))

    def find(self, masked: str, codes):
        """(word index, start, end) of every occurrence in `masked` (its code points `codes`),
        an (n, 3) int64 array in Aho–Corasick's overlapping order."""
        import numpy as np

        # A character outside the words' range is 0: a key holding one is no word's key (a word's
        # characters are all non-zero, and its first one fills the key's top bits).
        value = np.where((codes >= _FIRST) & (codes <= _LAST), codes - (_FIRST - 1), 0).astype(np.uint64)
        found = [np.zeros((0, 3), dtype=np.int64)]
        key = value
        for n in range(2, _SHORT + 1):
            if len(codes) < n:
                break
            key = (key[:-1] << np.uint64(_BITS)) | value[n - 1:]
            where, index = self.short[n].find(key)
            found.append(np.stack([index, where, where + n], axis=1))
        if len(codes) > _SHORT:
            where, prefix = self.prefixes.find(key)
            rows = [(i, start, start + len(w)) for start, at in zip(where.tolist(), prefix.tolist())
                    for w, i in self.long[at] if masked.startswith(w, start)]
            found.append(np.array(rows, dtype=np.int64).reshape(-1, 3))
        matches = np.concatenate(found)
        # by end, then the longest (the earliest start) first; (start, end) names one word
        return matches[np.lexsort((matches[:, 1], matches[:, 2]))]
