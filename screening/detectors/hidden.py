"""Structure findings: text the reader of the published file does not see but can recover."""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from screening.detectors.markup import CONCEALING_LABELS, MARKUP_LABELS, looks_like_prose
from screening.normalize import NormalizedView
from screening.types import (REGION_CHROME, Category, Document, Explanation, Finding, Location, Part, PartKind,
                             Severity, Source)

_RULES = {
    PartKind.REVISION: ("hidden.revision", "修订痕迹中保留了读者看不到的文字：{reason}",
                        "接受或拒绝全部修订并删除修订痕迹后再公开"),
    PartKind.COMMENT: ("hidden.comment", "文件中保留了批注：{reason}", "删除全部批注后再公开"),
    PartKind.HIDDEN: ("hidden.text", "文件中有读者看不到但可提取的文字：{reason}",
                      "删除隐藏文字；遮盖须删除原文，不能只画黑框或改成白色"),
}
_PROSE = ("hidden.text", "网页中有读者看不到的正文性文字：{reason}",
          "删除网页源代码中的注释、隐藏段落或模板文字；删除的内容须从页面源代码中删除，不能只隐藏")
_METADATA = ("hidden.metadata", "文档属性中含有可识别个人或单位的信息：{reason}",
             "公开前清除文档属性（作者、单位、修订者等），或另存为不含个人信息的副本")
_INCOMPLETE = ("extract.incomplete", "文件部分内容未能提取，无法完成自动审查：{reason}",
               "请人工审查未能提取的部分（如扫描图像），或提供可提取文字的版本")
# Property labels (as extractors write them: "作者：张三") that identify a person or an organisation.
IDENTIFYING_PROPERTIES = ("作者", "最后修改者", "最后保存者", "公司", "单位", "管理者", "经理", "创建者", "修订者",
                          "签章人", "签章单位")
WARNING_LABEL = "提取警告"
# Property values that identify no one: what office software writes by default, and the unit
# itself (an organisation's name) — information for the notes, not findings.
DEFAULT_PROPERTY_VALUES = frozenset(v.casefold() for v in (
    "Administrator", "Admin", "User", "Users", "Author", "Unknown", "Owner", "微软用户", "微软中国", "Microsoft",
    "Microsoft Office User", "Microsoft Office 用户", "Windows 用户", "Windows User", "用户", "作者", "DELL", "Lenovo",
    "HP", "USER-PC", "PC", "walkthetalk", "python-docx"))
_ORGANISATION = re.compile(r"(?:办公厅|办公室|人民政府|政府|委员会|局|厅|部|署|委|办|中心|院|所|处|科|站|队|会|公司|集团|大学|学校|医院|银行)$")


def informational_property(text: str) -> bool:
    """“作者：Administrator”, “公司：某某市人民政府办公室”: a default value or an organisation's name."""
    _, _, value = text.partition("：")
    value = value.strip()
    return value.casefold() in DEFAULT_PROPERTY_VALUES or (len(value) >= 4 and bool(_ORGANISATION.search(value)))
# Blocks of macro code (extract/vba.py labels them "宏代码（VBA，未执行）…"): removed, not hidden.
MACRO_LABEL = "宏代码"
_MACRO_SUGGESTION = "删除文件中的宏（另存为不含宏的 docx 或 xlsx）后再公开；宏代码中的路径、账号和密码须一并清除"


class HiddenContentDetector:
    name = "structure"

    def __init__(self, identifying_properties: Sequence[str] = IDENTIFYING_PROPERTIES) -> None:
        self.identifying_properties = tuple(identifying_properties)

    def detect(self, doc: Document, views: Sequence[NormalizedView]) -> Iterator[Finding]:
        for part in doc.parts:
            if part.kind is PartKind.HIDDEN:
                yield from self._hidden(part)
            elif part.kind in _RULES:
                yield from self._blocks(part, _RULES[part.kind], Severity.MEDIUM, lambda text: True)
            elif part.kind is PartKind.METADATA:
                yield from self._blocks(part, _INCOMPLETE, Severity.MEDIUM, self._labelled((WARNING_LABEL,)))
                yield from self._blocks(part, _METADATA, Severity.LOW, self._labelled(self.identifying_properties))

    def _hidden(self, part: Part) -> Iterator[Finding]:
        """Hidden text of a document format is reported as such. What a web page holds out of
        sight is reported by what it holds: prose in a comment, hidden element or template is a
        finding (low in the page's frame: a site problem); markup is only counted in the report's
        notes. Rule findings inside either are the rules' to report (screening/fold.py)."""
        regions: set[str] = set()
        for block in part.blocks:
            if block.label not in MARKUP_LABELS:
                yield from self._blocks(part, _RULES[PartKind.HIDDEN], Severity.MEDIUM, lambda text: True, (block,),
                                        regions)
            elif block.label in CONCEALING_LABELS and looks_like_prose(part.text[block.start:block.end]):
                severity = Severity.LOW if block.region == REGION_CHROME else Severity.MEDIUM
                yield from self._blocks(part, _PROSE, severity, lambda text: True, (block,), regions)

    @staticmethod
    def _labelled(labels: Sequence[str]):
        def keep(text: str) -> bool:
            label, sep, value = text.partition("：")
            return bool(sep and value.strip()) and label.strip() in labels and not informational_property(text)
        return keep

    def _blocks(self, part: Part, spec, severity: Severity, keep, blocks=None,
                regions: set[str] | None = None) -> Iterator[Finding]:
        rule, message, suggestion = spec
        regions = set() if regions is None else regions   # a hidden sheet, row or column: one finding
        for block in part.blocks if blocks is None else blocks:
            text = part.text[block.start:block.end]
            stripped = text.strip()
            if not stripped or not keep(stripped):
                continue
            if part.kind is PartKind.HIDDEN and block.cell is not None and block.label:
                if block.label in regions:
                    continue
                regions.add(block.label)
            start = block.start + text.index(stripped)
            end = start + len(stripped)
            reason = block.label or part.hidden_reason or stripped
            yield Finding(
                rule=rule, category=Category.HIDDEN, subtype=None, severity=severity,
                source=Source.STRUCTURE, text=part.text[start:end],
                location=Location.within(part, start, end),
                message=message.format(reason=reason),
                suggestion=_MACRO_SUGGESTION if block.label.startswith(MACRO_LABEL) else suggestion, confidence=0.99,
                explanation=Explanation(detector=self.name, basis=reason), normalized=stripped,
            )
