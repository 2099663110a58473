"""The audit trail: append-only, hash-chained events. Each event's `hash` is the SHA-256 of the
canonical JSON of its fields including `prev_hash`, the hash of the event before it, so an altered or
removed row breaks the chain at a point `verify()` names.

A `version.quarantine` event written before markings were masked (an older version) is resealed by
`reseal.py`: its payload shows the masked markings and keeps the original, sealed, under
`SEALED_ORIGINAL`; the hash stays that of the original, which `verify(session, sealer)` opens."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from screening.review.models import SEALED_PREFIX, AuditEvent, AuditHead
from screening.review.quarantine import mask

GENESIS = "0" * 64
SEALED_ORIGINAL = "sealed_original"


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def redact(payload: dict[str, Any]) -> dict[str, Any]:
    """What an event may show of a marking: its text masked (as `quarantine.markings_seen` does)."""
    if not isinstance(payload.get("markings"), list):
        return payload
    return {**payload, "markings": [{**m, "text": mask(str(m["text"]))} if isinstance(m, dict) and "text" in m
                                    else m for m in payload["markings"]]}


def recorded_payload(payload: str, sealer: Any) -> str | None:
    """The payload the event's hash covers: `payload` itself, or the sealed original of a resealed
    event when it opens and `payload` is its redaction; None when it cannot be checked (no key, or a
    sealed part that does not open or does not match)."""
    if SEALED_ORIGINAL not in payload:
        return payload
    visible = json.loads(payload)
    sealed = visible.pop(SEALED_ORIGINAL, None)
    if not isinstance(sealed, str):
        return payload
    if sealer is None:
        return None
    try:
        original = sealer.open_text(sealed.removeprefix(SEALED_PREFIX))
    except Exception:   # InvalidTag, bad base64: altered or another key
        return None
    if not isinstance(original, str) or canonical(redact(json.loads(original))) != canonical(visible):
        return None
    return original


def stamp(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(*, seq: int, at: datetime, actor_id: int | None, actor: str, action: str,
               case_id: int | None, payload: str, prev_hash: str) -> str:
    body = canonical({"seq": seq, "at": stamp(at), "actor_id": actor_id, "actor": actor,
                      "action": action, "case_id": case_id, "payload": payload,
                      "prev_hash": prev_hash})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """An event to be appended when the transaction that produced it commits."""

    action: str
    actor_id: int | None
    actor: str
    case_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


def append(session: Session, entries: Sequence[Entry], at: datetime) -> list[AuditEvent]:
    """Chain `entries` after the last event. Locks the head row, so concurrent transactions on
    PostgreSQL append one after the other (on SQLite writers are serialized already)."""
    if not entries:
        return []
    head = session.execute(sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    events = []
    for entry in entries:
        payload = canonical(entry.payload)
        seq = head.seq + 1
        digest = event_hash(seq=seq, at=at, actor_id=entry.actor_id, actor=entry.actor,
                            action=entry.action, case_id=entry.case_id, payload=payload,
                            prev_hash=head.hash)
        event = AuditEvent(seq=seq, at=at, actor_id=entry.actor_id, actor=entry.actor,
                           action=entry.action, case_id=entry.case_id, payload=payload,
                           prev_hash=head.hash, hash=digest)
        session.add(event)
        head.seq, head.hash = seq, digest
        events.append(event)
    session.flush()
    return events


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    count: int
    broken_at: int | None = None     # seq of the first broken link
    problem: str | None = None       # in Chinese

    def __str__(self) -> str:
        if self.ok:
            return f"审计链完整：共 {self.count} 条事件，逐条校验通过"
        return f"审计链断裂：第 {self.broken_at} 条 — {self.problem}"


def verify(session: Session, sealer: Any = None) -> Verification:
    """Walk the chain in order; report the first broken link. `sealer` (the store's key for
    `models.AUDIT_PURPOSE`) opens the sealed originals of resealed legacy events."""
    expected, prev, count = 1, GENESIS, 0
    rows = session.execute(sa.select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    for event in rows:
        if event.seq != expected:
            return Verification(False, count, expected,
                                f"事件缺失：应为第 {expected} 条，实际下一条为第 {event.seq} 条（记录被删除）")
        if event.prev_hash != prev:
            return Verification(False, count, event.seq,
                                "与前一条事件的链接不符（前一条被修改、删除或替换）")
        payload = recorded_payload(event.payload, sealer)
        if payload is None:
            return Verification(False, count, event.seq,
                                "重新加密的历史事件无法用本机密钥解开或与其遮盖内容不符"
                                if sealer is not None else "重新加密的历史事件需要存储密钥才能校验")
        digest = event_hash(seq=event.seq, at=event.at, actor_id=event.actor_id, actor=event.actor,
                            action=event.action, case_id=event.case_id, payload=payload,
                            prev_hash=event.prev_hash)
        if digest != event.hash:
            return Verification(False, count, event.seq, "事件内容与其哈希不符（记录被修改）")
        prev, expected, count = event.hash, expected + 1, count + 1
    head = session.get(AuditHead, 1)
    if head is None or head.seq != count or head.hash != prev:
        last = head.seq if head is not None else "?"
        return Verification(False, count, count + 1,
                            f"链尾不符：应有 {last} 条事件，实际只有 {count} 条（末尾记录被删除）")
    return Verification(True, count)


def events_for_case(session: Session, case_id: int) -> list[dict[str, Any]]:
    rows = session.execute(sa.select(AuditEvent).where(AuditEvent.case_id == case_id)
                           .order_by(AuditEvent.seq)).scalars()
    return [{"seq": e.seq, "at": stamp(e.at), "actor": e.actor, "action": e.action,
             "payload": {k: v for k, v in json.loads(e.payload).items() if k != SEALED_ORIGINAL}}
            for e in rows]
