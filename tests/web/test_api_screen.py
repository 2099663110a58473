"""POST /api/v1/screen, GET /api/v1/clearance, and the errors every API path answers in JSON."""
from __future__ import annotations

import io

import pytest

from web_helpers import CLEAN, DRAFT, ID_NUMBER, error_of, sha256


# -- screen ------------------------------------------------------------------------------------------

def test_screen_text_answers_the_report_and_stores_nothing(client, org, app):
    from screening.web.state import state

    r = client.post("/api/v1/screen", json={"name": "草稿.txt", "text": DRAFT}, headers=org.auth("key:screen"))
    assert r.status_code == 200
    report = r.get_json()
    assert report["verdict"] == "block" and report["error"] is None
    assert report["document"]["name"] == "草稿.txt" and report["document"]["sha256"] == sha256(DRAFT)
    [finding] = [f for f in report["findings"] if f["rule"] == "pii.id_card"]
    assert finding["text"] == ID_NUMBER and finding["category"] == "personal_info"
    assert finding["location"]["part"] == "body"
    with app.app_context():
        assert state().service.clearance(sha256(DRAFT)).case_id is None   # nothing stored
    assert r.headers["Cache-Control"] == "no-store"


def test_screen_file(client, org):
    data = {"file": (io.BytesIO(CLEAN.encode("utf-8")), "通知.txt")}
    r = client.post("/api/v1/screen", data=data, headers=org.auth("key:screen"))
    assert r.status_code == 200
    assert r.get_json()["verdict"] == "pass" and r.get_json()["document"]["format"] == "txt"


def test_screen_unreadable_file_is_422_with_the_report(client, org):
    data = {"file": (io.BytesIO(b"PK\x03\x04 this is no zip"), "坏.docx")}
    r = client.post("/api/v1/screen", data=data, headers=org.auth("key:screen"))
    assert r.status_code == 422
    body = r.get_json()
    assert body["verdict"] is None and body["findings"] == []
    assert body["error"]["code"] and body["error"]["message"]


@pytest.mark.parametrize("kwargs, status, code", [
    ({"data": "text", "content_type": "text/plain"}, 415, "unsupported_media_type"),
    ({"data": "{not json", "content_type": "application/json"}, 400, "invalid_json"),
    ({"json": ["a list"]}, 422, "invalid_request"),
    ({"json": {"name": "a.txt"}}, 422, "invalid_request"),
    ({"json": {"text": 5}}, 422, "invalid_request"),
    ({"data": {"other": "x"}, "content_type": "multipart/form-data"}, 422, "invalid_request"),
    ({"data": {"other": "x"}}, 415, "unsupported_media_type"),
], ids=["text-plain", "bad-json", "json-list", "no-text", "text-not-string", "multipart-without-file", "urlencoded"])
def test_screen_rejects_bad_bodies(client, org, kwargs, status, code):
    r = client.post("/api/v1/screen", headers=org.auth("key:screen"), **kwargs)
    assert r.status_code == status
    assert error_of(r)["code"] == code


def test_screen_needs_the_screen_scope(client, org):
    r = client.post("/api/v1/screen", json={"text": CLEAN}, headers=org.auth("key:read"))
    assert r.status_code == 403 and error_of(r)["code"] == "insufficient_scope"


def test_a_person_may_screen(client, org):
    r = client.post("/api/v1/screen", json={"text": CLEAN}, headers=org.auth("drafter"))
    assert r.status_code == 200


# -- clearance ---------------------------------------------------------------------------------------

def test_clearance_of_an_unknown_file(client, org):
    r = client.get(f"/api/v1/clearance?sha256={sha256('never seen')}", headers=org.auth("key:clearance"))
    assert r.status_code == 200
    assert r.get_json()["publishable"] is False and r.get_json()["document"] is None
    assert "未找到" in r.get_json()["reason"]


@pytest.mark.parametrize("query, status", [("", 422), ("?sha256=xyz", 400), ("?sha256=" + "a" * 63, 400)],
                         ids=["missing", "not-hex", "short"])
def test_clearance_rejects_a_bad_hash(client, org, query, status):
    r = client.get(f"/api/v1/clearance{query}", headers=org.auth("key:clearance"))
    assert r.status_code == status
    assert error_of(r)["code"] in ("invalid_request", "invalid_sha256")


def test_clearance_needs_its_scope(client, org):
    r = client.get(f"/api/v1/clearance?sha256={'a' * 64}", headers=org.auth("key:screen"))
    assert r.status_code == 403 and error_of(r)["code"] == "insufficient_scope"


# -- errors are JSON everywhere under /api/ ----------------------------------------------------------

def test_unknown_api_path_is_json_404(client, org):
    r = client.get("/api/v1/no-such-thing", headers=org.auth("key:all"))
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    r = client.get("/api/v2/anything")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"


def test_wrong_method_is_json_405(client, org):
    r = client.delete("/api/v1/screen", headers=org.auth("key:all"))
    assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed"
    assert "POST" in r.headers["Allow"]


def test_upload_too_large_is_json_413(app_config, request):
    app_config["MAX_CONTENT_LENGTH"] = 1024
    app = request.getfixturevalue("app")
    org = request.getfixturevalue("org")
    data = {"file": (io.BytesIO(b"x" * 4096), "big.txt")}
    r = app.test_client().post("/api/v1/screen", data=data, headers=org.auth("key:screen"))
    assert r.status_code == 413 and error_of(r)["code"] == "too_large"
    assert "MiB" in error_of(r)["message"]


def test_unexpected_error_is_json_500_without_traceback(client, org, app, monkeypatch, caplog):
    from screening.web import actions

    def boom(st, payload):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setitem(actions.ACTIONS, "screen", boom)
    r = client.post("/api/v1/screen", json={"text": CLEAN}, headers=org.auth("key:screen"))
    assert r.status_code == 500
    err = error_of(r)
    assert err["code"] == "internal_error" and "secret internals" not in r.get_data(as_text=True)
    assert "Traceback" not in r.get_data(as_text=True)
    assert "secret internals" in caplog.text      # but it is logged for the operator


def test_rate_limit_is_per_key_and_answers_json_429(app_config, request):
    app_config["RATE_LIMIT"] = "3 per minute"
    app = request.getfixturevalue("app")
    org = request.getfixturevalue("org")
    client = app.test_client()
    url = f"/api/v1/clearance?sha256={'b' * 64}"
    for _ in range(3):
        assert client.get(url, headers=org.auth("key:clearance")).status_code == 200
    r = client.get(url, headers=org.auth("key:clearance"))
    assert r.status_code == 429
    err = error_of(r)
    assert err["code"] == "rate_limited" and "3 per 1 minute" in err["message"]
    assert int(r.headers["Retry-After"]) > 0
    # another key, and a person, have their own budgets
    assert client.get(url, headers=org.auth("key:all")).status_code == 200
    assert client.get(url, headers=org.auth("drafter")).status_code == 200


def test_the_uploaded_name_loses_its_client_folder(client, org):
    data = {"file": (io.BytesIO(CLEAN.encode("utf-8")), "../../home/张三/桌面/通知.txt")}
    r = client.post("/api/v1/screen", data=data, headers=org.auth("key:screen"))
    assert r.status_code == 200 and r.get_json()["document"]["name"] == "通知.txt"
