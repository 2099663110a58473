"""What the review sheet (政府信息公开保密审查单) shows: one pure, typed, frozen value.

Two ways to fill it:
- `SheetData.from_report(report, ...)` for a one-off check (`screening sheet FILE`): the document's
  findings with their basis codes, the suggested 公开属性, blank sign-off blocks;
- field by field from a review case (the review layer maps its case, version, run, findings with
  dispositions and sign-offs onto these dataclasses). Every field but the file and the title has a
  blank default, and blanks print as lines to fill in by hand.

From a case (screening/review/models.py), field by field: Case.title/doc_number/carrier/formed_on/
due_date/due_note/public_* → the same fields, `channels=(case.channel,)`; the version's filename, size,
sha256, format → FileInfo; its run's engine/rules/model versions → EngineVersions; each Finding row →
SheetFinding(Category(row.category), Severity(row.severity), row.text, Location(PartKind(row.part), row.page,
row.paragraph, row.start_offset, row.end_offset), row.message, row.rule, row.subtype, Source(row.source),
row.basis, explain_stored(row.source, row.explanation), SheetDisposition(d.action, d.reason, d.by.label, d.at));
the latest sign-off of each stage → StageSignoff(stage, opinion_kind, opinion, by.label, at,
returned=decision is RETURN), blank ones for stages not signed yet.

The flagged text is kept as reported; the renderers print `SheetFinding.shown_text()`, which masks
personal data and credentials (mask.py), so the sheet never leaks what it reports.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from screening import labels
from screening.review.basis import BASES, basis_for, citation
from screening.review.enums import (Carrier, Channel, DispositionAction, OpinionKind, PublicAttribute,
                                    SignStage, sign_stages)
from screening.sheet.mask import DEFAULT_POLICY, MaskPolicy, mask_for_sheet
from screening.types import (Category, Explanation, Finding, Location, PartKind, Report, Severity, Source,
                             Verdict)

SHEET_TITLE = "政府信息公开保密审查单"

# Parts whose text the reader of the published file does not see: printed in the hidden-content block.
HIDDEN_PARTS = frozenset((PartKind.COMMENT, PartKind.REVISION, PartKind.HIDDEN, PartKind.METADATA))

# The opinion block of each stage, in the order they are signed (SPEC §5).
STAGE_HEADINGS = {
    SignStage.DRAFTER: "承办人初审意见",
    SignStage.HEAD: "承办部门负责人审核意见",
    SignStage.SECRECY: "保密审核意见",
    SignStage.LEADER: "单位负责人审发意见",
}


@dataclass(frozen=True, slots=True)
class FileInfo:
    """The exact file version the sheet is about."""

    name: str
    sha256: str
    size: int | None = None          # bytes
    format: str = ""
    pages: int | None = None

    def __post_init__(self) -> None:
        if len(self.sha256) != 64 or any(c not in "0123456789abcdef" for c in self.sha256):
            raise ValueError(f"FileInfo.sha256 must be 64 lowercase hex digits, got {self.sha256!r}")


@dataclass(frozen=True, slots=True)
class EngineVersions:
    engine: str
    rules: str
    model: str = "none"

    @classmethod
    def from_mapping(cls, versions: Mapping[str, str]) -> EngineVersions:
        """From `Engine.versions` ({"engine", "rules", "model"})."""
        return cls(engine=versions.get("engine", ""), rules=versions.get("rules", ""),
                   model=versions.get("model", "none"))

    @property
    def text(self) -> str:
        model = "未使用" if self.model in ("", "none") else self.model
        return f"审查引擎 {self.engine}；规则库 {self.rules}；分类模型 {model}"


@dataclass(frozen=True, slots=True)
class SheetDisposition:
    """What was decided about a finding, by whom, why (the review case's disposition)."""

    action: DispositionAction
    reason: str = ""
    by: str = ""
    at: datetime | None = None

    def __post_init__(self) -> None:
        if self.action is DispositionAction.DISMISSED and not self.reason.strip():
            raise ValueError("a dismissed finding needs its written reason")


@dataclass(frozen=True, slots=True)
class SheetFinding:
    category: Category
    severity: Severity
    text: str                          # exactly as reported; print shown_text() instead
    location: Location
    message: str = ""
    rule: str = ""
    subtype: str | None = None
    source: Source = Source.RULE
    basis: str = ""                    # a code of screening.review.basis.BASES
    why: str = ""                      # 为什么标记: the finding's explanation, in words
    disposition: SheetDisposition | None = None

    @classmethod
    def from_finding(cls, finding: Finding, disposition: SheetDisposition | None = None,
                     basis: str | None = None) -> SheetFinding:
        return cls(category=finding.category, severity=finding.severity, text=finding.text,
                   location=finding.location, message=finding.message, rule=finding.rule,
                   subtype=finding.subtype, source=finding.source,
                   basis=basis if basis is not None else basis_for(finding),
                   why=explain(finding), disposition=disposition)

    @property
    def hidden(self) -> bool:
        """Belongs to the hidden-content block (隐藏内容)."""
        return self.category is Category.HIDDEN or self.location.part in HIDDEN_PARTS

    @property
    def category_label(self) -> str:
        name = labels.CATEGORY[self.category]
        if self.category is Category.PERSONAL_INFO and self.subtype in labels.SUBTYPE:
            name = f"{name}（{labels.SUBTYPE[self.subtype]}）"
        return name

    @property
    def where(self) -> str:
        return labels.where(self.location)

    @property
    def basis_text(self) -> str:
        return citation(self.basis) if self.basis else ""

    def shown_text(self, policy: MaskPolicy = DEFAULT_POLICY, limit: int = 80) -> str:
        """The flagged text as printed: masked where it would leak, shortened when long."""
        text = " ".join(mask_for_sheet(self.text, self.category, self.subtype, policy).split())
        return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class StageSignoff:
    """One signature block. Blank (not yet signed) when `name` is empty."""

    stage: SignStage
    opinion: OpinionKind | None = None
    reason: str = ""                   # 依据和理由
    name: str = ""
    at: datetime | None = None
    returned: bool = False             # the stage returned the case to the drafter

    @property
    def signed(self) -> bool:
        return bool(self.name)

    @property
    def heading(self) -> str:
        return STAGE_HEADINGS[self.stage]


def blank_signoffs(secrecy: bool = False) -> tuple[StageSignoff, ...]:
    """Blank blocks of the three stages, or four with 保密审核."""
    return tuple(StageSignoff(stage) for stage in sign_stages(secrecy))


@dataclass(frozen=True, slots=True)
class SheetData:
    title: str                                         # 信息名称
    file: FileInfo
    versions: EngineVersions
    findings: tuple[SheetFinding, ...] = ()
    verdict: Verdict | None = None                     # the automatic screening verdict
    unit: str = ""                                     # 拟公开信息单位
    department: str = ""                               # 部门
    doc_number: str = ""                               # 文号
    carrier: Carrier | None = None                     # 载体形式
    channels: tuple[Channel, ...] = ()                 # 拟公开方式 (ticked boxes)
    channel_other: str = ""                            # what 其他 means
    planned_date: date | None = None                   # 拟公开时间
    due_date: date | None = None                       # 最迟公开日 (20 working days after formation)
    due_note: str = ""                                 # e.g. the calendar for that year is not known yet
    drafter: str = ""                                  # 拟稿人
    formed_on: date | None = None                      # 形成日期
    public_attribute: PublicAttribute | None = None    # 公开属性
    public_basis: str = ""                             # a basis code, or free text
    public_reason: str = ""
    public_suggested: bool = False                     # proposed by the system, not yet confirmed
    signoffs: tuple[StageSignoff, ...] = field(default_factory=blank_signoffs)
    filled_on: date | None = None                      # 填表日期
    case_id: int | None = None                         # 审查编号
    version_number: int | None = None
    mask_policy: MaskPolicy = DEFAULT_POLICY
    earlier: tuple[SheetFinding, ...] = ()             # findings of earlier versions, resolved since
    status: str = ""                                   # where the case stands, e.g. "已审发（第 2 版）"
    notes: tuple[str, ...] = ()                        # the report's notes (Report.notes), printed under 说明

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("SheetData.title (信息名称) is required")
        stages = [s.stage for s in self.signoffs]
        if tuple(stages) not in (sign_stages(False), sign_stages(True)):
            raise ValueError(f"SheetData.signoffs must be the three (or four) stages in order, got {stages}")

    @classmethod
    def from_report(cls, report: Report, *, versions: Mapping[str, str] | EngineVersions,
                    size: int | None = None, title: str | None = None, filled_on: date | None = None,
                    **fields) -> SheetData:
        """The sheet of a one-off check: findings without dispositions, the suggested 公开属性,
        blank signature blocks. `fields` fills any other SheetData field (unit, doc_number...)."""
        if report.error is not None:
            raise ValueError(f"no sheet for an unreadable document: {report.error.message}")
        from screening.review.publicity import FindingState, suggest

        findings = tuple(SheetFinding.from_finding(f) for f in report.findings)
        suggestion = suggest(FindingState(f.basis, None) for f in findings)
        doc = report.document
        if not isinstance(versions, EngineVersions):
            versions = EngineVersions.from_mapping(versions)
        defaults = dict(public_attribute=suggestion.attribute, public_basis=suggestion.basis,
                        public_reason=suggestion.reason, public_suggested=True)
        defaults.update(fields)
        return cls(title=title or _title_from_name(doc.name),
                   file=FileInfo(doc.name, doc.sha256, size, doc.format, doc.pages),
                   versions=versions, findings=findings, verdict=report.verdict,
                   filled_on=filled_on or date.today(), notes=report.notes, **defaults)

    @property
    def visible_findings(self) -> tuple[SheetFinding, ...]:
        return tuple(f for f in self.findings if not f.hidden)

    @property
    def hidden_findings(self) -> tuple[SheetFinding, ...]:
        return tuple(f for f in self.findings if f.hidden)

    @property
    def public_basis_text(self) -> str:
        return citation(self.public_basis) if self.public_basis in BASES else self.public_basis

    def counts(self) -> dict[Severity, int]:
        out = {s: 0 for s in Severity}
        for f in self.findings:
            out[f.severity] += 1
        return out


def _title_from_name(name: str) -> str:
    stem = name.rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] if "." in stem else stem


def explain(finding: Finding) -> str:
    """为什么标记, in words, from the finding's Explanation."""
    return explain_explanation(finding.source, finding.explanation)


def explain_stored(source: str, explanation: Mapping[str, object]) -> str:
    """The same from a stored finding (`Explanation.to_dict()` as the review DB keeps it)."""
    return explain_explanation(Source(source), Explanation(
        detector=str(explanation.get("detector", "")), keyword=explanation.get("keyword"),  # type: ignore[arg-type]
        validator=explanation.get("validator"), validated=explanation.get("validated"),  # type: ignore[arg-type]
        context_words=tuple(explanation.get("context_words") or ()),  # type: ignore[arg-type]
        model_score=explanation.get("model_score")))  # type: ignore[arg-type]


def explain_explanation(source: Source, e: Explanation) -> str:
    bits: list[str] = []
    if source is Source.CLASSIFIER and e.model_score is not None:
        bits.append(f"分类模型判断（得分 {e.model_score:.2f}）")
    elif source is Source.STRUCTURE:
        bits.append("文件结构检查")
    if e.keyword:
        bits.append(f"关键词“{e.keyword}”")
    if e.validator:
        bits.append(f"校验{'通过' if e.validated else '未通过'}")
    if e.context_words:
        bits.append("上下文：" + "、".join(e.context_words[:3]))
    return "；".join(bits)


def sheet_findings(findings: Iterable[Finding],
                   dispositions: Mapping[str, SheetDisposition] | None = None) -> tuple[SheetFinding, ...]:
    """Findings with their dispositions looked up by fingerprint (STYLE habit 10)."""
    dispositions = dispositions or {}
    return tuple(SheetFinding.from_finding(f, dispositions.get(f.fingerprint())) for f in findings)
