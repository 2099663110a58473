"""Issue 13 item 7: security headers on every page and file, no inline script (a CSP without
'unsafe-inline' for scripts), `Secure` cookies over https, and login guessing slowed per client —
never by locking the named account, and never telling which accounts exist."""
from __future__ import annotations

import re

import pytest

from tests.ui.conftest import MARKED, PASSWORD, csrf_of

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def client_at(app, address: str):
    """A test client whose requests come from `address` (REMOTE_ADDR)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client, name, password=PASSWORD, **kw):
    page = client.get("/login", **kw)
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf_token": csrf_of(page.get_data(as_text=True))}, **kw)


@pytest.fixture
def case_id(ui_app, ui_people):
    from screening.web.state import EXTENSION

    service = ui_app.extensions[EXTENSION].service
    text = "关于表彰优秀志愿者的通报\n志愿者张三（身份证号 11010519491231002X）表现突出。\n"
    return service.open_case(ui_people["zhang"], title="通报", data=text.encode("utf-8"),
                             filename="通报.txt").case_id


def assert_protected(response, url):
    h = response.headers
    csp = h["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
    assert "frame-ancestors 'none'" in csp and h["X-Frame-Options"] == "DENY", url
    assert h["X-Content-Type-Options"] == "nosniff", url
    assert h["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), url
    assert "no-store" in h["Cache-Control"], url


def test_pages_and_files_carry_the_headers_and_no_inline_script(ui_app, case_id):
    pages = {"zhang": ["/todo", "/cases", f"/cases/{case_id}", "/selfcheck", "/profile",
                       f"/cases/{case_id}/file", f"/cases/{case_id}/print"],
             "sun": ["/officer/quarantine", "/officer/rules", "/officer/try", "/officer/stats"],
             "root": ["/admin/users", "/admin/keys", "/admin/units"]}
    anonymous = ui_app.test_client()
    for url in ("/login", "/no/such/page", "/api/v1/openapi.json", "/api/v1/whoami"):
        assert_protected(anonymous.get(url), url)
    for who, urls in pages.items():
        client = ui_app.test_client()
        assert login(client, who).status_code == 302
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert_protected(response, url)
            if response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
                assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html).group(0))
                assert "javascript:" not in html, url


def test_a_quarantine_notice_page_is_not_cached(ui_app, ui_people):
    from screening.web.state import EXTENSION

    service = ui_app.extensions[EXTENSION].service
    service.open_case(ui_people["zhang"], title="内部通报", data=MARKED.encode("utf-8"), filename="内部.txt")
    client = ui_app.test_client()
    login(client, "sun")
    assert_protected(client.get("/officer/quarantine"), "/officer/quarantine")


def test_static_assets_may_be_cached(ui_app):
    with ui_app.test_client().get("/ui-static/app.css") as response:
        assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_secure_over_https_by_default(ui_app):
    response = login(ui_app.test_client(), "zhang", base_url="https://localhost",
                     headers={"Referer": "https://localhost/login"})
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]
    plain = login(ui_app.test_client(), "zhang")
    assert plain.status_code == 302 and "Secure" not in plain.headers["Set-Cookie"]


def test_failed_logins_slow_the_client_not_the_account(ui_app):
    attacker = client_at(ui_app, "198.51.100.7")
    answers = [login(attacker, "zhang", "wrong guess").status_code for _ in range(12)]
    assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]
    assert login(attacker, "zhang").status_code == 429            # the attacker's client is slowed
    colleague = client_at(ui_app, "198.51.100.8")
    assert login(colleague, "zhang").status_code == 302           # the account itself still works


def test_a_successful_login_does_not_count(ui_app):
    for _ in range(12):
        assert login(client_at(ui_app, "198.51.100.9"), "zhang").status_code == 302


def test_refusals_do_not_tell_which_accounts_exist(ui_app):
    def answers(name):
        client = client_at(ui_app, f"203.0.113.{len(name)}")
        out = []
        for _ in range(12):
            r = login(client, name, "wrong guess")
            out.append((r.status_code, re.sub(r'value="[^"]*"', "", r.get_data(as_text=True)).replace(name, "NAME")))
        return out
    assert answers("zhang") == answers("nobody")          # same status and page, after 12 tries too
