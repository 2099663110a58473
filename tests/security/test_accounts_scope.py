"""Issue 13 items 1 and 11: administrators are unit-scoped (a deployment-wide administrator is
separate and explicit), every account action records its real actor, a reset or deactivation
revokes sessions and tokens, a clearance is refused when one administrator provisioned several of
its signers after the case was opened (until a secrecy officer confirms them), system keys may be
tied to a unit, `cases:write` has a meaning, cases a caller may not see are 404, and only the
secrecy office answers an escalation."""
from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from screening.review import accounts, provisioning
from screening.review.errors import Forbidden
from screening.review.models import AuditEvent
from tests.ui.conftest import DEPT, DEPT2, PASSWORD, UNIT, UNIT2, csrf_of

CLEAN = "关于做好节能宣传周工作的通知\n请各单位结合实际做好宣传。\n".encode("utf-8")


@pytest.fixture
def svc(ui_app):
    from screening.web.state import EXTENSION

    return ui_app.extensions[EXTENSION].service


@pytest.fixture
def admin2(svc, ui_people):
    """An administrator of UNIT2 only (root, of UNIT, is one too: the template makes it at the command line)."""
    return provisioning.add_user(svc.db, "admin2", role="admin", unit=UNIT2, password=PASSWORD).id


def events(db, action):
    with db.read() as s:
        rows = s.execute(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).scalars()
        return [(e.actor, json.loads(e.payload)) for e in rows]


def test_a_unit_admin_cannot_touch_another_units_accounts(svc, admin2):
    db = svc.db
    for attempt in (lambda: accounts.set_password(db, "zhang", "taken over 123", by=admin2),
                    lambda: provisioning.set_active(db, "zhang", False, by=admin2),
                    lambda: provisioning.set_role(db, "zhang", "leader", by=admin2),
                    lambda: provisioning.add_user(db, "mole", role="leader", unit=UNIT, password="x" * 12, by=admin2),
                    lambda: accounts.create_api_key(db, "u1-key", "cases:read", unit=UNIT, by=admin2),
                    lambda: accounts.create_api_key(db, "wide-key", "cases:read", by=admin2)):
        with pytest.raises(Forbidden):
            attempt()
    assert accounts.login(db, "zhang", PASSWORD).active
    assert [u.unit for u in accounts.list_users(db, by=admin2)] == [UNIT2] * len(accounts.list_users(db, by=admin2))
    provisioning.add_user(db, "newbie", role="drafter", unit=UNIT2, department=DEPT, by=admin2)   # its own unit: fine


def test_the_admin_pages_refuse_another_unit(ui_app, svc, admin2):
    client = ui_app.test_client()
    page = client.get("/login")
    client.post("/login", data={"username": "admin2", "password": PASSWORD,
                                "csrf_token": csrf_of(page.get_data(as_text=True))})
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "zhang" not in listing and "zhou" in listing
    token = csrf_of(listing)
    r = client.post("/admin/users/zhang/password", data={"password": "taken over 123", "csrf_token": token})
    assert r.status_code == 403
    r = client.post("/admin/users", data={"name": "mole", "role": "leader", "unit": UNIT, "password": "x" * 12,
                                          "csrf_token": token})
    assert r.status_code == 403
    assert accounts.login(svc.db, "zhang", PASSWORD).name == "zhang"


def test_account_actions_record_their_real_actor(svc, ui_people, admin2):
    db = svc.db
    root = ui_people["root"]
    provisioning.add_user(db, "temp", role="drafter", unit=UNIT, department=DEPT, by=root)
    provisioning.set_active(db, "temp", False, by=root)
    accounts.set_password(db, "zhou", "reset by admin2", by=admin2)
    accounts.create_token(db, "li", by=ui_people["li"])
    assert events(db, "user.add")[-1][0] == "root"
    assert events(db, "user.deactivate")[-1][0] == "root"
    actor, payload = events(db, "user.password_reset")[-1]
    assert actor == "admin2" and payload["user"] == "zhou"          # not the victim
    assert events(db, "token.create")[-1][0] == "li"
    assert events(db, "user.add")[0][1].get("via") == "cli"          # the template's users: the command line


def test_a_reset_revokes_the_victims_tokens(svc, ui_people):
    token = accounts.create_token(svc.db, "zhang").secret
    accounts.set_password(svc.db, "zhang", "reset by root 123", by=ui_people["root"])
    assert accounts.user_for_token(svc.db, token) is None


def approve_all(svc, case_id, drafter, head, leader):
    svc.sign(drafter, case_id, stage="drafter", decision="approve", opinion="同意")
    svc.sign(head, case_id, stage="head", decision="approve", opinion="同意")
    svc.sign(leader, case_id, stage="leader", decision="approve", opinion="同意")


def test_one_admin_cannot_provision_a_clearance(svc, ui_people):
    root = ui_people["root"]
    case_id = svc.open_case(ui_people["zhang"], title="节能宣传", data=CLEAN, filename="通知.txt").case_id
    head = provisioning.add_user(svc.db, "fake_head", role="head", unit=UNIT, department=DEPT, by=root).id
    leader = provisioning.add_user(svc.db, "fake_leader", role="leader", unit=UNIT, by=root).id
    approve_all(svc, case_id, ui_people["zhang"], head, leader)
    answer = svc.clearance(hashlib.sha256(CLEAN).hexdigest())
    assert answer.publishable is False and "保密员确认" in answer.reason
    with pytest.raises(Forbidden):
        provisioning.confirm_account(svc.db, "fake_head", by=root)                  # not the admin himself
    provisioning.confirm_account(svc.db, "fake_head", by=ui_people["sun"])
    provisioning.confirm_account(svc.db, "fake_leader", by=ui_people["sun"])
    assert svc.clearance(hashlib.sha256(CLEAN).hexdigest()).publishable is True


def test_a_re_role_after_opening_counts_too(svc, ui_people):
    root = ui_people["root"]
    case_id = svc.open_case(ui_people["zhang"], title="节能宣传", data=CLEAN, filename="通知.txt").case_id
    provisioning.set_role(svc.db, "qian", "head", department=DEPT, by=root)            # moved to the drafter's dept
    provisioning.set_role(svc.db, "zhao", "leader", by=root)
    approve_all(svc, case_id, ui_people["zhang"], ui_people["qian"], ui_people["zhao"])
    assert svc.clearance(hashlib.sha256(CLEAN).hexdigest()).publishable is False


def test_one_new_colleague_is_not_a_single_hand(svc, ui_people):
    case_id = svc.open_case(ui_people["zhang"], title="节能宣传", data=CLEAN, filename="通知.txt").case_id
    leader = provisioning.add_user(svc.db, "new_leader", role="leader", unit=UNIT, by=ui_people["root"]).id
    approve_all(svc, case_id, ui_people["zhang"], ui_people["li"], leader)
    assert svc.clearance(hashlib.sha256(CLEAN).hexdigest()).publishable is True


def test_a_key_tied_to_a_unit_sees_only_that_unit(ui_app, svc, ui_people):
    mine = svc.open_case(ui_people["zhang"], title="节能宣传", data=CLEAN, filename="通知.txt").case_id
    theirs = svc.open_case(ui_people["zhou"], title="另一单位", data=CLEAN + b"x", filename="b.txt").case_id
    key = accounts.create_api_key(svc.db, "u2-cms", "cases:read", unit=UNIT2).secret
    wide = accounts.create_api_key(svc.db, "wide-cms", "cases:read").secret
    client = ui_app.test_client()
    get = lambda case, secret: client.get(f"/api/v1/documents/{case}", headers={"Authorization": f"Bearer {secret}"})
    assert get(theirs, key).status_code == 200
    assert get(mine, key).status_code == 404                      # as if it did not exist
    assert get(mine, wide).status_code == 200 and get(theirs, wide).status_code == 200


def test_a_case_the_caller_may_not_see_is_404_like_a_missing_one(ui_app, svc, ui_people):
    case_id = svc.open_case(ui_people["zhang"], title="节能宣传", data=CLEAN, filename="通知.txt").case_id
    token = accounts.create_token(svc.db, "zhou").secret          # a drafter of UNIT2
    client = ui_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    seen = client.get(f"/api/v1/documents/{case_id}", headers=headers)
    missing = client.get("/api/v1/documents/999999", headers=headers)
    assert seen.status_code == missing.status_code == 404
    assert seen.get_json()["error"]["code"] == missing.get_json()["error"]["code"]
    signed = client.post(f"/api/v1/documents/{case_id}/signoffs", headers=headers,
                         json={"stage": "drafter", "decision": "approve"})
    assert signed.status_code == 404


def test_cases_write_is_what_registers_a_webhook(ui_app, svc):
    read = accounts.create_api_key(svc.db, "reader", "cases:read").secret
    client = ui_app.test_client()
    r = client.put("/api/v1/webhook", json={"url": "https://example.org/hook"},
                   headers={"Authorization": f"Bearer {read}"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "insufficient_scope"


def test_a_head_cannot_answer_their_own_escalation(svc, ui_people):
    case_id = svc.open_case(ui_people["zhang"], title="节能宣传", data=CLEAN, filename="通知.txt").case_id
    svc.sign(ui_people["zhang"], case_id, stage="drafter", decision="approve", opinion="同意")
    svc.escalate(ui_people["li"], case_id, question="是否涉及工作秘密？")
    with pytest.raises(Forbidden):
        svc.answer_escalation(ui_people["li"], case_id, answer="不涉及")
    assert svc.answer_escalation(ui_people["sun"], case_id, answer="经保密办确认，不涉及")["stage"] == "head_review"


def test_the_secrecy_officer_confirms_provisioned_accounts_in_the_ui(ui_app, svc, ui_people, browser_for):
    """The admin creates a head and re-roles a drafter to leader in the UI after the case was opened;
    the clearance is refused; the officer sees both accounts on 账号确认 and confirms them there
    (CSRF form, audited); then the file may be published. The admin cannot open the page, and an
    officer of another unit cannot confirm."""
    case_id = svc.open_case(ui_people["zhang"], title="节能宣传", data=CLEAN, filename="通知.txt").case_id
    admin = browser_for()
    admin.login("root")
    admin.get("/admin/users")
    r = admin.post("/admin/users", data={"name": "new_head", "display_name": "新科长", "role": "head", "unit": UNIT,
                                         "department": DEPT, "password": "x" * 12})
    assert r.status_code == 302
    r = admin.post("/admin/users/zhao/role", data={"role": "leader", "unit": UNIT, "department": ""},
                   follow_redirects=True)
    assert "改为单位负责人" in r.get_data(as_text=True) and "账号确认" in r.get_data(as_text=True)
    assert admin.get("/officer/accounts").status_code == 403
    head = accounts.login(svc.db, "new_head", "x" * 12).id
    approve_all(svc, case_id, ui_people["zhang"], head, ui_people["zhao"])
    assert svc.clearance(hashlib.sha256(CLEAN).hexdigest()).publishable is False

    other = browser_for()
    other.login("feng")
    other.get("/officer/accounts")
    assert "new_head" not in other.get("/officer/accounts").get_data(as_text=True)
    assert other.post("/officer/accounts/new_head/confirm").status_code == 403

    officer = browser_for()
    officer.login("sun")
    page = officer.get("/officer/accounts").get_data(as_text=True)
    assert "new_head" in page and "zhao" in page and "管理员" in page          # who provisioned them
    for name in ("new_head", "zhao"):
        assert officer.post(f"/officer/accounts/{name}/confirm").status_code == 302
    page = officer.get("/officer/accounts").get_data(as_text=True)
    assert "没有待确认的账号" in page and "孙保密员" in page
    assert [p["user"] for _, p in events(svc.db, "user.confirm")] == ["new_head", "zhao"]
    assert svc.clearance(hashlib.sha256(CLEAN).hexdigest()).publishable is True


def test_an_admin_changes_a_role_in_the_ui_and_the_old_session_ends(ui_app, svc, ui_people, browser_for):
    victim = browser_for()
    victim.login("zhao")
    assert victim.get("/todo").status_code == 200
    admin = browser_for()
    admin.login("root")
    admin.get("/admin/users")
    assert admin.post("/admin/users/zhao/role", data={"role": "head", "unit": UNIT, "department": DEPT2}).status_code == 302
    assert accounts.login(svc.db, "zhao", PASSWORD).role.value == "head"
    assert victim.get("/todo").status_code in (302, 401)                 # signed out: the role changed
    r = admin.post("/admin/users/zhao/role", data={"role": "head", "unit": UNIT, "department": "不存在的科"},
                   follow_redirects=True)
    assert "没有名为" in r.get_data(as_text=True)                           # a typo creates nothing
