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


def mask(text: str) -> str:
    """A masked form of a flagged text, enough to recognise the event, never the text itself:
    `机密★1年` → `机****`, `11010519491231002X` → `1101***********02X`."""
    n = len(text)
    if n <= 3:
        return text[:1] + "*" * (n - 1) if n > 1 else "*"
    head, tail = max(1, n // 4), n // 6
    return text[:head] + "*" * (n - head - tail) + text[n - tail:] if tail else text[:head] + "*" * (n - head)


def markings_seen(findings: Iterable[Finding]) -> list[dict]:
    """What a quarantined version keeps of its findings: which markings were seen (rule, fingerprint,
    a masked form) and where. Never the text itself: it goes into the audit trail and notices."""
    return [{"rule": f.rule, "fingerprint": f.fingerprint(), "text": mask(f.text),
             "part": str(f.location.part), "page": f.location.page}
            for f in findings if is_classification_marking(f)]
