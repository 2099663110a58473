"""Segregation of duties through the service, on both databases: another unit's case is missing to
the caller (404), then the stage is checked (409), then the person (403)."""
from __future__ import annotations

import pytest

from screening.review.enums import Role
from screening.review.errors import ReviewError
from screening.review.models import User
from review_helpers import WITH_PHONE, open_clean, submit


def reach(svc, org, stage: str) -> int:
    case_id = open_clean(svc, org, WITH_PHONE)
    if stage in ("head_review", "leader_review"):
        submit(svc, org, case_id)
    if stage == "leader_review":
        svc.sign(org.head, case_id, stage="head", decision="approve")
    return case_id


def finding_id(svc, case_id):
    return svc.case_view(case_id)["findings"][0]["id"]


ACTIONS = {
    "sign_drafter": lambda svc, who, c: svc.sign(who, c, stage="drafter", decision="approve"),
    "sign_head": lambda svc, who, c: svc.sign(who, c, stage="head", decision="approve"),
    "sign_leader": lambda svc, who, c: svc.sign(who, c, stage="leader", decision="approve"),
    "return_head": lambda svc, who, c: svc.sign(who, c, stage="head", decision="return", opinion="改"),
    "dispose": lambda svc, who, c: svc.dispose(who, c, finding_id(svc, c), action="dismissed", reason="公开电话"),
    "new_version": lambda svc, who, c: svc.add_version(who, c, data=b"v2", filename="v2.txt"),
    "publicity": lambda svc, who, c: svc.set_publicity(who, c, attribute="主动公开", reason="可以公开"),
    "withdraw": lambda svc, who, c: svc.withdraw(who, c, reason="x"),
    "escalate": lambda svc, who, c: svc.escalate(who, c, question="是否涉密？"),
}

TABLE = [
    # stage, action, who, expected (None = allowed, else (status, code))
    ("draft", "sign_drafter", "drafter2", (403, "not_your_stage")),
    ("draft", "sign_drafter", "head", (403, "not_your_stage")),
    ("draft", "sign_head", "head", (409, "wrong_stage")),
    ("head_review", "sign_head", "head_other_dept", (403, "not_your_stage")),
    ("head_review", "sign_head", "head_u2", (404, "no_such_case")),
    ("head_review", "sign_head", "officer", (403, "not_your_stage")),
    ("head_review", "sign_head", "admin", (403, "not_your_stage")),
    ("head_review", "sign_head", "leader", (403, "not_your_stage")),
    ("head_review", "return_head", "drafter", (403, "not_your_stage")),
    ("head_review", "sign_leader", "leader", (409, "wrong_stage")),
    ("head_review", "sign_drafter", "drafter", (409, "wrong_stage")),
    ("leader_review", "sign_head", "head", (409, "wrong_stage")),
    ("leader_review", "sign_leader", "leader_u2", (404, "no_such_case")),
    ("leader_review", "sign_leader", "officer", (403, "not_your_stage")),
    ("leader_review", "sign_leader", "head", (403, "not_your_stage")),
    ("leader_review", "sign_leader", "leader", None),
    ("draft", "dispose", "drafter", None),
    ("draft", "dispose", "drafter2", (403, "forbidden")),
    ("draft", "dispose", "officer", None),
    ("draft", "dispose", "officer_u2", (404, "no_such_case")),
    ("head_review", "dispose", "drafter", (403, "forbidden")),
    ("head_review", "dispose", "head", None),
    ("head_review", "dispose", "officer", None),
    ("leader_review", "dispose", "leader", None),
    ("draft", "new_version", "drafter2", (403, "forbidden")),
    ("draft", "new_version", "head", (403, "forbidden")),
    ("head_review", "new_version", "drafter", (409, "wrong_stage")),
    ("draft", "publicity", "head", (403, "forbidden")),
    ("head_review", "publicity", "drafter", (409, "wrong_stage")),
    ("draft", "withdraw", "officer", (403, "forbidden")),
    ("draft", "withdraw", "head_other_dept", (403, "forbidden")),
    ("leader_review", "withdraw", "leader", None),
    ("draft", "escalate", "drafter", (403, "forbidden")),
    ("head_review", "escalate", "head", None),
    ("head_review", "escalate", "officer_u2", (404, "no_such_case")),
]


@pytest.mark.parametrize("stage,action,who,expected", TABLE,
                         ids=[f"{s}-{a}-{w}" for s, a, w, _ in TABLE])
def test_segregation(svc, org, stage, action, who, expected):
    case_id = reach(svc, org, stage)
    before = svc.verify_audit().count
    run = lambda: ACTIONS[action](svc, getattr(org, who), case_id)  # noqa: E731
    if expected is None:
        run()
        assert svc.verify_audit().count > before
        return
    with pytest.raises(ReviewError) as refused:
        run()
    assert (refused.value.status, refused.value.code) == expected
    assert svc.verify_audit().count == before      # a refused action leaves no trace but its refusal


def test_one_person_signs_at_most_one_stage_even_after_a_role_change(svc, org, database):
    case_id = reach(svc, org, "leader_review")
    with database.write_session() as s, s.begin():
        head = s.get(User, org.head)
        head.role, head.department_id = Role.LEADER, None
    with pytest.raises(ReviewError) as refused:
        svc.sign(org.head, case_id, stage="leader", decision="approve")
    assert (refused.value.status, refused.value.code) == (403, "segregation")
    assert "已签署承办部门负责人审核" in refused.value.message


def test_deactivated_user_cannot_act(svc, org, database):
    case_id = reach(svc, org, "head_review")
    with database.write_session() as s, s.begin():
        s.get(User, org.head).active = False
    with pytest.raises(ReviewError) as refused:
        svc.sign(org.head, case_id, stage="head", decision="approve")
    assert (refused.value.status, refused.value.code) == (403, "inactive")


def test_only_drafters_open_cases(svc, org):
    for who in (org.head, org.leader, org.officer, org.admin):
        with pytest.raises(ReviewError) as refused:
            svc.open_case(who, title="t", data=b"x", filename="x.txt")
        assert refused.value.status == 403
