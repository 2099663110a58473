"""Issue 13 item 2: webhook SSRF. Only https (http behind a setting); private, loopback, link-local,
multicast, integer-encoded and userinfo URLs refused at registration and again at delivery, which
connects to the very address it checked (no DNS rebinding) and follows no redirect; an optional
host allowlist; events only for the key's unit; registrations in the database, audited.

DNS is the one thing the tests control (`WEBHOOK_RESOLVE`): there is no network here, and DNS
rebinding cannot be shown otherwise. The receiver is a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from screening.review import accounts
from screening.review.models import AuditEvent, Webhook
from web_helpers import CLEAN, UNIT2, error_of, open_case


class Dns:
    """host -> addresses; changeable while the app runs (a rebinding attacker's DNS)."""

    def __init__(self) -> None:
        self.table: dict[str, list[str]] = {}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.table:
            raise OSError("no such host")
        return list(self.table[host])


@pytest.fixture
def dns():
    return Dns()


@pytest.fixture
def app_config(app_config, dns):
    return {**app_config, "WEBHOOK_RESOLVE": dns, "WEBHOOK_ATTEMPTS": 1}


class Receiver:
    def __init__(self, status: int = 200, location: str | None = None) -> None:
        self.paths: list[tuple[str, str]] = []
        self.hit = threading.Event()
        me = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                me.paths.append((self.path, self.headers["Host"]))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                me.hit.set()

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []
    yield lambda **kw: made.append(Receiver(**kw)) or made[-1]
    for r in made:
        r.close()


def put(client, org, url, key="key:all"):
    return client.put("/api/v1/webhook", json={"url": url}, headers=org.auth(key))


@pytest.mark.parametrize("url", [
    "http://hooks.example.org/h",                      # http is off by default
    "https://169.254.169.254/latest/meta-data/",       # cloud metadata (link-local)
    "https://10.0.0.1/h", "https://192.168.1.10/h", "https://172.16.0.1/h", "https://100.64.0.1/h",
    "https://127.0.0.1/h", "https://[::1]:6379/", "https://[::ffff:127.0.0.1]/h", "https://[fe80::1]/h",
    "https://224.0.0.1/h", "https://0.0.0.0/h",
    "https://2130706433/h", "https://0x7f000001/h", "https://0177.0.0.1/h", "https://127.1/h",
    "https://user:pass@hooks.example.org/h", "https://hooks.example.org@10.0.0.1/h",
    "https://internal.example.org/h",                  # a name that resolves to a private address
    "https://nowhere.example.org/h",                   # a name that does not resolve
])
def test_registration_refuses_what_is_not_a_public_https_url(client, org, dns, url):
    dns.table.update({"hooks.example.org": ["93.184.216.34"], "internal.example.org": ["10.20.30.40"]})
    r = put(client, org, url)
    assert r.status_code in (422,), (url, r.get_json())
    assert error_of(r)["code"] in ("webhook_url_refused", "invalid_request")
    assert client.get("/api/v1/webhook", headers=org.auth("key:all")).status_code == 404


def test_a_public_https_url_is_registered_in_the_database_with_audit(app, client, org, dns, instance):
    from screening.web.state import EXTENSION

    dns.table["hooks.example.org"] = ["93.184.216.34"]
    r = put(client, org, "https://hooks.example.org/screening")
    assert r.status_code == 200, r.get_json()
    secret = r.get_json()["secret"]
    db = app.extensions[EXTENSION].service.db
    with db.read() as s:
        row = s.execute(sa.select(Webhook)).scalar_one()
        audit = s.execute(sa.select(AuditEvent).where(AuditEvent.action == "webhook.set")).scalar_one()
    assert row.url == "https://hooks.example.org/screening" and secret not in row.secret_sealed
    assert json.loads(audit.payload)["url"] == row.url and json.loads(audit.payload)["key"] == "all"
    assert not (instance / "webhooks.json").exists()


def approve(client, org) -> int:
    case_id = open_case(client, org.auth("drafter"), text=CLEAN).get_json()["id"]
    for who, stage in (("drafter", "drafter"), ("head", "head"), ("leader", "leader")):
        assert client.post(f"/api/v1/documents/{case_id}/signoffs", headers=org.auth(who),
                           json={"stage": stage, "decision": "approve"}).status_code == 201
    return case_id


def dispatcher(app):
    from screening.web.state import EXTENSION

    return app.extensions[EXTENSION].webhooks.dispatcher


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_dns_rebinding_after_registration_is_refused_at_delivery(app, client, org, dns, receiver):
    dns.table["hooks.example.org"] = ["93.184.216.34"]
    assert put(client, org, "https://hooks.example.org/h").status_code == 200
    dns.table["hooks.example.org"] = ["10.0.0.5"]              # the attacker's DNS now says "internal"
    approve(client, org)
    assert wait_for(lambda: dispatcher(app).refused)
    assert "内部" in dispatcher(app).refused[0][1] and dispatcher(app).delivered == []


def test_delivery_connects_to_the_checked_address_and_follows_no_redirect(app_config, request, dns, receiver):
    hook = receiver(status=302, location="/stolen")
    app_config.update({"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32"})
    app, client, org = (request.getfixturevalue(n) for n in ("app", "client", "org"))
    dns.table["hooks.example.org"] = ["127.0.0.1"]
    assert put(client, org, f"http://hooks.example.org:{hook.port}/h").status_code == 200
    approve(client, org)
    assert hook.hit.wait(10)
    time.sleep(0.5)
    assert hook.paths == [("/h", f"hooks.example.org:{hook.port}")]     # pinned address, the name as Host
    assert dispatcher(app).delivered == []                               # a 3xx is not a delivery


def test_a_host_allowlist(app_config, request, dns):
    app_config["WEBHOOK_ALLOWED_HOSTS"] = "cms.example.org"
    client, org = request.getfixturevalue("client"), request.getfixturevalue("org")
    dns.table.update({"cms.example.org": ["93.184.216.34"], "other.example.org": ["93.184.216.35"]})
    assert put(client, org, "https://other.example.org/h").status_code == 422
    assert put(client, org, "https://cms.example.org/h").status_code == 200


def test_events_only_for_the_keys_unit(app_config, request, dns, receiver):
    from screening.web.state import EXTENSION

    hook, wide_hook = receiver(), receiver()
    app_config.update({"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32"})
    app, client, org = (request.getfixturevalue(n) for n in ("app", "client", "org"))
    db = app.extensions[EXTENSION].service.db
    unit_key = accounts.create_api_key(db, "u2-cms", "cases:read,cases:write", unit=UNIT2).secret
    r = client.put("/api/v1/webhook", json={"url": f"http://127.0.0.1:{hook.port}/u2"},
                   headers={"Authorization": f"Bearer {unit_key}"})
    assert r.status_code == 200
    assert put(client, org, f"http://127.0.0.1:{wide_hook.port}/all").status_code == 200
    approve(client, org)                                    # a case of UNIT, not UNIT2
    assert wide_hook.hit.wait(10)
    time.sleep(0.5)
    assert hook.paths == []


def test_a_legacy_webhooks_file_is_moved_into_the_database(app_config, request, instance, dns):
    from screening.review.db import Database

    db_url = app_config["DATABASE_URL"]
    db = Database.from_url(db_url)
    key = accounts.create_api_key(db, "legacy", "cases:read,cases:write")
    db.dispose()
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "webhooks.json").write_text(json.dumps({str(key.id): {
        "url": "https://hooks.example.org/old", "secret": "whsec_old", "key": "legacy",
        "events": ["case.approved"], "created_at": "2026-01-01T00:00:00+00:00"}}), encoding="utf-8")
    client = request.getfixturevalue("client")
    r = client.get("/api/v1/webhook", headers={"Authorization": f"Bearer {key.secret}"})
    assert r.status_code == 200 and r.get_json()["url"] == "https://hooks.example.org/old"
    assert not (instance / "webhooks.json").exists()
