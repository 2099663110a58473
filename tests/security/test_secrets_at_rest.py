"""Issue 13 item 6: what a finding flagged (ID numbers, passwords, a classification marking) is not
kept in the clear anywhere: finding texts are sealed with a key derived from the file store's key,
audit payloads and notices keep only rule, fingerprint and a masked form. The test uploads drafts
with planted secrets through the API, then scans the whole database (every table, read raw, not
through the models), every file of the instance folder, and the logs."""
from __future__ import annotations

import io
import json
import logging

import pytest
import sqlalchemy as sa

ID_NUMBER = "11010519491231002X"
PASSWORD = "Zx9kLq2Wm7vB"
MARKING = "机密★1年"
DRAFTS = {
    "名单.txt": f"关于表彰优秀志愿者的通报\n志愿者张三，身份证号{ID_NUMBER}，表现突出。\n",
    "账号.txt": f"关于启用新办公系统的通知\n各科室新建账号及密码如下：账号：zhangsan，密码：{PASSWORD}\n",
    "内部.txt": f"{MARKING}\n关于某项工作的内部通报\n请各单位注意保存。\n",
}


def forms(secret: str) -> list[bytes]:
    """The byte forms a planted string could take in a file or a dump: UTF-8, JSON-escaped, UTF-16."""
    escaped = json.dumps(secret)[1:-1].encode("ascii")
    return list({secret.encode("utf-8"), escaped, secret.encode("utf-16-le")})


def raw_dump(url: str) -> bytes:
    """Every row of every table, read with the reflected (plain) column types: what a stolen
    database or its backup shows."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        out = []
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                for row in conn.execute(sa.select(table)):
                    out.append(repr(tuple(row)))
        return "\n".join(out).encode("utf-8")
    finally:
        engine.dispose()


def upload_all(client, org) -> dict[str, dict]:
    answers = {}
    for name, text in DRAFTS.items():
        r = client.post("/api/v1/documents", headers=org.auth("drafter"),
                        data={"title": "测试", "file": (io.BytesIO(text.encode("utf-8")), name)})
        assert r.status_code == 201, r.get_data(as_text=True)
        answers[name] = r.get_json()
    return answers


def test_planted_secrets_are_nowhere_in_the_clear(app, client, org, instance, db_url, caplog):
    caplog.set_level(logging.DEBUG)
    answers = upload_all(client, org)
    # the screening saw them (otherwise this test would prove nothing) ...
    flagged = {f["text"] for a in answers.values() for f in a["report"]["findings"]}
    assert ID_NUMBER in flagged and MARKING in flagged and any(PASSWORD in t for t in flagged), flagged
    assert answers["内部.txt"]["stage"] == "quarantined"
    # ... and the people who need to know still read them in full
    case = client.get(f"/api/v1/documents/{answers['名单.txt']['id']}", headers=org.auth("drafter")).get_json()
    assert any(f["text"] == ID_NUMBER for f in case["findings"])
    with client.session_transaction() as sess:
        sess["user_id"] = org.ids["officer"]
    client.get("/officer/quarantine")

    hits = []
    dump = raw_dump(db_url)
    files = {p: p.read_bytes() for p in instance.rglob("*") if p.is_file()}
    for secret in (ID_NUMBER, PASSWORD, MARKING):
        for form in forms(secret):
            if form in dump:
                hits.append(("database", secret))
            hits += [(str(p.relative_to(instance)), secret) for p, data in files.items() if form in data]
            if form.decode("utf-8", "ignore") and form.decode("utf-8", "ignore") in caplog.text:
                hits.append(("log", secret))
    assert hits == [], hits
    assert files, "the instance folder was empty: nothing was scanned"


def test_audit_and_notices_keep_rule_fingerprint_and_a_masked_form(app, client, org):
    from screening.review.models import AuditEvent, Notification
    from screening.web.state import EXTENSION

    upload_all(client, org)
    db = app.extensions[EXTENSION].service.db
    with db.read() as s:
        event = s.execute(sa.select(AuditEvent).where(AuditEvent.action == "version.quarantine")).scalar_one()
        notice = s.execute(sa.select(Notification).where(Notification.kind == "quarantine")).scalars().first()
    marks = json.loads(event.payload)["markings"]
    assert marks and marks[0]["rule"].startswith("marking.") and len(marks[0]["fingerprint"]) == 64
    assert marks[0]["text"] != MARKING and marks[0]["text"].startswith("机") and "*" in marks[0]["text"]
    assert MARKING not in notice.message and marks[0]["text"] in notice.message
