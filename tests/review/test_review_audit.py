"""The audit trail: append-only in the database, hash-chained, and a verifier that names the first
broken link when a row is altered or removed (by someone able to bypass the triggers)."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from screening.review import audit
from screening.review.models import AuditEvent
from review_helpers import WITH_PHONE, approve_all, open_clean


@pytest.fixture
def trail(svc, org):
    """A case with a few actions: 11 user.add events, then case events."""
    case_id = open_clean(svc, org, WITH_PHONE)
    approve_all(svc, org, case_id)
    result = svc.verify_audit()
    assert result.ok and result.count == 17, result
    return case_id


def tamper(database, *statements: str) -> None:
    """Bypass the append-only triggers as a database administrator could, and run `statements`."""
    with database.engine.begin() as conn:
        if database.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_every_action_is_recorded_with_who_when_what(svc, trail):
    history = svc.history(trail)
    assert [e["action"] for e in history] == ["case.open", "version.add", "case.publicity", "case.sign",
                                              "case.sign", "case.sign"]
    sign = history[-1]
    assert sign["actor"] == "wang" and sign["payload"]["stage"] == "leader"
    assert sign["payload"]["sha256"] and sign["at"].endswith("Z")
    screening = history[1]["payload"]["screening"]
    assert screening == {"engine": "fake-1", "rules": "fakerules", "model": "none"}


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3",
    "DELETE FROM audit_events WHERE seq = 3",
])
def test_the_database_refuses_changes(database, trail, statement):
    with pytest.raises(sa.exc.DBAPIError) as refused:
        with database.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert "append-only" in str(refused.value)


def test_altered_row_is_caught(svc, database, trail):
    tamper(database, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 13")
    result = svc.verify_audit()
    assert not result.ok and result.broken_at == 13 and "修改" in result.problem
    assert str(result).startswith("审计链断裂：第 13 条")


def test_altered_row_with_a_recomputed_hash_breaks_the_next_link(svc, database, trail):
    with database.read() as s:
        event = s.execute(sa.select(AuditEvent).where(AuditEvent.seq == 15)).scalar_one()
        payload = json.loads(event.payload)
        payload["opinion"] = "伪造的意见"
        forged = audit.canonical(payload)
        digest = audit.event_hash(seq=15, at=event.at, actor_id=event.actor_id, actor=event.actor,
                                  action=event.action, case_id=event.case_id, payload=forged,
                                  prev_hash=event.prev_hash)
    forged_sql = forged.replace("'", "''")
    tamper(database, f"UPDATE audit_events SET payload = '{forged_sql}', hash = '{digest}' WHERE seq = 15")
    result = svc.verify_audit()
    assert not result.ok and result.broken_at == 16 and "链接" in result.problem


def test_deleted_row_is_caught(svc, database, trail):
    tamper(database, "DELETE FROM audit_events WHERE seq = 12")
    result = svc.verify_audit()
    assert not result.ok and result.broken_at == 12 and "缺失" in result.problem


def test_deleted_last_row_is_caught(svc, database, trail):
    tamper(database, "DELETE FROM audit_events WHERE seq = 17")
    result = svc.verify_audit()
    assert not result.ok and result.broken_at == 17 and "链尾" in result.problem


def test_hash_covers_every_field():
    base = dict(seq=1, at=audit.datetime(2026, 1, 1, tzinfo=audit.timezone.utc), actor_id=1, actor="a",
                action="x", case_id=2, payload="{}", prev_hash=audit.GENESIS)
    digest = audit.event_hash(**base)
    for key, value in [("seq", 2), ("actor_id", 9), ("actor", "b"), ("action", "y"), ("case_id", 3),
                       ("payload", '{"a":1}'), ("prev_hash", "1" * 64),
                       ("at", audit.datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=audit.timezone.utc))]:
        assert audit.event_hash(**(base | {key: value})) != digest, key
