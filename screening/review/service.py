"""The review service: one method per user action, each one transaction (rows, audit events and
in-app notices commit together), taking the acting user's id. Screening (extraction and the engine)
runs before the transaction opens, so no lock is held while a file is read.

The dependencies are passed in (the engine, the file store, the calendar, the notifier, the clock),
so the web layer builds one service in `create_app()` and tests pass fakes where the engine is not
the subject. Refusals raise `screening.review.errors.ReviewError` subclasses carrying code and status.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from screening.errors import UnreadableDocument
from screening.review import audit, views
from screening.review.basis import BASES
from screening.review.config import ReviewConfig
from screening.review.db import Database
from screening.review.deadlines import WorkCalendar
from screening.review.enums import (
    Carrier,
    Channel,
    Decision,
    DispositionAction,
    OpinionKind,
    PublicAttribute,
    Role,
    SignStage,
    Stage,
)
from screening.review.errors import Conflict, Forbidden, Invalid, NotFound, Unreadable
from screening.review.models import (
    AUDIT_PURPOSE,
    FINDINGS_PURPOSE,
    AuditEvent,
    use_sealer,
    Case,
    Department,
    Disposition,
    Escalation,
    Finding,
    Notification,
    Signoff,
    Unit,
    User,
)
from screening.review.notify import InAppNotifier, Notifier
from screening.review.positions import actors_of, departments_as, roles_of
from screening.review.provisioning import find_department
from screening.review.publicity import FindingState, finding_label, is_hint, suggest
from screening.review.storage import BlobStore, open_store
from screening.review.tx import Tx, transaction
from screening.review.versions import Upload, attach
from screening.review.workflow import (
    Actor,
    CaseFacts,
    Event,
    authorize_any,
    sign_event,
    transition,
)
from screening.types import Document, Report


class Screener(Protocol):
    """What the service needs of `screening.engine.Engine`."""

    @property
    def versions(self) -> Mapping[str, str]: ...

    def screen(self, doc: Document) -> Report: ...


Extractor = Callable[[bytes, str], Document]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ReviewService:
    def __init__(self, db: Database, engine: Screener, store: BlobStore, *,
                 extract: Extractor | None = None, calendar: WorkCalendar | None = None,
                 notifier: Notifier | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.engine = engine
        self.store = store
        use_sealer(db.engine, store.sealer(FINDINGS_PURPOSE))   # finding texts sealed at rest
        self._extract = extract
        self.calendar = calendar if calendar is not None else WorkCalendar()
        self.notifier = notifier if notifier is not None else InAppNotifier()
        self.clock = clock or utcnow

    @classmethod
    def from_config(cls, config: ReviewConfig, engine: Screener, **kwargs: Any) -> ReviewService:
        kwargs.setdefault("calendar", WorkCalendar([config.holidays_dir]))
        db = Database.from_url(config.database_url)
        store = open_store(config.storage, root=config.files_dir, engine=db.engine, key=config.storage_key())
        return cls(db, engine, store, **kwargs)

    def close(self) -> None:
        self.db.dispose()

    # -- actions ----------------------------------------------------------------------------------

    def open_case(self, actor_id: int, *, title: str, data: bytes, filename: str,
                  doc_number: str | None = None, department: str | None = None,
                  channel: Channel | str = Channel.WEBSITE, carrier: Carrier | str = Carrier.OFFICIAL,
                  formed_on: date | None = None, planned_on: date | None = None) -> Upload:
        """A drafter opens a case with version 1 of the file; it is screened at once."""
        title = (title or "").strip()
        if not title:
            raise Invalid("title_required", "请填写信息名称（标题）")
        _limit(title, 500, "信息名称")
        _limit(doc_number or "", 200, "文号")
        channel, carrier = _enum(Channel, channel, "channel"), _enum(Carrier, carrier, "carrier")
        with self.db.read() as s:
            self._may_open(self._user(s, actor_id))
        report = self.screen(data, filename)
        now = self.clock()
        with transaction(self.db, now, self.notifier) as tx:
            s = tx.session
            user = self._user(s, actor_id)
            self._may_open(user)
            dept = self._department(s, user, department)
            case = Case(unit_id=user.unit_id, department_id=dept.id, created_by_id=user.id,
                        title=title, doc_number=(doc_number or "").strip() or None, channel=channel,
                        carrier=carrier, stage=Stage.DRAFT, formed_on=formed_on or views.china_date(now),
                        planned_on=planned_on, secrecy_stage=user.unit.secrecy_stage,
                        created_at=now, updated_at=now)
            s.add(case)
            s.flush()
            tx.record("case.open", user, case.id, title=title, doc_number=case.doc_number,
                      department=dept.name, channel=str(channel), carrier=str(carrier),
                      formed_on=case.formed_on.isoformat(), planned_on=views.iso(planned_on),
                      stages=[str(stage) for stage in case.sign_stages])
            return self._upload(tx, case, user, data, filename, report)

    def add_version(self, actor_id: int, case_id: int, *, data: bytes, filename: str) -> Upload:
        """The drafter uploads a revised file: screened, dispositions carried over by fingerprint,
        earlier findings that are gone marked `fixed`. An approved case goes back to draft."""
        with self.db.read() as s:
            case = self._case(s, case_id, lock=False)
            self._check(Event.NEW_VERSION, case, self._user(s, actor_id))
        report = self.screen(data, filename)
        with transaction(self.db, self.clock(), self.notifier) as tx:
            s = tx.session
            case, user = self._case(s, case_id), self._user(s, actor_id)
            self._check(Event.NEW_VERSION, case, user)
            if hashlib.sha256(data).hexdigest() == case.current.sha256:
                raise Conflict("same_file", f"上传的文件与当前第 {case.current.number} 版完全相同")
            return self._upload(tx, case, user, data, filename, report)

    def edit_case(self, actor_id: int, case_id: int, **changes: Any) -> dict:
        """The drafter corrects the case's particulars while it is with them: `title`, `doc_number`,
        `channel`, `carrier`, `formed_on`, `planned_on`. The audit event keeps old and new values."""
        editable = {"title", "doc_number", "channel", "carrier", "formed_on", "planned_on"}
        unknown = set(changes) - editable
        if unknown:
            raise Invalid("invalid_field", f"不能修改：{'、'.join(sorted(unknown))}")
        if "title" in changes and not (changes["title"] or "").strip():
            raise Invalid("title_required", "请填写信息名称（标题）")
        _limit(changes.get("title") or "", 500, "信息名称")
        _limit(changes.get("doc_number") or "", 200, "文号")
        if "formed_on" in changes and not isinstance(changes["formed_on"], date):
            raise Invalid("invalid_formed_on", "形成日期应为日期")
        if changes.get("planned_on") is not None and not isinstance(changes["planned_on"], date):
            raise Invalid("invalid_planned_on", "拟公开时间应为日期")
        values = dict(changes)
        if "channel" in values:
            values["channel"] = _enum(Channel, values["channel"], "channel")
        if "carrier" in values:
            values["carrier"] = _enum(Carrier, values["carrier"], "carrier")
        if "title" in values:
            values["title"] = values["title"].strip()
        if "doc_number" in values:
            values["doc_number"] = (values["doc_number"] or "").strip() or None
        with transaction(self.db, self.clock(), self.notifier) as tx:
            case, user = self._case(tx.session, case_id), self._user(tx.session, actor_id)
            self._check(Event.EDIT, case, user)
            diff = {}
            for name, value in values.items():
                old = getattr(case, name)
                if old != value:
                    diff[name] = {"old": _plain(old), "new": _plain(value)}
                    setattr(case, name, value)
            if diff:
                self._refresh_deadline(case)
                self._touch(case, tx.now)
                tx.record("case.edit", user, case.id, changes=diff)
            return {"changed": sorted(diff), "due_date": views.iso(case.due_date)}

    def dispose(self, actor_id: int, case_id: int, finding_id: int, *,
                action: DispositionAction | str, reason: str = "") -> dict:
        """Record a decision on a finding of the current version (and on every finding of that version
        with the same fingerprint). `dismissed` needs a written reason; `fixed` is the system's."""
        return self.dispose_many(actor_id, case_id, [finding_id], action=action, reason=reason)[0]

    def dispose_many(self, actor_id: int, case_id: int, finding_ids: Sequence[int], *,
                     action: DispositionAction | str, reason: str = "") -> list[dict]:
        """The same decision on several findings of the current version in one transaction (the bulk
        actions of the case page); each finding gets its own disposition and its own audit event."""
        action = _enum(DispositionAction, action, "action")
        reason = (reason or "").strip()
        if action is DispositionAction.FIXED:
            raise Invalid("invalid_action", "“已修改”由系统在上传新版本时自动认定，不能手工设置")
        if action is DispositionAction.DISMISSED and not reason:
            raise Invalid("reason_required", "驳回（认定不涉密、不敏感）须写明理由")
        if not finding_ids:
            raise Invalid("no_findings", "请选择要处置的审查发现")
        with transaction(self.db, self.clock(), self.notifier) as tx:
            s = tx.session
            case, user = self._case(s, case_id), self._user(s, actor_id)
            self._check(Event.DISPOSE, case, user)
            current_run = case.current.run
            out, done = [], set()
            for finding_id in dict.fromkeys(finding_ids):
                finding = s.get(Finding, finding_id)
                if finding is None or finding.case_id != case.id:
                    raise NotFound("no_such_finding", f"本案没有编号为 {finding_id} 的审查发现")
                if current_run is None or finding.run_id != current_run.id:
                    raise Conflict("stale_finding",
                                   f"只能处置当前第 {case.current.number} 版的审查发现")
                if finding.fingerprint in done:
                    continue
                done.add(finding.fingerprint)
                disposition = Disposition(case_id=case.id, fingerprint=finding.fingerprint,
                                          version_number=case.current.number, action=action,
                                          reason=reason, by_id=user.id, at=tx.now)
                s.add(disposition)
                s.flush()
                for f in current_run.findings:
                    if f.fingerprint == finding.fingerprint:
                        f.disposition = disposition
                tx.record("finding.dispose", user, case.id, finding_id=finding.id, rule=finding.rule,
                          fingerprint=finding.fingerprint, version=case.current.number,
                          action=str(action), reason=reason, **({"bulk": True} if len(finding_ids) > 1 else {}))
                out.append(views.disposition_dict(disposition) | {"finding_id": finding.id})
            self._refresh_publicity(case)
            self._touch(case, tx.now)
            return out

    def set_publicity(self, actor_id: int, case_id: int, *, attribute: PublicAttribute | str,
                      basis: str | None = None, reason: str = "") -> dict:
        """The drafter confirms or changes the suggested 公开属性. Departing from the suggestion needs
        a written reason; 不予公开 needs a basis (第十四、十五、十六条)."""
        attribute = _enum(PublicAttribute, attribute, "attribute")
        reason = (reason or "").strip()
        with transaction(self.db, self.clock(), self.notifier) as tx:
            case, user = self._case(tx.session, case_id), self._user(tx.session, actor_id)
            self._check(Event.SET_PUBLICITY, case, user)
            suggested = case.suggested_attribute
            if attribute is not suggested and not reason:
                raise Invalid("reason_required",
                              f"公开属性与系统建议（{suggested}）不同，须写明理由")
            if basis is None:
                basis = case.suggested_basis if attribute is suggested else \
                    {PublicAttribute.PROACTIVE: "art19", PublicAttribute.ON_REQUEST: "art27"}.get(attribute)
            withholding = attribute is PublicAttribute.NOT_PUBLIC
            if basis not in BASES or withholding != (BASES[basis].attribute is PublicAttribute.NOT_PUBLIC):
                raise Invalid("basis_required", "不予公开须选择依据（条例第十四条、第十五条或第十六条）；"
                                                "公开则不能引用不予公开的条款")
            case.public_attribute, case.public_basis = attribute, basis
            case.public_reason = reason or case.suggested_reason
            case.public_set_by_id, case.public_set_at = user.id, tx.now
            self._refresh_deadline(case)
            self._touch(case, tx.now)
            tx.record("case.publicity", user, case.id, attribute=str(attribute), basis=basis,
                      reason=reason, suggested=str(suggested) if suggested else None)
            return {"attribute": str(attribute), "basis": basis, "citation": BASES[basis].citation,
                    "reason": case.public_reason, "due_date": views.iso(case.due_date)}

    def sign(self, actor_id: int, case_id: int, *, stage: SignStage | str, decision: Decision | str,
             opinion: str = "", opinion_kind: OpinionKind | str | None = None) -> dict:
        """Sign a stage: approve (the case moves on; the drafter's approve submits it) or return it to
        the drafter with an opinion."""
        stage = _enum(SignStage, stage, "stage")
        decision = _enum(Decision, decision, "decision")
        kind = None if opinion_kind in (None, "") else _enum(OpinionKind, opinion_kind, "opinion_kind")
        event = sign_event(stage, decision)
        opinion = (opinion or "").strip()
        with transaction(self.db, self.clock(), self.notifier) as tx:
            s = tx.session
            case, user = self._case(s, case_id), self._user(s, actor_id)
            target = self._check(event, case, user)
            if decision is Decision.RETURN and not opinion:
                raise Invalid("opinion_required", "退回须填写意见")
            version = case.current
            if decision is Decision.APPROVE:
                self._may_approve(case)
                kind = self._approve_kind(case, kind)
            if event is Event.SUBMIT:
                case.round += 1
                if case.public_attribute is None:
                    self._adopt_suggestion(tx, case, user)
            signoff = Signoff(case_id=case.id, round=case.round, version_number=version.number,
                              stage=stage, decision=decision, opinion_kind=kind, opinion=opinion,
                              by_id=user.id, at=tx.now)
            s.add(signoff)
            case.stage = target
            if event is Event.LEADER_APPROVE:
                case.approved_version, case.approved_at = version.number, tx.now
            self._touch(case, tx.now)
            tx.record("case.sign", user, case.id, stage=str(stage), decision=str(decision),
                      opinion=opinion, opinion_kind=str(kind) if kind else None,
                      version=version.number, sha256=version.sha256, round=case.round,
                      stage_after=str(target))
            self._notify_sign(tx, case, user, event, opinion)
            s.flush()
            return {"stage": str(case.stage), "signoff": views.signoff_dict(signoff)}

    def escalate(self, actor_id: int, case_id: int, *, question: str) -> dict:
        """报请确定 (条例第十七条): the deadline pauses until the answer is recorded."""
        question = (question or "").strip()
        if not question:
            raise Invalid("question_required", "请写明需要报请确定的问题")
        with transaction(self.db, self.clock(), self.notifier) as tx:
            s = tx.session
            case, user = self._case(s, case_id), self._user(s, actor_id)
            target = self._check(Event.ESCALATE, case, user)
            s.add(Escalation(case_id=case.id, question=question, stage_before=case.stage,
                             asked_by_id=user.id, asked_at=tx.now))
            case.stage_before_escalation, case.stage = case.stage, target
            self._touch(case, tx.now)
            tx.record("case.escalate", user, case.id, question=question,
                      stage_before=str(case.stage_before_escalation))
            tx.notify([*views.people(s, case, Role.SECRECY_OFFICER), case.created_by], case.id,
                      "escalated", f"《{case.title}》已报请确定：{question}（期限暂停计算）")
            return {"stage": str(case.stage)}

    def answer_escalation(self, actor_id: int, case_id: int, *, answer: str) -> dict:
        """Record the answer; the case resumes where it was and the deadline moves by the working
        days it was paused."""
        answer = (answer or "").strip()
        if not answer:
            raise Invalid("answer_required", "请填写有关部门的答复")
        with transaction(self.db, self.clock(), self.notifier) as tx:
            s = tx.session
            case, user = self._case(s, case_id), self._user(s, actor_id)
            target = self._check(Event.ANSWER, case, user)
            pending = case.escalations[-1]
            paused = self.calendar.workdays_between(views.china_date(pending.asked_at),
                                                    views.china_date(tx.now))
            pending.answer, pending.answered_by_id, pending.answered_at = answer, user.id, tx.now
            pending.paused_workdays = paused
            case.paused_workdays += paused
            case.stage, case.stage_before_escalation = target, None
            self._refresh_deadline(case)
            self._touch(case, tx.now)
            tx.record("case.answer", user, case.id, answer=answer, paused_workdays=paused,
                      stage_after=str(target), due_date=views.iso(case.due_date))
            tx.notify([pending.asked_by, case.created_by], case.id, "answered",
                      f"《{case.title}》报请确定已答复：{answer}")
            return {"stage": str(case.stage), "due_date": views.iso(case.due_date),
                    "paused_workdays": paused}

    def withdraw(self, actor_id: int, case_id: int, *, reason: str = "") -> dict:
        """Withdraw a case: nothing of it may be published any more (an approval is void)."""
        with transaction(self.db, self.clock(), self.notifier) as tx:
            case, user = self._case(tx.session, case_id), self._user(tx.session, actor_id)
            target = self._check(Event.WITHDRAW, case, user)
            was = case.stage
            case.stage, case.approved_version = target, None
            self._touch(case, tx.now)
            tx.record("case.withdraw", user, case.id, reason=(reason or "").strip(), stage_before=str(was))
            if user.id != case.created_by_id:
                tx.notify([case.created_by], case.id, "withdrawn",
                          f"《{case.title}》已被{user.label}撤回：{reason}")
            return {"stage": str(case.stage)}

    def close_incident(self, actor_id: int, case_id: int, *, note: str) -> dict:
        """The secrecy officer closes the incident of a quarantined case (泄密事件处置完毕) with a note
        of what was done; the case stays quarantined and leaves the officer's to-do list."""
        note = (note or "").strip()
        if not note:
            raise Invalid("note_required", "请写明处置情况")
        with transaction(self.db, self.clock(), self.notifier) as tx:
            s = tx.session
            case, user = self._case(s, case_id), self._user(s, actor_id)
            if case.stage is not Stage.QUARANTINED:
                raise Conflict("wrong_stage", "只有已隔离的案件才有泄密事件需要关闭")
            if Role.SECRECY_OFFICER not in roles_of(user) or user.unit_id != case.unit_id or not user.active:
                raise Forbidden("forbidden", "只有本单位保密员可以关闭泄密事件")
            closed = s.execute(views.closed_incidents().where(AuditEvent.case_id == case.id)).first()
            if closed is not None:
                raise Conflict("already_closed", "该泄密事件已经关闭")
            tx.record(views.INCIDENT_CLOSED, user, case.id, note=note)
            self._touch(case, tx.now)
            tx.notify([case.created_by], case.id, "incident_closed",
                      f"《{case.title}》的涉密文件事件已由{user.label}处置完毕：{note}")
            return {"stage": str(case.stage), "closed_by": user.label}

    def refresh_deadlines(self) -> int:
        """Recompute the due dates of open cases (after the administrator adds a holiday schedule).
        Returns how many changed; each change is audited."""
        return refresh_deadlines(self.db, self.calendar, self.clock())

    def mark_read(self, actor_id: int, notification_ids: Sequence[int]) -> int:
        with transaction(self.db, self.clock()) as tx:
            rows = tx.session.execute(sa.select(Notification).where(
                Notification.user_id == actor_id, Notification.id.in_(list(notification_ids)),
                Notification.read_at.is_(None))).scalars().all()
            for row in rows:
                row.read_at = tx.now
            return len(rows)

    # -- reads ------------------------------------------------------------------------------------

    def case_view(self, case_id: int, *, actor_id: int | None = None, unit_id: int | None = None) -> dict:
        """The case as SPEC §4 shows it, plus what the review sheet prints. With `actor_id`, only
        for people who need to know; with `unit_id` (a system key tied to a unit), only that unit's
        cases. A case the caller may not see is answered as missing (no ids to enumerate)."""
        with self.db.read() as s:
            case = self._visible(s, case_id, actor_id)
            if unit_id is not None and case.unit_id != unit_id:
                raise self._missing(case_id)
            return views.case_dict(s, case, views.china_date(self.clock()))

    def case_unit(self, case_id: int) -> int:
        with self.db.read() as s:
            return self._case(s, case_id, lock=False).unit_id

    def get_file(self, case_id: int, number: int | None = None, *,
                 actor_id: int | None = None) -> tuple[str, bytes]:
        """(filename, bytes) of a version (default: the current one)."""
        with self.db.read() as s:
            case = self._visible(s, case_id, actor_id)
            version = next((v for v in case.versions if v.number == (number or case.current.number)), None)
            if version is None:
                raise NotFound("no_such_version", f"本案没有第 {number} 版")
            if version.storage_key is None:
                raise NotFound("not_kept", "该版本含密级标志，文件未保存")
            return version.filename, self.store.get(version.storage_key)

    def clearance(self, sha256: str) -> views.Clearance:
        with self.db.read() as s:
            return views.clearance(s, sha256)

    def list_todo(self, actor_id: int) -> list[dict]:
        with self.db.read() as s:
            return views.todo(s, self._user(s, actor_id), views.china_date(self.clock()))

    def due_report(self, *, within: int = 3, unit: str | None = None, today: date | None = None) -> dict:
        """Overdue, nearly due (within `within` working days) and paused 主动公开 cases."""
        with self.db.read() as s:
            unit_id = None
            if unit is not None:
                unit_id = s.execute(sa.select(Unit.id).where(Unit.name == unit)).scalar()
                if unit_id is None:
                    raise NotFound("no_such_unit", f"单位“{unit}”不存在")
            return views.due_report(s, self.calendar, today or views.china_date(self.clock()),
                                    within=within, unit_id=unit_id)

    def overdue(self, *, today: date | None = None) -> list[dict]:
        return self.due_report(today=today)["overdue"]

    def monthly_summary(self, unit: str, month: str) -> list[dict]:
        """Rows for the monthly 保密审查汇总表 (screening.sheet.summary.SummaryRow(**row))."""
        with self.db.read() as s:
            return views.approved_in_month(s, unit, month)

    def notifications(self, actor_id: int, *, unread_only: bool = False) -> list[dict]:
        with self.db.read() as s:
            q = sa.select(Notification).where(Notification.user_id == actor_id)
            if unread_only:
                q = q.where(Notification.read_at.is_(None))
            return [{"id": n.id, "case_id": n.case_id, "kind": n.kind, "message": n.message,
                     "at": views.iso(n.created_at), "read": n.read_at is not None}
                    for n in s.execute(q.order_by(Notification.id.desc())).scalars()]

    def history(self, case_id: int, *, actor_id: int | None = None) -> list[dict]:
        """The case's audit events, oldest first."""
        with self.db.read() as s:
            if actor_id is not None:
                self._visible(s, case_id, actor_id)
            return audit.events_for_case(s, case_id)

    def verify_audit(self) -> audit.Verification:
        with self.db.read() as s:
            return audit.verify(s, self.store.sealer(AUDIT_PURPOSE))

    # -- internals --------------------------------------------------------------------------------

    def screen(self, data: bytes, filename: str) -> Report:
        """The one path from a file's bytes to its report for the review layer (uploads, jobs and
        archive re-screens): isolated extraction, then this service's engine; Unreadable when the
        file is empty or cannot be fully read."""
        if not data:
            raise Unreadable("empty", "文件为空")
        extract = self._extract
        if extract is None:
            from screening.extract import extract_isolated as extract
        try:
            doc = extract(data, filename)
        except UnreadableDocument as exc:
            raise Unreadable(exc.code, exc.message) from exc
        return self.engine.screen(doc)

    def _upload(self, tx: Tx, case: Case, user: User, data: bytes, filename: str,
                report: Report) -> Upload:
        upload = attach(tx, case, user, data, filename, report, store=self.store,
                        engine_versions=self.engine.versions)
        if not upload.quarantined:
            self._refresh_publicity(case)
        self._touch(case, tx.now)
        return upload

    def _refresh_publicity(self, case: Case) -> None:
        """Re-suggest the 公开属性 from the current findings and their dispositions."""
        found = views.current_findings(case)
        suggestion = suggest(FindingState(f.basis, f.disposition.action if f.disposition else None,
                                          is_hint(f.source, f.severity), finding_label(f.category, f.subtype))
                             for f in found)
        case.suggested_attribute = suggestion.attribute
        case.suggested_basis, case.suggested_reason = suggestion.basis, suggestion.reason
        self._refresh_deadline(case)

    def _refresh_deadline(self, case: Case) -> None:
        self._refresh_deadline_with(self.calendar, case)

    @staticmethod
    def _refresh_deadline_with(calendar: WorkCalendar, case: Case) -> None:
        """主动公开: formed_on + 20 working days + the working days paused; otherwise no deadline."""
        attribute = case.public_attribute or case.suggested_attribute
        if attribute is not PublicAttribute.PROACTIVE:
            case.due_date, case.due_note = None, None
            return
        deadline = calendar.publication_deadline(case.formed_on, case.paused_workdays)
        case.due_date, case.due_note = deadline.due, deadline.note

    def _adopt_suggestion(self, tx: Tx, case: Case, user: User) -> None:
        case.public_attribute, case.public_basis = case.suggested_attribute, case.suggested_basis
        case.public_reason = f"采用系统建议：{case.suggested_reason}"
        case.public_set_by_id, case.public_set_at = user.id, tx.now
        tx.record("case.publicity", user, case.id, attribute=str(case.public_attribute),
                  basis=case.public_basis, reason=case.public_reason, adopted=True)

    def _may_approve(self, case: Case) -> None:
        run = case.current.run
        if run is None or run.error_code is not None:
            raise Conflict("not_screened", "当前版本未能完成保密审查筛查，不能通过，请重新上传")
        blocking = views.blocking_findings(case)
        if blocking and all(f.disposition is not None and f.disposition.action is DispositionAction.REDACTED
                            for f in blocking):
            raise Conflict("redaction_pending",
                           f"已标记区分处理的 {len(blocking)} 个高风险审查发现尚未遮挡：请先生成区分处理副本"
                           "（系统按发布规范遮挡后作为新版本），再提交")
        if blocking:
            listed = "；".join(f"{f.message}“{f.text[:20]}”" for f in blocking[:3])
            raise Conflict("high_findings",
                           f"当前第 {case.current.number} 版还有 {len(blocking)} 个高风险审查发现未处置"
                           f"（须在新版本中修改，或写明理由后驳回）：{listed}")

    @staticmethod
    def _approve_kind(case: Case, kind: OpinionKind | None) -> OpinionKind:
        attribute = case.public_attribute or case.suggested_attribute
        expected = OpinionKind.REFUSE if attribute is PublicAttribute.NOT_PUBLIC else OpinionKind.AGREE
        if kind is OpinionKind.REFER:
            raise Invalid("use_escalate", "不能确定是否涉密的，请使用“报请确定”，而不是同意")
        if kind is not None and kind is not expected:
            raise Invalid("opinion_mismatch", f"公开属性为{attribute}，同意时的意见应为“{expected}”；"
                                              "如不同意，请退回")
        return expected

    def _notify_sign(self, tx: Tx, case: Case, user: User, event: Event, opinion: str) -> None:
        s = tx.session
        if event is Event.SUBMIT:
            tx.notify(views.people(s, case, Role.HEAD), case.id, "todo",
                      f"《{case.title}》已由{user.label}提交，待您审核")
        elif event is Event.HEAD_APPROVE and case.secrecy_stage:
            tx.notify(views.people(s, case, Role.SECRECY_OFFICER), case.id, "todo",
                      f"《{case.title}》已由{user.label}审核同意，待您保密审核")
        elif event in (Event.HEAD_APPROVE, Event.SECRECY_APPROVE):
            done = "保密审核" if event is Event.SECRECY_APPROVE else "审核"
            tx.notify(views.people(s, case, Role.LEADER), case.id, "todo",
                      f"《{case.title}》已由{user.label}{done}同意，待您审发")
        elif event is Event.LEADER_APPROVE:
            tx.notify([case.created_by], case.id, "approved",
                      f"《{case.title}》第 {case.current.number} 版已由{user.label}审发，可以按审定的文件公开")
        else:
            tx.notify([case.created_by], case.id, "returned", f"《{case.title}》被{user.label}退回：{opinion}")

    @staticmethod
    def _touch(case: Case, now: datetime) -> None:
        case.updated_at = now   # also bumps lock_version: concurrent writers of the case conflict

    @staticmethod
    def _user(s: Session, user_id: int) -> User:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound("no_such_user", "用户不存在")
        return user

    @staticmethod
    def _missing(case_id: int) -> NotFound:
        return NotFound("no_such_case", f"案件 {case_id} 不存在")

    @staticmethod
    def _case(s: Session, case_id: int, *, lock: bool = True) -> Case:
        case = s.get(Case, case_id, with_for_update=lock or None)
        if case is None:
            raise ReviewService._missing(case_id)
        return case

    def _visible(self, s: Session, case_id: int, actor_id: int | None) -> Case:
        """The case, if `actor_id` (None: a system) needs to know it; else it is 'not found'."""
        case = self._case(s, case_id, lock=False)
        if actor_id is not None and not views.can_view(self._user(s, actor_id), case):
            raise self._missing(case_id)
        return case

    @staticmethod
    def _may_open(user: User) -> None:
        if Role.DRAFTER not in roles_of(user) or not user.active:
            raise Forbidden("forbidden", "只有承办人可以新建保密审查案件")

    @staticmethod
    def _department(s: Session, user: User, name: str | None) -> Department:
        """The case's 承办部门: the one named, which must be a department in which the person is a
        drafter (their own, or one they are a drafter of by membership), else their own. A drafter
        cannot route a draft to another department's head."""
        own = departments_as(user, Role.DRAFTER)   # the primary role's first, then the memberships'
        if name is None or not name.strip():
            if not own:
                raise Invalid("department_required", "请指定承办部门")
            return s.get(Department, own[0])
        dept = find_department(s, user.unit_id, name)
        if dept is None:
            raise Invalid("no_such_department", f"本单位没有名为“{name}”的部门")
        if dept.id not in own:
            raise Forbidden("not_your_department", f"您不是“{dept.name}”的承办人，只能以本人承办的部门新建案件")
        return dept

    def _check(self, event: Event, case: Case, user: User) -> Stage:
        """Another unit's case is missing to the caller (404: no ids to enumerate across units),
        then the stage (409), then the person (403)."""
        if user.unit_id != case.unit_id and not views.can_view(user, case):
            raise self._missing(case.id)
        return permitted(event, case, user)


def refresh_deadlines(db: Database, calendar: WorkCalendar, now: datetime) -> int:
    changed = 0
    with transaction(db, now) as tx:
        open_cases = tx.session.execute(sa.select(Case).where(Case.stage.in_(views.OPEN_STAGES))
                                        .order_by(Case.id)).scalars()
        for case in open_cases:
            before = (case.due_date, case.due_note)
            ReviewService._refresh_deadline_with(calendar, case)
            if (case.due_date, case.due_note) != before:
                changed += 1
                case.updated_at = now
                tx.record("case.deadline", None, case.id, old=views.iso(before[0]),
                          new=views.iso(case.due_date), note=case.due_note)
    return changed


def permitted(event: Event, case: Case, user: User) -> Stage:
    """Where `event` takes the case, if this person may cause it now: the stage (Conflict, 409),
    then the person (Forbidden, 403). The service's check and the UI's buttons both ask this."""
    target = transition(case.stage, event, before_escalation=case.stage_before_escalation,
                        secrecy=case.secrecy_stage)
    authorize_any(event, actors_of(user), facts_of(case))
    return target


def facts_of(case: Case) -> CaseFacts:
    signed: dict[int, set[SignStage]] = {}
    for signoff in case.signoffs:
        signed.setdefault(signoff.by_id, set()).add(signoff.stage)
    pending = case.escalations[-1] if case.escalations and case.stage is Stage.ESCALATED else None
    return CaseFacts(stage=case.stage, unit_id=case.unit_id, department_id=case.department_id,
                     drafter_id=case.created_by_id,
                     signed={k: frozenset(v) for k, v in signed.items()},
                     escalated_by=pending.asked_by_id if pending else None)


def _limit(text: str, most: int, label: str) -> None:
    if len(text) > most:
        raise Invalid("too_long", f"{label}不能超过 {most} 个字符")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else (str(value) if value is not None else None)


def _enum(kind: type, value: Any, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = "、".join(str(v.value) for v in kind)
        raise Invalid(f"invalid_{name}", f"{name} 的取值必须是：{allowed}") from None
