"""The stage machine of a review case (SPEC §5), pure: no database, no clock.

`transition(stage, event)` says where a case goes, or refuses with `Conflict("wrong_stage")` (HTTP 409).
`authorize(event, actor, case)` says whether this person may cause that event, or refuses with
`Forbidden` (HTTP 403): `not_your_stage`, `segregation` or `forbidden`.
The service checks the stage first, then the person, then the case's content (undisposed findings).

    draft ──submit──▶ head_review ──head approve──▶ leader_review ──leader approve──▶ approved
      ▲                   │ head return                  │ leader return
      └──new version── returned ◀────────────────────────┘
    draft / returned / head_review / leader_review ──escalate──▶ escalated ──answer──▶ (where it was)

Where the unit has the fourth stage switched on (the case keeps the unit's choice from its opening),
the head's approve leads to secrecy_review, signed by the unit's secrecy officer (保密审核):

    head_review ──head approve──▶ secrecy_review ──secrecy approve──▶ leader_review
                                        │ secrecy return ──▶ returned
    any open stage or approved ──withdraw──▶ withdrawn;  an upload with a classification marking ──▶ quarantined
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from screening.review.enums import Decision, Role, SignStage, Stage
from screening.review.errors import Conflict, Forbidden, Invalid


class Event(StrEnum):
    SUBMIT = "submit"                  # the drafter's approve: 承办人初审同意，提交审核
    HEAD_APPROVE = "head_approve"
    HEAD_RETURN = "head_return"
    SECRECY_APPROVE = "secrecy_approve"
    SECRECY_RETURN = "secrecy_return"
    LEADER_APPROVE = "leader_approve"
    LEADER_RETURN = "leader_return"
    NEW_VERSION = "new_version"
    WITHDRAW = "withdraw"
    ESCALATE = "escalate"
    ANSWER = "answer"
    QUARANTINE = "quarantine"
    DISPOSE = "dispose"                # no change of stage
    SET_PUBLICITY = "set_publicity"    # no change of stage
    EDIT = "edit"                      # no change of stage: title, 文号, channel, dates

    @property
    def label(self) -> str:
        return {"submit": "提交审核", "head_approve": "部门负责人审核通过",
                "head_return": "部门负责人退回", "secrecy_approve": "保密审核通过",
                "secrecy_return": "保密审核退回", "leader_approve": "单位负责人审发",
                "leader_return": "单位负责人退回", "new_version": "上传新版本", "withdraw": "撤回",
                "escalate": "报请确定", "answer": "登记报请确定的答复", "quarantine": "隔离",
                "dispose": "处置审查发现", "set_publicity": "确定公开属性",
                "edit": "修改案件信息"}[self.value]


RESUME = "resume"   # target of ANSWER: the stage the case was in before it was escalated

_OPEN = (Stage.DRAFT, Stage.RETURNED)
_REVIEW = (Stage.HEAD_REVIEW, Stage.SECRECY_REVIEW, Stage.LEADER_REVIEW)

TRANSITIONS: dict[tuple[Stage, Event], Stage | str] = {
    (Stage.DRAFT, Event.SUBMIT): Stage.HEAD_REVIEW,
    (Stage.RETURNED, Event.SUBMIT): Stage.HEAD_REVIEW,
    (Stage.HEAD_REVIEW, Event.HEAD_APPROVE): Stage.LEADER_REVIEW,
    (Stage.HEAD_REVIEW, Event.HEAD_RETURN): Stage.RETURNED,
    (Stage.SECRECY_REVIEW, Event.SECRECY_APPROVE): Stage.LEADER_REVIEW,
    (Stage.SECRECY_REVIEW, Event.SECRECY_RETURN): Stage.RETURNED,
    (Stage.LEADER_REVIEW, Event.LEADER_APPROVE): Stage.APPROVED,
    (Stage.LEADER_REVIEW, Event.LEADER_RETURN): Stage.RETURNED,
    **{(s, Event.NEW_VERSION): Stage.DRAFT for s in (*_OPEN, Stage.APPROVED)},
    **{(s, Event.QUARANTINE): Stage.QUARANTINED for s in (*_OPEN, Stage.APPROVED)},
    **{(s, Event.WITHDRAW): Stage.WITHDRAWN
       for s in (*_OPEN, *_REVIEW, Stage.APPROVED, Stage.ESCALATED)},
    **{(s, Event.ESCALATE): Stage.ESCALATED for s in (*_OPEN, *_REVIEW)},
    (Stage.ESCALATED, Event.ANSWER): RESUME,
    **{(s, Event.DISPOSE): s for s in (*_OPEN, *_REVIEW, Stage.ESCALATED)},
    **{(s, Event.SET_PUBLICITY): s for s in _OPEN},
    **{(s, Event.EDIT): s for s in _OPEN},
}

# With the fourth stage, these lead elsewhere.
FOUR_STAGE: dict[tuple[Stage, Event], Stage] = {
    (Stage.HEAD_REVIEW, Event.HEAD_APPROVE): Stage.SECRECY_REVIEW,
}

_WHY_NOT = {
    Stage.APPROVED: "案件已审发完毕",
    Stage.WITHDRAWN: "案件已撤回，不能再办理",
    Stage.QUARANTINED: "案件因含密级标志已隔离，请由保密员按泄密事件处置",
    Stage.ESCALATED: "案件已报请有关主管部门或保密行政管理部门确定，须先登记答复",
}

SIGN_EVENTS: dict[tuple[SignStage, Decision], Event] = {
    (SignStage.DRAFTER, Decision.APPROVE): Event.SUBMIT,
    (SignStage.HEAD, Decision.APPROVE): Event.HEAD_APPROVE,
    (SignStage.HEAD, Decision.RETURN): Event.HEAD_RETURN,
    (SignStage.SECRECY, Decision.APPROVE): Event.SECRECY_APPROVE,
    (SignStage.SECRECY, Decision.RETURN): Event.SECRECY_RETURN,
    (SignStage.LEADER, Decision.APPROVE): Event.LEADER_APPROVE,
    (SignStage.LEADER, Decision.RETURN): Event.LEADER_RETURN,
}
EVENT_STAGE = {event: stage for (stage, _), event in SIGN_EVENTS.items()}


@dataclass(frozen=True, slots=True)
class Actor:
    id: int
    role: Role
    unit_id: int
    department_id: int | None
    active: bool = True


@dataclass(frozen=True, slots=True)
class CaseFacts:
    stage: Stage
    unit_id: int
    department_id: int
    drafter_id: int
    signed: Mapping[int, frozenset[SignStage]] = field(default_factory=dict)  # user id → stages signed
    escalated_by: int | None = None


def sign_event(stage: SignStage, decision: Decision) -> Event:
    try:
        return SIGN_EVENTS[(stage, decision)]
    except KeyError:
        raise Invalid("invalid_decision",
                      "承办人初审只能提交审核，不能退回；如不再公开，请撤回案件") from None


def transition(stage: Stage, event: Event, *, before_escalation: Stage | None = None,
               secrecy: bool = False) -> Stage:
    """The stage after `event`, or Conflict("wrong_stage") with the reason in Chinese. `secrecy`:
    the case has the fourth stage (保密审核)."""
    target = (FOUR_STAGE.get((stage, event)) if secrecy else None) or TRANSITIONS.get((stage, event))
    if target is None:
        why = _WHY_NOT.get(stage, f"案件当前处于「{stage.label}」阶段")
        raise Conflict("wrong_stage", f"不能{event.label}：{why}")
    if target == RESUME:
        if before_escalation is None:
            raise Conflict("wrong_stage", "无法确定报请确定前的阶段")
        return before_escalation
    return Stage(target)


def allowed_events(stage: Stage) -> tuple[Event, ...]:
    """What can happen to a case in `stage` (for the UI's buttons)."""
    return tuple(event for (s, event) in TRANSITIONS if s is stage)


def authorize(event: Event, actor: Actor, case: CaseFacts) -> None:
    """Refuse with Forbidden unless `actor` may cause `event` on `case` (the stage is checked apart)."""
    if not actor.active:
        raise Forbidden("inactive", "该账号已停用")
    same_unit = actor.unit_id == case.unit_id
    same_department = same_unit and actor.department_id == case.department_id
    is_drafter = actor.id == case.drafter_id
    role = actor.role

    if event in EVENT_STAGE:
        _authorize_sign(EVENT_STAGE[event], actor, case, same_unit, same_department, is_drafter)
    elif event in (Event.NEW_VERSION, Event.SET_PUBLICITY, Event.EDIT):
        if not is_drafter:
            raise Forbidden("forbidden", f"只有本案承办人可以{event.label}")
    elif event is Event.WITHDRAW:
        if not (is_drafter or (role is Role.HEAD and same_department)
                or (role is Role.LEADER and same_unit)):
            raise Forbidden("forbidden", "只有本案承办人、承办部门负责人或单位负责人可以撤回案件")
    elif event is Event.ESCALATE:
        if not ((role is Role.SECRECY_OFFICER and same_unit)
                or (role is Role.HEAD and same_department and case.stage is Stage.HEAD_REVIEW)
                or (role is Role.LEADER and same_unit and case.stage is Stage.LEADER_REVIEW)):
            raise Forbidden("forbidden", "只有本单位保密员或正在审核本案的负责人可以报请确定")
    elif event is Event.ANSWER:
        # the answer comes from the secrecy office, never from the reviewer who asked (issue 13)
        if not (role is Role.SECRECY_OFFICER and same_unit):
            raise Forbidden("forbidden", "报请确定的答复须由本单位保密员登记")
    elif event is Event.DISPOSE:
        if not _may_dispose(actor, case, same_unit, same_department, is_drafter):
            raise Forbidden("forbidden", "只有本案承办人、当前环节的审核人或本单位保密员可以处置审查发现")
    elif event is Event.QUARANTINE:
        return  # done by the system on upload; the upload itself is authorized as NEW_VERSION
    else:  # pragma: no cover - every event is handled above
        raise AssertionError(event)


_TELLING = ("segregation", "inactive", "forbidden", "not_your_stage")


def authorize_any(event: Event, actors: Sequence[Actor], case: CaseFacts) -> Actor:
    """A person with several memberships acts as several actors (their primary role first): the
    first one that may cause `event` on `case`, else the most telling refusal of them all (a
    segregation refusal before "not your stage"). The actors of one person share their user id, so
    segregation — one person signs at most one stage of a case — holds whatever their memberships."""
    refusals: list[Forbidden] = []
    for actor in actors:
        try:
            authorize(event, actor, case)
        except Forbidden as exc:
            refusals.append(exc)
        else:
            return actor
    if not refusals:
        raise Forbidden("forbidden", f"您没有可以{event.label}的角色")
    rank = {code: i for i, code in enumerate(_TELLING)}
    raise min(refusals, key=lambda exc: rank.get(exc.code, len(rank)))


def _authorize_sign(stage: SignStage, actor: Actor, case: CaseFacts, same_unit: bool,
                    same_department: bool, is_drafter: bool) -> None:
    role = actor.role
    if stage is SignStage.SECRECY:
        if not (role is Role.SECRECY_OFFICER and same_unit):
            raise Forbidden("not_your_stage", "保密审核只能由本单位保密员签署")
    elif role is Role.SECRECY_OFFICER:
        raise Forbidden("not_your_stage", "保密员可以审查和处置审查发现，但不能代替负责人签署审核环节")
    if stage is SignStage.DRAFTER and not is_drafter:
        raise Forbidden("not_your_stage", "承办人初审只能由本案承办人签署")
    if stage is SignStage.HEAD and not (role is Role.HEAD and same_department):
        raise Forbidden("not_your_stage", "承办部门负责人审核只能由本案承办部门的负责人签署")
    if stage is SignStage.LEADER and not (role is Role.LEADER and same_unit):
        raise Forbidden("not_your_stage", "单位负责人审发只能由本单位负责人签署")
    other = set(case.signed.get(actor.id, frozenset())) - {stage}
    if other or (is_drafter and stage is not SignStage.DRAFTER):
        done = "、".join(s.label for s in SignStage if s in other) or SignStage.DRAFTER.label
        raise Forbidden("segregation", f"同一人只能签署本案的一个环节：您已签署{done}")


def _may_dispose(actor: Actor, case: CaseFacts, same_unit: bool, same_department: bool,
                 is_drafter: bool) -> bool:
    if actor.role is Role.SECRECY_OFFICER:
        return same_unit
    if case.stage in _OPEN:
        return is_drafter
    if case.stage is Stage.HEAD_REVIEW:
        return actor.role is Role.HEAD and same_department
    if case.stage is Stage.LEADER_REVIEW:
        return actor.role is Role.LEADER and same_unit
    return False
