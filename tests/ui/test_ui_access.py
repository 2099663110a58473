"""Every page and action is authorised on the server, by role and by unit/department membership:
a matrix of person × page (and × another unit's case), whatever the page's buttons show."""
from __future__ import annotations

import shutil

import pytest

from tests.ui.conftest import PASSWORD, PEOPLE, Browser, People, _user_id, csrf_of, open_case

EVERYONE = [p[0] for p in PEOPLE]
UNIT1 = ["zhang", "zhao", "li", "qian", "wang", "sun", "root"]

# page: who may open it (everyone else gets 403)
PAGES = {
    "/todo": set(EVERYONE),
    "/profile": set(EVERYONE),
    "/selfcheck": {"zhang", "zhao", "zhou"},
    "/cases": set(EVERYONE) - {"root"},
    "/officer/quarantine": {"sun", "feng"},
    "/officer/stats": {"sun", "feng", "wang", "zheng"},
    "/officer/summary": {"sun", "feng", "wang", "zheng"},
    "/officer/rules": {"sun", "feng"},
    "/officer/try": {"sun", "feng"},
    "/officer/rescreen": {"sun", "feng"},
    "/officer/accounts": {"sun", "feng"},
    "/admin/users": {"root"},
    "/admin/units": {"root"},
    "/admin/keys": {"root"},
}
# a case of UNIT / DEPT opened by zhang, and one of UNIT2 opened by zhou: who needs to know
CASE_PAGES = ["", "/print", "/sheet.docx", "/file"]
MAY_SEE = {"unit1": {"zhang", "li", "wang", "sun"}, "unit2": {"zhou", "wu", "zheng", "feng"}}


@pytest.fixture(scope="module")
def world(ui_template, tmp_path_factory, engine):
    """One app for the read-only matrix, with a case in each unit."""
    from screening.web import close_app, create_app
    from screening.web.state import state

    instance = tmp_path_factory.mktemp("ui-access") / "instance"
    instance.mkdir()
    shutil.copyfile(ui_template[0], instance / "screening.db")
    app = create_app({"TESTING": True, "INSTANCE": str(instance), "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{instance / 'screening.db'}", "STORAGE_KEY": "k" * 43,
                      "ENGINE": engine, "RATE_LIMIT": "100000 per minute"})
    with app.app_context():
        svc = state().service
        people = People(ui_template[1])
        cases = {"unit1": open_case(svc, people, who="zhang").case_id,
                 "unit2": open_case(svc, people, who="zhou").case_id}
    yield app, cases
    close_app(app)


def client_for(app, name: str | None) -> Browser:
    client = app.test_client()
    if name is not None:
        with app.app_context():
            from screening.web.state import state

            user_id = _user_id(state().service.db, name)
        with client.session_transaction() as session:
            session["user_id"] = user_id
    return Browser(client)


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("who", EVERYONE)
def test_page_by_role(world, who, page):
    app, _ = world
    status = client_for(app, who).get(page).status_code
    assert status == (200 if who in PAGES[page] else 403), (who, page)


@pytest.mark.parametrize("page", list(PAGES) + ["/cases/1", "/cases/1/print"])
def test_anonymous_is_sent_to_login(world, page):
    response = client_for(world[0], None).get(page)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("suffix", CASE_PAGES)
@pytest.mark.parametrize("which", ["unit1", "unit2"])
@pytest.mark.parametrize("who", EVERYONE)
def test_case_pages_need_to_know(world, who, which, suffix):
    app, cases = world
    response = client_for(app, who).get(f"/cases/{cases[which]}{suffix}")
    # a case the person may not see is "not found", like a missing one (issue 13: no ids to enumerate)
    assert response.status_code == (200 if who in MAY_SEE[which] else 404), (who, which, suffix)
    if response.status_code == 404:
        assert "表彰" not in response.get_data(as_text=True)       # nothing of the case leaks


@pytest.mark.parametrize("who", ["zhang", "sun", "wang"])
def test_case_lists_are_scoped(world, who):
    app, cases = world
    html = client_for(app, who).get("/cases").get_data(as_text=True)
    assert f'href="/cases/{cases["unit1"]}"' in html
    assert f'href="/cases/{cases["unit2"]}"' not in html


def test_other_department_sees_nothing_in_lists(world):
    app, cases = world
    for who in ("zhao", "qian"):
        html = client_for(app, who).get("/cases").get_data(as_text=True)
        assert f'href="/cases/{cases["unit1"]}"' not in html


# actions on another unit's case (and on a case of another department): refused on the server
ACTIONS = [
    ("/findings/{finding}/disposition", {"action": "dismissed", "reason": "不涉密"}),
    ("/sign", {"stage": "leader", "decision": "approve", "opinion": "同意"}),
    ("/sign", {"stage": "head", "decision": "return", "opinion": "退回"}),
    ("/publicity", {"attribute": "主动公开", "reason": "x"}),
    ("/escalate", {"question": "是否涉密？"}),
    ("/withdraw", {"reason": "不再公开"}),
    ("/versions", {"text": "新的文字"}),
    ("/answer", {"answer": "答复"}),
    ("/redact", {}),
]


@pytest.mark.parametrize("path,data", ACTIONS, ids=[f"{a[0]}-{i}" for i, a in enumerate(ACTIONS)])
@pytest.mark.parametrize("who", ["zhou", "wu", "zheng", "feng", "zhao", "qian", "root"])
def test_actions_on_a_case_one_may_not_see(app, svc, people, who, path, data):
    upload = open_case(svc, people, who="zhang")
    finding = svc.case_view(upload.case_id)["findings"][0]["id"]
    browser = client_for(app, who)
    browser.get("/profile")
    response = browser.post(f"/cases/{upload.case_id}{path.format(finding=finding)}", data)
    assert response.status_code == 404          # a case one may not see is "not found" (issue 13)
    view = svc.case_view(upload.case_id)
    assert view["stage"] == "draft" and view["findings"][0]["disposition"] is None and view["version"] == 1


def test_a_reviewer_cannot_act_out_of_turn(app, svc, people):
    """The head of the case's own department may see a draft but not sign it yet (409 from the
    service, shown as a message), nor dispose of its findings (403)."""
    upload = open_case(svc, people, who="zhang")
    head = client_for(app, "li")
    head.get("/profile")
    response = head.post(f"/cases/{upload.case_id}/sign", {"stage": "head", "decision": "approve"})
    assert response.status_code == 302
    assert "不能" in head.get(f"/cases/{upload.case_id}").get_data(as_text=True)
    finding = svc.case_view(upload.case_id)["findings"][0]["id"]
    response = head.post(f"/cases/{upload.case_id}/findings/{finding}/disposition",
                         {"action": "confirmed"})
    assert response.status_code == 403
    assert svc.case_view(upload.case_id)["stage"] == "draft"


@pytest.mark.parametrize("who", ["zhang", "li", "wang", "root"])
def test_only_officers_change_the_lexicon(app, who):
    browser = client_for(app, who)
    browser.get("/profile")
    response = browser.post("/officer/lexicon", {"term": "天河工程", "category": "work_secret",
                                                 "severity": "medium", "message": "内部项目代号",
                                                 "suggestion": "删除代号", "hits": "推进天河工程建设",
                                                 "misses": "银河系"})
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["zhang", "li", "wang", "root"])
def test_only_officers_start_an_archive_rescreen(app, svc, people, who, tmp_path):
    from screening.review import rescreen

    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "名单.txt").write_text("身份证号11010519491231002X\n", encoding="utf-8")
    app.config["ARCHIVE_ROOTS"] = (str(tmp_path),)
    browser = client_for(app, who)
    browser.get("/profile")
    assert browser.post("/officer/rescreen/archive", {"folder": str(tmp_path / "portal")}).status_code == 403
    assert rescreen.overview(svc, people["sun"])["runs"] == []


def test_officer_of_another_unit_cannot_retire_a_term(app):
    sun, feng = client_for(app, "sun"), client_for(app, "feng")
    sun.get("/profile")
    sun.post("/officer/lexicon", {"term": "天河工程", "category": "work_secret", "severity": "medium",
                                  "message": "出现内部项目代号", "suggestion": "删除代号或改用公开名称",
                                  "hits": "推进天河工程建设", "misses": "银河系的星星"})
    from screening.review import lexicon
    from screening.web.state import state

    with app.app_context():
        db = state().service.db
        term = lexicon.list_terms(db)[0]
    feng.get("/profile")
    assert feng.post(f"/officer/lexicon/{term.id}/retire").status_code == 403
    with app.app_context():
        assert lexicon.list_terms(db)[0].retired_at is None


@pytest.mark.parametrize("url", ["/admin/users", "/admin/units", "/admin/keys", "/admin/users/zhang/active",
                                 "/admin/users/zhang/password", "/admin/users/zhang/role", "/admin/keys/1/revoke",
                                 "/admin/units/1/secrecy-stage", "/admin/users/zhang/memberships",
                                 "/admin/users/zhang/memberships/1/remove"])
@pytest.mark.parametrize("who", ["zhang", "sun", "wang"])
def test_admin_actions_need_the_admin(app, who, url):
    browser = client_for(app, who)
    browser.get("/profile")
    assert browser.post(url, {"active": "0", "password": "x" * 12, "name": "k", "unit": "u", "role": "leader"}).status_code == 403


def test_an_admin_switches_the_secrecy_stage_of_their_own_unit_only(app, svc):
    import sqlalchemy as sa

    from screening.review.models import Unit

    with svc.db.read() as s:
        ids = dict(s.execute(sa.select(Unit.name, Unit.id)).all())
        assert not any(s.execute(sa.select(Unit.secrecy_stage)).scalars())
    root = client_for(app, "root")
    root.get("/profile")
    assert root.post(f"/admin/units/{ids['某县人民政府办公室']}/secrecy-stage", {"secrecy_stage": "on"}).status_code == 403
    assert root.post(f"/admin/units/{ids['某市人民政府办公室']}/secrecy-stage", {"secrecy_stage": "on"}).status_code == 302
    assert root.post("/admin/units/1/secrecy-stage", {"secrecy_stage": "on", "csrf_token": "forged"}).status_code == 400
    with svc.db.read() as s:
        assert dict(s.execute(sa.select(Unit.name, Unit.secrecy_stage)).all()) == {
            "某市人民政府办公室": True, "某县人民政府办公室": False}


def logged_in(app, name: str) -> Browser:
    """A real login (the session carries the account's session epoch)."""
    browser = Browser(app.test_client())
    page = browser.get("/login").get_data(as_text=True)
    assert browser.post("/login", {"username": name, "password": PASSWORD,
                                   "csrf_token": csrf_of(page)}).status_code == 302
    browser.get("/profile")                   # the form token of the new session
    return browser


def test_an_admin_gives_memberships_in_their_own_unit_only(app, svc, people):
    """root (of UNIT) makes li, head of DEPT, also head of DEPT2: li's sessions end, and after a new
    login li needs to know DEPT2's cases; another unit's person is refused, and so is another unit's
    administrator; a forged form is refused; taking the membership away takes the case away again."""
    from screening.review import accounts, provisioning

    theirs = open_case(svc, people, who="zhao").case_id          # a case of DEPT2
    li = logged_in(app, "li")
    assert li.get(f"/cases/{theirs}").status_code == 404
    root = client_for(app, "root")
    root.get("/profile")
    assert root.post("/admin/users/wu/memberships", {"role": "head", "department": "综合科"}).status_code == 403
    assert root.post("/admin/users/li/memberships", {"role": "head", "department": "综合科",
                                                     "csrf_token": "forged"}).status_code == 400
    root.post("/admin/users/li/memberships", {"role": "admin"})
    assert "系统管理员不能作为兼任角色" in root.get("/admin/users").get_data(as_text=True)
    assert accounts.get_user(svc.db, people["li"]).memberships == ()
    assert root.post("/admin/users/li/memberships", {"role": "head", "department": "综合科"}).status_code == 302
    (membership,) = accounts.get_user(svc.db, people["li"]).memberships
    assert "/login" in li.get(f"/cases/{theirs}").headers["Location"]      # the old session has ended
    li = logged_in(app, "li")
    assert li.get(f"/cases/{theirs}").status_code == 200
    assert f'href="/cases/{theirs}"' in li.get("/cases").get_data(as_text=True)
    provisioning.add_user(svc.db, "admin2", role="admin", unit="某县人民政府办公室", password=PASSWORD)
    other_admin = logged_in(app, "admin2")
    assert other_admin.post(f"/admin/users/li/memberships/{membership.id}/remove").status_code == 403
    assert root.post(f"/admin/users/li/memberships/{membership.id}/remove").status_code == 302
    assert accounts.get_user(svc.db, people["li"]).memberships == ()
    assert logged_in(app, "li").get(f"/cases/{theirs}").status_code == 404


@pytest.mark.parametrize("who", ["zhang", "li", "wang", "root", "feng"])
def test_only_the_units_officer_confirms_an_account(app, svc, who):
    from screening.review import accounts, provisioning

    root = next(u.id for u in accounts.list_users(svc.db) if u.name == "root")
    provisioning.set_role(svc.db, "zhao", "leader", by=root)
    browser = client_for(app, who)
    browser.get("/profile")
    assert browser.post("/officer/accounts/zhao/confirm").status_code == 403
    sun = client_for(app, "sun")
    sun.get("/profile")
    assert sun.post("/officer/accounts/zhao/confirm").status_code == 302


def test_a_token_belongs_to_its_owner(app, svc):
    from screening.review import accounts

    issued = accounts.create_token(svc.db, "li", label="oa")
    zhang = client_for(app, "zhang")
    zhang.get("/profile")
    assert zhang.post(f"/profile/tokens/{issued.id}/revoke").status_code == 403
    assert accounts.user_for_token(svc.db, issued.secret) is not None


def test_every_ui_route_is_in_the_matrix(world):
    """A new page must join the matrix above (datasette-style completeness check)."""
    app, _ = world
    covered = set(PAGES) | {"/login", "/", "/logout", "/notices/read"}
    case_routes = {f"/cases/<int:case_id>{s}" for s in CASE_PAGES}
    posts = {"/cases/<int:case_id>/" + p for p in ("versions", "sign", "publicity", "escalate", "withdraw",
                                                   "answer", "redact", "findings/<int:finding_id>/disposition")}
    tested_elsewhere = {                   # by role in the tests named
        "/cases/<int:case_id>/sheet.pdf",                    # test_ui_cases.test_sheet_pdf_download
        "/officer/lexicon", "/officer/lexicon/<int:term_id>/retire",   # test_only_officers_change_the_lexicon
        "/profile/password", "/profile/tokens", "/profile/tokens/<int:token_id>/revoke",  # own account only
        "/admin/users/<name>/active", "/admin/users/<name>/password", "/admin/keys/<int:key_id>/revoke",
        "/admin/users/<name>/role",          # test_admin_actions_need_the_admin
        "/admin/units/<int:unit_id>/secrecy-stage",  # and test_an_admin_switches_the_secrecy_stage_…
        "/admin/users/<name>/memberships",   # and test_an_admin_gives_memberships_in_their_own_unit_only
        "/admin/users/<name>/memberships/<int:membership_id>/remove",
        "/officer/accounts/<name>/confirm",  # test_only_the_units_officer_confirms_an_account
        "/selfcheck",
        "/officer/rescreen/items/<int:item_id>/acknowledge",  # test_ui_rescreen, by role and unit
        "/officer/rescreen/archive",         # test_only_officers_start_an_archive_rescreen
        "/cases/<int:case_id>/bulk",         # test_ui_bulk.test_others_cannot_bulk_dispose
        "/cases/<int:case_id>/incident",     # test_ui_state (officer only); the service refuses others
    }
    routes = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("ui.") and r.endpoint != "ui.static"}
    missing = routes - covered - case_routes - posts - tested_elsewhere
    assert not missing, f"add these routes to the authorisation matrix: {sorted(missing)}"
