"""Hidden content reported by what it holds: a finding of another category inside text the
reader does not see takes the hidden finding's place, at the higher of the two severities."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from screening.types import Category, Finding, PartKind, Severity, Source

HIDDEN_FLOOR = Severity.MEDIUM      # what a reader cannot see but can recover is at least this severe


def _covers(outer: Finding, inner: Finding) -> bool:
    a, b = outer.location, inner.location
    return a.part is b.part and a.start < b.end and b.start < a.end


def _raised(f: Finding) -> Finding:
    if (f.hint or f.category is Category.HIDDEN or f.location.part is not PartKind.HIDDEN
            or f.severity.rank >= HIDDEN_FLOOR.rank):
        return f
    return replace(f, severity=HIDDEN_FLOOR)


def fold_hidden(findings: Sequence[Finding]) -> list[Finding]:
    """In the `hidden` part, a structure finding (“读者看不到的文字”) that holds a rule or model
    finding of another category is folded into it: the holder keeps its category and part
    `hidden`, its severity is raised to the hidden finding's (never lowered) and it names the
    hidden finding's rule in `explanation.also` and its reason in the message. Any such finding
    in the `hidden` part is at least medium: being out of sight raises it, never lowers it."""
    findings = [_raised(f) for f in findings]
    hidden = [f for f in findings if f.location.part is PartKind.HIDDEN and f.category is Category.HIDDEN
              and f.source is Source.STRUCTURE]
    holders = [f for f in findings if f.location.part is PartKind.HIDDEN and f.category is not Category.HIDDEN
               and not f.hint]
    if not hidden or not holders:
        return findings
    folded: dict[int, Finding] = {}
    dropped: set[int] = set()
    for h in hidden:
        inside = [i for i, f in enumerate(findings) if not f.hint and f.category is not Category.HIDDEN
                  and f.location.part is PartKind.HIDDEN and _covers(h, f)]
        if not inside:
            continue
        dropped.add(id(h))
        for i in inside:
            f = folded.get(i, findings[i])
            severity = max(f.severity, h.severity, key=lambda s: s.rank)
            also = tuple(dict.fromkeys(f.explanation.also + (h.rule,)))
            reason = h.explanation.basis or "读者看不到的内容"
            message = f.message if reason in f.message else f"{f.message}（位于{reason}中）"
            folded[i] = replace(f, severity=severity, message=message, explanation=replace(f.explanation, also=also))
    return [folded.get(i, f) for i, f in enumerate(findings) if id(f) not in dropped]
