"""Render reports: JSON (SPEC §3, "screening.report/1"), text for people, SARIF 2.1.0."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from screening import __version__
from screening.errors import UnreadableDocument
from screening.labels import CATEGORY, SEVERITY, SUBTYPE, VERDICT, where
from screening.types import Category, Report, Severity

SCHEMA = "screening.report/1"
_SARIF_LEVEL = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}


def to_json(reports: Sequence[Report]) -> dict:
    return {"schema": SCHEMA, "reports": [r.to_dict() for r in reports], "summary": tally(reports)}


def _outcome(report: Report) -> str:
    return "refused" if report.error is not None else str(report.verdict)


def tally(reports: Sequence[Report]) -> dict:
    """Every file accounted for: how many, per outcome (block/review/pass/refused), per format and
    outcome, and per error code of the refused ones (an added field of the JSON report)."""
    by_format: dict[str, Counter] = {}
    for report in reports:
        by_format.setdefault(report.document.format or "unknown", Counter())[_outcome(report)] += 1
    return {
        "files": len(reports),
        "by_outcome": dict(Counter(_outcome(r) for r in reports)),
        "by_format": {fmt: dict(counts) for fmt, counts in sorted(by_format.items())},
        "errors": dict(Counter(r.error.code for r in reports if r.error is not None)),
    }


def dumps(reports: Sequence[Report]) -> str:
    return json.dumps(to_json(reports), ensure_ascii=False, indent=2)


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def to_text(reports: Sequence[Report]) -> str:
    lines: list[str] = []
    for report in reports:
        doc = report.document
        if report.error is not None:
            lines.append(f"{doc.name}  ✗ 无法审查：{report.error.message}（{report.error.code}）")
            lines.append("")
            continue
        lines.append(f"{doc.name}  {VERDICT[report.verdict]}  共 {len(report.findings)} 项发现")
        for f in report.findings:
            kind = CATEGORY[f.category] + (f"/{SUBTYPE.get(f.subtype, f.subtype)}" if f.subtype else "")
            lines.append(f"  {where(f.location)}  [{SEVERITY[f.severity]}] {kind}  {f.rule}  “{_excerpt(f.text)}”")
            lines.append(f"      {f.message}")
            lines.append(f"      建议：{f.suggestion}")
        lines.extend(f"  说明：{note}" for note in report.notes)
        lines.append("")
    lines.append(summary(reports))
    return "\n".join(lines)


def summary(reports: Sequence[Report]) -> str:
    counts = Counter(f.category for r in reports for f in r.findings)
    verdicts = Counter(r.verdict for r in reports if r.error is None)
    errors = sum(1 for r in reports if r.error is not None)
    by_category = "，".join(f"{CATEGORY[c]} {counts[c]}" for c in Category if counts[c]) or "无"
    by_verdict = "，".join(f"{VERDICT[v]} {n}" for v, n in verdicts.items())
    tail = f"，无法审查 {errors} 个" if errors else ""
    line = f"共审查 {len(reports)} 个文件（{by_verdict}{tail}）；发现按类别：{by_category}"
    if len(reports) > 1:
        line += "\n" + _by_format(reports)
    if errors:
        reasons = Counter(UnreadableDocument.CODES.get(r.error.code, r.error.code) for r in reports if r.error)
        line += "\n无法审查的原因：" + "，".join(f"{reason} {n}" for reason, n in reasons.most_common())
    return line


def _by_format(reports: Sequence[Report]) -> str:
    outcome_names = {**{str(v): name for v, name in VERDICT.items()}, "refused": "无法审查"}
    parts = []
    for fmt, counts in tally(reports)["by_format"].items():
        detail = "，".join(f"{outcome_names[o]} {n}" for o, n in counts.items())
        parts.append(f"{fmt} {sum(counts.values())} 个（{detail}）")
    return "按格式：" + "；".join(parts)


def to_sarif(reports: Sequence[Report]) -> dict:
    rules: dict[str, dict] = {}
    results = []
    notifications = []
    for report in reports:
        if report.error is not None:
            notifications.append({"level": "error", "message": {"text": f"{report.document.name}：{report.error.message}"},
                                  "descriptor": {"id": report.error.code}})
            continue
        # a note (SARIF 2.1.0 §3.58: a notification at level "note" with the artifact's location)
        notifications.extend({"level": "note", "message": {"text": note},
                              "locations": [{"physicalLocation": {"artifactLocation": {"uri": report.document.name}}}],
                              "descriptor": {"id": "screening.note"}} for note in report.notes)
        for f in report.findings:
            rules.setdefault(f.rule, {
                "id": f.rule, "shortDescription": {"text": f.message},
                "help": {"text": f.suggestion},
                "properties": {"category": str(f.category), "tags": [str(f.category)]},
            })
            results.append({
                "ruleId": f.rule,
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f"{f.message}。建议：{f.suggestion}"},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": report.document.name},
                        "region": {"charOffset": f.location.start, "charLength": f.location.end - f.location.start,
                                   "snippet": {"text": f.text}},
                    },
                    "logicalLocations": [{"name": where(f.location), "kind": "module"}],
                }],
                "partialFingerprints": {"screeningFingerprint/v1": f.fingerprint()},
                "properties": {"category": str(f.category), "subtype": f.subtype, "severity": str(f.severity),
                               "source": str(f.source), "part": str(f.location.part), "page": f.location.page,
                               "paragraph": f.location.paragraph, "confidence": round(f.confidence, 4)},
            })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "screening", "version": __version__,
                                "rules": list(rules.values())}},
            "invocations": [{"executionSuccessful": not any(n["level"] == "error" for n in notifications),
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }
