"""Refusals of the review layer. Each carries a stable `code`, a Chinese `message` and the HTTP `status`
the API answers with, so the web layer maps them without knowing the rules behind them."""
from __future__ import annotations

from screening.errors import ScreeningError


class ReviewError(ScreeningError):
    status = 400

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class Invalid(ReviewError):
    """The request itself is wrong (missing reason, unknown value)."""

    status = 400


class Forbidden(ReviewError):
    """Not this person's action (not your stage, segregation of duties, another unit)."""

    status = 403


class NotFound(ReviewError):
    status = 404


class Conflict(ReviewError):
    """The case is not in a state that allows the action (wrong stage, undisposed high findings,
    a concurrent change)."""

    status = 409


class Unreadable(ReviewError):
    """The uploaded file could not be extracted; `code` is the extraction error code."""

    status = 422


class AuthError(ReviewError):
    """Bad credentials or a locked account."""

    status = 401
