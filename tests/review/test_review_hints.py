"""A case whose only findings are the classifier's low hints (SPEC §3 `hint`) is suggested
主动公开, can be approved by every stage and is cleared for publication: the real extraction,
the real rules and the shipped model, set to report every sentence it judges as a hint."""
from __future__ import annotations

from dataclasses import replace

import pytest

from screening.review.deadlines import WorkCalendar
from screening.review.publicity import FindingState, is_hint, suggest
from screening.review.service import ReviewService
from review_helpers import sha

TEXT = ("关于做好今冬明春农村饮水安全工作的通知\n"
        "各乡镇要组织技术人员对辖区内的集中供水工程开展一次全面排查，发现问题及时整改。\n"
        "救助对象张某某，已审核。\n")


@pytest.fixture(scope="module")
def hinting_engine():
    """The shipped model with its hint threshold at 0 and its medium threshold out of reach."""
    from screening.detectors.classifier import ClassifierDetector
    from screening.engine import Settings, build_engine
    from screening.model.artifact import Paths
    from screening.model.predict import Model, Thresholds

    shipped = Model.load(Paths.default())
    labels = shipped.thresholds.low
    model = Model(shipped.weights, shipped.bias, shipped.calibration, shipped.vocabulary,
                  Thresholds(low={k: 0.0 for k in labels}, medium={k: 1.1 for k in labels}, high=1.1), shipped.version)
    engine = build_engine(Settings(classifier=False))
    return replace(engine, detectors=engine.detectors + (ClassifierDetector(model),))


@pytest.fixture
def service(database, store, clock, notifier, hinting_engine) -> ReviewService:
    return ReviewService(database, hinting_engine, store, calendar=WorkCalendar(include_package=False),
                         notifier=notifier, clock=clock)


def test_a_case_with_only_hints_is_approved_and_cleared_as_proactive(service, org):
    up = service.open_case(org.drafter, title="饮水安全通知", data=TEXT.encode(), filename="通知.txt")
    assert up.report.verdict == "pass"
    view = service.case_view(up.case_id)
    assert view["findings"] and all(f["source"] == "classifier" and f["severity"] == "low" for f in view["findings"])
    assert view["public_attribute"]["suggested"]["attribute"] == "主动公开"
    service.sign(org.drafter, up.case_id, stage="drafter", decision="approve")
    service.sign(org.head, up.case_id, stage="head", decision="approve", opinion="同意")
    service.sign(org.leader, up.case_id, stage="leader", decision="approve", opinion="同意公开")
    assert service.clearance(sha(TEXT)).publishable
    assert service.case_view(up.case_id)["public_attribute"]["attribute"] == "主动公开"


def test_hints_do_not_decide_the_suggestion_but_medium_model_findings_do():
    assert is_hint("classifier", "low") and not is_hint("classifier", "medium") and not is_hint("rule", "low")
    assert suggest([FindingState("art16.1", None, hint=True)]).attribute == "主动公开"
    assert suggest([FindingState("art16.1", None, hint=False)]).attribute == "不予公开"
