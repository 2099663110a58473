"""Login (lockout), the session cookie, CSRF on every form, the profile page, HTML error pages."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from screening.review import accounts, provisioning
from screening.review.models import PersonalToken
from tests.ui.conftest import PASSWORD, csrf_of


def test_login_and_logout(browser):
    response = browser.login("zhang")
    assert response.status_code == 302 and response.headers["Location"].endswith("/todo")
    page = browser.get("/todo").get_data(as_text=True)
    assert "张承办" in page and "待办事项" in page
    assert browser.post("/logout").status_code == 302
    assert browser.get("/todo").status_code == 302


def test_session_cookie_flags(browser):
    response = browser.login("zhang")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_when_served_over_https(ui_template, tmp_path, engine):
    import shutil

    from screening.web import close_app, create_app

    shutil.copyfile(ui_template[0], tmp_path / "screening.db")
    app = create_app({"TESTING": True, "INSTANCE": str(tmp_path), "SECRET_KEY": "t", "ENGINE": engine,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'screening.db'}", "PREFER_HTTPS": True,
                      "STORAGE_KEY": "k" * 43})
    try:
        client = app.test_client()
        page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
        response = client.post("/login", base_url="https://localhost",
                               headers={"Referer": "https://localhost/login"}, data={
            "username": "zhang", "password": PASSWORD, "csrf_token": csrf_of(page)})
        assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]
    finally:
        close_app(app)


def test_wrong_password_and_client_throttling(browser):
    for _ in range(10):
        response = browser.login("zhang", "wrong password")
        assert response.status_code == 401
        assert "用户名或密码错误" in response.get_data(as_text=True)
    response = browser.login("zhang")            # this client is slowed down, the account is not locked
    assert response.status_code == 429 and "过于频繁" in response.get_data(as_text=True)


def test_unknown_user_gets_the_same_answer(browser):
    response = browser.login("nobody", "whatever")
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)


@pytest.mark.parametrize("target,expected", [("/cases", "/cases"), ("//evil.example/x", "/todo"),
                                             ("https://evil.example/", "/todo"), ("/\\evil", "/todo")])
def test_next_is_local_only(client, target, expected):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"username": "zhang", "password": PASSWORD, "next": target,
                                           "csrf_token": csrf_of(page)})
    assert response.headers["Location"] == expected


def test_forms_without_csrf_token_are_refused(app, as_user, svc, people):
    from tests.ui.conftest import open_case

    case = open_case(svc, people)
    finding = svc.case_view(case.case_id)["findings"][0]["id"]
    zhang = as_user("zhang")
    for url, data in [(f"/cases/{case.case_id}/findings/{finding}/disposition", {"action": "dismissed", "reason": "x"}),
                      (f"/cases/{case.case_id}/sign", {"stage": "drafter", "decision": "approve"}),
                      ("/profile/tokens", {"label": "x"}), ("/logout", {})]:
        response = zhang.client.post(url, data=data)
        assert response.status_code == 400, url
        assert "表单可能已过期" in response.get_data(as_text=True)
    assert svc.case_view(case.case_id)["findings"][0]["disposition"] is None
    assert not client_login_without_token(app)


def client_login_without_token(app) -> bool:
    response = app.test_client().post("/login", data={"username": "zhang", "password": PASSWORD})
    return response.status_code == 302


def test_every_form_carries_a_csrf_token(as_user, svc, people):
    from tests.ui.conftest import open_case

    case = open_case(svc, people)
    for who, url in [("zhang", f"/cases/{case.case_id}"), ("zhang", "/selfcheck"), ("zhang", "/profile"),
                     ("sun", "/officer/rules"), ("sun", "/officer/try"), ("root", "/admin/users"),
                     ("root", "/admin/keys"), ("root", "/admin/units"), ("zhang", "/todo")]:
        html = as_user(who).get(url).get_data(as_text=True)
        forms = html.count('method="post"')
        assert forms and html.count('name="csrf_token"') >= forms, url


def test_change_password(as_user, browser):
    zhang = as_user("zhang")
    zhang.get("/profile")
    bad = zhang.post("/profile/password", {"old_password": "nope", "new_password": "x" * 12,
                                           "new_password2": "x" * 12}, follow_redirects=True)
    assert "原密码不正确" in bad.get_data(as_text=True)
    short = zhang.post("/profile/password", {"old_password": PASSWORD, "new_password": "short",
                                             "new_password2": "short"}, follow_redirects=True)
    assert "至少" in short.get_data(as_text=True)
    ok = zhang.post("/profile/password", {"old_password": PASSWORD, "new_password": "a new long secret",
                                          "new_password2": "a new long secret"}, follow_redirects=True)
    assert "密码已修改" in ok.get_data(as_text=True)
    assert browser.login("zhang", PASSWORD).status_code == 401
    assert browser.login("zhang", "a new long secret").status_code == 302


def test_personal_token_is_shown_once_and_can_be_revoked(as_user, svc):
    li = as_user("li")
    li.get("/profile")
    response = li.post("/profile/tokens", {"label": "办公自动化系统"})
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    secret = html.split('<code id="new-token">')[1].split("<")[0]
    assert accounts.user_for_token(svc.db, secret).name == "li"
    assert secret not in li.get("/profile").get_data(as_text=True)          # never shown again
    with svc.db.read() as s:
        token_id = s.execute(sa.select(PersonalToken.id)).scalar_one()
    li.post(f"/profile/tokens/{token_id}/revoke")
    assert accounts.user_for_token(svc.db, secret) is None


def test_html_error_pages_outside_the_api(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "页面不存在" in response.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.is_json


def test_a_deactivated_user_is_logged_out(as_user, svc):
    zhang = as_user("zhang")
    assert zhang.get("/todo").status_code == 200
    provisioning.set_active(svc.db, "zhang", False)
    assert zhang.get("/todo").status_code == 302
