"""Fixtures of the UI tests: an app per test (create_app with a fresh SQLite database copied from a
migrated template that already holds the people), a client logged in as anyone, CSRF tokens.

People (password PASSWORD for all), unit UNIT with departments DEPT and DEPT2, and a second unit:
    zhang (drafter, DEPT), zhao (drafter, DEPT2), li (head, DEPT), qian (head, DEPT2), wang (leader),
    sun (secrecy_officer), root (admin); in UNIT2: zhou (drafter), wu (head), zheng (leader),
    feng (secrecy_officer).
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from screening.review import accounts, provisioning
from screening.review.db import Database, create_db_engine, upgrade

PASSWORD = "correct horse battery"
UNIT, UNIT2 = "某市人民政府办公室", "某县人民政府办公室"
DEPT, DEPT2 = "政务公开科", "综合科"
PEOPLE = [  # name, role, unit, department, display name
    ("zhang", "drafter", UNIT, DEPT, "张承办"), ("zhao", "drafter", UNIT, DEPT2, "赵承办"),
    ("li", "head", UNIT, DEPT, "李科长"), ("qian", "head", UNIT, DEPT2, "钱科长"),
    ("wang", "leader", UNIT, None, "王主任"), ("sun", "secrecy_officer", UNIT, None, "孙保密员"),
    ("root", "admin", UNIT, None, "管理员"),
    ("zhou", "drafter", UNIT2, DEPT, "周承办"), ("wu", "head", UNIT2, DEPT, "吴科长"),
    ("zheng", "leader", UNIT2, None, "郑主任"), ("feng", "secrecy_officer", UNIT2, None, "冯保密员"),
]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

ID_DRAFT = ("关于表彰优秀志愿者的通报\n"
            "志愿者张三（身份证号 11010519491231002X）在社区服务中表现突出。\n"
            "联系人：王五，电话 13812345678。\n")
ID_FIXED = ("关于表彰优秀志愿者的通报\n"
            "志愿者张三在社区服务中表现突出。\n"
            "联系人：王五，电话 13812345678。\n")
MARKED = "机密★1年\n关于某项工作的内部通报\n请各单位注意保存。\n"


@dataclass(frozen=True)
class People:
    ids: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


@pytest.fixture(scope="session")
def ui_template(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A migrated SQLite database holding the people (hashing passwords is slow: do it once)."""
    path = tmp_path_factory.mktemp("ui-template") / "screening.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    db = Database(engine)
    ids = {name: provisioning.add_user(db, name, role=role, unit=unit, department=dept, password=PASSWORD,
                                   display_name=label).id
           for name, role, unit, dept, label in PEOPLE}
    db.dispose()
    return path, ids


@pytest.fixture
def people(ui_template) -> People:
    return People(ui_template[1])


@pytest.fixture
def app(ui_template, tmp_path, engine):
    from screening.web import close_app, create_app

    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(ui_template[0], instance / "screening.db")
    app = create_app({"TESTING": True, "INSTANCE": str(instance),
                      "DATABASE_URL": f"sqlite:///{instance / 'screening.db'}",
                      "SECRET_KEY": "test-secret", "STORAGE_KEY": "k" * 43, "ENGINE": engine,
                      "RATE_LIMIT": "10000 per minute", "CLASSIFIER": False})
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """A test client that logs in through the login form and posts forms with their CSRF token."""

    def __init__(self, client) -> None:
        self.client = client
        self.token: str | None = None

    def login(self, name: str, password: str = PASSWORD):
        page = self.client.get("/login")
        response = self.client.post("/login", data={"username": name, "password": password,
                                                     "csrf_token": csrf_of(page.get_data(as_text=True))})
        self.token = None
        return response

    def get(self, url: str, **kw):
        response = self.client.get(url, **kw)
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        if CSRF.search(body):
            self.token = csrf_of(body)
        return response

    def post(self, url: str, data: dict | None = None, **kw):
        if self.token is None:
            self.get("/profile")
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kw)


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def as_user(app):
    """as_user("zhang") -> a Browser logged in as that person (session set directly: fast)."""
    def make(name: str) -> Browser:
        client = app.test_client()
        with app.app_context():
            from screening.web.state import state

            user = _user_id(state().service.db, name)
        with client.session_transaction() as session:
            session["user_id"] = user
        return Browser(client)
    return make


def _user_id(db: Database, name: str) -> int:
    with db.read() as s:
        return accounts.find_user(s, name).id


@pytest.fixture
def svc(app):
    from screening.web.state import state

    with app.app_context():
        return state().service


def open_case(svc, people: People, text: str = ID_DRAFT, *, who: str = "zhang", title: str = "表彰通报",
              filename: str = "draft.txt"):
    return svc.open_case(people[who], title=title, data=text.encode("utf-8"), filename=filename)
