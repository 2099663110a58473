"""Who is calling (SPEC §4):

- a system's API key, `Authorization: Bearer ssk_…`, limited to its scopes (`screen`, `cases:read`,
  `cases:write` — register the system's webhook —, `clearance`) and, when it is tied to a unit, to
  that unit's cases and events; it can screen and read but never act for a person;
- a personal token issued to a user, `Authorization: Bearer sst_…`: that person;
- the web session (`screening.web.sessions`, set by the UI's login page, revocable): that person. A session
  request that changes something (POST, PUT, DELETE) must carry the CSRF token in `X-CSRFToken`,
  since the API blueprints are exempt from the form-based CSRF check.

A person may do what their role allows; the review service decides that per case (need to know,
stages). The principal is resolved once per request and kept on `flask.g`.

    @require_scope("cases:read")          # a key with that scope, or any person
    @require_person                       # a person only: 403 `person_required` for a system key
    current_user() -> UserInfo | None      # the person calling (session or personal token)
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, request
from flask_wtf.csrf import ValidationError, validate_csrf

from screening.review import accounts
from screening.review.accounts import ApiKeyInfo, UserInfo
from screening.web import sessions
from screening.web.errors import ApiError
from screening.web.state import state

SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="screening"'}
_UNSET = object()


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str                        # "api_key", "token" or "session"
    user: UserInfo | None = None
    key: ApiKeyInfo | None = None

    @property
    def is_person(self) -> bool:
        return self.user is not None

    @property
    def actor_id(self) -> int | None:
        """The person's user id; None for a system (the service then applies no need-to-know)."""
        return self.user.id if self.user is not None else None

    @property
    def owner(self) -> str:
        """Who owns what this caller starts (jobs, webhooks) and whose rate limit applies."""
        return f"user:{self.user.id}" if self.user is not None else f"key:{self.key.id}"  # type: ignore[union-attr]

    @property
    def unit_scope(self) -> int | None:
        """The unit a system key is tied to (it sees only that unit's cases); None otherwise."""
        return self.key.unit_id if self.key is not None else None

    def allows(self, scope: str) -> bool:
        return self.is_person or (self.key is not None and self.key.allows(scope))

    def to_dict(self) -> dict:
        return {"kind": self.kind,
                "user": self.user.to_dict() if self.user is not None else None,
                "key": None if self.key is None else {"id": self.key.id, "name": self.key.name,
                                                      "scopes": list(self.key.scopes)}}


def _bearer() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "invalid_auth", "Authorization 头的格式应为：Bearer <API 密钥或个人令牌>",
                       headers=CHALLENGE)
    return secret.strip()


def _resolve() -> Principal | None:
    db = state().service.db
    secret = _bearer()
    if secret is not None:
        if secret.startswith(accounts.KEY_PREFIX):
            key = accounts.api_key_for(db, secret)
            if key is not None:
                return Principal("api_key", key=key)
        elif secret.startswith(accounts.TOKEN_PREFIX):
            user = accounts.user_for_token(db, secret)
            if user is not None:
                return Principal("token", user=user)
        raise ApiError(401, "invalid_credentials", "API 密钥或个人令牌无效、已吊销，或其用户已停用",
                       headers=CHALLENGE)
    user = sessions.current(db)
    return Principal("session", user=user) if user is not None else None


def principal(*, required: bool = True) -> Principal | None:
    """The caller of this request (cached on `g`). Bad credentials always answer 401; no
    credentials answer 401 only when `required`."""
    cached = g.get("_screening_principal", _UNSET)
    if cached is _UNSET:
        try:
            cached = _resolve()
        except ApiError as exc:
            cached = exc
        g._screening_principal = cached
    if isinstance(cached, ApiError):
        raise cached
    if cached is None and required:
        raise ApiError(401, "unauthorized", "需要身份认证：Authorization: Bearer <API 密钥或个人令牌>，"
                                            "或登录后的网页会话", headers=CHALLENGE)
    return cached  # type: ignore[return-value]


def current_user() -> UserInfo | None:
    """The person calling (web session or personal token), or None (anonymous or a system)."""
    try:
        who = principal(required=False)
    except ApiError:
        return None
    return who.user if who is not None else None


def check_csrf(who: Principal) -> None:
    """A session request that changes something must prove it comes from our own pages."""
    if who.kind != "session" or request.method in SAFE_METHODS:
        return
    token = request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token")
    try:
        validate_csrf(token)
    except ValidationError:
        raise ApiError(403, "csrf_failed", "网页会话的修改请求须在 X-CSRFToken 头中携带 CSRF 令牌") from None


def rate_key() -> str:
    """The rate-limit bucket: the key, token or session's person; the client address otherwise."""
    try:
        who = principal(required=False)
    except ApiError:
        who = None
    return who.owner if who is not None else f"ip:{request.remote_addr}"


def require_scope(*scopes: str) -> Callable:
    """A system key must hold every scope named; a person passes (the service checks the case)."""
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            who = principal()
            missing = [s for s in scopes if not who.allows(s)]
            if missing:
                raise ApiError(403, "insufficient_scope",
                               f"该 API 密钥没有所需的权限范围：{'、'.join(missing)}")
            check_csrf(who)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def require_person(view: Callable) -> Callable:
    """Only a person's own credential (session or personal token), never a system's API key."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        who = principal()
        if not who.is_person:
            raise ApiError(403, "person_required",
                           "该操作代表具体人员，须使用本人的个人令牌或网页登录会话；系统 API 密钥只能筛查和查询，不能签署")
        check_csrf(who)
        return view(*args, **kwargs)
    return wrapper


def require_system(*scopes: str) -> Callable:
    """A system's API key (with `scopes`) only: settings that belong to a system, e.g. its webhook."""
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            who = principal()
            if who.key is None:
                raise ApiError(403, "system_required", "该操作属于对接系统，须使用系统 API 密钥")
            missing = [s for s in scopes if not who.allows(s)]
            if missing:
                raise ApiError(403, "insufficient_scope",
                               f"该 API 密钥没有所需的权限范围：{'、'.join(missing)}")
            return view(*args, **kwargs)
        return wrapper
    return decorate
