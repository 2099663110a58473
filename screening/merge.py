"""Overlap resolution: findings of one category that cover the same text become one.

The survivor is the most severe, then a structure or rule finding over a model's, then
the longest span; it keeps the other findings' rule ids in `explanation.also`, a model's
score and features, and (when the sources differ) the other message, so a merged
finding still says every reason it was raised for.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from screening.types import Finding, Source

_SOURCE_ORDER = {Source.STRUCTURE: 0, Source.RULE: 1, Source.CLASSIFIER: 2}


def _rank(f: Finding) -> tuple:
    return (-f.severity.rank, _SOURCE_ORDER[f.source], -(f.location.end - f.location.start), -f.confidence, f.rule)


def _absorb(keep: Finding, other: Finding) -> Finding:
    ex = keep.explanation
    also = tuple(r for r in dict.fromkeys(ex.also + (other.rule,) + other.explanation.also) if r != keep.rule)
    message = keep.message
    if other.source is not keep.source and other.message not in message:
        message = f"{keep.message}；{other.message}"
    return replace(
        keep, confidence=max(keep.confidence, other.confidence), message=message,
        explanation=replace(
            ex, also=also,
            model_score=ex.model_score if ex.model_score is not None else other.explanation.model_score,
            features=ex.features or other.explanation.features,
        ),
    )


def _merge_group(findings: list[Finding]) -> list[Finding]:
    starts: list[int] = []          # survivors are disjoint, kept sorted by start
    survivors: list[Finding] = []
    for finding in sorted(findings, key=_rank):
        start, end = finding.location.start, finding.location.end
        i = bisect.bisect_right(starts, start)
        hit = None
        if i > 0 and survivors[i - 1].location.end > start:
            hit = i - 1
        elif i < len(survivors) and survivors[i].location.start < end:
            hit = i
        if hit is None:
            starts.insert(i, start)
            survivors.insert(i, finding)
        else:
            survivors[hit] = _absorb(survivors[hit], finding)
    return survivors


def merge(findings: Iterable[Finding]) -> list[Finding]:
    groups: dict[tuple, list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.location.part, finding.category)].append(finding)
    merged: list[Finding] = []
    for group in groups.values():
        merged.extend(_merge_group(group))
    return merged
