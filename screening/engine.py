"""Engine: Document → Report. Pure; `build_engine(settings)` does the loading."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from screening import __version__
from screening.detectors import Detector
from screening.fold import fold_hidden
from screening.merge import merge
from screening.notes import document_notes
from screening.normalize import normalize
from screening.rules import RuleSet, default_rules_dir, load_ruleset
from screening.types import Block, Document, Finding, Part, PartKind, Report
from screening.detectors.hidden import WARNING_LABEL


@dataclass(frozen=True)
class Settings:
    rules_dirs: tuple[Path, ...] = ()          # empty: the built-in library
    extra_rules_dirs: tuple[Path, ...] = ()    # a unit's own rules, added to the built-in ones
    classifier: bool = True
    model_path: Path | None = None             # a models folder; None: the project's models/


def _position(finding: Finding, order: dict[PartKind, int]) -> tuple:
    return (order.get(finding.location.part, 99), finding.location.start, finding.location.end, finding.rule)


def _join(kind: PartKind, parts: Sequence[Part]) -> Part:
    """One part per kind (SPEC locations name a kind, not an index): join with a newline."""
    if len(parts) == 1:
        return parts[0]
    texts, blocks, offset = [], [], 0
    for part in parts:
        texts.append(part.text)
        blocks.extend(replace(b, paragraph=len(blocks) + 1, start=b.start + offset, end=b.end + offset)
                      for b in part.blocks)
        offset += len(part.text) + 1
    reasons = "；".join(dict.fromkeys(p.hidden_reason for p in parts if p.hidden_reason))
    labels = "；".join(dict.fromkeys(p.label for p in parts if p.label))
    return Part(kind, "\n".join(texts), tuple(blocks), label=labels, hidden_reason=reasons)


def prepare(doc: Document) -> Document:
    """Coalesce parts by kind and turn extraction warnings into metadata blocks
    ("提取警告：…"), so an incomplete read is reported and never passes."""
    warnings = tuple(f"{WARNING_LABEL}：{w}" for w in doc.warnings)
    if warnings:
        text = "\n".join(warnings)
        blocks, pos = [], 0
        for i, line in enumerate(warnings, 1):
            blocks.append(Block(None, i, pos, pos + len(line)))
            pos += len(line) + 1
        parts = doc.parts + (Part(PartKind.METADATA, text, tuple(blocks), label="文档属性"),)
    else:
        parts = doc.parts
    by_kind: dict[PartKind, list[Part]] = {}
    for part in parts:
        by_kind.setdefault(part.kind, []).append(part)
    if all(len(v) == 1 for v in by_kind.values()) and not warnings:
        return doc
    joined = tuple(_join(kind, group) for kind, group in by_kind.items())
    return replace(doc, parts=joined)


@dataclass(frozen=True)
class Engine:
    detectors: tuple[Detector, ...]
    ruleset: RuleSet
    model_version: str = "none"
    versions: dict[str, str] = field(default_factory=dict)

    def screen(self, doc: Document) -> Report:
        doc = prepare(doc)
        views = [normalize(part) for part in doc.parts]
        findings = fold_hidden(merge(f for detector in self.detectors for f in detector.detect(doc, views)))
        order = {part.kind: i for i, part in enumerate(doc.parts)}
        findings.sort(key=lambda f: _position(f, order))
        texts = {part.kind: part.text for part in doc.parts}
        for f in findings:  # the SPEC §3 invariant: text is exactly what the part holds there
            assert texts[f.location.part][f.location.start:f.location.end] == f.text, f
        return Report(document=doc.info, findings=tuple(findings), notes=document_notes(doc, findings), site=doc.site)


def build_engine(settings: Settings = Settings()) -> Engine:
    from screening.detectors import default_detectors

    ruleset = load_ruleset(*(settings.rules_dirs or (default_rules_dir(),)), *settings.extra_rules_dirs)
    detectors, model_version = default_detectors(settings, ruleset)
    versions = {"engine": __version__, "rules": ruleset.version, "model": model_version}
    return Engine(detectors=tuple(detectors), ruleset=ruleset, model_version=model_version, versions=versions)


@lru_cache(maxsize=4)
def cached_engine(settings: Settings = Settings()) -> Engine:
    """One engine per process and settings: rules, automaton and model are loaded once."""
    return build_engine(settings)
