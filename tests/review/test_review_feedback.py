"""Officers' decisions on classifier findings become labelled passages for retraining."""
from __future__ import annotations

import pytest

from screening.review.enums import DispositionAction
from screening.review.feedback import classifier_feedback, label_for
from screening.review.service import ReviewService
from screening.types import Category, Explanation, Finding, Location, Report, Severity, Source
from tests.review.review_helpers import FakeEngine, fake_extract

PASSAGES = {
    "该部队下月将由城西营区移防至北郊新建基地。": "classifier.state_secret",
    "本周四召开局务会研究年度工作要点。": "classifier.work_secret",
}


class EngineWithModel(FakeEngine):
    """The fake rules plus a 'model' that flags the known passages, as the classifier would."""

    def screen(self, doc):
        report = super().screen(doc)
        extra = []
        for part in doc.parts:
            for text, rule in PASSAGES.items():
                start = part.text.find(text)
                if start >= 0:
                    extra.append(Finding(
                        rule=rule, category=Category(rule.split(".")[1]), subtype=None, severity=Severity.MEDIUM,
                        source=Source.CLASSIFIER, text=text, location=Location(part.kind, None, 1, start,
                                                                               start + len(text)),
                        message="模型判断", suggestion="核实", confidence=0.9,
                        explanation=Explanation(detector="classifier", model_score=0.9)))
        return Report(document=report.document, findings=report.findings + tuple(extra))


@pytest.mark.parametrize(("rule", "action", "label"), [
    ("classifier.state_secret", DispositionAction.CONFIRMED, "state_secret"),
    ("classifier.work_secret", DispositionAction.DISMISSED, "normal"),
    ("classifier.personal_private", DispositionAction.REDACTED, None),
    ("pii.id_card", DispositionAction.CONFIRMED, None),
])
def test_label_for(rule, action, label):
    assert label_for(rule, action) == label


def test_officer_decisions_on_classifier_findings_are_exported(database, store, clock, notifier, org):
    from screening.review.deadlines import WorkCalendar

    svc = ReviewService(database, EngineWithModel(), store, extract=fake_extract,
                        calendar=WorkCalendar(include_package=False), notifier=notifier, clock=clock)
    text = "关于工作安排的通知\n" + "\n".join(PASSAGES) + "\n"
    case_id = svc.open_case(org.drafter, title="通知", data=text.encode(), filename="t.txt").case_id
    view = svc.case_view(case_id, actor_id=org.officer)
    by_rule = {f["rule"]: f for f in view["findings"]}
    svc.dispose(org.officer, case_id, by_rule["classifier.state_secret"]["id"], action="confirmed", reason="确属部署")
    svc.dispose(org.drafter, case_id, by_rule["classifier.work_secret"]["id"], action="dismissed", reason="已公开")
    rows = classifier_feedback(database)
    # only the officer's decision counts; the drafter's own dismissal is not a label
    assert rows == [{"text": "该部队下月将由城西营区移防至北郊新建基地。", "label": "state_secret",
                     "doc": f"feedback-case-{case_id}"}]
