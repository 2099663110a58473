"""A marked secret is an incident, not a case (保守国家秘密法, 2024): the one predicate that decides
whether a finding is a classification marking, and what of it may be kept."""
from __future__ import annotations

from collections.abc import Iterable

from screening.types import Category, Finding, Severity

CLASSIFICATION_RULES = ("marking.classification", "marking.copy_number")


def is_classification_marking(finding: Finding) -> bool:
    """A `marking` finding of severity high from the 密级 (绝密/机密/秘密, ★ forms) or 份号 rules."""
    return (finding.category is Category.MARKING and finding.severity is Severity.HIGH
            and finding.rule.startswith(CLASSIFICATION_RULES))


def markings_seen(findings: Iterable[Finding]) -> list[dict]:
    """What a quarantined version keeps of its findings: which markings were seen, and where.
    Never the rest of the text."""
    return [{"rule": f.rule, "text": f.text, "part": str(f.location.part), "page": f.location.page}
            for f in findings if is_classification_marking(f)]
