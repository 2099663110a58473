"""ClassifierDetector: a fitted sklearn Pipeline judges every sentence (source="classifier")."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from screening.detectors.markup import classifier_reads
from screening.errors import ModelError
from screening.normalize import NormalizedView
from screening.segment import segments
from screening.textmodel import LABELS, feature_names, mean_coefficients, prepare
from screening.types import Category, Document, Explanation, Finding, Location, PartKind, Severity, Source

_SKIP_PARTS = (PartKind.METADATA,)
_CLASSES = {
    "state_secret": (Category.STATE_SECRET, None, "classifier.state_secret", "模型判断该段落可能涉及国家秘密",
                     "请核实是否涉及国家秘密事项；涉密内容不得公开，不能确定的报保密行政管理部门确定"),
    "work_secret": (Category.WORK_SECRET, None, "classifier.work_secret", "模型判断该段落可能属于工作秘密或过程性信息",
                    "请核实是否属于内部事务或过程性信息；不宜公开的应删除或改为依申请公开/不予公开"),
    "personal_private": (Category.PERSONAL_INFO, "other", "classifier.personal_private",
                         "模型判断该段落可能涉及个人隐私",
                         "涉及个人隐私的内容应删除或去标识化处理（区分处理）后再公开"),
}


@dataclass(frozen=True)
class LoadedModel:
    pipeline: object
    thresholds: dict[str, float]          # at or above: a finding (low severity: a hint)
    medium_thresholds: dict[str, float]   # at or above: medium severity (precision on real documents)
    version: str
    feature_names: tuple[str, ...]
    coefficients: object          # (n_classes, n_features) averaged base-model coefficients
    high_at: float = 0.95         # a state_secret passage this sure (and over medium) is reported as high
    min_chars: int = 10           # fragments with fewer letters/digits/CJK (a table cell, a heading) are not judged
    medium_min_chars: int = 15    # short passages carry little evidence: low severity at most


def load_model(artifact: Path, metadata: Path) -> LoadedModel:
    import joblib
    import sklearn

    if not artifact.exists() or not metadata.exists():
        raise ModelError(f"分类模型不存在（{artifact}）：请先运行 `screening train`（make 会自动构建）")
    meta = json.loads(metadata.read_text(encoding="utf-8"))
    recorded = meta.get("versions", {}).get("sklearn")
    if recorded != sklearn.__version__:
        raise ModelError(f"分类模型由 scikit-learn {recorded} 训练，当前为 {sklearn.__version__}：请重新运行 `screening train`")
    pipeline = joblib.load(artifact)
    if list(pipeline.classes_) != list(LABELS):
        raise ModelError(f"分类模型的类别 {list(pipeline.classes_)} 与预期 {list(LABELS)} 不符")
    digest = hashlib.sha256(artifact.read_bytes()).hexdigest()[:12]
    return LoadedModel(pipeline=pipeline, thresholds=dict(meta["thresholds"]),
                       medium_thresholds=dict(meta["medium_thresholds"]), version=digest,
                       feature_names=tuple(feature_names(pipeline)), coefficients=mean_coefficients(pipeline))


def content_chars(text: str) -> int:
    """Letters, digits and CJK characters: what carries meaning (not punctuation, spaces, table bars)."""
    return sum(ch.isalnum() for ch in text)


def _readable(feature: str) -> str | None:
    feature = feature.replace(" ", "")
    if len(feature) < 2 or feature.isdigit() or set(feature) <= set("0"):
        return None
    return feature


class ClassifierDetector:
    name = "classifier"

    def __init__(self, model: LoadedModel, top_features: int = 5) -> None:
        self.model = model
        self.top_features = top_features

    def detect(self, doc: Document, views: Sequence[NormalizedView]) -> Iterator[Finding]:
        spans = [(part, s, e) for part in doc.parts if part.kind not in _SKIP_PARTS for s, e in segments(part)
                 if content_chars(part.text[s:e]) >= self.model.min_chars and classifier_reads(part, part.block_at(s))]
        if not spans:
            return
        pipeline = self.model.pipeline
        features = pipeline.named_steps["features"].transform([part.text[s:e] for part, s, e in spans])
        probabilities = pipeline.named_steps["model"].predict_proba(features)
        for row, (part, start, end) in enumerate(spans):
            label, score = self._decide(probabilities[row])
            if label is None:
                continue
            category, subtype, rule, message, suggestion = _CLASSES[label]
            words = self._explain(features, row, LABELS.index(label))
            severity = self._severity(label, score, content_chars(part.text[start:end]))
            text = part.text[start:end]
            yield Finding(
                rule=rule, category=category, subtype=subtype, severity=severity, source=Source.CLASSIFIER,
                text=text,
                location=Location.within(part, start, end),
                message=f"{message}（主要依据：{'、'.join(words) or '整体表述'}）", suggestion=suggestion,
                confidence=min(0.99, score),
                explanation=Explanation(detector=self.name, model_score=round(score, 4), features=tuple(words)),
                normalized=prepare(text),
            )

    def _severity(self, label: str, score: float, length: int) -> Severity:
        if score < self.model.medium_thresholds[label] or length < self.model.medium_min_chars:
            return Severity.LOW
        if label == "state_secret" and score >= self.model.high_at:
            return Severity.HIGH
        return Severity.MEDIUM

    def _decide(self, row) -> tuple[str | None, float]:
        best, best_p = None, 0.0
        for label, threshold in self.model.thresholds.items():
            p = float(row[LABELS.index(label)])
            if p >= threshold and p > best_p:
                best, best_p = label, p
        return best, best_p

    def _explain(self, features, row: int, class_index: int) -> list[str]:
        vector = features.getrow(row)
        contributions = sorted(
            ((value * self.model.coefficients[class_index][col], col) for col, value in zip(vector.indices, vector.data)),
            reverse=True)
        words: list[str] = []
        for weight, col in contributions:
            if weight <= 0 or len(words) >= self.top_features:
                break
            word = _readable(self.model.feature_names[col])
            if word and not any(word in w or w in word for w in words):
                words.append(word)
        return words
