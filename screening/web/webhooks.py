"""Webhooks: a system (an API key with `cases:write`) may register one URL, called when a case of its
unit (every unit for a deployment-wide key) is approved (`case.approved`) or returned
(`case.returned`), whichever channel the sign-off came through.

- Registration: `PUT /api/v1/webhook {"url"}` answers the signing secret once; `GET` shows the URL;
  `DELETE` removes it. Kept in the database (`webhooks`, the secret sealed with the file store's
  key), each change an audited event; a revoked key's webhook is no longer called. A legacy
  `<instance>/webhooks.json` is imported once and removed.
- Where it may point: `screening.web.webhook_urls` (https only, no private/loopback/link-local/
  multicast/encoded addresses, checked at registration and again at each delivery, which connects
  to the checked address, no redirects, optional allowlists).
- Delivery: a POST of a JSON body, signed `X-Screening-Signature: sha256=<hex HMAC-SHA256 of the
  body under the secret>`, with `X-Screening-Event` and `X-Screening-Delivery` (unique per event;
  the same on retries, so the receiver can ignore duplicates). Anything but a 2xx is retried with
  exponential backoff (`WEBHOOK_BACKOFF` × 2ⁿ, `WEBHOOK_ATTEMPTS` tries); a refused address is not.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from screening.review.db import Database
from screening.review.models import ApiKey, Webhook
from screening.review.notify import InAppNotifier, Notice, Notifier
from screening.review.sealing import Sealer
from screening.review.tx import transaction
from screening.web import webhook_urls
from screening.web.webhook_urls import Policy, RefusedUrl

log = logging.getLogger("screening.web.webhooks")

EVENTS = {"approved": "case.approved", "returned": "case.returned"}
FILE = "webhooks.json"
SEAL_PURPOSE = b"screening.web.webhooks/1"


class Registry:
    """The registered URLs and sealed secrets, one per API key, in the database."""

    def __init__(self, db: Database, sealer: Sealer) -> None:
        self.db, self.sealer = db, sealer

    def _view(self, row: Webhook) -> dict:
        return {"url": row.url, "secret": self.sealer.open_text(row.secret_sealed),
                "events": sorted(EVENTS.values()), "created_at": row.created_at.isoformat()}

    def get(self, key_id: int) -> dict | None:
        with self.db.read() as s:
            row = s.execute(sa.select(Webhook).where(Webhook.api_key_id == key_id)).scalar_one_or_none()
            return self._view(row) if row is not None else None

    def set(self, key_id: int, key_name: str, url: str, *, secret: str | None = None) -> dict:
        secret = secret or "whsec_" + secrets.token_urlsafe(32)
        now = datetime.now(timezone.utc)
        with transaction(self.db, now) as tx:
            s = tx.session
            row = s.execute(sa.select(Webhook).where(Webhook.api_key_id == key_id)).scalar_one_or_none()
            if row is None:
                row = Webhook(api_key_id=key_id, url=url, secret_sealed="", created_at=now)
                s.add(row)
            row.url, row.secret_sealed, row.created_at = url, self.sealer.seal_text(secret), now
            s.flush()
            tx.record("webhook.set", None, key=key_name, key_id=key_id, url=url)
            return self._view(row)

    def delete(self, key_id: int, key_name: str = "") -> bool:
        with transaction(self.db, datetime.now(timezone.utc)) as tx:
            row = tx.session.execute(sa.select(Webhook).where(Webhook.api_key_id == key_id)).scalar_one_or_none()
            if row is None:
                return False
            tx.session.delete(row)
            tx.record("webhook.delete", None, key=key_name, key_id=key_id, url=row.url)
            return True

    def all(self) -> list[tuple[int, int | None, dict]]:
        """(key id, the key's unit id or None, hook) of every live key's webhook."""
        with self.db.read() as s:
            rows = s.execute(sa.select(Webhook, ApiKey).join(ApiKey, ApiKey.id == Webhook.api_key_id)
                             .where(ApiKey.revoked_at.is_(None))).all()
            return [(key.id, key.unit_id, self._view(hook)) for hook, key in rows]

    def import_legacy(self, path: Path) -> int:
        """Move the registrations of an older `webhooks.json` into the database, then remove the file
        (it held the secrets in the clear)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return 0
        with self.db.read() as s:
            keys = {k.id: k.name for k in s.execute(sa.select(ApiKey)).scalars()}
        moved = 0
        for key_id, entry in data.items():
            if int(key_id) in keys and self.get(int(key_id)) is None:
                self.set(int(key_id), keys[int(key_id)], entry["url"], secret=entry["secret"])
                moved += 1
        path.unlink()
        return moved


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
                 policy: Policy | None = None) -> None:
        self.attempts, self.backoff, self.timeout = max(1, attempts), backoff, timeout
        self.policy = policy or Policy()
        self.refused: list[tuple[str, str]] = []        # (delivery id, why), for operators and tests
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
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "screening-webhook/1",
                   "X-Screening-Event": d.event, "X-Screening-Delivery": d.delivery_id,
                   "X-Screening-Attempt": str(d.attempt), "X-Screening-Signature": sign(d.secret, d.body)}
        try:
            target = webhook_urls.check(d.url, self.policy)      # a fresh answer: no DNS rebinding
        except RefusedUrl as exc:
            log.warning("webhook %s to %s refused: %s", d.delivery_id, d.url, exc)
            self.refused.append((d.delivery_id, str(exc)))
            return
        try:
            status = webhook_urls.post(target, d.body, headers, self.timeout)
            ok, why = 200 <= status < 300, f"HTTP {status}"       # a 3xx is a failure: never followed
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
            described = dict(self._describe(case_id))
        except Exception:  # noqa: BLE001 - no unit known: only deployment-wide keys hear of it
            log.exception("webhook: could not describe case %s", case_id)
            described = {}
        unit_id = described.pop("unit_id", None)
        body.update(described)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        for key_id, key_unit, hook in hooks:
            if key_id in live and (key_unit is None or key_unit == unit_id):
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
