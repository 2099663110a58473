"""clearance(sha256): true only for the exact version approved by all three stages, while it stands."""
from __future__ import annotations

import pytest

from screening.review.errors import Invalid
from review_helpers import CLEAN, WITH_ID, approve_all, open_clean, sha, submit

V2 = CLEAN + "（已修改）\n"


def check(svc, text):
    return svc.clearance(sha(text))


def test_unknown_hash(svc, org):
    answer = svc.clearance("0" * 64)
    assert (answer.publishable, answer.case_id) == (False, None)
    assert "未找到" in answer.reason
    assert answer.to_dict() == {"publishable": False, "document": None, "reason": answer.reason,
                                "version": None}


@pytest.mark.parametrize("bad", ["", "abc", "g" * 64, "0" * 63])
def test_malformed_hash(svc, bad):
    with pytest.raises(Invalid):
        svc.clearance(bad)


def test_approved_version_is_publishable_exactly(svc, org):
    case_id = open_clean(svc, org)
    approve_all(svc, org, case_id)
    answer = check(svc, CLEAN)
    assert (answer.publishable, answer.case_id, answer.version) == (True, case_id, 1)
    assert "三级审核" in answer.reason and "ZHANG" in answer.reason and "WANG" in answer.reason
    assert svc.clearance(sha(CLEAN).upper()).publishable
    assert not check(svc, CLEAN + " ").publishable          # one byte different: unknown


@pytest.mark.parametrize("steps,stage_word", [
    (0, "承办人初审"), (1, "承办部门负责人审核"), (2, "单位负责人审发")])
def test_not_yet_approved(svc, org, steps, stage_word):
    case_id = open_clean(svc, org)
    signers = [("drafter", org.drafter), ("head", org.head)]
    for stage, who in signers[:steps]:
        svc.sign(who, case_id, stage=stage, decision="approve")
    answer = check(svc, CLEAN)
    assert not answer.publishable and answer.case_id == case_id
    assert "尚未完成" in answer.reason and stage_word in answer.reason


def test_a_newer_version_makes_the_approved_one_unpublishable(svc, org):
    case_id = open_clean(svc, org)
    approve_all(svc, org, case_id)
    svc.add_version(org.drafter, case_id, data=V2.encode(), filename="v2.txt")
    old = check(svc, CLEAN)
    assert not old.publishable and "更新的第 2 版" in old.reason
    assert not check(svc, V2).publishable
    assert svc.case_view(case_id)["stage"] == "draft"
    approve_all(svc, org, case_id)
    assert check(svc, V2).publishable and not check(svc, CLEAN).publishable


def test_withdrawal_revokes_clearance(svc, org):
    case_id = open_clean(svc, org)
    approve_all(svc, org, case_id)
    svc.withdraw(org.leader, case_id, reason="情况变化，暂不公开")
    answer = check(svc, CLEAN)
    assert not answer.publishable and "撤回" in answer.reason


def test_a_return_says_who_and_why(svc, org):
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    svc.sign(org.head, case_id, stage="head", decision="approve")
    svc.sign(org.leader, case_id, stage="leader", decision="return", opinion="数据需核实")
    answer = check(svc, CLEAN)
    assert not answer.publishable and "退回" in answer.reason and "数据需核实" in answer.reason


def test_approved_not_to_publish_is_not_publishable(svc, org):
    case_id = open_clean(svc, org, WITH_ID)
    finding = svc.case_view(case_id)["findings"][0]
    svc.dispose(org.drafter, case_id, finding["id"], action="redacted", reason="公开时遮挡")
    svc.set_publicity(org.drafter, case_id, attribute="不予公开", basis="art15", reason="涉及个人隐私")
    svc.add_version(org.drafter, case_id, data=CLEAN.encode(), filename="v2.txt")
    svc.sign(org.drafter, case_id, stage="drafter", decision="approve")
    svc.sign(org.head, case_id, stage="head", decision="approve")
    out = svc.sign(org.leader, case_id, stage="leader", decision="approve")
    assert out["signoff"]["opinion_kind"] == "不予公开"
    answer = check(svc, CLEAN)
    assert not answer.publishable and "不予公开" in answer.reason and "第十五条" in answer.reason


def test_escalated_case_is_not_publishable(svc, org):
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    svc.escalate(org.officer, case_id, question="是否涉密？")
    assert "报请" in check(svc, CLEAN).reason


def test_the_same_file_in_two_cases(svc, org):
    first = open_clean(svc, org)
    approve_all(svc, org, first)
    second = open_clean(svc, org, title="同一文件再次送审")
    answer = check(svc, CLEAN)
    assert answer.publishable and answer.case_id == first
    svc.withdraw(org.drafter, first)
    answer = check(svc, CLEAN)
    assert not answer.publishable and answer.case_id == second
