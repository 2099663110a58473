"""Report notes: one Chinese line per kind of out-of-sight page text that was screened and
held nothing to report ("页面含 12 段 HTML 注释，未发现敏感内容"), and one for the page's frame."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from screening.extract.common import (HTML_ATTRIBUTE, HTML_COMMENT, HTML_HIDDEN, HTML_HIDDEN_INPUT, HTML_NOSCRIPT,
                                      HTML_SCRIPT, HTML_TEMPLATE)
from screening.detectors.hidden import IDENTIFYING_PROPERTIES, informational_property
from screening.types import REGION_CHROME, Document, Finding, PartKind

_WHAT = {
    HTML_COMMENT: "{n} 段 HTML 注释", HTML_HIDDEN: "{n} 段隐藏元素中的文字", HTML_HIDDEN_INPUT: "{n} 个隐藏表单字段",
    HTML_ATTRIBUTE: "{n} 处属性文字（title、alt、data- 等）", HTML_SCRIPT: "{n} 个脚本字符串",
    HTML_NOSCRIPT: "{n} 行 noscript 文字", HTML_TEMPLATE: "{n} 行模板文字",
}
_FRAME = (PartKind.HEADER, PartKind.FOOTER, PartKind.BODY, PartKind.TABLE)


def _tally(part, findings: Sequence[Finding], key) -> tuple[Counter, Counter]:
    """Blocks per key, and of them those holding a finding."""
    starts = sorted((f.location.start, f.location.end) for f in findings if f.location.part is part.kind)
    total, flagged = Counter(), Counter()
    for block in part.blocks:
        k = key(block)
        if k is None:
            continue
        total[k] += 1
        if any(s < block.end and block.start < e or s == block.start for s, e in starts):
            flagged[k] += 1
    return total, flagged


def _line(what: str, total: int, flagged: int) -> str:
    if not flagged:
        return f"页面含 {what.format(n=total)}，未发现敏感内容"
    return f"页面含 {what.format(n=total)}，其中 {flagged} 处有发现（见发现列表）"


def document_notes(doc: Document, findings: Sequence[Finding]) -> tuple[str, ...]:
    notes: list[str] = []
    frame_total = frame_flagged = 0
    for part in doc.parts:
        if part.kind is PartKind.METADATA:
            notes.extend(_properties(part))
        elif part.kind is PartKind.HIDDEN:
            total, flagged = _tally(part, findings, lambda b: b.label if b.label in _WHAT else None)
            notes.extend(_line(_WHAT[label], total[label], flagged[label]) for label in _WHAT if total[label])
        elif part.kind in _FRAME:
            total, flagged = _tally(part, findings, lambda b: True if b.region == REGION_CHROME else None)
            frame_total += total[True]
            frame_flagged += flagged[True]
    if frame_total:
        found = f"其中 {frame_flagged} 处有发现（见发现列表）" if frame_flagged else "未发现敏感内容"
        notes.insert(0, f"页面框架（导航、页眉页脚、分享和二维码等）共 {frame_total} 段，只按规则审查，{found}")
    return tuple(notes)


def _properties(part) -> list[str]:
    plain = [part.text[b.start:b.end].strip() for b in part.blocks]
    plain = [t for t in plain if t.partition("：")[0].strip() in IDENTIFYING_PROPERTIES and informational_property(t)]
    if not plain:
        return []
    return [f"文档属性 {'、'.join(dict.fromkeys(plain))} 为软件默认值或单位名称，不识别个人，不作为发现"]
