"""Memberships (兼任) through the service, on both databases: a head of one department with a
membership as head of another signs, sees and is told about the cases of both; segregation stays per
person; taking a membership away takes the power away and ends the sessions; every change is audited
and counts as provisioning for the clearance's multi-person check."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from screening.review import accounts, memberships, provisioning
from screening.review.errors import Forbidden, Invalid, NotFound
from screening.review.models import AuditEvent
from review_helpers import CLEAN, DEPT, DEPT2, UNIT2, open_clean, sha, submit


def open_in_dept2(svc, org, text: str) -> int:
    """A case of DEPT2 opened by zhang, the DEPT drafter, given a drafter membership in DEPT2 for it
    (a drafter opens cases only in a department they draft for)."""
    try:
        memberships.add_membership(svc.db, "zhang", "drafter", department=DEPT2, by=org.admin)
    except Invalid as held:
        assert held.code == "duplicate_membership"
    return open_clean(svc, org, text, department=DEPT2)


def two_cases(svc, org) -> tuple[int, int]:
    """A submitted case of DEPT and one of DEPT2 (different files)."""
    mine = open_clean(svc, org, CLEAN)
    other = open_in_dept2(svc, org, CLEAN + "第二份。\n")
    submit(svc, org, mine)
    submit(svc, org, other)
    return mine, other


def todo_ids(svc, who) -> set[int]:
    return {item["case_id"] for item in svc.list_todo(who)}


def events(db, action) -> list[tuple[str, dict]]:
    with db.read() as s:
        rows = s.execute(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).scalars()
        return [(e.actor, json.loads(e.payload)) for e in rows]


def test_a_head_with_a_membership_signs_sees_and_hears_of_both_departments(svc, org, notifier):
    before = two_cases(svc, org)
    with pytest.raises(Forbidden) as refused:
        svc.sign(org.head, before[1], stage="head", decision="approve", opinion="同意")
    assert refused.value.code == "not_your_stage"
    assert todo_ids(svc, org.head) == {before[0]}

    added = memberships.add_membership(svc.db, "li", "head", department=DEPT2, by=org.admin)
    assert added.label == f"承办部门负责人（{DEPT2}）"
    mine, other = two_cases(svc, org)
    told = {n.case_id for n in notifier.sent if n.user_id == org.head and n.kind == "todo"}
    assert told == {before[0], mine, other}                      # the DEPT2 case told since the membership
    assert todo_ids(svc, org.head) == {*before, mine, other}
    assert svc.case_view(other, actor_id=org.head)["department"] == DEPT2
    for case_id in (mine, other):
        assert svc.sign(org.head, case_id, stage="head", decision="approve", opinion="同意")["stage"] == "leader_review"
    # the DEPT2 head keeps their power; the membership grants nothing beyond the two departments
    assert svc.sign(org.head_other_dept, before[1], stage="head", decision="approve", opinion="同意")
    user = accounts.get_user(svc.db, org.head)
    assert [m.department for m in user.memberships] == [DEPT2]
    assert user.to_dict()["memberships"] == [{"id": added.id, "role": "head", "department": DEPT2}]


def test_drafter_and_head_memberships_never_sign_two_stages_of_one_case(svc, org):
    memberships.add_membership(svc.db, "zhang", "head", department=DEPT, by=org.admin)
    memberships.add_membership(svc.db, "li", "leader", by=org.admin)
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    with pytest.raises(Forbidden) as own:
        svc.sign(org.drafter, case_id, stage="head", decision="approve", opinion="同意")
    assert own.value.code == "segregation"
    svc.sign(org.head, case_id, stage="head", decision="approve", opinion="同意")
    with pytest.raises(Forbidden) as twice:
        svc.sign(org.head, case_id, stage="leader", decision="approve", opinion="同意公开")
    assert twice.value.code == "segregation"
    assert svc.sign(org.leader, case_id, stage="leader", decision="approve", opinion="同意公开")["stage"] == "approved"
    # li's leader membership signs another case of the unit, whose head stage someone else signed
    other = open_in_dept2(svc, org, CLEAN + "另一份。\n")
    submit(svc, org, other)
    svc.sign(org.head_other_dept, other, stage="head", decision="approve", opinion="同意")
    assert svc.sign(org.head, other, stage="leader", decision="approve", opinion="同意公开")["stage"] == "approved"


def test_removal_takes_the_power_away_and_ends_sessions_and_tokens(svc, org):
    added = memberships.add_membership(svc.db, "li", "head", department=DEPT2, by=org.admin)
    _, other = two_cases(svc, org)
    epoch = accounts.get_user(svc.db, org.head).session_epoch
    token = accounts.create_token(svc.db, "li").secret
    assert other in todo_ids(svc, org.head)

    gone = memberships.remove_membership(svc.db, "li", membership_id=added.id, by=org.admin)
    assert gone.department == DEPT2
    assert accounts.get_user(svc.db, org.head).session_epoch == epoch + 1
    assert accounts.user_for_token(svc.db, token) is None
    assert other not in todo_ids(svc, org.head)
    with pytest.raises(Forbidden):
        svc.sign(org.head, other, stage="head", decision="approve", opinion="同意")
    assert accounts.get_user(svc.db, org.head).memberships == ()


def test_giving_a_membership_ends_sessions_and_is_audited(svc, org):
    epoch = accounts.get_user(svc.db, org.head).session_epoch
    token = accounts.create_token(svc.db, "li").secret
    memberships.add_membership(svc.db, "li", "head", department=DEPT2, by=org.admin)
    assert accounts.get_user(svc.db, org.head).session_epoch == epoch + 1
    assert accounts.user_for_token(svc.db, token) is None
    memberships.remove_membership(svc.db, "li", role="head", department=DEPT2)        # the command line
    (actor, added), = events(svc.db, "user.membership_add")
    assert actor == "root" and added["user"] == "li" and added["role"] == "head" and added["department"] == DEPT2
    (actor, removed), = events(svc.db, "user.membership_remove")
    assert actor == "system" and removed["via"] == "cli" and removed["department"] == DEPT2
    assert svc.verify_audit().ok


def test_memberships_that_are_refused(svc, org):
    db = svc.db
    admin2 = provisioning.add_user(db, "admin2", role="admin", unit=UNIT2).id
    refusals = [
        (lambda: memberships.add_membership(db, "li", "admin", by=org.admin), Invalid, "invalid_role"),
        (lambda: memberships.add_membership(db, "root", "head", department=DEPT, by=org.admin), Invalid,
         "admin_member"),
        (lambda: memberships.add_membership(db, "li", "head", department=DEPT, by=org.admin), Invalid,
         "duplicate_membership"),
        (lambda: memberships.add_membership(db, "li", "head", by=org.admin), Invalid, "department_required"),
        (lambda: memberships.add_membership(db, "li", "head", department="不存在的科", by=org.admin), NotFound,
         "no_such_department"),
        (lambda: memberships.add_membership(db, "li", "head", department=DEPT2, by=admin2), Forbidden, "other_unit"),
        (lambda: memberships.add_membership(db, "li", "head", department=DEPT2, by=org.drafter), Forbidden,
         "admin_required"),
    ]
    for attempt, kind, code in refusals:
        with pytest.raises(kind) as exc:
            attempt()
        assert exc.value.code == code
    memberships.add_membership(db, "li", "leader", by=org.admin)
    with pytest.raises(Invalid) as again:
        memberships.add_membership(db, "li", "leader", by=org.admin)
    assert again.value.code == "duplicate_membership"
    with pytest.raises(NotFound):
        memberships.remove_membership(db, "li", role="head", department=DEPT2, by=org.admin)
    assert [m.role for m in accounts.get_user(db, org.head).memberships] == ["leader"]


def test_a_move_to_another_unit_ends_the_memberships(svc, org):
    memberships.add_membership(svc.db, "li", "head", department=DEPT2, by=org.admin)
    provisioning.set_role(svc.db, "li", "head", unit=UNIT2, department=DEPT)
    assert accounts.get_user(svc.db, org.head).memberships == ()
    (_, payload), = events(svc.db, "user.role")
    assert payload["memberships_removed"] == [f"承办部门负责人（{DEPT2}）"]


def test_a_membership_counts_as_provisioning_for_the_clearance(svc, org):
    """One administrator who, after the case was opened, gave two of its signers the memberships they
    signed with has provisioned the sign-off alone: refused until the secrecy officer confirms."""
    case_id = open_in_dept2(svc, org, CLEAN)
    memberships.add_membership(svc.db, "li", "head", department=DEPT2, by=org.admin)
    memberships.add_membership(svc.db, "zhao", "leader", by=org.admin)
    submit(svc, org, case_id)
    svc.sign(org.head, case_id, stage="head", decision="approve", opinion="同意")
    svc.sign(org.drafter2, case_id, stage="leader", decision="approve", opinion="同意公开")
    answer = svc.clearance(sha(CLEAN))
    assert answer.publishable is False and "同一管理员" in answer.reason
    provisioning.confirm_account(svc.db, "li", by=org.officer)
    provisioning.confirm_account(svc.db, "zhao", by=org.officer)
    assert svc.clearance(sha(CLEAN)).publishable is True


def test_a_secrecy_officer_membership_does_the_officers_work(svc, org):
    """wang (leader) also secrecy officer: answers an escalation and confirms an account, which the
    leader role alone may not."""
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    svc.escalate(org.head, case_id, question="是否涉及工作秘密？")
    with pytest.raises(Forbidden):
        svc.answer_escalation(org.leader, case_id, answer="不涉及")
    memberships.add_membership(svc.db, "li", "leader", by=org.admin)
    with pytest.raises(Forbidden):
        provisioning.confirm_account(svc.db, "li", by=org.leader)
    memberships.add_membership(svc.db, "wang", "secrecy_officer", by=org.admin)
    assert svc.answer_escalation(org.leader, case_id, answer="经保密办确认，不涉及")["stage"] == "head_review"
    provisioning.confirm_account(svc.db, "li", by=org.leader)
    assert [p.user.name for p in provisioning.provisionings(svc.db, officer=org.leader) if p.confirmed_by] == ["li"]
