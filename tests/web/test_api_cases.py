"""Review cases through the API (SPEC §4): open, read, sheet, versions, dispositions, sign-offs, and
every refusal with its status (400, 403, 404, 409, 415, 422)."""
from __future__ import annotations

import io
import zipfile

import pytest

from web_helpers import CLEAN, DRAFT, FIXED, ID_NUMBER, error_of, open_case, sha256


def sign(client, org, who, case_id, stage, decision="approve", opinion="", **extra):
    return client.post(f"/api/v1/documents/{case_id}/signoffs", headers=org.auth(who),
                       json={"stage": stage, "decision": decision, "opinion": opinion, **extra})


def upload_version(client, org, who, case_id, text):
    return client.post(f"/api/v1/documents/{case_id}/versions", headers=org.auth(who),
                       data={"file": (io.BytesIO(text.encode("utf-8")), "通知（修改稿）.txt")})


def dispose(client, org, who, case_id, finding_id, action, reason=""):
    return client.post(f"/api/v1/documents/{case_id}/findings/{finding_id}/disposition",
                       headers=org.auth(who), json={"action": action, "reason": reason})


@pytest.fixture
def case(client, org) -> dict:
    r = open_case(client, org.auth("drafter"), doc_number="示政办〔2026〕3号")
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_open_case_answers_201_with_the_report(client, org, case):
    assert case["stage"] == "draft" and case["version"] == 1
    assert case["report"]["verdict"] == "block"
    assert any(f["text"] == ID_NUMBER for f in case["report"]["findings"])
    r = client.get(f"/api/v1/documents/{case['id']}", headers=org.auth("key:read"))
    view = r.get_json()
    assert view["id"] == case["id"] and view["title"] == "关于春季植树活动的通知"
    assert view["doc_number"] == "示政办〔2026〕3号" and view["department"] == "秘书科"
    assert view["stage"] == "draft" and view["signoffs"] == []
    assert [(v["number"], v["sha256"], v["verdict"]) for v in view["versions"]] == [(1, sha256(DRAFT), "block")]
    [finding] = [f for f in view["findings"] if f["rule"] == "pii.id_card"]
    assert finding["id"] > 0 and finding["version"] == 1 and finding["disposition"] is None
    assert {"category", "severity", "source", "text", "location", "message", "suggestion"} <= set(finding)
    assert "attribute" in view["public_attribute"] and "due_date" in view


def test_open_case_location_header(client, org):
    r = open_case(client, org.auth("drafter"), text=CLEAN)
    assert r.headers["Location"] == f"/api/v1/documents/{r.get_json()['id']}"


@pytest.mark.parametrize("fields, status, code", [
    ({"title": "   "}, 422, "invalid_request"),
    ({"channel": "carrier-pigeon"}, 422, "invalid_request"),
    ({"planned_on": "next week"}, 422, "invalid_request"),
    ({"department": "不存在的科"}, 400, "no_such_department"),
    ({"department": "综合科"}, 403, "not_your_department"),
    ({"title": "长" * 501}, 422, "invalid_request"),
], ids=["blank-title", "bad-channel", "bad-date", "unknown-department", "another-department", "long-title"])
def test_open_case_rejects_bad_fields(client, org, fields, status, code):
    r = open_case(client, org.auth("drafter"), **{"title": "标题", **fields})
    assert r.status_code == status and error_of(r)["code"] == code


def test_open_case_with_optional_fields(client, org):
    r = open_case(client, org.auth("drafter"), text=CLEAN, channel="bulletin", carrier="non_official",
                  formed_on="2026-11-02", planned_on="2026-12-01", department="秘书科")
    assert r.status_code == 201
    view = client.get(r.headers["Location"], headers=org.auth("drafter")).get_json()
    assert (view["channel"], view["carrier"], view["formed_on"], view["planned_on"]) == \
        ("bulletin", "non_official", "2026-11-02", "2026-12-01")


def test_open_case_needs_a_drafter(client, org):
    r = open_case(client, org.auth("head"))
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"


def test_open_case_unreadable_or_empty_file_is_422(client, org):
    r = client.post("/api/v1/documents", headers=org.auth("drafter"),
                    data={"title": "t", "file": (io.BytesIO(b"PK\x03\x04broken"), "a.docx")})
    assert r.status_code == 422 and error_of(r)["code"] != "invalid_request"
    r = client.post("/api/v1/documents", headers=org.auth("drafter"),
                    data={"title": "t", "file": (io.BytesIO(b""), "a.txt")})
    assert r.status_code == 422 and error_of(r)["code"] == "empty"


def test_open_case_needs_multipart(client, org):
    r = client.post("/api/v1/documents", headers=org.auth("drafter"), json={"title": "t"})
    assert r.status_code == 415 and error_of(r)["code"] == "unsupported_media_type"


def test_unknown_case_is_404(client, org):
    for url in ("/api/v1/documents/999999", "/api/v1/documents/999999/sheet.docx"):
        r = client.get(url, headers=org.auth("key:read"))
        assert r.status_code == 404 and error_of(r)["code"] == "no_such_case"
    r = upload_version(client, org, "drafter", 999999, CLEAN)
    assert r.status_code == 404
    r = sign(client, org, "drafter", 999999, "drafter")
    assert r.status_code == 404


def test_the_whole_review_through_the_api(client, org, case):
    cid = case["id"]
    # the drafter cannot submit while the ID number is undisposed: 409 with the reason
    r = sign(client, org, "drafter", cid, "drafter")
    assert r.status_code == 409 and error_of(r)["code"] == "high_findings"
    assert "高风险" in error_of(r)["message"]
    # the head cannot sign a draft (stage first: 409), nor the drafter's stage (403)
    r = sign(client, org, "head", cid, "head")
    assert r.status_code == 409 and error_of(r)["code"] == "wrong_stage"
    r = sign(client, org, "head", cid, "drafter")
    assert r.status_code == 403 and error_of(r)["code"] == "not_your_stage"
    # a new version without the ID number: the finding is fixed
    r = upload_version(client, org, "drafter", cid, FIXED)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["version"] == 2 and r.get_json()["fixed"] >= 1
    assert r.get_json()["report"]["verdict"] == "pass"
    r = upload_version(client, org, "drafter", cid, FIXED)
    assert r.status_code == 409 and error_of(r)["code"] == "same_file"
    assert sign(client, org, "drafter", cid, "drafter").status_code == 201
    r = sign(client, org, "head_other_dept", cid, "head")
    assert r.status_code == 403 and error_of(r)["code"] == "not_your_stage"
    r = sign(client, org, "head", cid, "head")
    assert r.status_code == 201 and r.get_json()["stage"] == "leader_review"
    assert r.get_json()["signoff"]["by"] == "li"
    r = sign(client, org, "leader", cid, "leader", opinion="同意公开")
    assert r.status_code == 201 and r.get_json()["stage"] == "approved"
    view = client.get(f"/api/v1/documents/{cid}", headers=org.auth("key:read")).get_json()
    assert [(s["stage"], s["decision"], s["by"]) for s in view["signoffs"]] == \
        [("drafter", "approve", "zhang"), ("head", "approve", "li"), ("leader", "approve", "wang")]
    clear = client.get(f"/api/v1/clearance?sha256={sha256(FIXED)}", headers=org.auth("key:clearance")).get_json()
    assert clear["publishable"] is True and clear["document"] == cid
    clear = client.get(f"/api/v1/clearance?sha256={sha256(DRAFT)}", headers=org.auth("key:clearance")).get_json()
    assert clear["publishable"] is False and clear["document"] == cid


def test_dispositions(client, org, case):
    cid = case["id"]
    view = client.get(f"/api/v1/documents/{cid}", headers=org.auth("drafter")).get_json()
    [finding] = [f for f in view["findings"] if f["rule"] == "pii.id_card"]
    r = dispose(client, org, "drafter", cid, finding["id"], "dismissed")
    assert r.status_code == 400 and error_of(r)["code"] == "reason_required"
    r = dispose(client, org, "drafter", cid, finding["id"], "fixed")
    assert r.status_code == 422 and error_of(r)["code"] == "invalid_request"
    r = dispose(client, org, "drafter", cid, 999999, "confirmed")
    assert r.status_code == 404 and error_of(r)["code"] == "no_such_finding"
    r = dispose(client, org, "drafter2", cid, finding["id"], "confirmed")
    assert r.status_code == 403
    r = client.post(f"/api/v1/documents/{cid}/findings/{finding['id']}/disposition", headers=org.auth("drafter"),
                    data="action=dismissed", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415
    r = dispose(client, org, "drafter", cid, finding["id"], "dismissed", "经核实为虚构的示例号码")
    assert r.status_code == 200
    assert r.get_json()["action"] == "dismissed" and r.get_json()["by"] == "zhang"
    assert r.get_json()["finding_id"] == finding["id"]
    view = client.get(f"/api/v1/documents/{cid}", headers=org.auth("drafter")).get_json()
    [finding] = [f for f in view["findings"] if f["rule"] == "pii.id_card"]
    assert finding["disposition"]["reason"] == "经核实为虚构的示例号码"
    # dismissed with a reason: the drafter may now submit
    assert sign(client, org, "drafter", cid, "drafter").status_code == 201


def test_returning_needs_an_opinion_and_returns_to_the_drafter(client, org):
    cid = open_case(client, org.auth("drafter"), text=CLEAN).get_json()["id"]
    assert sign(client, org, "drafter", cid, "drafter").status_code == 201
    r = sign(client, org, "head", cid, "head", decision="return")
    assert r.status_code == 400 and error_of(r)["code"] == "opinion_required"
    r = sign(client, org, "head", cid, "head", decision="return", opinion="请补充发布范围")
    assert r.status_code == 201 and r.get_json()["stage"] == "returned"


@pytest.mark.parametrize("body", [
    {"stage": "mayor", "decision": "approve"},
    {"stage": "drafter", "decision": "maybe"},
    {"decision": "approve"},
    {"stage": "drafter", "decision": "approve", "opinion_kind": "随便"},
], ids=["bad-stage", "bad-decision", "no-stage", "bad-opinion-kind"])
def test_signoff_rejects_bad_bodies(client, org, case, body):
    r = client.post(f"/api/v1/documents/{case['id']}/signoffs", headers=org.auth("drafter"), json=body)
    assert r.status_code == 422 and error_of(r)["code"] == "invalid_request"


def test_only_the_drafter_uploads_versions(client, org, case):
    for who in ("drafter2", "head"):
        r = upload_version(client, org, who, case["id"], FIXED)
        assert r.status_code == 403, who
    r = client.post(f"/api/v1/documents/{case['id']}/versions", headers=org.auth("drafter"), json={})
    assert r.status_code == 415


def test_sheet_docx(client, org, case):
    r = client.get(f"/api/v1/documents/{case['id']}/sheet.docx", headers=org.auth("key:read"))
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in r.headers["Content-Disposition"]
    xml = zipfile.ZipFile(io.BytesIO(r.data)).read("word/document.xml").decode("utf-8")
    assert "政府信息公开保密审查单" in xml and "关于春季植树活动的通知" in xml
    assert ID_NUMBER not in xml          # the sheet masks what it reports


def test_sheet_pdf(client, org, case, backend):
    if backend != "sqlite":
        pytest.skip("one PDF conversion is enough: the database plays no part in it")
    r = client.get(f"/api/v1/documents/{case['id']}/sheet.pdf", headers=org.auth("drafter"))
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")


def test_sheet_pdf_without_libreoffice_is_503(client, org, case, monkeypatch):
    monkeypatch.setenv("SCREENING_SOFFICE", "/nonexistent/soffice")
    r = client.get(f"/api/v1/documents/{case['id']}/sheet.pdf", headers=org.auth("drafter"))
    assert r.status_code == 503 and error_of(r)["code"] == "sheet_unavailable"


def test_a_marked_file_is_quarantined(client, org):
    r = open_case(client, org.auth("drafter"), text="机密★1年\n关于某事项的通知\n")
    assert r.status_code == 201 and r.get_json()["stage"] == "quarantined"
    assert r.get_json()["quarantined"] is True
    r = client.get(f"/api/v1/documents/{r.get_json()['id']}/sheet.docx", headers=org.auth("officer"))
    assert r.status_code == 200


def test_redacted_copy_becomes_the_next_version(client, org, case):
    findings = client.get(f"/api/v1/documents/{case['id']}", headers=org.auth("drafter")).get_json()["findings"]
    id_card = next(f for f in findings if f["text"] == ID_NUMBER)
    r = client.post(f"/api/v1/documents/{case['id']}/redacted-version", headers=org.auth("drafter"))
    assert r.status_code == 409 and error_of(r)["code"] == "nothing_to_redact"
    assert dispose(client, org, "drafter", case["id"], id_card["id"], "redacted", "区分处理后公开").status_code == 200
    r = client.post(f"/api/v1/documents/{case['id']}/redacted-version", headers=org.auth("key:read"))
    assert r.status_code in (401, 403)                  # a system key never acts for a person
    r = client.post(f"/api/v1/documents/{case['id']}/redacted-version", headers=org.auth("drafter"))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["version"] == 2 and ID_NUMBER not in str(body["report"])
    assert not [f for f in body["report"]["findings"] if f["subtype"] == "id_card"]
    view = client.get(f"/api/v1/documents/{case['id']}", headers=org.auth("drafter")).get_json()
    assert [v["number"] for v in view["versions"]] == [1, 2]


def test_the_fourth_stage_through_the_api(client, org, app):
    """A unit with 保密审核 switched on: the secrecy officer signs stage `secrecy` between head and
    leader; the case JSON names the four stages; clearance waits for all four."""
    from screening.review import units
    from screening.web.state import EXTENSION
    from web_helpers import UNIT

    units.set_secrecy_stage(app.extensions[EXTENSION].service.db, UNIT, True)
    r = open_case(client, org.auth("drafter"), text=CLEAN)
    assert r.status_code == 201, r.get_json()
    cid = r.get_json()["id"]
    assert sign(client, org, "drafter", cid, "drafter").status_code == 201
    r = sign(client, org, "head", cid, "head")
    assert r.status_code == 201 and r.get_json()["stage"] == "secrecy_review"
    r = sign(client, org, "leader", cid, "leader")
    assert r.status_code == 409 and error_of(r)["code"] == "wrong_stage"
    r = sign(client, org, "leader", cid, "secrecy")
    assert r.status_code == 403 and error_of(r)["code"] == "not_your_stage"
    clear = client.get(f"/api/v1/clearance?sha256={sha256(CLEAN)}", headers=org.auth("key:clearance")).get_json()
    assert clear["publishable"] is False
    r = sign(client, org, "officer", cid, "secrecy", opinion="经保密审核，同意公开")
    assert r.status_code == 201 and r.get_json()["stage"] == "leader_review"
    assert r.get_json()["signoff"]["stage"] == "secrecy"
    assert sign(client, org, "leader", cid, "leader", opinion="同意公开").status_code == 201
    view = client.get(f"/api/v1/documents/{cid}", headers=org.auth("key:read")).get_json()
    assert view["sign_stages"] == ["drafter", "head", "secrecy", "leader"]
    assert [(s["stage"], s["by"]) for s in view["signoffs"]] == \
        [("drafter", "zhang"), ("head", "li"), ("secrecy", "sun"), ("leader", "wang")]
    clear = client.get(f"/api/v1/clearance?sha256={sha256(CLEAN)}", headers=org.auth("key:clearance")).get_json()
    assert clear["publishable"] is True and "四级审核" in clear["reason"]
