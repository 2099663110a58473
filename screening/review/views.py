"""Read models: a case as the API, the UI and the review sheet show it (SPEC §4 `GET /documents/{id}`
plus the fields the 审查单 prints), to-do lists, deadlines and clearance. Functions of a Session."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from screening.review.basis import BASES, citation
from screening.review.deadlines import WorkCalendar
from screening.review.enums import (
    Decision,
    DispositionAction,
    PublicAttribute,
    Role,
    SignStage,
    Stage,
)
from screening.review.errors import Invalid
from screening.review.models import (AuditEvent, Case, Disposition, Finding, ScreeningRun, Signoff, Unit, User,
                                     Version)
from screening.review.positions import departments_as, holding, roles_of

INCIDENT_CLOSED = "case.close_incident"


def closed_incidents() -> sa.Select:
    """Ids of quarantined cases whose incident the secrecy officer has closed."""
    return sa.select(AuditEvent.case_id).where(AuditEvent.action == INCIDENT_CLOSED,
                                               AuditEvent.case_id.is_not(None))

CHINA = timezone(timedelta(hours=8), "CST")
OPEN_STAGES = (Stage.DRAFT, Stage.RETURNED, Stage.HEAD_REVIEW, Stage.SECRECY_REVIEW, Stage.LEADER_REVIEW,
               Stage.ESCALATED)
_SHA256 = re.compile(r"[0-9a-f]{64}")


def iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def china_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def can_view(user: User, case: Case) -> bool:
    """Need to know: the drafter, heads of the case's department, leaders and secrecy officers of
    its unit (as primary role or membership), and whoever has signed or was asked about it."""
    if user.id == case.created_by_id:
        return True
    if user.unit_id != case.unit_id:
        return False
    if roles_of(user) & {Role.LEADER, Role.SECRECY_OFFICER}:
        return True
    if case.department_id in departments_as(user, Role.HEAD):
        return True
    return any(s.by_id == user.id for s in case.signoffs)


def disposition_dict(d: Disposition | None) -> dict | None:
    if d is None:
        return None
    return {"action": str(d.action), "reason": d.reason, "by": d.by.name, "by_name": d.by.label,
            "at": iso(d.at), "version": d.version_number, "automatic": d.automatic}


def finding_dict(f: Finding) -> dict:
    return {
        "id": f.id, "rule": f.rule, "category": f.category, "subtype": f.subtype,
        "severity": f.severity, "source": f.source, "text": f.text,
        "location": {"part": f.part, "page": f.page, "paragraph": f.paragraph,
                     "start": f.start_offset, "end": f.end_offset, **(f.place or {})},
        "message": f.message, "suggestion": f.suggestion, "confidence": f.confidence,
        "explanation": f.explanation, "fingerprint": f.fingerprint,
        "basis": f.basis, "basis_citation": citation(f.basis),
        "version": f.version_number, "disposition": disposition_dict(f.disposition),
    }


def version_dict(v: Version) -> dict:
    run = v.run
    return {
        "number": v.number, "sha256": v.sha256, "size": v.size, "filename": v.filename,
        "format": v.format, "verdict": run.verdict if run else None, "quarantined": v.quarantined,
        "markings": v.markings or [], "uploaded_by": v.uploaded_by.name, "uploaded_at": iso(v.uploaded_at),
        "screening": None if run is None else {
            "engine": run.engine_version, "rules": run.rules_version, "model": run.model_version,
            "at": iso(run.at), "findings": run.finding_count, "notes": list(run.notes or ()),
            "error": None if run.error_code is None else {"code": run.error_code,
                                                            "message": run.error_message},
        },
    }


def signoff_dict(s: Signoff) -> dict:
    return {"stage": str(s.stage), "stage_label": s.stage.label, "decision": str(s.decision),
            "by": s.by.name, "by_name": s.by.label, "at": iso(s.at), "opinion": s.opinion,
            "opinion_kind": str(s.opinion_kind) if s.opinion_kind else None,
            "round": s.round, "version": s.version_number}


def current_run(case: Case) -> ScreeningRun | None:
    """The screening run of the case's current version (None before the first upload is screened)."""
    return case.current.run if case.versions else None


def current_findings(case: Case) -> list[Finding]:
    run = current_run(case)
    return list(run.findings) if run else []


def current_notes(case: Case) -> list[str]:
    """The current version's report notes (what was screened and held nothing to report)."""
    run = current_run(case)
    return list(run.notes or ()) if run else []


def earlier_findings(case: Case) -> list[dict]:
    """Findings of earlier versions that the current version no longer has (fixed in a new version
    or masked by 区分处理), once each, with the version they were last seen in and how they were
    resolved: the history the review sheet keeps."""
    from sqlalchemy.orm import object_session

    current = {f.fingerprint for f in current_findings(case)}
    redacted = set(object_session(case).execute(
        sa.select(Disposition.fingerprint).where(Disposition.case_id == case.id,
                                                 Disposition.action == DispositionAction.REDACTED)).scalars())
    seen: dict[str, dict] = {}
    for version in case.versions[:-1]:
        for f in (version.run.findings if version.run else ()):
            if f.fingerprint in current:
                continue
            d = finding_dict(f)
            gone = d["disposition"]
            if gone and gone["action"] == "fixed" and f.fingerprint in redacted:
                d["disposition"] = gone | {"action": "redacted",
                                           "reason": f"已在第 {gone['version']} 版（区分处理副本）中遮挡"}
            seen[f.fingerprint] = d
    return list(seen.values())


def case_dict(session: Session, case: Case, today: date) -> dict:
    current = case.current
    attr = case.public_attribute
    return {
        "id": case.id, "title": case.title, "doc_number": case.doc_number,
        "unit": case.unit.name, "department": case.department.name,
        "channel": str(case.channel), "channel_label": case.channel.label,
        "carrier": str(case.carrier), "carrier_label": case.carrier.label,
        "drafter": {"id": case.created_by.id, "name": case.created_by.name,
                    "display_name": case.created_by.label},
        "stage": str(case.stage), "stage_label": case.stage.label, "round": case.round,
        "sign_stages": [str(stage) for stage in case.sign_stages],
        "version": current.number, "approved_version": case.approved_version,
        "approved_at": iso(case.approved_at),
        "versions": [version_dict(v) for v in case.versions],
        "findings": [finding_dict(f) for f in current_findings(case)],
        "notes": current_notes(case),
        "earlier_findings": earlier_findings(case),
        "signoffs": [signoff_dict(s) for s in case.signoffs],
        "public_attribute": {
            "attribute": str(attr) if attr else None,
            "basis": case.public_basis, "citation": citation(case.public_basis) if case.public_basis else None,
            "reason": case.public_reason,
            "set_by": None if case.public_set_by_id is None else session.get(User, case.public_set_by_id).name,
            "set_at": iso(case.public_set_at),
            "suggested": None if case.suggested_attribute is None else {
                "attribute": str(case.suggested_attribute), "basis": case.suggested_basis,
                "citation": citation(case.suggested_basis or ""), "reason": case.suggested_reason},
        },
        "formed_on": iso(case.formed_on), "planned_on": iso(case.planned_on),
        "due_date": iso(case.due_date), "due_note": case.due_note,
        "deadline_paused": case.stage is Stage.ESCALATED,
        "overdue": is_overdue(case, today),
        "escalations": [{"question": e.question, "asked_by": e.asked_by.name, "asked_at": iso(e.asked_at),
                         "stage_before": str(e.stage_before), "answer": e.answer,
                         "answered_by": e.answered_by.name if e.answered_by else None,
                         "answered_at": iso(e.answered_at), "paused_workdays": e.paused_workdays}
                        for e in case.escalations],
        "created_at": iso(case.created_at), "updated_at": iso(case.updated_at),
    }


def is_overdue(case: Case, today: date) -> bool:
    return (case.due_date is not None and case.stage in OPEN_STAGES
            and case.stage is not Stage.ESCALATED and case.due_date < today)


def people(s: Session, case: Case, role: Role) -> list[User]:
    """The active users holding `role` for this case (as primary role or membership): its unit (and,
    for heads, its department)."""
    q = sa.select(User).where(holding(role, case.unit_id, case.department_id if role is Role.HEAD else None))
    return list(s.execute(q.order_by(User.id)).scalars())


# -- to-do -------------------------------------------------------------------------------------------

def todo(session: Session, user: User, today: date) -> list[dict]:
    """What waits for this person in each position they hold (primary role and memberships), oldest
    due first."""
    roles = roles_of(user)
    waiting, action = [], {}
    if Role.DRAFTER in roles:
        waiting.append((Case.created_by_id == user.id) & Case.stage.in_([Stage.DRAFT, Stage.RETURNED]))
        action |= {Stage.DRAFT: "处置审查发现并提交审核", Stage.RETURNED: "按退回意见修改后重新提交"}
    if Role.HEAD in roles:
        waiting.append(Case.department_id.in_(departments_as(user, Role.HEAD))
                       & (Case.unit_id == user.unit_id) & (Case.stage == Stage.HEAD_REVIEW))
        action |= {Stage.HEAD_REVIEW: "审核（同意或退回）"}
    if Role.LEADER in roles:
        waiting.append((Case.unit_id == user.unit_id) & (Case.stage == Stage.LEADER_REVIEW))
        action |= {Stage.LEADER_REVIEW: "审发（同意或退回）"}
    if Role.SECRECY_OFFICER in roles:
        waiting.append((Case.unit_id == user.unit_id)
                       & Case.stage.in_([Stage.SECRECY_REVIEW, Stage.ESCALATED, Stage.QUARANTINED])
                       & Case.id.not_in(closed_incidents()))
        action |= {Stage.SECRECY_REVIEW: "保密审核（同意或退回）", Stage.ESCALATED: "登记报请确定的答复",
                   Stage.QUARANTINED: "按泄密事件处置涉密文件"}
    if not waiting:
        return []
    q = sa.select(Case).where(sa.or_(*waiting))
    cases = session.execute(q.order_by(Case.due_date.is_(None), Case.due_date, Case.id)).scalars()
    return [{"case_id": c.id, "title": c.title, "doc_number": c.doc_number, "stage": str(c.stage),
             "stage_label": c.stage.label, "action": action[c.stage], "due_date": iso(c.due_date),
             "overdue": is_overdue(c, today)} for c in cases]


# -- deadlines ---------------------------------------------------------------------------------------

def due_report(session: Session, calendar: WorkCalendar, today: date, *, within: int = 3,
               unit_id: int | None = None) -> dict:
    """Open 主动公开 cases that are overdue, due within `within` working days, or paused."""
    q = sa.select(Case).where(Case.stage.in_(OPEN_STAGES), Case.due_date.is_not(None))
    if unit_id is not None:
        q = q.where(Case.unit_id == unit_id)
    soon_limit = calendar.add_workdays(today, within).due
    out: dict[str, list[dict]] = {"overdue": [], "due_soon": [], "paused": []}
    for case in session.execute(q.order_by(Case.due_date, Case.id)).scalars():
        item = {"case_id": case.id, "title": case.title, "stage": str(case.stage),
                "due_date": iso(case.due_date), "due_note": case.due_note,
                "unit": case.unit.name, "department": case.department.name}
        if case.stage is Stage.ESCALATED:
            out["paused"].append(item)
        elif case.due_date < today:
            item["workdays_late"] = calendar.workdays_between(case.due_date + timedelta(days=1),
                                                              today + timedelta(days=1))
            out["overdue"].append(item)
        elif case.due_date <= soon_limit:
            out["due_soon"].append(item)
    return out


# -- monthly summary (保密审查汇总表) ------------------------------------------------------------------

def approved_in_month(session: Session, unit: str, month: str) -> list[dict]:
    """The rows of a unit's monthly summary: cases approved (审发) in `month` ("YYYY-MM", China time)
    and still approved, with the three signers. The keys are those of screening.sheet.summary.SummaryRow;
    `published_on` is the planned publication date, or the approval date when none was given."""
    match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", month)
    if not match:
        raise Invalid("invalid_month", "月份格式应为 YYYY-MM")
    year, mon = int(match[1]), int(match[2])
    start = datetime(year, mon, 1, tzinfo=CHINA)
    end = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=CHINA)
    q = (sa.select(Case).join(Unit, Case.unit_id == Unit.id).where(
        Unit.name == unit, Case.stage == Stage.APPROVED,
        Case.approved_at >= start, Case.approved_at < end).order_by(Case.approved_at, Case.id))
    rows = []
    for case in session.execute(q).scalars():
        signed = {s.stage: s.by.label for s in case.signoffs
                  if s.round == case.round and s.decision is Decision.APPROVE}
        approved_on = china_date(case.approved_at)
        redacted = any(f.disposition is not None and f.disposition.action is DispositionAction.REDACTED
                       for f in current_findings(case))
        attribute = case.public_attribute
        outcome = ("不予公开" if attribute is PublicAttribute.NOT_PUBLIC
                   else "区分处理后公开" if redacted else "同意公开")
        rows.append({
            "published_on": case.planned_on if case.planned_on and case.planned_on >= approved_on
            else approved_on,
            "title": case.title, "channel": case.channel, "public_attribute": attribute,
            "outcome": outcome, "doc_number": case.doc_number or "",
            "drafter": signed.get(SignStage.DRAFTER, ""), "head": signed.get(SignStage.HEAD, ""),
            "leader": signed.get(SignStage.LEADER, ""), "secrecy": signed.get(SignStage.SECRECY, ""),
            "department": case.department.name,
            "case_id": case.id,
        })
    return rows


OTHER_OUTCOMES = (("退回", "returned"), ("筛查拦截", "blocked"), ("报请确定", "escalated"), ("隔离", "quarantined"))


def month_outcomes(session: Session, unit: str, month: str) -> tuple[tuple[str, int], ...]:
    """How many distinct cases of the unit were returned, blocked by the screening (a version with a
    `block` verdict), escalated or quarantined in `month` (China time), from the audit trail."""
    import json

    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=CHINA)
    end = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=CHINA)
    events = session.execute(
        sa.select(AuditEvent.action, AuditEvent.case_id, AuditEvent.payload)
        .join(Case, AuditEvent.case_id == Case.id).join(Unit, Case.unit_id == Unit.id)
        .where(Unit.name == unit, AuditEvent.at >= start, AuditEvent.at < end,
               AuditEvent.action.in_(["case.sign", "version.add", "case.escalate", "version.quarantine"]))).all()
    found: dict[str, set[int]] = {key: set() for _, key in OTHER_OUTCOMES}
    for action, case_id, payload in events:
        data = json.loads(payload)
        if action == "case.sign" and data.get("decision") == "return":
            found["returned"].add(case_id)
        elif action == "version.add" and data.get("verdict") == "block":
            found["blocked"].add(case_id)
        elif action == "case.escalate":
            found["escalated"].add(case_id)
        elif action == "version.quarantine":
            found["quarantined"].add(case_id)
    return tuple((label, len(found[key])) for label, key in OTHER_OUTCOMES)


# -- clearance ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Clearance:
    publishable: bool
    case_id: int | None
    reason: str
    version: int | None = None

    def to_dict(self) -> dict:
        return {"publishable": self.publishable, "document": self.case_id, "reason": self.reason,
                "version": self.version}


def clearance(session: Session, sha256: str) -> Clearance:
    """May the file with this hash be published? Only the exact version approved by all three stages,
    while it is still the case's current version and the case is not withdrawn or returned."""
    digest = sha256.strip().lower()
    if not _SHA256.fullmatch(digest):
        raise Invalid("invalid_sha256", "sha256 应为 64 位十六进制字符串")
    versions = session.execute(sa.select(Version).where(Version.sha256 == digest)
                               .order_by(Version.id.desc())).scalars().all()
    if not versions:
        return Clearance(False, None, "未找到该文件的保密审查记录：未经审查的信息不得公开")
    answers = [_clear_one(session, v) for v in versions]
    for answer in answers:
        if answer.publishable:
            return answer
    return answers[0]


def _clear_one(session: Session, v: Version) -> Clearance:
    case = v.case
    current = case.current

    def no(reason: str) -> Clearance:
        return Clearance(False, case.id, reason, v.number)

    if v.quarantined:
        return no("该文件含密级标志，已按涉密文件隔离，严禁公开")
    if v.number != current.number:
        return no(f"该文件是本案第 {v.number} 版，案件已有更新的第 {current.number} 版，此版本不得公开")
    if case.stage is Stage.WITHDRAWN:
        return no("案件已撤回，不得公开")
    if case.stage is Stage.RETURNED:
        last = next((s for s in reversed(case.signoffs) if s.decision is Decision.RETURN), None)
        who = f"（{last.stage.label}：{last.by.label}，意见：{last.opinion}）" if last else ""
        return no(f"案件已被退回{who}，须修改后重新审核")
    if case.stage is Stage.ESCALATED:
        return no("案件已报请有关主管部门或保密行政管理部门确定，尚无结论，不得公开")
    if case.stage is Stage.QUARANTINED:
        return no("案件已隔离，不得公开")
    stages = case.sign_stages
    levels = "四级" if len(stages) == 4 else "三级"
    if case.stage is not Stage.APPROVED or case.approved_version != v.number:
        return no(f"尚未完成{'、'.join(s.label for s in stages)}{levels}审核（当前：{case.stage.label}）")
    signed = {s.stage: s for s in case.signoffs
              if s.round == case.round and s.decision is Decision.APPROVE and s.version_number == v.number}
    if set(signed) != set(stages):
        return no("审核记录不完整，不得公开")
    provisioner = single_hand(case, [sig.by for sig in signed.values()])
    if provisioner is not None:
        return no(f"签署本案的多个账号是在案件开启后由同一管理员（{provisioner}）开设或变更角色的，"
                  "须经本单位保密员确认这些账号后方可公开")
    if case.public_attribute is PublicAttribute.NOT_PUBLIC:
        basis = f"（依据{BASES[case.public_basis].citation}）" if case.public_basis in BASES else ""
        return no(f"审核结论为不予公开{basis}")
    leader = signed[SignStage.LEADER]
    when = leader.at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    return Clearance(True, case.id,
                     f"第 {v.number} 版已于 {when} 完成{levels}审核（"
                     + "、".join(f"{stage.signer} {signed[stage].by.label}" for stage in stages) + "），"
                     f"公开属性：{case.public_attribute}", v.number)


def single_hand(case: Case, signers: list[User]) -> str | None:
    """The multi-person rule (ASVS V2.3.5) must not be bypassed by provisioning: the name of an
    administrator who, after the case was opened, created or re-roled two or more of its signers —
    or one, being a signer themself — with no secrecy officer's confirmation of those accounts
    since; else None. (Accounts made at the command line, by the deployment's operator, are not
    counted: whoever runs the command line holds the keys anyway.)"""
    opened = case.created_at
    signer_ids = {u.id for u in signers}
    hands: dict[int | None, int] = {}
    for user in signers:
        late = user.provisioned_at is not None and user.provisioned_at > opened
        if late and user.provisioned_by_id is not None and user.provision_confirmed_at is None:
            hands[user.provisioned_by_id] = hands.get(user.provisioned_by_id, 0) + 1
    session = object_session(case)
    for by, count in hands.items():
        if count + (1 if by in signer_ids else 0) >= 2:
            admin = session.get(User, by) if session is not None else None
            return admin.label if admin is not None else f"用户 {by}"
    return None


def blocking_findings(case: Case) -> list[Finding]:
    """High findings of the current version that are neither fixed nor dismissed."""
    return [f for f in current_findings(case) if f.severity == "high"
            and (f.disposition is None
                 or f.disposition.action not in (DispositionAction.FIXED, DispositionAction.DISMISSED))]
