"""The loaded model: probabilities for the sentences of a part, severities, and reasons in words.

Sparse linear models evaluated directly: the features of every sentence of a part come from
one pass over the part text (`features.featurize`), the class scores of every view (characters,
words) are sums of weight rows, and a class's probability is the mean of its views' calibrated ones.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from screening.model.artifact import Paths, calibration_rows, mean_of_views, read_metadata
from screening.model.context import RELEASED_SHIFT, DocumentContext
from screening.model.features import N_HASH, SCALE_POWER, Vocabulary
from screening.model.labels import LABELS

NORMAL = LABELS.index("normal")


@dataclass(frozen=True)
class Thresholds:
    low: dict[str, float]      # at or above: a low-severity hint
    medium: dict[str, float]   # at or above: a medium finding (the calibrated recall point)
    high: float                # a state_secret passage this sure, outside published context: high
    medium_min_chars: int = 15  # short passages carry little evidence: a hint at most


@dataclass(frozen=True)
class Scored:
    """One judged sentence: its best sensitive label (or None) and what made it so."""
    start: int
    end: int
    label: str | None
    score: float
    severity: str | None        # "high" / "medium" / "low", None below the hint threshold
    words: tuple[str, ...]
    context: str | None


class Model:
    def __init__(self, weights, bias, calibration, vocabulary: Vocabulary, thresholds: Thresholds,
                 version: str) -> None:
        self.weights = weights            # (N_HASH + vocabulary.size, views × len(LABELS)) float32
        self.bias = bias                  # (views × len(LABELS),) the linear models' intercepts
        self.calibration = calibration    # (2, views × len(LABELS)): a view's p = sigmoid(a·margin + b)
        self.vocabulary = vocabulary
        self.thresholds = thresholds
        self.version = version

    @classmethod
    def load(cls, paths: Paths) -> "Model":
        import numpy as np

        meta = read_metadata(paths)
        weights = np.load(paths.weights, mmap_mode="r").view(np.ndarray)   # mapped, indexed as an array
        words = tuple(paths.vocabulary.read_text(encoding="utf-8").split("\n"))
        vocabulary = Vocabulary(words if words != ("",) else ())
        calibration = calibration_rows(meta["calibration"])
        if weights.shape != (N_HASH + vocabulary.size, calibration.shape[1]):
            raise_corrupt(paths)
        t = meta["thresholds"]
        thresholds = Thresholds(low=t["low"], medium=t["medium"], high=t["high"])
        return cls(weights, np.asarray(meta["bias"], dtype=np.float64), calibration, vocabulary, thresholds,
                   meta["model_sha256"][:12])

    def margins(self, text: str, starts: Sequence[int], ends: Sequence[int]):
        """(margins (n, classes), word features) for the spans of `text`: character n-grams by
        cumulative sums over the text, vocabulary words by their matches (`features.featurize`
        gives the same sums one feature at a time)."""
        import numpy as np

        from screening.model.features import char_sums, masked_codes, word_matches

        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        masked, codes = masked_codes(text)
        total, count = char_sums(codes, starts, ends, self.weights)
        rows, cols = [], []
        word_matches(masked, codes, starts, ends, self.vocabulary, rows, cols)
        rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        if len(rows):
            gathered = np.take(self.weights, cols, axis=0)
            for k in range(total.shape[1]):
                total[:, k] += np.bincount(rows, weights=gathered[:, k], minlength=len(starts))
            count += np.bincount(rows, minlength=len(starts))
        scale = 1.0 / np.maximum(count, 1.0) ** SCALE_POWER
        return total * scale[:, None] + self.bias, (rows, cols, scale)

    def score(self, text: str, starts: Sequence[int], ends: Sequence[int], context: DocumentContext,
              content: Sequence[int]) -> list[Scored]:
        """The sentences (spans of `text`) with a sensitive label at hint level or above."""
        import numpy as np

        margins, (rows, cols, scale) = self.margins(text, starts, ends)
        logits = self.logits(margins)
        words = _WordIndex(rows, cols)
        out = []
        for i in self._over_low(logits + context.shift):
            shift, reason = context.shift, context.reason
            if context.released and context.figures_released(text[starts[i]:ends[i]]):
                shift, reason = min(shift, 0.0) + RELEASED_SHIFT, "文中其他处已作为公开数据发布同一数字"
            row = 1.0 / (1.0 + np.exp(-(logits[i] + shift)))
            label, p = self._decide(row)
            if label is None:
                continue
            severity = self._severity(label, p, content[i], shift)
            out.append(Scored(starts[i], ends[i], label, p, severity,
                              self.reasons(words, scale, i, label), reason if shift else None))
        return out

    def logits(self, margins):
        """(n, classes) log-odds of the views' mean probability."""
        import numpy as np

        p = mean_of_views(1.0 / (1.0 + np.exp(-(margins * self.calibration[0] + self.calibration[1]))))
        p = np.clip(p, 1e-12, 1 - 1e-12)
        return np.log(p / (1 - p))

    def _over_low(self, logits) -> list[int]:
        """Rows where some sensitive class reaches its hint threshold (vectorized)."""
        import numpy as np

        low = np.array([self.thresholds.low.get(label, np.inf) for label in LABELS])
        low = np.clip(low, 1e-12, 1 - 1e-12)
        limit = np.log(low / (1 - low))      # the threshold as a logit
        return (logits >= limit).any(axis=1).nonzero()[0].tolist()

    def _decide(self, row) -> tuple[str | None, float]:
        best, best_p = None, 0.0
        for label, threshold in self.thresholds.low.items():
            p = float(row[LABELS.index(label)])
            if p >= threshold and p > best_p:
                best, best_p = label, p
        return best, best_p

    def _severity(self, label: str, p: float, content: int, shift: float) -> str:
        t = self.thresholds
        if p < t.medium[label] or content < t.medium_min_chars:
            return "low"
        if label == "state_secret" and p >= t.high and shift >= 0:
            return "high"
        return "medium"

    def reasons(self, words: "_WordIndex", scale, row: int, label: str, top: int = 5) -> tuple[str, ...]:
        """The vocabulary words of sentence `row` that pushed it towards `label` most."""
        import numpy as np

        columns = words.of(row)
        if not len(columns):
            return ()
        columns, counts = np.unique(columns, return_counts=True)
        k = LABELS.index(label)
        w = np.asarray(self.weights[columns], dtype=np.float64).reshape(len(columns), -1, len(LABELS)).sum(axis=1)
        contribution = (w[:, k] - w[:, NORMAL]) * counts * scale[row]   # summed over the views
        chosen: list[str] = []
        for index in np.argsort(-contribution, kind="stable"):
            if contribution[index] <= 0 or len(chosen) >= top:
                break
            word = self.vocabulary.words[int(columns[index]) - N_HASH]
            if not any(word in w2 or w2 in word for w2 in chosen):
                chosen.append(word)
        return tuple(chosen)


class _WordIndex:
    """The vocabulary-word columns of each row, grouped once."""

    def __init__(self, rows, cols) -> None:
        import numpy as np

        mine = cols >= N_HASH
        order = np.argsort(rows[mine], kind="stable")
        self.rows = rows[mine][order]
        self.cols = cols[mine][order]

    def of(self, row: int):
        import numpy as np

        lo, hi = np.searchsorted(self.rows, [row, row + 1])
        return self.cols[lo:hi]


def raise_corrupt(paths: Paths):
    from screening.errors import ModelError

    raise ModelError(f"分类模型文件与说明不符（{paths.weights}）：请重新运行 `screening train`")


class LazyModel:
    """The model of `paths`, checked now (metadata only) and mapped when first needed."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.metadata = read_metadata(paths)
        self.version = self.metadata["model_sha256"][:12]

    @cached_property
    def model(self) -> Model:
        return Model.load(self.paths)
