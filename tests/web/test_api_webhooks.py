"""Webhooks: registered by a system, called when a case is approved or returned, signed with
HMAC-SHA256, retried with backoff, never blocking the request that caused them. The receiver is a
real HTTP server on 127.0.0.1 (named on purpose in WEBHOOK_ALLOWED_NETWORKS, over http with
WEBHOOK_ALLOW_HTTP: by default both are refused, see tests/security/test_webhooks.py)."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from web_helpers import CLEAN, error_of, open_case


class Receiver:
    """Answers the scripted statuses in turn (then 200), each after `delay` seconds."""

    def __init__(self, statuses=(), delay: float = 0.0) -> None:
        self.statuses, self.delay = list(statuses), delay
        self.calls: list[tuple[dict, bytes]] = []
        self.done = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if status == 200:
                    receiver.done.set()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/screening"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32"}


@pytest.fixture
def receiver():
    made = []

    def make(statuses=(), delay=0.0):
        made.append(Receiver(statuses, delay))
        return made[-1]
    yield make
    for r in made:
        r.close()


def register(client, org, url, key="key:all") -> str:
    r = client.put("/api/v1/webhook", json={"url": url}, headers=org.auth(key))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["url"] == url and r.get_json()["secret"].startswith("whsec_")
    return r.get_json()["secret"]


def approve_all(client, org, case_id) -> float:
    """Sign the three stages; answers how long the leader's request took."""
    for who, stage in (("drafter", "drafter"), ("head", "head")):
        assert client.post(f"/api/v1/documents/{case_id}/signoffs", headers=org.auth(who),
                           json={"stage": stage, "decision": "approve"}).status_code == 201
    start = time.monotonic()
    r = client.post(f"/api/v1/documents/{case_id}/signoffs", headers=org.auth("leader"),
                    json={"stage": "leader", "decision": "approve"})
    assert r.status_code == 201
    return time.monotonic() - start


def test_approval_is_delivered_signed_and_retried(client, org, receiver, instance):
    hook = receiver(statuses=[500], delay=0.3)
    secret = register(client, org, hook.url)
    assert not Path(instance, "webhooks.json").exists()       # in the database, the secret sealed
    case_id = open_case(client, org.auth("drafter"), text=CLEAN).get_json()["id"]
    took = approve_all(client, org, case_id)
    assert took < 0.3, "the request waited for the webhook"
    assert hook.done.wait(15), hook.calls
    (first_headers, first_body), (headers, body) = hook.calls
    assert first_body == body and first_headers["x-screening-delivery"] == headers["x-screening-delivery"]
    assert (first_headers["x-screening-attempt"], headers["x-screening-attempt"]) == ("1", "2")
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-screening-signature"], expected)
    assert headers["x-screening-event"] == "case.approved"
    event = json.loads(body)
    assert event["event"] == "case.approved" and event["document"] == case_id
    assert event["stage"] == "approved" and event["version"] == 1 and len(event["sha256"]) == 64


def test_a_return_is_delivered(client, org, receiver):
    hook = receiver()
    register(client, org, hook.url)
    case_id = open_case(client, org.auth("drafter"), text=CLEAN).get_json()["id"]
    client.post(f"/api/v1/documents/{case_id}/signoffs", headers=org.auth("drafter"),
                json={"stage": "drafter", "decision": "approve"})
    client.post(f"/api/v1/documents/{case_id}/signoffs", headers=org.auth("head"),
                json={"stage": "head", "decision": "return", "opinion": "请删去联系人"})
    assert hook.done.wait(15)
    event = json.loads(hook.calls[0][1])
    assert event["event"] == "case.returned" and event["stage"] == "returned"


def test_gives_up_after_the_configured_attempts(app_config, request, receiver):
    app_config["WEBHOOK_ATTEMPTS"] = 3
    client, org = request.getfixturevalue("client"), request.getfixturevalue("org")
    hook = receiver(statuses=[503, 503, 503, 503])
    register(client, org, hook.url)
    approve_all(client, org, open_case(client, org.auth("drafter"), text=CLEAN).get_json()["id"])
    deadline = time.monotonic() + 10
    while len(hook.calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert len(hook.calls) == 3


def test_a_revoked_keys_webhook_is_not_called(client, org, receiver, app):
    from screening.review import accounts
    from screening.web.state import EXTENSION

    hook = receiver()
    register(client, org, hook.url)
    accounts.revoke_api_key(app.extensions[EXTENSION].service.db, "all")
    approve_all(client, org, open_case(client, org.auth("drafter"), text=CLEAN).get_json()["id"])
    time.sleep(0.5)
    assert hook.calls == []


def test_webhook_registration(client, org):
    r = client.get("/api/v1/webhook", headers=org.auth("key:all"))
    assert r.status_code == 404 and error_of(r)["code"] == "no_webhook"
    register(client, org, "http://127.0.0.1:9/hook")
    r = client.get("/api/v1/webhook", headers=org.auth("key:all"))
    assert r.get_json() == {"url": "http://127.0.0.1:9/hook", "events": ["case.approved", "case.returned"]}
    assert client.get("/api/v1/webhook", headers=org.auth("key:read")).status_code == 404   # per key
    assert client.delete("/api/v1/webhook", headers=org.auth("key:all")).status_code == 204
    assert client.delete("/api/v1/webhook", headers=org.auth("key:all")).status_code == 404


@pytest.mark.parametrize("who, body, status, code", [
    ("drafter", {"url": "http://127.0.0.1/h"}, 403, "system_required"),
    ("key:screen", {"url": "http://127.0.0.1/h"}, 403, "insufficient_scope"),
    ("key:all", {"url": "ftp://127.0.0.1/h"}, 422, "invalid_request"),
    ("key:all", {"url": "not a url"}, 422, "invalid_request"),
    ("key:all", {}, 422, "invalid_request"),
], ids=["person", "no-scope", "ftp", "garbage", "missing"])
def test_webhook_registration_refusals(client, org, who, body, status, code):
    r = client.put("/api/v1/webhook", json=body, headers=org.auth(who))
    assert r.status_code == status and error_of(r)["code"] == code
