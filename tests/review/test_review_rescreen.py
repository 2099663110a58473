"""Archive re-screening: approved versions screened again when the rules change; what is new is
flagged for the secrecy office, never silently revoking a clearance; runs resume after interruption."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

import review_helpers
from review_helpers import CLEAN, Category, Severity, approve_all, open_clean, sha
from screening.review import rescreen
from screening.review.errors import Forbidden, Invalid
from screening.review.rescreen import RescreenItem
from screening.review.service import ReviewService

CODENAME = "青龙行动"
ARCHIVED = CLEAN + f"附：本次保障工作代号{CODENAME}。\n"


@pytest.fixture
def rule_update(monkeypatch):
    """After approval the rules learn a new term (what a rules release or a lexicon term does)."""
    def apply(engine) -> None:
        monkeypatch.setattr(review_helpers, "FAKE_RULES", review_helpers.FAKE_RULES + [
            ("work_secret.lexicon_1", Category.WORK_SECRET, "lexicon", Severity.MEDIUM, CODENAME)])
        engine.versions = {**engine.versions, "rules": "fakerules-2"}
    return apply


def approved(svc, org, text: str, title: str = "供暖通知") -> int:
    case_id = open_clean(svc, org, text, title=title)
    approve_all(svc, org, case_id)
    return case_id


def test_new_rule_flags_an_approved_case_without_revoking_its_clearance(svc, org, notifier, rule_update):
    case_id = approved(svc, org, ARCHIVED)
    other = approved(svc, org, CLEAN.replace("供暖", "防汛"), title="防汛通知")
    assert svc.clearance(sha(ARCHIVED)).publishable
    rule_update(svc.engine)

    run_id = rescreen.start(svc, actor_id=org.officer)
    progress = rescreen.run_all(svc, run_id)

    assert progress.to_dict() == {"run": run_id, "total": 2, "done": 2, "failed": 0, "flagged": 1,
                                  "finished": True}
    view = rescreen.overview(svc, org.officer)
    [flag] = view["flags"]
    assert flag["case_id"] == case_id and flag["new"] == 1
    assert flag["findings"][0]["rule"] == "work_secret.lexicon_1"
    assert CODENAME not in json.dumps(view, ensure_ascii=False, default=str)   # the text stays sealed
    assert view["runs"][0]["finished"] and view["runs"][0]["reason"] == "保密办发起复查"
    assert rescreen.case_flags(svc, other) == []
    # the secrecy office is told, in Chinese; the clearance stands until a person decides
    told = [n for n in notifier.sent if n.kind == "rescreen"]
    assert [n.user_id for n in told] == [org.officer] and "新发现 1 项" in told[0].message
    assert svc.clearance(sha(ARCHIVED)).publishable
    assert svc.verify_audit().ok

    with pytest.raises(Invalid):
        rescreen.acknowledge(svc, org.officer, flag["id"], note=" ")
    rescreen.acknowledge(svc, org.officer, flag["id"], note="代号已公开报道，无需处理")
    assert rescreen.overview(svc, org.officer)["flags"] == [] and rescreen.case_flags(svc, case_id) == []
    actions = [e["action"] for e in svc.history(case_id)]
    assert "rescreen.flag" in actions and "rescreen.acknowledge" in actions


def test_unchanged_rules_find_nothing_new(svc, org):
    approved(svc, org, ARCHIVED)
    progress = rescreen.run_all(svc, rescreen.start(svc, actor_id=org.officer))
    assert (progress.done, progress.flagged) == (1, 0)


def test_an_interrupted_run_resumes_where_it_stopped(svc, org, database, store, clock, rule_update):
    for n in range(3):
        approved(svc, org, ARCHIVED + f"第{n}号。\n", title=f"通知{n}")
    rule_update(svc.engine)
    run_id = rescreen.start(svc, unit=review_helpers.UNIT)       # from the command line
    first = rescreen.pending_items(svc, run_id)[0]
    rescreen.screen_item(svc, first)                             # ... and then the process dies
    screened = svc.engine.screened

    restarted = ReviewService(database, svc.engine, store, extract=review_helpers.fake_extract,
                              clock=clock)
    assert rescreen.unfinished_runs(restarted) == [run_id]
    progress = rescreen.run_all(restarted, run_id)
    assert (progress.total, progress.done, progress.flagged, progress.finished) == (3, 3, 3, True)
    assert svc.engine.screened == screened + 2                   # the finished item was not redone
    assert rescreen.screen_item(restarted, first) == "done"      # idempotent for a late worker
    assert rescreen.unfinished_runs(restarted) == []


def test_a_file_that_cannot_be_read_again_is_flagged_not_passed(svc, org, store, notifier):
    case_id = approved(svc, org, ARCHIVED)
    store.purge(sha(ARCHIVED))
    progress = rescreen.run_all(svc, rescreen.start(svc, actor_id=org.officer))
    assert (progress.failed, progress.finished) == (1, True)
    [flag] = rescreen.case_flags(svc, case_id)
    assert flag["status_label"] == "无法读取"
    assert any(n.kind == "rescreen" and "无法重新读取" in n.message for n in notifier.sent)


def test_only_secrecy_officers_start_and_each_sees_only_their_unit(svc, org, rule_update):
    approved(svc, org, ARCHIVED)
    rule_update(svc.engine)
    for who in (org.drafter, org.head, org.leader, org.admin):
        with pytest.raises(Forbidden):
            rescreen.start(svc, actor_id=who)
    rescreen.run_all(svc, rescreen.start(svc, actor_id=org.officer))
    assert rescreen.overview(svc, org.officer_u2) == {"runs": [], "flags": []}
    [flag] = rescreen.overview(svc, org.officer)["flags"]
    with pytest.raises(Exception) as refused:
        rescreen.acknowledge(svc, org.officer_u2, flag["id"], note="越权")
    assert getattr(refused.value, "code", "") == "no_such_item"
    with svc.db.read() as s:
        assert s.execute(sa.select(RescreenItem.acknowledged_at)).scalar_one() is None
