"""Webhooks: a system (an API key with `cases:read`) may register one URL, called when a case is
approved (`case.approved`) or returned (`case.returned`), whichever channel the sign-off came through.

- Registration: `PUT /api/v1/webhook {"url"}` answers the signing secret once; `GET` shows the URL;
  `DELETE` removes it. Kept in `<instance>/webhooks.json` (mode 0600), keyed by the API key's id;
  a revoked key's webhook is no longer called.
- Delivery: a POST of a JSON body, signed `X-Screening-Signature: sha256=<hex HMAC-SHA256 of the
  body under the secret>`, with `X-Screening-Event` and `X-Screening-Delivery` (unique per event;
  the same on retries, so the receiver can ignore duplicates). Anything but a 2xx is retried with
  exponential backoff (`WEBHOOK_BACKOFF` × 2ⁿ, `WEBHOOK_ATTEMPTS` tries).
- Never blocking: the review service's notifier hook only puts the event on a queue; one background
  thread per process (started on first use) does the HTTP.
"""
from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import logging
import os
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from screening.review.notify import InAppNotifier, Notice, Notifier

log = logging.getLogger("screening.web.webhooks")

EVENTS = {"approved": "case.approved", "returned": "case.returned"}
FILE = "webhooks.json"


class Registry:
    """The registered URLs and secrets, one per API key id, in a JSON file of the instance folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write(self, data: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)

    def get(self, key_id: int) -> dict | None:
        return self._read().get(str(key_id))

    def set(self, key_id: int, key_name: str, url: str) -> dict:
        secret = "whsec_" + secrets.token_urlsafe(32)
        entry = {"url": url, "secret": secret, "key": key_name, "events": sorted(EVENTS.values()),
                 "created_at": datetime.now(timezone.utc).isoformat()}
        with self._lock:
            data = self._read()
            data[str(key_id)] = entry
            self._write(data)
        return entry

    def delete(self, key_id: int) -> bool:
        with self._lock:
            data = self._read()
            found = data.pop(str(key_id), None) is not None
            if found:
                self._write(data)
        return found

    def all(self) -> dict[int, dict]:
        return {int(k): v for k, v in self._read().items()}


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Delivery:
    url: str
    secret: str
    event: str
    delivery_id: str
    body: bytes
    attempt: int = 1


class Dispatcher:
    """One background thread: deliveries due now go out, failures come back later."""

    def __init__(self, *, attempts: int = 6, backoff: float = 5.0, timeout: float = 10.0,
                 opener: urllib.request.OpenerDirector | None = None) -> None:
        self.attempts, self.backoff, self.timeout = max(1, attempts), backoff, timeout
        self._opener = opener or urllib.request.build_opener()
        self._heap: list[tuple[float, int, Delivery]] = []
        self._counter = itertools.count()
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self.delivered: list[tuple[str, int]] = []      # (delivery id, attempt), for operators and tests

    def put(self, delivery: Delivery, delay: float = 0.0) -> None:
        with self._cv:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._loop, name="screening-webhooks", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._counter), delivery))
            self._cv.notify()

    def _loop(self) -> None:
        while True:
            with self._cv:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    self._cv.wait(None if not self._heap else max(0.0, self._heap[0][0] - time.monotonic()))
                _, _, delivery = heapq.heappop(self._heap)
            self._attempt(delivery)

    def _attempt(self, d: Delivery) -> None:
        request = urllib.request.Request(d.url, data=d.body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "screening-webhook/1",
            "X-Screening-Event": d.event, "X-Screening-Delivery": d.delivery_id,
            "X-Screening-Attempt": str(d.attempt), "X-Screening-Signature": sign(d.secret, d.body)})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                ok = 200 <= response.status < 300
                why = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            ok, why = False, f"HTTP {exc.code}"
        except (OSError, ValueError) as exc:
            ok, why = False, str(exc)
        if ok:
            self.delivered.append((d.delivery_id, d.attempt))
            return
        if d.attempt >= self.attempts:
            log.warning("webhook %s to %s given up after %d attempts: %s", d.delivery_id, d.url, d.attempt, why)
            return
        delay = self.backoff * 2 ** (d.attempt - 1)
        log.info("webhook %s to %s failed (%s); retry in %.1fs", d.delivery_id, d.url, why, delay)
        self.put(Delivery(d.url, d.secret, d.event, d.delivery_id, d.body, d.attempt + 1), delay)


class Webhooks:
    """The registry, the dispatcher, and how to describe a case and check a key (set by create_app)."""

    def __init__(self, registry: Registry, dispatcher: Dispatcher, *,
                 live_keys: Callable[[], set[int]], describe: Callable[[int], dict]) -> None:
        self.registry, self.dispatcher = registry, dispatcher
        self._live_keys, self._describe = live_keys, describe

    def publish(self, event: str, case_id: int, message: str, at: datetime) -> None:
        hooks = self.registry.all()
        if not hooks:
            return
        live = self._live_keys()
        body = {"event": event, "document": case_id, "message": message, "at": at.isoformat()}
        try:
            body.update(self._describe(case_id))
        except Exception:  # noqa: BLE001 - the event still goes out, with what is known
            log.exception("webhook: could not describe case %s", case_id)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        for key_id, hook in hooks.items():
            if key_id in live:
                self.dispatcher.put(Delivery(hook["url"], hook["secret"], event, secrets.token_hex(12), data))


class WebhookNotifier:
    """The review service's Notifier: the in-app notices, plus case events for the webhooks. Runs
    after the action's commit; it hands the events to a thread and returns at once."""

    def __init__(self, webhooks: Webhooks, inner: Notifier | None = None) -> None:
        self.webhooks = webhooks
        self.inner = inner if inner is not None else InAppNotifier()

    def send(self, notices: Sequence[Notice]) -> None:
        self.inner.send(notices)
        seen = set()
        for notice in notices:
            event = EVENTS.get(notice.kind)
            if event is None or notice.case_id is None or (event, notice.case_id) in seen:
                continue
            seen.add((event, notice.case_id))
            threading.Thread(target=self._publish, args=(event, notice), daemon=True,
                             name="screening-webhook-publish").start()

    def _publish(self, event: str, notice: Notice) -> None:
        try:
            self.webhooks.publish(event, notice.case_id, notice.message, notice.at)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a notifier must not raise
            log.exception("webhook: publishing %s for case %s failed", event, notice.case_id)
