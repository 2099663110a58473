"""False positives on 187 real, published documents (../shared/corpus/public, read in place).

The corpus was collected as publishable text and screened for private ID and mobile numbers, so
an identifier rule of high severity, a credential or a marking finding on it is a false positive.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from screening.pipeline import text_document
from screening.types import Category, Severity

from tests.shared import PUBLIC_CORPUS, require_shared

# High-severity identifier rules that must stay silent on published text.
IDENTIFIER_RULES = {"pii.id_card", "pii.id_card_15", "pii.bank_card", "pii.bank_card_62", "pii.passport",
                    "pii.exit_permit"}
SILENT_CATEGORIES = {Category.CREDENTIAL, Category.MARKING}

# Medium-or-higher rule findings per published document. These documents are publishable, so
# every such finding is a false alarm a reviewer has to dismiss; the library finds none today.
# The bound leaves room for the legitimately debatable items published documents contain
# (officials' names beside a number, office mailboxes, a public site on port 8080) while keeping
# the alarm rate at no more than one document in ten: beyond that, reviewers learn to click through
# findings without reading them, which is how a real leak gets approved.
MAX_FINDINGS_PER_DOCUMENT = 0.1


def _files() -> list[Path]:
    return sorted(PUBLIC_CORPUS.glob("*.txt")) if PUBLIC_CORPUS.exists() else []


@pytest.fixture(scope="module")
def findings(engine):
    require_shared(PUBLIC_CORPUS)
    files = _files()
    assert len(files) > 150, f"expected the 187 corpus documents, found {len(files)}"
    result = {}
    for path in files:
        report = engine.screen(text_document(path.read_text("utf-8"), path.name))
        result[path.name] = [f for f in report.findings if f.source == "rule"]
    return result


def _by_rule(findings, keep) -> str:
    counts = Counter(f.rule for fs in findings.values() for f in fs if keep(f))
    examples = {}
    for name, fs in findings.items():
        for f in fs:
            if keep(f):
                examples.setdefault(f.rule, []).append(f"{name}: {f.text!r}")
    return "\n".join(f"{rule}: {n} — " + "; ".join(examples[rule][:3]) for rule, n in counts.most_common())


def test_no_high_severity_identifier_credential_or_marking(findings):
    def bad(f):
        return f.rule in IDENTIFIER_RULES or f.category in SILENT_CATEGORIES
    assert not any(bad(f) for fs in findings.values() for f in fs), "findings by rule:\n" + _by_rule(findings, bad)


def test_medium_or_higher_findings_per_document_stay_under_the_bound(findings):
    def counted(f):
        return f.severity in (Severity.HIGH, Severity.MEDIUM)
    total = sum(1 for fs in findings.values() for f in fs if counted(f))
    rate = total / len(findings)
    assert rate < MAX_FINDINGS_PER_DOCUMENT, (
        f"{total} medium+ findings on {len(findings)} published documents ({rate:.3f} per document)\n"
        + _by_rule(findings, counted))
