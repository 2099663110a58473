"""The optional fourth stage 保密审核 (SPEC §5): switched on per unit, signed by the unit's secrecy
officer between the head and the leader; clearance then needs all four. Off (the default) the
three-stage flow is unchanged, and a switch never changes a case already opened."""
from __future__ import annotations

import pytest

from screening.review import units
from screening.review.errors import Conflict, Forbidden
from screening.web.sheets import sheet_data
from review_helpers import CLEAN, UNIT, UNIT2, open_clean, sha, submit


def four_stages(database, on: bool = True, unit: str = UNIT) -> int:
    return units.set_secrecy_stage(database, unit, on)


def head_approves(svc, org, case_id):
    submit(svc, org, case_id)
    svc.sign(org.head, case_id, stage="head", decision="approve", opinion="同意")


def test_the_secrecy_officer_signs_between_head_and_leader(svc, org, database, notifier):
    four_stages(database)
    case_id = open_clean(svc, org)
    head_approves(svc, org, case_id)
    view = svc.case_view(case_id)
    assert view["stage"] == "secrecy_review" and view["stage_label"] == "保密审核"
    assert view["sign_stages"] == ["drafter", "head", "secrecy", "leader"]
    # the officer hears of it and finds it in the to-do list; the leader does not yet
    assert ("sun", "todo") in [(n.user_name, n.kind) for n in notifier.sent]
    assert [t["action"] for t in svc.list_todo(org.officer) if t["case_id"] == case_id] == ["保密审核（同意或退回）"]
    assert not [t for t in svc.list_todo(org.leader) if t["case_id"] == case_id]
    with pytest.raises(Conflict):   # the leader cannot skip the secrecy office
        svc.sign(org.leader, case_id, stage="leader", decision="approve", opinion="同意公开")
    assert not svc.clearance(sha(CLEAN)).publishable

    svc.sign(org.officer, case_id, stage="secrecy", decision="approve", opinion="经保密审核，同意公开")
    assert svc.case_view(case_id)["stage"] == "leader_review"
    assert [t["case_id"] for t in svc.list_todo(org.leader)] == [case_id]
    svc.sign(org.leader, case_id, stage="leader", decision="approve", opinion="同意公开")
    answer = svc.clearance(sha(CLEAN))
    assert answer.publishable
    assert "四级审核" in answer.reason and "保密员 SUN" in answer.reason and "单位负责人 WANG" in answer.reason

    sheet = sheet_data(svc.case_view(case_id))
    assert [(s.heading, s.name) for s in sheet.signoffs] == [
        ("承办人初审意见", "ZHANG"), ("承办部门负责人审核意见", "LI"), ("保密审核意见", "SUN"),
        ("单位负责人审发意见", "WANG")]


def test_only_the_units_secrecy_officer_signs_it(svc, org, database):
    four_stages(database)
    case_id = open_clean(svc, org)
    head_approves(svc, org, case_id)
    for person in (org.head, org.leader, org.admin, org.drafter):
        with pytest.raises(Forbidden) as refused:
            svc.sign(person, case_id, stage="secrecy", decision="approve", opinion="同意")
        assert refused.value.code in ("not_your_stage", "segregation")
    with pytest.raises(Exception):   # another unit's officer does not even see the case
        svc.sign(org.officer_u2, case_id, stage="secrecy", decision="approve", opinion="同意")


def test_the_secrecy_officer_may_return_the_case(svc, org, database, notifier):
    four_stages(database)
    case_id = open_clean(svc, org)
    head_approves(svc, org, case_id)
    svc.sign(org.officer, case_id, stage="secrecy", decision="return", opinion="附件含内部联系方式，请删除")
    view = svc.case_view(case_id)
    assert view["stage"] == "returned"
    assert ("zhang", "returned") in [(n.user_name, n.kind) for n in notifier.sent]
    answer = svc.clearance(sha(CLEAN))
    assert not answer.publishable and "保密审核" in answer.reason and "SUN" in answer.reason


def test_off_by_default_the_three_stage_flow_is_unchanged(svc, org, database):
    four_stages(database, unit=UNIT2)           # another unit's switch changes nothing here
    case_id = open_clean(svc, org)
    head_approves(svc, org, case_id)
    assert svc.case_view(case_id)["stage"] == "leader_review"
    with pytest.raises(Conflict):
        svc.sign(org.officer, case_id, stage="secrecy", decision="approve", opinion="同意")
    svc.sign(org.leader, case_id, stage="leader", decision="approve", opinion="同意公开")
    answer = svc.clearance(sha(CLEAN))
    assert answer.publishable and "三级审核" in answer.reason and "保密员" not in answer.reason
    assert len(sheet_data(svc.case_view(case_id)).signoffs) == 3


def test_a_case_keeps_the_stages_it_was_opened_with(svc, org, database):
    three = open_clean(svc, org)
    assert four_stages(database) == 1           # one open case keeps its three stages
    four = open_clean(svc, org, text=CLEAN + "（二）\n", title="第二件")
    head_approves(svc, org, three)
    head_approves(svc, org, four)
    assert svc.case_view(three)["stage"] == "leader_review"
    assert svc.case_view(four)["stage"] == "secrecy_review"
    assert four_stages(database, on=False) == 1   # and switching off leaves the four-stage case as it was
    assert svc.case_view(four)["sign_stages"] == ["drafter", "head", "secrecy", "leader"]


def test_the_switch_is_audited_and_only_for_the_units_admin(database, org):
    units.set_secrecy_stage(database, UNIT, True, by=org.admin)
    with pytest.raises(Forbidden):
        units.set_secrecy_stage(database, UNIT2, True, by=org.admin)   # not their unit
    with pytest.raises(Forbidden):
        units.set_secrecy_stage(database, UNIT, False, by=org.officer)
    import sqlalchemy as sa
    from screening.review.models import AuditEvent
    with database.read() as s:
        actions = s.execute(sa.select(AuditEvent.action, AuditEvent.actor)
                            .where(AuditEvent.action == "unit.secrecy_stage")).all()
    assert [tuple(a) for a in actions] == [("unit.secrecy_stage", "root")]
