"""End to end, as the publishing system runs it: a real HTTP client against gunicorn (`screening
serve`) on a loopback port, on SQLite and on PostgreSQL.

upload a draft with an ID number → blocked → a new version without it → the drafter, the head and the
leader sign through the API, each with their own personal token → clearance is true for that file's
hash and false for the first version's."""
from __future__ import annotations

import hashlib
import io

from web_helpers import DRAFT, FIXED, ID_NUMBER, Live


def test_publishing_system_flow(live: Live):
    cms = live.session("key:all")                    # the publishing platform's system key
    drafter, head, leader = live.session("drafter"), live.session("head"), live.session("leader")
    api = f"{live.url}/api/v1"
    draft, fixed = DRAFT.encode("utf-8"), FIXED.encode("utf-8")

    # the drafter (through the office-automation system, with their token) opens the case
    r = drafter.post(f"{api}/documents", data={"title": "关于春季植树活动的通知", "doc_number": "示政办〔2026〕7号"},
                     files={"file": ("通知.txt", io.BytesIO(draft), "text/plain")})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    assert r.json()["version"] == 1 and r.json()["report"]["verdict"] == "block"
    assert any(f["rule"] == "pii.id_card" and f["text"] == ID_NUMBER for f in r.json()["report"]["findings"])

    # blocked: the drafter cannot submit
    r = drafter.post(f"{api}/documents/{case_id}/signoffs", json={"stage": "drafter", "decision": "approve"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "high_findings"

    # the platform follows the case with its key
    case = cms.get(f"{api}/documents/{case_id}").json()
    assert case["stage"] == "draft" and case["versions"][0]["verdict"] == "block"

    # a new version without the ID number
    r = drafter.post(f"{api}/documents/{case_id}/versions", files={"file": ("通知.txt", io.BytesIO(fixed), "text/plain")})
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2 and r.json()["report"]["verdict"] == "pass"
    case = cms.get(f"{api}/documents/{case_id}").json()
    assert not [f for f in case["findings"] if f["rule"] == "pii.id_card"]

    # the system key cannot sign, whatever its scopes
    r = cms.post(f"{api}/documents/{case_id}/signoffs", json={"stage": "drafter", "decision": "approve"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "person_required"

    # three sign-offs, three people, three tokens
    for session, stage in ((drafter, "drafter"), (head, "head"), (leader, "leader")):
        r = session.post(f"{api}/documents/{case_id}/signoffs",
                         json={"stage": stage, "decision": "approve", "opinion": "同意"})
        assert r.status_code == 201, r.text
    case = cms.get(f"{api}/documents/{case_id}").json()
    assert case["stage"] == "approved"
    assert [(s["stage"], s["by"]) for s in case["signoffs"]] == [("drafter", "zhang"), ("head", "li"), ("leader", "wang")]

    # just before publishing: clearance for the exact file
    r = cms.get(f"{api}/clearance", params={"sha256": hashlib.sha256(fixed).hexdigest()})
    assert r.status_code == 200 and r.json()["publishable"] is True and r.json()["document"] == case_id
    r = cms.get(f"{api}/clearance", params={"sha256": hashlib.sha256(draft).hexdigest()})
    assert r.status_code == 200 and r.json()["publishable"] is False and r.json()["document"] == case_id

    # and the review sheet for the archive
    r = cms.get(f"{api}/documents/{case_id}/sheet.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
