"""The web session: Flask's signed cookie carrying the user's id and the session epoch it was made in.

A session counts only while its epoch equals the user's `session_epoch` in the database, checked on
every request (UI pages and API calls alike). Logout, a password change, an administrator's reset, a
role change and a deactivation move the epoch on (`screening.review.accounts`), so a saved cookie
stops working at once, on every server process, without a server-side session store.
"""
from __future__ import annotations

from flask import session

from screening.review import accounts
from screening.review.accounts import UserInfo
from screening.review.db import Database
from screening.review.errors import ReviewError

USER_KEY, EPOCH_KEY = "user_id", "epoch"


def begin(user: UserInfo) -> None:
    """A fresh session for `user` (no fixation: whatever was in the cookie is dropped)."""
    session.clear()
    session[USER_KEY] = user.id
    session[EPOCH_KEY] = user.session_epoch
    session.permanent = True


def current(db: Database) -> UserInfo | None:
    """The active user whose live session this request carries, or None (and the cookie is cleared
    when it names an unknown, inactive or revoked session)."""
    user_id = session.get(USER_KEY)
    if user_id is None:
        return None
    try:
        user = accounts.get_user(db, int(user_id))
    except (ReviewError, TypeError, ValueError):
        session.clear()
        return None
    if not user.active or session.get(EPOCH_KEY, 0) != user.session_epoch:
        session.clear()
        return None
    return user


def end(db: Database, user: UserInfo | None) -> None:
    """Logout: this and every other session of the user end."""
    if user is not None:
        accounts.end_sessions(db, user.id)
    session.clear()
