"""Notifications. Every notice is an in-app row (`notifications`), written in the same transaction as
the action that caused it; after the commit the service hands the notices to a `Notifier`, the hook
where e-mail (or a webhook) plugs in later. A notifier must not raise; if it does, the error is logged
and the action stands."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Notice:
    user_id: int
    user_name: str
    email: str | None
    case_id: int | None
    kind: str        # quarantine, todo, returned, approved, escalated, answered, withdrawn
    message: str
    at: datetime


class Notifier(Protocol):
    def send(self, notices: Sequence[Notice]) -> None: ...


class InAppNotifier:
    """The default: the in-app rows are all there is."""

    def send(self, notices: Sequence[Notice]) -> None:
        return None
