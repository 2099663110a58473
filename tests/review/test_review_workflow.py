"""The pure stage machine: every transition in the table, every one not in it refused (409), and the
person checks (403) as tables."""
from __future__ import annotations

import itertools

import pytest

from screening.review.enums import Decision, Role, SignStage, Stage
from screening.review.errors import Conflict, Forbidden, Invalid
from screening.review.workflow import (FOUR_STAGE, RESUME, TRANSITIONS, Actor, CaseFacts, Event,
                                       allowed_events, authorize, authorize_any, sign_event, transition)

ALLOWED = [
    (Stage.DRAFT, Event.SUBMIT, Stage.HEAD_REVIEW),
    (Stage.RETURNED, Event.SUBMIT, Stage.HEAD_REVIEW),
    (Stage.HEAD_REVIEW, Event.HEAD_APPROVE, Stage.LEADER_REVIEW),
    (Stage.HEAD_REVIEW, Event.HEAD_RETURN, Stage.RETURNED),
    (Stage.SECRECY_REVIEW, Event.SECRECY_APPROVE, Stage.LEADER_REVIEW),
    (Stage.SECRECY_REVIEW, Event.SECRECY_RETURN, Stage.RETURNED),
    (Stage.LEADER_REVIEW, Event.LEADER_APPROVE, Stage.APPROVED),
    (Stage.LEADER_REVIEW, Event.LEADER_RETURN, Stage.RETURNED),
    (Stage.DRAFT, Event.NEW_VERSION, Stage.DRAFT),
    (Stage.RETURNED, Event.NEW_VERSION, Stage.DRAFT),
    (Stage.APPROVED, Event.NEW_VERSION, Stage.DRAFT),
    (Stage.DRAFT, Event.QUARANTINE, Stage.QUARANTINED),
    (Stage.RETURNED, Event.QUARANTINE, Stage.QUARANTINED),
    (Stage.APPROVED, Event.QUARANTINE, Stage.QUARANTINED),
    (Stage.DRAFT, Event.WITHDRAW, Stage.WITHDRAWN),
    (Stage.RETURNED, Event.WITHDRAW, Stage.WITHDRAWN),
    (Stage.HEAD_REVIEW, Event.WITHDRAW, Stage.WITHDRAWN),
    (Stage.SECRECY_REVIEW, Event.WITHDRAW, Stage.WITHDRAWN),
    (Stage.LEADER_REVIEW, Event.WITHDRAW, Stage.WITHDRAWN),
    (Stage.APPROVED, Event.WITHDRAW, Stage.WITHDRAWN),
    (Stage.ESCALATED, Event.WITHDRAW, Stage.WITHDRAWN),
    (Stage.DRAFT, Event.ESCALATE, Stage.ESCALATED),
    (Stage.RETURNED, Event.ESCALATE, Stage.ESCALATED),
    (Stage.HEAD_REVIEW, Event.ESCALATE, Stage.ESCALATED),
    (Stage.SECRECY_REVIEW, Event.ESCALATE, Stage.ESCALATED),
    (Stage.LEADER_REVIEW, Event.ESCALATE, Stage.ESCALATED),
    (Stage.ESCALATED, Event.ANSWER, RESUME),
    *[(s, Event.DISPOSE, s) for s in (Stage.DRAFT, Stage.RETURNED, Stage.HEAD_REVIEW,
                                      Stage.SECRECY_REVIEW, Stage.LEADER_REVIEW, Stage.ESCALATED)],
    (Stage.DRAFT, Event.SET_PUBLICITY, Stage.DRAFT),
    (Stage.RETURNED, Event.SET_PUBLICITY, Stage.RETURNED),
    (Stage.DRAFT, Event.EDIT, Stage.DRAFT),
    (Stage.RETURNED, Event.EDIT, Stage.RETURNED),
]
ALLOWED_PAIRS = {(s, e) for s, e, _ in ALLOWED}
ILLEGAL = [(s, e) for s, e in itertools.product(Stage, Event) if (s, e) not in ALLOWED_PAIRS]


def test_the_table_is_exactly_the_documented_one():
    assert {k: v for k, v in TRANSITIONS.items()} == {(s, e): t for s, e, t in ALLOWED}


@pytest.mark.parametrize("stage,event,target", ALLOWED, ids=lambda x: str(x))
def test_allowed_transition(stage, event, target):
    expected = Stage.HEAD_REVIEW if target == RESUME else target
    assert transition(stage, event, before_escalation=Stage.HEAD_REVIEW) is expected


@pytest.mark.parametrize("stage,event", ILLEGAL, ids=lambda x: str(x))
def test_illegal_transition_is_refused_with_409_and_a_reason(stage, event):
    with pytest.raises(Conflict) as refused:
        transition(stage, event)
    assert refused.value.code == "wrong_stage" and refused.value.status == 409
    assert refused.value.message.startswith("不能")


def test_the_fourth_stage_sits_between_head_and_leader():
    """保密审核 on: the head's approve leads to the secrecy officer, whose approve leads to the leader;
    off (the default): the three-stage flow, and the secrecy stage is never reached."""
    assert FOUR_STAGE == {(Stage.HEAD_REVIEW, Event.HEAD_APPROVE): Stage.SECRECY_REVIEW}
    assert transition(Stage.HEAD_REVIEW, Event.HEAD_APPROVE, secrecy=True) is Stage.SECRECY_REVIEW
    assert transition(Stage.HEAD_REVIEW, Event.HEAD_APPROVE) is Stage.LEADER_REVIEW
    assert transition(Stage.SECRECY_REVIEW, Event.SECRECY_APPROVE, secrecy=True) is Stage.LEADER_REVIEW
    with pytest.raises(Conflict):
        transition(Stage.HEAD_REVIEW, Event.SECRECY_APPROVE, secrecy=True)
    with pytest.raises(Conflict):
        transition(Stage.LEADER_REVIEW, Event.SECRECY_APPROVE)
    assert transition(Stage.ESCALATED, Event.ANSWER, before_escalation=Stage.SECRECY_REVIEW,
                      secrecy=True) is Stage.SECRECY_REVIEW


def test_answer_resumes_where_the_case_was():
    for before in (Stage.DRAFT, Stage.RETURNED, Stage.HEAD_REVIEW, Stage.LEADER_REVIEW):
        assert transition(Stage.ESCALATED, Event.ANSWER, before_escalation=before) is before
    with pytest.raises(Conflict):
        transition(Stage.ESCALATED, Event.ANSWER)


def test_terminal_stages_allow_almost_nothing():
    assert allowed_events(Stage.WITHDRAWN) == ()
    assert allowed_events(Stage.QUARANTINED) == ()
    assert set(allowed_events(Stage.APPROVED)) == {Event.NEW_VERSION, Event.QUARANTINE, Event.WITHDRAW}


@pytest.mark.parametrize("stage,decision,event", [
    (SignStage.DRAFTER, Decision.APPROVE, Event.SUBMIT),
    (SignStage.HEAD, Decision.APPROVE, Event.HEAD_APPROVE),
    (SignStage.HEAD, Decision.RETURN, Event.HEAD_RETURN),
    (SignStage.SECRECY, Decision.APPROVE, Event.SECRECY_APPROVE),
    (SignStage.SECRECY, Decision.RETURN, Event.SECRECY_RETURN),
    (SignStage.LEADER, Decision.APPROVE, Event.LEADER_APPROVE),
    (SignStage.LEADER, Decision.RETURN, Event.LEADER_RETURN),
])
def test_sign_events(stage, decision, event):
    assert sign_event(stage, decision) is event


def test_drafter_return_is_not_a_decision():
    with pytest.raises(Invalid):
        sign_event(SignStage.DRAFTER, Decision.RETURN)


# -- who may do what (pure) --------------------------------------------------------------------------
# unit 1 / department 10 is the case's; department 11 is another of unit 1; unit 2 is elsewhere.
DRAFTER = Actor(1, Role.DRAFTER, 1, 10)
OTHER_DRAFTER = Actor(2, Role.DRAFTER, 1, 10)
HEAD = Actor(3, Role.HEAD, 1, 10)
HEAD_OTHER_DEPT = Actor(4, Role.HEAD, 1, 11)
LEADER = Actor(5, Role.LEADER, 1, None)
OFFICER = Actor(6, Role.SECRECY_OFFICER, 1, None)
ADMIN = Actor(7, Role.ADMIN, 1, None)
HEAD_U2 = Actor(8, Role.HEAD, 2, 10)
LEADER_U2 = Actor(9, Role.LEADER, 2, None)
OFFICER_U2 = Actor(10, Role.SECRECY_OFFICER, 2, None)
INACTIVE_HEAD = Actor(11, Role.HEAD, 1, 10, active=False)
PROMOTED = Actor(3, Role.LEADER, 1, 10)      # the head, later made a leader


def case(stage=Stage.DRAFT, signed=None, escalated_by=None):
    return CaseFacts(stage=stage, unit_id=1, department_id=10, drafter_id=1,
                     signed=signed or {}, escalated_by=escalated_by)


SIGN_RULES = [
    # event, actor, case facts, expected error code or None
    (Event.SUBMIT, DRAFTER, case(), None),
    (Event.SUBMIT, OTHER_DRAFTER, case(), "not_your_stage"),
    (Event.SUBMIT, HEAD, case(), "not_your_stage"),
    (Event.SUBMIT, OFFICER, case(), "not_your_stage"),
    (Event.HEAD_APPROVE, HEAD, case(Stage.HEAD_REVIEW), None),
    (Event.HEAD_RETURN, HEAD, case(Stage.HEAD_REVIEW), None),
    (Event.HEAD_APPROVE, HEAD_OTHER_DEPT, case(Stage.HEAD_REVIEW), "not_your_stage"),
    (Event.HEAD_APPROVE, HEAD_U2, case(Stage.HEAD_REVIEW), "not_your_stage"),
    (Event.HEAD_APPROVE, LEADER, case(Stage.HEAD_REVIEW), "not_your_stage"),
    (Event.HEAD_APPROVE, DRAFTER, case(Stage.HEAD_REVIEW), "not_your_stage"),
    (Event.HEAD_APPROVE, OFFICER, case(Stage.HEAD_REVIEW), "not_your_stage"),
    (Event.HEAD_APPROVE, ADMIN, case(Stage.HEAD_REVIEW), "not_your_stage"),
    (Event.HEAD_APPROVE, INACTIVE_HEAD, case(Stage.HEAD_REVIEW), "inactive"),
    (Event.LEADER_APPROVE, LEADER, case(Stage.LEADER_REVIEW), None),
    (Event.LEADER_RETURN, LEADER, case(Stage.LEADER_REVIEW), None),
    (Event.LEADER_APPROVE, LEADER_U2, case(Stage.LEADER_REVIEW), "not_your_stage"),
    (Event.LEADER_APPROVE, HEAD, case(Stage.LEADER_REVIEW), "not_your_stage"),
    (Event.LEADER_APPROVE, OFFICER, case(Stage.LEADER_REVIEW), "not_your_stage"),
    (Event.LEADER_APPROVE, ADMIN, case(Stage.LEADER_REVIEW), "not_your_stage"),
    # one person, one stage: the head who became a leader cannot sign the leader stage too
    (Event.LEADER_APPROVE, PROMOTED, case(Stage.LEADER_REVIEW, {3: frozenset({SignStage.HEAD})}),
     "segregation"),
    # 保密审核: the unit's secrecy officer only
    (Event.SECRECY_APPROVE, OFFICER, case(Stage.SECRECY_REVIEW), None),
    (Event.SECRECY_RETURN, OFFICER, case(Stage.SECRECY_REVIEW), None),
    (Event.SECRECY_APPROVE, OFFICER_U2, case(Stage.SECRECY_REVIEW), "not_your_stage"),
    (Event.SECRECY_APPROVE, HEAD, case(Stage.SECRECY_REVIEW), "not_your_stage"),
    (Event.SECRECY_APPROVE, LEADER, case(Stage.SECRECY_REVIEW), "not_your_stage"),
    (Event.SECRECY_APPROVE, ADMIN, case(Stage.SECRECY_REVIEW), "not_your_stage"),
    (Event.SECRECY_APPROVE, DRAFTER, case(Stage.SECRECY_REVIEW), "not_your_stage"),
    # the head who became the secrecy officer cannot sign 保密审核 of a case they approved as head
    (Event.SECRECY_APPROVE, Actor(3, Role.SECRECY_OFFICER, 1, None),
     case(Stage.SECRECY_REVIEW, {3: frozenset({SignStage.HEAD})}), "segregation"),
    # signing the same stage again in a later round is fine
    (Event.HEAD_APPROVE, HEAD, case(Stage.HEAD_REVIEW, {3: frozenset({SignStage.HEAD})}), None),
]


@pytest.mark.parametrize("event,actor,facts,code", SIGN_RULES)
def test_who_may_sign(event, actor, facts, code):
    if code is None:
        authorize(event, actor, facts)
        return
    with pytest.raises(Forbidden) as refused:
        authorize(event, actor, facts)
    assert refused.value.code == code and refused.value.status == 403


def test_the_drafter_never_signs_a_review_stage():
    drafter_as_head = Actor(1, Role.HEAD, 1, 10)      # the case's drafter holding a head's role
    with pytest.raises(Forbidden) as refused:
        authorize(Event.HEAD_APPROVE, drafter_as_head, case(Stage.HEAD_REVIEW))
    assert refused.value.code == "segregation"


def test_secrecy_officer_refusal_says_why():
    with pytest.raises(Forbidden) as refused:
        authorize(Event.HEAD_APPROVE, OFFICER, case(Stage.HEAD_REVIEW))
    assert "保密员" in refused.value.message and "不能代替" in refused.value.message


OTHER_RULES = [
    (Event.NEW_VERSION, DRAFTER, case(), True),
    (Event.NEW_VERSION, OTHER_DRAFTER, case(), False),
    (Event.NEW_VERSION, HEAD, case(), False),
    (Event.NEW_VERSION, OFFICER, case(), False),
    (Event.SET_PUBLICITY, DRAFTER, case(), True),
    (Event.SET_PUBLICITY, HEAD, case(), False),
    (Event.EDIT, DRAFTER, case(), True),
    (Event.EDIT, OTHER_DRAFTER, case(), False),
    (Event.EDIT, OFFICER, case(), False),
    (Event.WITHDRAW, DRAFTER, case(), True),
    (Event.WITHDRAW, HEAD, case(), True),
    (Event.WITHDRAW, LEADER, case(), True),
    (Event.WITHDRAW, HEAD_OTHER_DEPT, case(), False),
    (Event.WITHDRAW, LEADER_U2, case(), False),
    (Event.WITHDRAW, OFFICER, case(), False),
    (Event.WITHDRAW, OTHER_DRAFTER, case(), False),
    (Event.ESCALATE, OFFICER, case(Stage.DRAFT), True),
    (Event.ESCALATE, OFFICER, case(Stage.LEADER_REVIEW), True),
    (Event.ESCALATE, OFFICER_U2, case(Stage.HEAD_REVIEW), False),
    (Event.ESCALATE, HEAD, case(Stage.HEAD_REVIEW), True),
    (Event.ESCALATE, HEAD, case(Stage.LEADER_REVIEW), False),
    (Event.ESCALATE, HEAD_OTHER_DEPT, case(Stage.HEAD_REVIEW), False),
    (Event.ESCALATE, LEADER, case(Stage.LEADER_REVIEW), True),
    (Event.ESCALATE, LEADER, case(Stage.HEAD_REVIEW), False),
    (Event.ESCALATE, DRAFTER, case(Stage.DRAFT), False),
    (Event.ANSWER, OFFICER, case(Stage.ESCALATED, escalated_by=3), True),
    (Event.ANSWER, HEAD, case(Stage.ESCALATED, escalated_by=3), False),   # the secrecy office answers
    (Event.ANSWER, LEADER, case(Stage.ESCALATED, escalated_by=3), False),
    (Event.ANSWER, OFFICER_U2, case(Stage.ESCALATED, escalated_by=3), False),
    (Event.ANSWER, DRAFTER, case(Stage.ESCALATED, escalated_by=3), False),
    (Event.DISPOSE, DRAFTER, case(Stage.DRAFT), True),
    (Event.DISPOSE, DRAFTER, case(Stage.RETURNED), True),
    (Event.DISPOSE, DRAFTER, case(Stage.HEAD_REVIEW), False),
    (Event.DISPOSE, OTHER_DRAFTER, case(Stage.DRAFT), False),
    (Event.DISPOSE, HEAD, case(Stage.HEAD_REVIEW), True),
    (Event.DISPOSE, HEAD, case(Stage.DRAFT), False),
    (Event.DISPOSE, HEAD_OTHER_DEPT, case(Stage.HEAD_REVIEW), False),
    (Event.DISPOSE, LEADER, case(Stage.LEADER_REVIEW), True),
    (Event.DISPOSE, LEADER, case(Stage.HEAD_REVIEW), False),
    (Event.DISPOSE, OFFICER, case(Stage.DRAFT), True),
    (Event.DISPOSE, OFFICER, case(Stage.HEAD_REVIEW), True),
    (Event.DISPOSE, OFFICER, case(Stage.ESCALATED), True),
    (Event.DISPOSE, OFFICER, case(Stage.SECRECY_REVIEW), True),
    (Event.DISPOSE, HEAD, case(Stage.SECRECY_REVIEW), False),
    (Event.DISPOSE, LEADER, case(Stage.SECRECY_REVIEW), False),
    (Event.DISPOSE, DRAFTER, case(Stage.SECRECY_REVIEW), False),
    (Event.ESCALATE, OFFICER, case(Stage.SECRECY_REVIEW), True),
    (Event.ESCALATE, HEAD, case(Stage.SECRECY_REVIEW), False),
    (Event.WITHDRAW, HEAD, case(Stage.SECRECY_REVIEW), True),
    (Event.DISPOSE, OFFICER_U2, case(Stage.DRAFT), False),
    (Event.DISPOSE, ADMIN, case(Stage.DRAFT), False),
]


@pytest.mark.parametrize("event,actor,facts,allowed", OTHER_RULES)
def test_who_may_act(event, actor, facts, allowed):
    if allowed:
        authorize(event, actor, facts)
    else:
        with pytest.raises(Forbidden):
            authorize(event, actor, facts)


# -- memberships (兼任): each position is its own actor, segregation stays per person ----------------

PERSON = 7
HEAD_A = Actor(PERSON, Role.HEAD, 1, 10)              # primary: head of 科室A (department 10)
HEAD_B = Actor(PERSON, Role.HEAD, 1, 20)              # membership: head of 科室B (department 20)
DRAFTER_B = Actor(PERSON, Role.DRAFTER, 1, 20)
LEADER = Actor(PERSON, Role.LEADER, 1, None)

MEMBERSHIP_TABLE = [
    # actors, event, case stage, case department, drafter, signed by the person, refusal (None: allowed)
    ((HEAD_A, HEAD_B), Event.HEAD_APPROVE, Stage.HEAD_REVIEW, 10, 1, (), None),
    ((HEAD_A, HEAD_B), Event.HEAD_APPROVE, Stage.HEAD_REVIEW, 20, 1, (), None),
    ((HEAD_A, HEAD_B), Event.HEAD_RETURN, Stage.HEAD_REVIEW, 20, 1, (), None),
    ((HEAD_A, HEAD_B), Event.HEAD_APPROVE, Stage.HEAD_REVIEW, 30, 1, (), "not_your_stage"),
    ((HEAD_A,), Event.HEAD_APPROVE, Stage.HEAD_REVIEW, 20, 1, (), "not_your_stage"),
    ((HEAD_A, HEAD_B), Event.DISPOSE, Stage.HEAD_REVIEW, 20, 1, (), None),
    ((HEAD_A, HEAD_B), Event.WITHDRAW, Stage.HEAD_REVIEW, 20, 1, (), None),
    ((HEAD_A,), Event.WITHDRAW, Stage.HEAD_REVIEW, 20, 1, (), "forbidden"),
    ((HEAD_A, HEAD_B), Event.LEADER_APPROVE, Stage.LEADER_REVIEW, 20, 1, (), "not_your_stage"),
    # drafter of 科室B and head of 科室A: drafts in B, never signs the head stage of their own case
    ((HEAD_A, DRAFTER_B), Event.SUBMIT, Stage.DRAFT, 20, PERSON, (), None),
    ((HEAD_A, Actor(PERSON, Role.HEAD, 1, 20), DRAFTER_B), Event.HEAD_APPROVE, Stage.HEAD_REVIEW, 20, PERSON,
     (SignStage.DRAFTER,), "segregation"),
    ((HEAD_A, DRAFTER_B), Event.HEAD_APPROVE, Stage.HEAD_REVIEW, 10, 1, (), None),
    ((DRAFTER_B,), Event.SUBMIT, Stage.DRAFT, 20, 1, (), "not_your_stage"),
    # head and leader: whoever signed the head stage cannot sign the leader's
    ((HEAD_A, LEADER), Event.LEADER_APPROVE, Stage.LEADER_REVIEW, 10, 1, (SignStage.HEAD,), "segregation"),
    ((HEAD_A, LEADER), Event.LEADER_APPROVE, Stage.LEADER_REVIEW, 10, 1, (), None),
    ((HEAD_A, LEADER), Event.HEAD_APPROVE, Stage.HEAD_REVIEW, 10, 1, (SignStage.LEADER,), "segregation"),
    # a membership is of the person's unit: another unit's case is not theirs
    ((HEAD_A, HEAD_B), Event.HEAD_APPROVE, Stage.HEAD_REVIEW, 20, 1, (), "not_your_stage", 2),
    ((Actor(PERSON, Role.HEAD, 1, 10, active=False), Actor(PERSON, Role.HEAD, 1, 20, active=False)),
     Event.HEAD_APPROVE, Stage.HEAD_REVIEW, 20, 1, (), "inactive"),
]


@pytest.mark.parametrize("row", MEMBERSHIP_TABLE, ids=lambda r: f"{r[1]}-dept{r[3]}-{r[6]}")
def test_each_membership_is_its_own_actor(row):
    actors, event, stage, department, drafter, signed, refusal, *unit = row
    case = CaseFacts(stage=stage, unit_id=unit[0] if unit else 1, department_id=department, drafter_id=drafter,
                     signed={PERSON: frozenset(signed)} if signed else {})
    if refusal is None:
        assert authorize_any(event, actors, case).id == PERSON
    else:
        with pytest.raises(Forbidden) as exc:
            authorize_any(event, actors, case)
        assert exc.value.code == refusal


def test_the_actor_that_may_is_the_one_returned():
    case = CaseFacts(stage=Stage.HEAD_REVIEW, unit_id=1, department_id=20, drafter_id=1)
    assert authorize_any(Event.HEAD_APPROVE, (HEAD_A, HEAD_B), case) is HEAD_B
