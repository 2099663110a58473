"""The classifier's features, computed the same way for training and for screening.

A passage is read on its *masked* form (width/script folded as `normalize.fold`, by `fold`;
every digit → 0, every space → " "; length-preserving, so offsets stay those of the original) and described by

- hashed character 1–3-grams (2**HASH_BITS buckets): robust to unseen words, never shown as a reason;
- vocabulary words: the jieba words of the training corpus (at least two characters, no digit
  or punctuation) plus the cue phrases below, every occurrence (overlapping) found at once by
  `matcher.WordMatcher`, so jieba runs only when a model is trained. These are the reasons a reviewer reads.

Each passage's feature counts are scaled by 1/sqrt(its number of features), which keeps the
model a plain sum over positions: `featurize` over a whole part text and its sentence spans
gives exactly the rows that training saw for the same passages one by one.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


HASH_BITS = 20
N_HASH = 1 << HASH_BITS
NGRAMS = (1, 2, 3)
SCALE_POWER = 0.5     # each row is scaled by 1/(its number of features)**SCALE_POWER (1.0 underfits: grouped CV)

# Cue phrases: the status words that carry a secret ("not yet", "to be", "internal") and their
# published counterparts. Always in the vocabulary (their weights are learned, not set).
CUES = (
    "尚未公布", "尚未公开", "尚未发布", "尚未对外", "未公布", "未公开", "未对外", "正式公布前", "公布前", "发布前",
    "拟于", "拟定", "拟提名", "拟任", "拟推荐", "拟调整", "拟处", "初步考虑", "初步意见", "初步设想", "倾向",
    "待定", "待审定", "待研究", "暂定", "另行确定", "尚需", "再议", "上会",
    "暂不对外", "暂不公开", "不对外", "不向", "不得透露", "不透露", "不扩散", "不外传", "不宜公开", "不公开",
    "统一口径", "口径", "内部掌握", "仅限", "只发至", "单独封存", "小范围", "严格控制知悉范围",
    "标底", "底价", "控制价", "开标前", "挂网前", "考前", "考试前", "命题", "试题", "阅卷前",
    "底线", "让步", "谈判", "预案", "布控", "收网", "特情", "线人", "举报人", "投诉人", "反映人",
    "暗访", "突击", "不打招呼", "事先不通知", "问题线索", "初核", "立案", "排名初稿",
    "已公布", "已发布", "予以公布", "现予公布", "现予公示", "公示", "公告", "通告", "中标结果", "中标候选人",
    "考试大纲", "新闻发布会", "统计公报", "数据显示", "依法公开", "主动公开",
)

_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")     # a vocabulary word: CJK characters only (no digit, no punctuation)


def mask(text: str) -> str:
    """Width/script folded, digits → 0, whitespace → space; same length as `text`."""
    return masked_codes(text)[0]


def masked_codes(text: str):
    """(masked text, its code points as uint64)."""
    import numpy as np

    from screening.model.fold import fold_codes

    codes = fold_codes(text)
    codes[(codes >= 0x31) & (codes <= 0x39)] = 0x30
    codes[(codes == 9) | (codes == 10) | (codes == 13) | (codes == 0x3000)] = 0x20
    return codes.tobytes().decode("utf-32-le"), codes.astype(np.uint64)


def prepare(text: str) -> str:
    """The dedup and fingerprint key of a passage: masked, spaces collapsed."""
    return " ".join(mask(text).split())


def is_word(token: str) -> bool:
    return bool(_WORD.fullmatch(token))


@dataclass(frozen=True)
class Vocabulary:
    """The word features: index i is column N_HASH + i."""
    words: tuple[str, ...]

    @property
    def matcher(self):
        from screening.model.matcher import WordMatcher

        cached = self.__dict__.get("_matcher")
        if cached is None:
            cached = WordMatcher(self.words)
            object.__setattr__(self, "_matcher", cached)
        return cached

    @property
    def size(self) -> int:
        return len(self.words)


def build_vocabulary(texts: Iterable[str], min_df: int = 2) -> Vocabulary:
    """jieba words of the corpus that are words (CJK, 2+ characters) in `min_df` passages, and every cue."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    df: dict[str, int] = {}
    for text in texts:
        for token in set(jieba.lcut(mask(text))):
            if is_word(token):
                df[token] = df.get(token, 0) + 1
    words = sorted({w for w, n in df.items() if n >= min_df} | set(CUES))
    return Vocabulary(tuple(words))


def _char_ids(codes, n: int):
    """Bucket of every character n-gram starting at each position (uint64 arithmetic wraps)."""
    import numpy as np

    length = len(codes) - n + 1
    h = np.full(length, (0x9E3779B97F4A7C15 * n) & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    for k in range(n):
        h = (h ^ codes[k:k + length]) * np.uint64(0x100000001B3)
    return (h >> np.uint64(64 - HASH_BITS)).astype(np.int64)


def featurize(text: str, starts: Sequence[int], ends: Sequence[int], vocabulary: Vocabulary):
    """(rows, columns, scale) of every feature lying wholly inside one of the spans
    (sorted, disjoint) of the masked `text`; scale[row] = 1/sqrt(features of that row)."""
    import numpy as np

    masked, codes = masked_codes(text)
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    rows, cols = [], []
    for n in NGRAMS:
        if len(codes) < n:
            continue
        ids = _char_ids(codes, n)
        _inside(np.arange(len(ids)), n, ids, starts, ends, rows, cols)
    word_matches(masked, codes, starts, ends, vocabulary, rows, cols)
    rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    counts = np.bincount(rows, minlength=len(starts)).astype(np.float64)
    scale = 1.0 / np.maximum(counts, 1.0) ** SCALE_POWER
    return rows, cols, scale


def word_matches(masked: str, codes, starts, ends, vocabulary: Vocabulary, rows: list, cols: list) -> None:
    """(row, column) of every vocabulary word lying wholly inside a span of `masked` (its code points `codes`)."""
    if vocabulary.size:
        found = vocabulary.matcher.find(masked, codes)
        _inside(found[:, 1], found[:, 2] - found[:, 1], found[:, 0] + N_HASH, starts, ends, rows, cols)


def char_sums(codes, starts, ends, weights):
    """Per span, the sum of the weight rows of its character n-grams and their number: the same
    as summing `featurize`'s character columns. One cumulative sum over the per-position sums of
    all orders; the n-grams that would run past a span's end are taken off again."""
    import numpy as np

    length = len(codes)
    per_position = np.zeros((length + 1, weights.shape[1]))
    gathered = {}
    for n in NGRAMS:
        if length >= n:
            gathered[n] = np.take(weights, _char_ids(codes, n), axis=0)   # as weights[ids], faster
            per_position[1:length - n + 2] += gathered[n]
    cumulative = np.cumsum(per_position.T, axis=1).T   # the same sums, along contiguous rows: twice as fast
    total = cumulative[ends] - cumulative[starts]
    count = np.zeros(len(starts))
    for n, rows in gathered.items():
        count += np.maximum(ends - starts - n + 1, 0)
        for k in range(1, n):                 # the n-grams starting in the last n-1 characters
            at = ends - k
            inside = (at >= starts) & (at < len(rows))
            total[inside] -= rows[at[inside]]
    return total, count


def _inside(at, length, ids, starts, ends, rows: list, cols: list) -> None:
    import numpy as np

    row = np.searchsorted(starts, at, side="right") - 1
    ok = row >= 0
    ok[ok] = (at[ok] + (length[ok] if np.ndim(length) else length)) <= ends[row[ok]]
    rows.append(row[ok])
    cols.append(ids[ok])


def passages_matrix(texts: Sequence[str], vocabulary: Vocabulary):
    """The sparse (passages × features) matrix of `texts`, each read as one span."""
    import numpy as np
    from scipy.sparse import csr_matrix

    joined, starts, ends, pos = [], [], [], 0
    for text in texts:
        joined.append(text)
        starts.append(pos)
        ends.append(pos + len(text))
        pos += len(text) + 1
    rows, cols, scale = featurize("\n".join(joined), starts, ends, vocabulary)
    matrix = csr_matrix((scale[rows], (rows, cols)), shape=(len(texts), N_HASH + vocabulary.size),
                        dtype=np.float64)
    matrix.sum_duplicates()
    return matrix
