"""Rows written before finding texts were sealed (a deployment upgraded from a version older than
migration 0004) hold what a finding flagged in the clear. `reseal` puts them where a row written
today would be, in batches of one transaction each:

- `findings.text`: sealed (`SealedText`, prefix `enc1:`);
- `case_versions.markings` of a quarantined version: the marking text masked, its fingerprint added;
- `notifications.message` of a quarantine notice: the marking texts replaced by their masked form;
- `audit_events.payload` of a `version.quarantine` event: its markings masked, the original payload
  kept sealed beside them (`SEALED_ORIGINAL`), so `audit.verify` still checks the event's hash
  against what was recorded (with the key) and that the visible part is its redaction.

It needs the file store's key, so it runs where the key is: `screening init` after the migrations,
the web service's start and `screening reseal`. It is idempotent (a second run finds nothing), logs
and audits counts only (one `data.reseal` event per run that changed anything), never a text.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from screening.review.audit import SEALED_ORIGINAL, canonical, redact
from screening.review.db import Database
from screening.review.models import (AUDIT_PURPOSE, FINDINGS_PURPOSE, SEALED_PREFIX, AuditEvent, Finding,
                                     Notification, SealedText, Version, use_sealer)
from screening.review.quarantine import CLASSIFICATION_RULES, mask
from screening.review.sealing import Sealer
from screening.review.tx import transaction

log = logging.getLogger(__name__)

BATCH = 500
_PLAIN_FINDINGS = sa.table("findings", sa.column("id", sa.Integer), sa.column("text", sa.Text))


@dataclass(frozen=True, slots=True)
class ResealCounts:
    findings: int = 0
    markings: int = 0          # quarantined versions whose markings were masked
    notifications: int = 0
    audit_events: int = 0

    @property
    def total(self) -> int:
        return self.findings + self.markings + self.notifications + self.audit_events

    def __str__(self) -> str:
        if not self.total:
            return "没有需要重新加密的历史明文"
        return (f"已处理历史明文：发现内容加密 {self.findings} 条，隔离版本的密级标志遮盖 {self.markings} 个，"
                f"隔离通知遮盖 {self.notifications} 条，审计事件遮盖并加密原文 {self.audit_events} 条")


def reseal(db: Database, key: bytes, *, batch: int = BATCH,
           now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> ResealCounts:
    """Seal or mask every legacy plaintext of the database (see the module's docstring)."""
    use_sealer(db.engine, Sealer(key, FINDINGS_PURPOSE))
    findings, markings = _findings(db, batch), _markings(db, batch)
    audited = _audit(db, Sealer(key, AUDIT_PURPOSE), batch)      # before the notices: it marks their cases
    counts = ResealCounts(findings=findings, markings=markings, notifications=_notifications(db, batch),
                          audit_events=audited)
    if counts.total:
        with transaction(db, now()) as tx:
            tx.record("data.reseal", None, None, findings=counts.findings, markings=counts.markings,
                      notifications=counts.notifications, audit_events=counts.audit_events)
        if db.dialect == "sqlite":
            _compact_sqlite(db)
        log.info("legacy plaintext resealed: %d findings, %d versions, %d notices, %d audit events",
                 counts.findings, counts.markings, counts.notifications, counts.audit_events)
    return counts


def _batches(db: Database) -> Iterator[Session]:
    """Write sessions, one transaction each, until the caller stops asking."""
    while True:
        with db.write_session() as s, s.begin():
            yield s


# -- findings -----------------------------------------------------------------------------------------

def _findings(db: Database, batch: int) -> int:
    done = 0
    plain = _PLAIN_FINDINGS.c
    unsealed = sa.not_(plain.text.startswith(SEALED_PREFIX, autoescape=True))
    update = (sa.update(_PLAIN_FINDINGS).where(plain.id == sa.bindparam("b_id"), unsealed)
              .values(text=sa.bindparam("b_text", type_=SealedText())))
    for s in _batches(db):
        rows = s.execute(sa.select(plain.id, plain.text)
                         .where(unsealed)
                         .order_by(plain.id).limit(batch)).all()
        if not rows:
            break
        s.execute(update, [{"b_id": i, "b_text": text} for i, text in rows])
        done += len(rows)
    return done


# -- markings of quarantined versions and the notices about them ---------------------------------------

def _legacy(marks: list | None) -> bool:
    return any(isinstance(m, dict) and "fingerprint" not in m for m in marks or ())


def _marking_fingerprint(s: Session, version: Version, mark: dict) -> str:
    """The fingerprint of the finding the marking came from (kept with the version's run); the same
    formula (`types.Finding.fingerprint`) on the marking itself when that row is gone."""
    found = s.execute(sa.select(Finding).where(Finding.case_id == version.case_id,
                                               Finding.version_number == version.number,
                                               Finding.rule == mark.get("rule"))).scalars()
    for finding in found:
        if finding.text == mark.get("text") and finding.part == mark.get("part", finding.part):
            return finding.fingerprint
    key = "\x1f".join((str(mark.get("rule", "")), str(mark.get("part", "")), str(mark.get("text", ""))))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _markings(db: Database, batch: int) -> int:
    done, after = 0, 0
    for s in _batches(db):
        versions = s.execute(sa.select(Version).where(   # markings written today carry their fingerprint
            Version.markings.is_not(None), Version.id > after,
            sa.cast(Version.markings, sa.Text).not_like('%"fingerprint"%'))
            .order_by(Version.id).limit(batch)).scalars().all()
        if not versions:
            break
        after = versions[-1].id
        for version in versions:
            if not _legacy(version.markings):
                continue
            version.markings = [m if "fingerprint" in m else
                                {**m, "fingerprint": _marking_fingerprint(s, version, m),
                                 "text": mask(str(m.get("text", "")))}
                                for m in version.markings]
            done += 1
    return done


def _case_secrets(s: Session, case_id: int) -> list[str]:
    """The marking texts a case's quarantine notices may name: its classification-marking findings
    (sealed rows, read opened) and what legacy markings still hold; longest first."""
    texts = set(s.execute(sa.select(Finding.text).where(
        Finding.case_id == case_id,
        sa.or_(*(Finding.rule.startswith(rule) for rule in CLASSIFICATION_RULES)))).scalars())
    for marks in s.execute(sa.select(Version.markings).where(Version.case_id == case_id,
                                                             Version.markings.is_not(None))).scalars():
        texts.update(str(m.get("text", "")) for m in marks if isinstance(m, dict) and "fingerprint" not in m)
    return sorted((t for t in texts if t and mask(t) != t), key=len, reverse=True)


def _notifications(db: Database, batch: int) -> int:
    """The quarantine notices of the cases an older version quarantined: those whose
    `version.quarantine` event was resealed (it and its notice were written together), so notices
    written since, already masked, are not read again at every start."""
    with db.read() as s:
        cases = sorted(set(s.execute(sa.select(AuditEvent.case_id).where(
            AuditEvent.action == "version.quarantine", AuditEvent.case_id.is_not(None),
            AuditEvent.payload.contains(SEALED_ORIGINAL, autoescape=True))).scalars()))
    done = 0
    for n in range(0, len(cases), batch):
        with db.write_session() as s, s.begin():
            for case_id in cases[n:n + batch]:
                secrets = None
                for notice in s.execute(sa.select(Notification).where(Notification.case_id == case_id,
                                                                      Notification.kind == "quarantine")).scalars():
                    secrets = _case_secrets(s, case_id) if secrets is None else secrets
                    message = notice.message
                    for text in secrets:
                        message = message.replace(text, mask(text))
                    if message != notice.message:
                        notice.message = message
                        done += 1
    return done


# -- audit events --------------------------------------------------------------------------------------

def _append_only_triggers(dialect: str) -> tuple[list[str], list[str]]:
    """(lift, restore): the statements that lift the audit trail's append-only triggers for the
    transaction that reseals it, and put them back before it commits (0001 made them)."""
    initial = importlib.import_module("screening.review.migrations.versions.0001_initial_schema")
    if dialect == "sqlite":
        return (["DROP TRIGGER audit_events_no_update"], [initial._SQLITE_TRIGGERS[0]])
    if dialect == "postgresql":
        return (["ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"],
                ["ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"])
    return ([], [])


def _audit(db: Database, sealer: Sealer, batch: int) -> int:
    done, after = 0, 0
    lift, restore = _append_only_triggers(db.dialect)
    for s in _batches(db):
        events = s.execute(sa.select(AuditEvent.id, AuditEvent.payload)
                           .where(AuditEvent.action == "version.quarantine", AuditEvent.id > after,
                                  sa.not_(AuditEvent.payload.contains(SEALED_ORIGINAL, autoescape=True)),
                                  sa.not_(AuditEvent.payload.contains('"fingerprint"', autoescape=True)))
                           .order_by(AuditEvent.id).limit(batch)).all()
        if not events:
            break
        after = events[-1].id
        changed = []
        for event_id, payload in events:
            visible = redact(json.loads(payload))
            if canonical(visible) == payload:
                continue
            sealed = SEALED_PREFIX + sealer.seal_text(payload)
            changed.append({"b_id": event_id, "b_payload": canonical({**visible, SEALED_ORIGINAL: sealed})})
        if not changed:
            continue
        for statement in lift:
            s.execute(sa.text(statement))
        s.execute(sa.update(AuditEvent.__table__).where(AuditEvent.__table__.c.id == sa.bindparam("b_id"))
                  .values(payload=sa.bindparam("b_payload")), changed)
        for statement in restore:
            s.execute(sa.text(statement))
        done += len(changed)
    return done


def _compact_sqlite(db: Database) -> None:
    """SQLite keeps a changed row's old bytes in free pages and in the write-ahead log: rebuild the
    file from its live rows and empty the log, so the old plaintext is gone from the disk too."""
    raw = db.engine.raw_connection()     # outside any transaction (VACUUM cannot run in one)
    try:
        raw.driver_connection.execute("VACUUM")
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
