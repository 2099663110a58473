"""Helpers of the web tests: the organisation and its credentials, texts, and a real gunicorn server."""
from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass, field

import requests

from screening.review import accounts, provisioning
from screening.review.enums import SCOPES
from tests.live_server import child_env, free_port, serve  # noqa: F401  (re-exported)

UNIT, UNIT2, DEPT, DEPT2 = "示例市人民政府办公室", "另一单位", "秘书科", "综合科"
ID_NUMBER = "11010519491231002X"
DRAFT = ("关于2026年度春季植树活动的通知\n各科室：\n经研究，定于3月12日组织春季义务植树活动。"
         f"联系人张三，身份证号{ID_NUMBER}。\n特此通知。\n")
FIXED = "关于2026年度春季植树活动的通知\n各科室：\n经研究，定于3月12日组织春季义务植树活动。请各科室按时参加。\n特此通知。\n"
CLEAN = "关于做好节能宣传周工作的通知\n请各单位结合实际做好宣传。\n"


def error_of(response) -> dict:
    """The `{"error": {"code", "message"}}` body of a Flask test response, checked."""
    assert response.mimetype == "application/json", response.data[:200]
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


def open_case(client, headers, text=DRAFT, title="关于春季植树活动的通知", **fields):
    """POST /api/v1/documents through a Flask test client."""
    data = {"title": title, "file": (io.BytesIO(text.encode("utf-8")), "通知.txt"), **fields}
    return client.post("/api/v1/documents", data=data, headers=headers)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Org:
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        """Headers for a person (by role name) or a system key ("key:<name>")."""
        secret = self.keys[who[4:]] if who.startswith("key:") else self.tokens[who]
        return {"Authorization": f"Bearer {secret}"}


PEOPLE = {   # name in tests: (user name, role, unit, department)
    "drafter": ("zhang", "drafter", UNIT, DEPT),
    "drafter2": ("zhao", "drafter", UNIT, DEPT),
    "head": ("li", "head", UNIT, DEPT),
    "head_other_dept": ("qian", "head", UNIT, DEPT2),
    "leader": ("wang", "leader", UNIT, None),
    "officer": ("sun", "secrecy_officer", UNIT, None),
    "drafter_u2": ("zhou", "drafter", UNIT2, DEPT),
}
KEYS = {"all": ",".join(SCOPES), "screen": "screen", "read": "cases:read", "clearance": "clearance",
        "write": "cases:write"}


def make_org(db) -> Org:
    org = Org()
    for who, (name, role, unit, dept) in PEOPLE.items():
        org.ids[who] = provisioning.add_user(db, name, role=role, unit=unit, department=dept,
                                         display_name=name.upper()).id
        org.tokens[who] = accounts.create_token(db, name, label="tests").secret
    for name, scopes in KEYS.items():
        org.keys[name] = accounts.create_api_key(db, name, scopes).secret
    return org


@dataclass
class Live:
    url: str
    org: Org
    env: dict[str, str]

    def session(self, who: str) -> requests.Session:
        s = requests.Session()
        s.headers.update(self.org.auth(who))
        s.trust_env = False     # loopback only: no proxy from the environment
        return s


def poll_job(get, url: str, *, timeout: float = 60.0) -> dict:
    """Poll a job (with `get(url) -> response`) until it is done; the last view."""
    deadline = time.monotonic() + timeout
    while True:
        r = get(url)
        assert r.status_code == 200, r.text
        view = r.json() if callable(getattr(r, "json", None)) and not hasattr(r, "get_json") else r.get_json()
        if view["status"] in ("succeeded", "failed"):
            return view
        assert time.monotonic() < deadline, view
        time.sleep(0.05)
