"""Issue 13 item 3: a web session can be revoked — a saved cookie stops working after logout, after
a password change and after an administrator's reset — and personal tokens expire and are listed
and revoked by their owner."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from screening.review import accounts, provisioning
from screening.review.models import PersonalToken
from tests.ui.conftest import PASSWORD, csrf_of

COOKIE = "screening_session"


def login(client, name, password=PASSWORD):
    page = client.get("/login")
    r = client.post("/login", data={"username": name, "password": password,
                                    "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert r.status_code == 302, r.status_code
    return r


def saved_cookie(app, client):
    """A second browser holding a copy of `client`'s session cookie (what an attacker would keep)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def works(client) -> bool:
    return client.get("/todo").status_code == 200 and client.get("/api/v1/whoami").status_code == 200


def post(client, url, data=None):
    token = csrf_of(client.get("/profile").get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def test_a_saved_cookie_dies_with_logout(ui_app):
    client = ui_app.test_client()
    login(client, "zhang")
    copy = saved_cookie(ui_app, client)
    assert works(copy)
    post(client, "/logout")
    assert not works(copy) and copy.get("/todo").status_code == 302


def test_a_password_change_ends_the_other_sessions_but_not_this_one(ui_app):
    laptop, phone = ui_app.test_client(), ui_app.test_client()
    login(laptop, "zhang")
    login(phone, "zhang")
    copy = saved_cookie(ui_app, phone)
    r = post(laptop, "/profile/password", {"old_password": PASSWORD, "new_password": "another long secret",
                                           "new_password2": "another long secret"})
    assert r.status_code == 302
    assert works(laptop)
    assert not works(phone) and not works(copy)


def test_an_admin_reset_ends_sessions_and_tokens(ui_app, ui_people):
    from screening.web.state import EXTENSION

    db = ui_app.extensions[EXTENSION].service.db
    victim = ui_app.test_client()
    login(victim, "zhang")
    copy = saved_cookie(ui_app, victim)
    token = accounts.create_token(db, "zhang", label="OA").secret
    bearer = {"Authorization": f"Bearer {token}"}
    assert ui_app.test_client().get("/api/v1/whoami", headers=bearer).status_code == 200
    admin = ui_app.test_client()
    login(admin, "root")
    assert post(admin, "/admin/users/zhang/password", {"password": "reset by admin 123"}).status_code == 302
    assert not works(victim) and not works(copy)
    assert ui_app.test_client().get("/api/v1/whoami", headers=bearer).status_code == 401


def test_a_deactivation_ends_sessions_and_tokens(ui_app):
    from screening.web.state import EXTENSION

    db = ui_app.extensions[EXTENSION].service.db
    victim = ui_app.test_client()
    login(victim, "zhang")
    token = accounts.create_token(db, "zhang").secret
    provisioning.set_active(db, "zhang", False)
    provisioning.set_active(db, "zhang", True)                # even once active again
    assert not works(victim)
    assert ui_app.test_client().get("/api/v1/whoami", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_personal_tokens_expire(ui_app):
    from screening.web.state import EXTENSION

    db = ui_app.extensions[EXTENSION].service.db
    old = accounts.create_token(db, "li", now=accounts.utcnow() - timedelta(days=91)).secret
    fresh = accounts.create_token(db, "li").secret
    client = ui_app.test_client()
    assert client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    with db.read() as s:
        expiry = s.execute(sa.select(PersonalToken.expires_at).order_by(PersonalToken.id.desc())).scalars().first()
    assert timedelta(days=89) < expiry - accounts.utcnow() <= accounts.TOKEN_LIFETIME


def test_the_owner_lists_and_revokes_their_tokens_and_nobody_else_can(ui_app):
    owner, other = ui_app.test_client(), ui_app.test_client()
    login(owner, "li")
    page = post(owner, "/profile/tokens", {"label": "办公自动化"}).get_data(as_text=True)
    secret = page.split('<code id="new-token">')[1].split("<")[0]
    listing = owner.get("/profile").get_data(as_text=True)
    assert "办公自动化" in listing and "有效期至" in listing
    from screening.web.state import EXTENSION

    db = ui_app.extensions[EXTENSION].service.db
    with db.read() as s:
        token_id = s.execute(sa.select(PersonalToken.id).where(PersonalToken.label == "办公自动化")).scalar_one()
    login(other, "zhang")
    assert post(other, f"/profile/tokens/{token_id}/revoke").status_code == 403
    assert accounts.user_for_token(db, secret) is not None
    post(owner, f"/profile/tokens/{token_id}/revoke")
    assert accounts.user_for_token(db, secret) is None
