"""One user action = one transaction: the rows it writes, its audit events and its in-app notices
commit together or not at all; notices go to the Notifier only after the commit."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from screening.review import audit
from screening.review.db import Database
from screening.review.errors import Conflict
from screening.review.models import Notification, User
from screening.review.notify import Notice, Notifier

log = logging.getLogger(__name__)

_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}   # serialization failure, deadlock, lock timeout


@dataclass
class Tx:
    session: Session
    now: datetime
    entries: list[audit.Entry] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def record(self, action: str, actor: User | None, case_id: int | None = None, /,
               **payload: Any) -> None:
        """Add an audit event (who, when, what) to this transaction."""
        self.entries.append(audit.Entry(action=action, actor_id=actor.id if actor else None,
                                        actor=actor.name if actor else "system",
                                        case_id=case_id, payload=payload))

    def notify(self, users: Iterable[User], case_id: int | None, kind: str, message: str) -> None:
        for user in {u.id: u for u in users}.values():
            self.session.add(Notification(user_id=user.id, case_id=case_id, kind=kind,
                                          message=message, created_at=self.now))
            self.notices.append(Notice(user.id, user.name, user.email, case_id, kind, message, self.now))


def is_contention(exc: Exception) -> bool:
    """A lock or serialization failure from either database: someone else changed the same thing."""
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, OperationalError):
        sqlstate = getattr(exc.orig, "sqlstate", None)
        return sqlstate in _RETRYABLE_SQLSTATES or "database is locked" in str(exc.orig)
    return False


@contextmanager
def transaction(db: Database, now: datetime, notifier: Notifier | None = None) -> Iterator[Tx]:
    session = db.write_session()
    tx = Tx(session, now)
    try:
        yield tx
        audit.append(session, tx.entries, now)
        session.commit()
    except (StaleDataError, OperationalError, IntegrityError) as exc:
        session.rollback()
        if is_contention(exc) or (isinstance(exc, IntegrityError) and "audit" in str(exc.orig)):
            raise Conflict("conflict", "该案件刚被他人修改，您的操作未生效，请刷新后重试") from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    if notifier is not None and tx.notices:
        try:
            notifier.send(tx.notices)
        except Exception:   # the action is committed; a failed e-mail must not undo it
            log.exception("notifier failed for %d notices", len(tx.notices))
