"""Two people acting on the same case at the same moment: exactly one succeeds, the other gets a
conflict (409). Concurrent actions on different cases all succeed and chain their audit events."""
from __future__ import annotations

import threading
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from screening.review import provisioning
from screening.review.errors import Conflict
from screening.review.models import Case
from screening.review.tx import is_contention
from review_helpers import DEPT, UNIT, open_clean, submit


def race(*actions):
    """Run the actions in threads released together; return (results, errors) in order."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)
    errors: list = [None] * len(actions)

    def run(i, action):
        barrier.wait()
        try:
            results[i] = action()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors[i] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.mark.parametrize("round_", range(3))
def test_two_heads_sign_the_same_case_at_once(svc, org, database, round_):
    second_head = provisioning.add_user(database, f"li{round_}", role="head", unit=UNIT, department=DEPT).id
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    results, errors = race(
        lambda: svc.sign(org.head, case_id, stage="head", decision="approve", opinion="同意"),
        lambda: svc.sign(second_head, case_id, stage="head", decision="return", opinion="请修改"),
    )
    assert sum(r is not None for r in results) == 1, (results, errors)
    [error] = [e for e in errors if e is not None]
    assert isinstance(error, Conflict) and error.status == 409, error
    view = svc.case_view(case_id)
    assert len([s for s in view["signoffs"] if s["stage"] == "head"]) == 1
    assert view["stage"] in ("leader_review", "returned")
    assert svc.verify_audit().ok


def test_the_same_person_double_clicks(svc, org):
    case_id = open_clean(svc, org)
    results, errors = race(*[lambda: svc.sign(org.drafter, case_id, stage="drafter", decision="approve")] * 2)
    assert sum(r is not None for r in results) == 1
    assert sum(isinstance(e, Conflict) for e in errors) == 1
    assert len(svc.case_view(case_id)["signoffs"]) == 1


def test_actions_on_different_cases_all_succeed_and_chain(svc, org):
    cases = [open_clean(svc, org, f"第{i}号通知\n正文\n") for i in range(6)]
    results, errors = race(*[lambda c=c: svc.sign(org.drafter, c, stage="drafter", decision="approve")
                             for c in cases])
    assert errors == [None] * 6
    result = svc.verify_audit()
    assert result.ok and result.count == 11 + 6 * 2 + 6 * 2     # open+version, publicity+sign


def test_a_stale_write_is_detected(database, svc, org, clock):
    """The version counter on cases: a write based on what another transaction has since changed
    fails (StaleDataError on PostgreSQL, a stale snapshot on SQLite) and counts as a conflict."""
    case_id = open_clean(svc, org)
    stale = database._read()
    mine = stale.get(Case, case_id)
    with database.write_session() as other, other.begin():
        other.get(Case, case_id).title = "他人修改"
    mine.title = "我的修改"
    with pytest.raises((StaleDataError, OperationalError)) as failed:
        stale.commit()
    assert is_contention(failed.value)
    stale.close()
    assert svc.case_view(case_id)["title"] == "他人修改"


def test_the_service_maps_contention_to_conflict(svc, org, monkeypatch):
    case_id = open_clean(svc, org)

    def stale(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'cases' expected to update 1 row(s); 0 were matched.")
    monkeypatch.setattr(type(svc), "_refresh_deadline", staticmethod(stale))
    with pytest.raises(Conflict) as refused:
        svc.set_publicity(org.drafter, case_id, attribute="主动公开")
    assert refused.value.code == "conflict" and "刷新" in refused.value.message
    monkeypatch.undo()
    assert svc.case_view(case_id)["public_attribute"]["attribute"] is None   # nothing half-done
    assert svc.verify_audit().ok


def test_a_crash_midway_leaves_nothing(svc, org, monkeypatch):
    case_id = open_clean(svc, org)
    before = svc.verify_audit().count

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")
    monkeypatch.setattr(type(svc), "_notify_sign", crash)
    with pytest.raises(RuntimeError):
        submit(svc, org, case_id)
    monkeypatch.undo()
    view = svc.case_view(case_id)
    assert view["stage"] == "draft" and view["signoffs"] == [] and view["round"] == 0
    assert svc.verify_audit().count == before
