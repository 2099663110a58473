"""ClassifierDetector: the adapter from the model (screening.model) to findings (source="classifier").
Low-severity model findings are hints (SPEC §3): shown, but they change neither the verdict nor
the 公开属性 suggestion."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from screening.detectors.markup import classifier_reads
from screening.model.features import prepare
from screening.model.judge import judge
from screening.normalize import NormalizedView
from screening.types import Category, Document, Explanation, Finding, Location, Severity, Source

_CLASSES = {
    "state_secret": (Category.STATE_SECRET, None, "classifier.state_secret", "模型判断该段落可能涉及国家秘密",
                     "请核实是否涉及国家秘密事项；涉密内容不得公开，不能确定的报保密行政管理部门确定"),
    "work_secret": (Category.WORK_SECRET, None, "classifier.work_secret", "模型判断该段落可能属于工作秘密或过程性信息",
                    "请核实是否属于内部事务或过程性信息；不宜公开的应删除或改为依申请公开/不予公开"),
    "personal_private": (Category.PERSONAL_INFO, "other", "classifier.personal_private",
                         "模型判断该段落可能涉及个人隐私",
                         "涉及个人隐私的内容应删除或去标识化处理（区分处理）后再公开"),
}


def reason_text(words: Sequence[str], context: str | None) -> str:
    """“主要依据：“尚未公布”“初步核算”；文件性质为会议纪要（内部文稿）”."""
    bits = "".join(f"“{w}”" for w in words) or "整体表述"
    return f"主要依据：{bits}" + (f"；{context}" if context else "")


class ClassifierDetector:
    name = "classifier"

    def __init__(self, model) -> None:
        self.model = model   # a screening.model.predict.Model or LazyModel

    def detect(self, doc: Document, views: Sequence[NormalizedView]) -> Iterator[Finding]:
        for part, scored in judge(self.model, doc):
            if not classifier_reads(part, part.block_at(scored.start)):
                continue          # a web page's frame or markup: screened by the rules only
            category, subtype, rule, message, suggestion = _CLASSES[scored.label]
            severity = Severity(scored.severity)
            text = part.text[scored.start:scored.end]
            yield Finding(
                rule=rule, category=category, subtype=subtype, severity=severity, source=Source.CLASSIFIER,
                text=text, location=Location.within(part, scored.start, scored.end),
                message=f"{message}（{reason_text(scored.words, scored.context)}）", suggestion=suggestion,
                confidence=min(0.99, scored.score),
                explanation=Explanation(detector=self.name, model_score=round(scored.score, 4),
                                        features=scored.words + ((scored.context,) if scored.context else ())),
                normalized=prepare(text), hint=severity is Severity.LOW,
            )
