"""Issue 13 item 6, for a deployment upgraded from an older version: rows written before finding texts
were sealed (the schema of revision 0002, the one before 0004) hold ID numbers, passwords and
markings in the clear, in findings, a quarantined version's markings, a quarantine notice and the
audit trail. `screening init` (the migrations, then `reseal`) leaves none of them anywhere in the
database (read raw, and the SQLite file's bytes), the service still shows the texts in full, and the
audit chain still verifies."""
from __future__ import annotations

import base64
import json
import secrets
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from screening.review import audit, cli
from screening.review.db import (Database, alembic_config, current_revision, head_revision,
                                 upgrade)
from screening.review.deadlines import WorkCalendar
from screening.review.reseal import _append_only_triggers, reseal
from screening.review.service import ReviewService
from screening.review.storage import FolderStore

from review_helpers import FakeEngine, fake_extract
from tests.security.test_secrets_at_rest import forms, raw_dump

ID_NUMBER = "11010519491231002X"
PASSWORD = "Zx9kLq2Wm7vB"
MARKING = "机密★1年"
NOW = datetime(2026, 5, 6, 2, 0, tzinfo=timezone.utc)


def insert(conn: sa.Connection, meta: sa.MetaData, table: str, **values) -> int:
    """A row the way an older version wrote it: plain column types, every required column filled."""
    t = meta.tables[table]
    filler = {sa.Integer: 0, sa.String: "", sa.Text: "", sa.Boolean: False, sa.Float: 0.0,
              sa.DateTime: NOW, sa.Date: date(2026, 5, 6), sa.JSON: {}}
    for column in t.columns:
        if column.name in values or column.nullable or column.primary_key or column.server_default is not None:
            continue
        values[column.name] = next(v for kind, v in filler.items() if isinstance(column.type, kind))
    return conn.execute(t.insert().values(**values)).inserted_primary_key[0]


def plant_legacy_rows(url: str) -> dict[str, int]:
    """Revision 0002 (downgraded to), then findings, markings, a notice and audit events with the
    planted secrets in the clear, as the older version kept them."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":   # so the downgrades may rebuild tables
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            command.downgrade(alembic_config(conn), "0002")
            conn.commit()
        assert current_revision(engine) == "0002"
        meta = sa.MetaData()
        meta.reflect(engine)
        mark = {"rule": "marking.classification.star", "text": MARKING, "part": "body", "page": 1}
        with engine.begin() as conn:
            unit = insert(conn, meta, "units", name="某某市人民政府办公室")
            dept = insert(conn, meta, "departments", unit_id=unit, name="综合科")
            user = insert(conn, meta, "users", name="zhang", display_name="张三", role="drafter",
                          unit_id=unit, department_id=dept, active=True)
            officer = insert(conn, meta, "users", name="sun", role="secrecy_officer", unit_id=unit,
                             active=True)
            ids = {"user": user, "officer": officer}
            for key, stage in (("case", "draft"), ("quarantined", "quarantined")):
                ids[key] = insert(conn, meta, "cases", unit_id=unit, department_id=dept, created_by_id=user,
                                  title="关于表彰优秀志愿者的通报", channel="website", carrier="official",
                                  stage=stage, lock_version=1)
            version = insert(conn, meta, "case_versions", case_id=ids["case"], number=1, sha256="a" * 64,
                             size=10, filename="名单.docx", format="docx", storage_key="a" * 64,
                             uploaded_by_id=user)
            marked = insert(conn, meta, "case_versions", case_id=ids["quarantined"], number=1,
                            sha256="b" * 64, size=10, filename="", format="docx", quarantined=True,
                            markings=[mark], uploaded_by_id=user)
            runs = {v: insert(conn, meta, "screening_runs", version_id=v, engine_version="0.0.9",
                              rules_version="old", model_version="none") for v in (version, marked)}
            for version_id, case_id, rule, text in (
                    (version, ids["case"], "identity.cn_id", ID_NUMBER),
                    (version, ids["case"], "credential.password", f"密码：{PASSWORD}"),
                    (marked, ids["quarantined"], mark["rule"], MARKING)):
                insert(conn, meta, "findings", run_id=runs[version_id], case_id=case_id, version_number=1, rule=rule,
                       category="marking" if rule.startswith("marking") else "personal", severity="high",
                       source="rule", text=text, part="body", message="", suggestion="",
                       explanation={}, fingerprint=secrets.token_hex(32), basis="A")
            insert(conn, meta, "notifications", user_id=officer, case_id=ids["quarantined"], kind="quarantine",
                   message=f"张三 上传的《关于表彰优秀志愿者的通报》第 1 版含密级标志（{MARKING}），文件未保存，"
                           f"案件已隔离，请按泄密事件处置。")
        with Session(engine) as s, s.begin():
            audit.append(s, [audit.Entry("version.add", user, "zhang", ids["case"], {"version": 1}),
                             audit.Entry("version.quarantine", user, "zhang", ids["quarantined"],
                                         {"version": 1, "sha256": "b" * 64, "markings": [mark]})], NOW)
        return ids
    finally:
        engine.dispose()


def on_disk(url: str) -> bytes:
    """The SQLite file and its write-ahead log as bytes (what a copied disk shows); PostgreSQL is
    read through `raw_dump` (every row of every table)."""
    if not url.startswith("sqlite"):
        return b""
    path = Path(sa.engine.make_url(url).database)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def plaintext_hits(url: str) -> list[str]:
    dump, disk = raw_dump(url), on_disk(url)
    return [secret for secret in (ID_NUMBER, PASSWORD, MARKING)
            if any(form in dump or form in disk for form in forms(secret))]


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


def test_init_after_an_upgrade_leaves_no_legacy_plaintext(db_url, key, tmp_path, monkeypatch):
    ids = plant_legacy_rows(db_url)
    assert plaintext_hits(db_url) == [ID_NUMBER, PASSWORD, MARKING]   # the scan sees them before

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCREENING_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("SCREENING_SECRET_KEY", base64.urlsafe_b64encode(key).decode("ascii"))
    assert cli.main(["init"]) == 0
    assert plaintext_hits(db_url) == []

    db = Database.from_url(db_url)
    try:
        assert current_revision(db.engine) == head_revision()
        svc = ReviewService(db, FakeEngine(), FolderStore(tmp_path / "instance" / "files", key),
                            extract=fake_extract, calendar=WorkCalendar(include_package=False))
        # the people who need to know still read the texts in full
        texts = {f["text"] for f in svc.case_view(ids["case"])["findings"]}
        assert texts == {ID_NUMBER, f"密码：{PASSWORD}"}
        # the quarantined version, its notice and its audit event keep a masked form
        quarantined = svc.case_view(ids["quarantined"])["versions"][0]
        assert [m["text"] for m in quarantined["markings"]] == ["机****"]
        assert len(quarantined["markings"][0]["fingerprint"]) == 64
        (notice,) = svc.notifications(ids["officer"])
        assert "（机****）" in notice["message"] and MARKING not in notice["message"]
        (event,) = [e for e in svc.history(ids["quarantined"]) if e["action"] == "version.quarantine"]
        assert event["payload"]["markings"][0]["text"] == "机****"
        assert audit.SEALED_ORIGINAL not in event["payload"]
        # the chain still verifies with the key (the sealed original is what was hashed) ...
        verification = svc.verify_audit()
        assert verification.ok, str(verification)
        with db.read() as s:
            assert not audit.verify(s).ok          # ... and cannot be checked without it
            actions = s.execute(sa.select(audit.AuditEvent.action, audit.AuditEvent.payload)
                                .order_by(audit.AuditEvent.seq)).all()
        # one audit event for the run, with counts only
        assert [json.loads(p) for a, p in actions if a == "data.reseal"] == [
            {"findings": 3, "markings": 1, "notifications": 1, "audit_events": 1}]
        # idempotent: nothing left to do, nothing audited again
        assert reseal(db, key).total == 0
        assert cli.main(["reseal"]) == 0
        with db.read() as s:
            assert s.execute(sa.select(sa.func.count()).where(audit.AuditEvent.action == "data.reseal")).scalar() == 1
    finally:
        db.dispose()


def test_an_altered_visible_part_of_a_resealed_event_breaks_the_chain(db_url, key, tmp_path):
    """Resealed in batches of one row; the masked payload a resealed event shows is then checked
    against its sealed original."""
    plant_legacy_rows(db_url)
    db = Database.from_url(db_url)
    try:
        upgrade(db.engine)
        counts = reseal(db, key, batch=1)         # one row per transaction: the batches add up
        assert (counts.findings, counts.markings, counts.notifications, counts.audit_events) == (3, 1, 1, 1)
        assert plaintext_hits(db_url) == []
        store = FolderStore(tmp_path / "files", key)
        svc = ReviewService(db, FakeEngine(), store, extract=fake_extract,
                            calendar=WorkCalendar(include_package=False))
        assert svc.verify_audit().ok
        with db.engine.begin() as conn:
            lift, restore = _append_only_triggers(db.dialect)
            for statement in lift:
                conn.execute(sa.text(statement))
            conn.execute(sa.text("UPDATE audit_events SET payload = replace(payload, :was, :now) "
                                 "WHERE action = 'version.quarantine'"),
                         {"was": '"version":1', "now": '"version":2'})
            for statement in restore:
                conn.execute(sa.text(statement))
        result = svc.verify_audit()
        assert not result.ok and result.broken_at == 2
    finally:
        db.dispose()


def test_the_web_service_reseals_at_start(db_url, key, tmp_path):
    """An administrator who ran only the migrations (`alembic upgrade`, not `screening init`): the
    service's start seals and masks what the older version left, before it serves."""
    from screening.web import close_app, create_app

    ids = plant_legacy_rows(db_url)
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    assert plaintext_hits(db_url) == [ID_NUMBER, PASSWORD, MARKING]
    app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "instance"), "DATABASE_URL": db_url,
                      "STORAGE_KEY": base64.urlsafe_b64encode(key).decode("ascii"), "ENGINE": FakeEngine()})
    try:
        assert plaintext_hits(db_url) == []
        texts = {f["text"] for f in app.extensions["screening"].service.case_view(ids["case"])["findings"]}
        assert texts == {ID_NUMBER, f"密码：{PASSWORD}"}
    finally:
        close_app(app)
