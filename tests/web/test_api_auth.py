"""Who may call what: system keys and their scopes, personal tokens, the web session with CSRF."""
from __future__ import annotations

import io

import pytest

from screening.review import accounts, provisioning

from web_helpers import CLEAN, error_of, open_case


@pytest.mark.parametrize("headers, code", [
    ({}, "unauthorized"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "invalid_auth"),
    ({"Authorization": "Bearer"}, "invalid_auth"),
    ({"Authorization": "Bearer ssk_not-a-real-key"}, "invalid_credentials"),
    ({"Authorization": "Bearer sst_not-a-real-token"}, "invalid_credentials"),
    ({"Authorization": "Bearer something-else"}, "invalid_credentials"),
], ids=["none", "basic", "empty-bearer", "unknown-key", "unknown-token", "unknown-kind"])
def test_missing_or_bad_credentials_are_401(client, org, headers, code):
    r = client.post("/api/v1/screen", json={"text": CLEAN}, headers=headers)
    assert r.status_code == 401
    assert error_of(r)["code"] == code
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_every_api_route_needs_credentials(client, app):
    """Every /api/v1 route but the OpenAPI document and the docs page answers 401 to nobody."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule.startswith(("/api/v1/openapi", "/api/v1/docs")):
            continue
        url = rule.rule.replace("<int:case_id>", "1").replace("<int:finding_id>", "1").replace("<job_id>", "x")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            r = client.open(url, method=method)
            assert r.status_code == 401, (method, url, r.status_code)


def test_a_revoked_key_and_token_no_longer_work(client, org, app):
    from screening.web.state import EXTENSION

    db = app.extensions[EXTENSION].service.db
    accounts.revoke_api_key(db, "screen")
    r = client.post("/api/v1/screen", json={"text": CLEAN}, headers=org.auth("key:screen"))
    assert r.status_code == 401 and error_of(r)["code"] == "invalid_credentials"
    token_id = accounts.create_token(db, "zhang")
    accounts.revoke_token(db, token_id.id)
    r = client.post("/api/v1/screen", json={"text": CLEAN},
                    headers={"Authorization": f"Bearer {token_id.secret}"})
    assert r.status_code == 401


def test_an_inactive_users_token_no_longer_works(client, org, app):
    from screening.web.state import EXTENSION

    provisioning.set_active(app.extensions[EXTENSION].service.db, "zhang", False)
    r = client.get("/api/v1/whoami", headers=org.auth("drafter"))
    assert r.status_code == 401


def test_a_system_key_never_acts_for_a_person(client, org):
    """Opening a case, new versions, dispositions and sign-offs need the person's own credential."""
    case_id = open_case(client, org.auth("drafter")).get_json()["id"]
    key = org.auth("key:all")
    attempts = [
        client.post("/api/v1/documents", data={"title": "t", "file": (io.BytesIO(b"x"), "a.txt")}, headers=key),
        client.post(f"/api/v1/documents/{case_id}/versions",
                    data={"file": (io.BytesIO(CLEAN.encode()), "a.txt")}, headers=key),
        client.post(f"/api/v1/documents/{case_id}/findings/1/disposition",
                    json={"action": "confirmed"}, headers=key),
        client.post(f"/api/v1/documents/{case_id}/signoffs",
                    json={"stage": "drafter", "decision": "approve"}, headers=key),
    ]
    for r in attempts:
        assert r.status_code == 403 and error_of(r)["code"] == "person_required"


def test_whoami(client, org):
    r = client.get("/api/v1/whoami", headers=org.auth("key:read"))
    assert r.get_json() == {"kind": "api_key", "user": None,
                            "key": {"id": r.get_json()["key"]["id"], "name": "read", "scopes": ["cases:read"]}}
    r = client.get("/api/v1/whoami", headers=org.auth("head"))
    assert r.get_json()["kind"] == "token" and r.get_json()["user"]["name"] == "li"
    assert r.get_json()["user"]["role"] == "head" and "csrf_token" not in r.get_json()


def login(client, user_id: int) -> str:
    """What the UI's login page does (session["user_id"]); returns the CSRF token for API calls."""
    with client.session_transaction() as sess:
        sess["user_id"] = user_id
    r = client.get("/api/v1/whoami")
    assert r.status_code == 200 and r.get_json()["kind"] == "session"
    return r.get_json()["csrf_token"]


def test_the_web_session_acts_for_its_person_with_a_csrf_token(client, org):
    csrf = login(client, org.ids["drafter"])
    r = open_case(client, {})
    assert r.status_code == 403 and error_of(r)["code"] == "csrf_failed"
    r = open_case(client, {"X-CSRFToken": "forged"})
    assert r.status_code == 403 and error_of(r)["code"] == "csrf_failed"
    r = open_case(client, {"X-CSRFToken": csrf})
    assert r.status_code == 201
    case_id = r.get_json()["id"]
    assert client.get(f"/api/v1/documents/{case_id}").status_code == 200   # reads need no token


def test_a_session_of_an_inactive_user_is_anonymous(client, org, app):
    from screening.web.state import EXTENSION

    login(client, org.ids["drafter"])
    provisioning.set_active(app.extensions[EXTENSION].service.db, "zhang", False)
    assert client.get("/api/v1/whoami").status_code == 401


def test_session_cookie_is_httponly_and_samesite(client, org):
    login(client, org.ids["drafter"])
    cookie = client.get_cookie("screening_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure


def test_reading_a_case_needs_cases_read(client, org):
    case_id = open_case(client, org.auth("drafter")).get_json()["id"]
    for key in ("key:screen", "key:clearance", "key:write"):
        r = client.get(f"/api/v1/documents/{case_id}", headers=org.auth(key))
        assert r.status_code == 403 and error_of(r)["code"] == "insufficient_scope"
    assert client.get(f"/api/v1/documents/{case_id}", headers=org.auth("key:read")).status_code == 200


def test_a_person_reads_only_cases_they_need_to_know(client, org):
    case_id = open_case(client, org.auth("drafter")).get_json()["id"]
    for who in ("drafter", "head", "leader", "officer"):
        assert client.get(f"/api/v1/documents/{case_id}", headers=org.auth(who)).status_code == 200, who
    for who in ("drafter2", "head_other_dept", "drafter_u2"):   # as if it did not exist (issue 13)
        r = client.get(f"/api/v1/documents/{case_id}", headers=org.auth(who))
        assert r.status_code == 404 and error_of(r)["code"] == "no_such_case", who
        r = client.get(f"/api/v1/documents/{case_id}/sheet.docx", headers=org.auth(who))
        assert r.status_code == 404, who
