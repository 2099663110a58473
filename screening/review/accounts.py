"""Users, passwords (scrypt), sessions, personal tokens and system API keys; who acts on an account.
Adding, (de)activating and re-roling accounts, and units and departments, are `provisioning`'s.

There is no account lockout: locking a named account after failures lets anyone lock anyone out and
tells which names exist. Guessing is slowed per client instead (the web layer's login limit).

Who may change an account (`by`, the acting user's id; None for the operator at the command line,
recorded as `system` with `via: "cli"`): an administrator, for accounts of their own unit only; a
deployment administrator (`deployment_admin`, made by `screening bootstrap`) for every unit; a user
for their own password. Every change records its real actor. A reset, a deactivation and a role
change revoke the account's web sessions (`session_epoch`) and personal tokens; logout and a
password change revoke its sessions.

Secrets (tokens, keys) are random, shown once, and stored as their SHA-256; passwords are stored as
scrypt hashes. Each function that changes something is one audited transaction."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from screening.review.db import Database
from screening.review.enums import SCOPES, Role
from screening.review.errors import AuthError, Forbidden, Invalid, NotFound
from screening.review.models import ApiKey, PersonalToken, Unit, User
from screening.review.positions import MembershipInfo, held, info
from screening.review.tx import transaction

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
TOKEN_PREFIX, KEY_PREFIX = "sst_", "ssk_"
TOKEN_LIFETIME = timedelta(days=90)      # a personal token's default validity


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# -- passwords ---------------------------------------------------------------------------------------

def hash_password(password: str, *, n: int = SCRYPT_N) -> str:
    if not password:
        raise Invalid("invalid_password", "密码不能为空")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=256 * n * SCRYPT_R, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        hash_password("timing-equalizer")   # the same work as a real check: no timing tells a name exists
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        assert scheme == "scrypt"
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), maxmem=256 * int(n) * int(r), dklen=len(expected))
    except (ValueError, AssertionError):
        return False
    return hmac.compare_digest(got, expected)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# -- read models -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    name: str
    display_name: str
    role: Role
    unit_id: int
    unit: str
    department_id: int | None
    department: str | None
    active: bool
    session_epoch: int = 0
    deployment_admin: bool = False
    memberships: tuple[MembershipInfo, ...] = ()     # further roles (兼任), see `positions`
    roles: frozenset[Role] = frozenset()             # the primary role and every membership's

    @classmethod
    def of(cls, user: User) -> UserInfo:
        memberships = held(user)
        return cls(user.id, user.name, user.label, user.role, user.unit_id, user.unit.name,
                   user.department_id, user.department.name if user.department else None, user.active,
                   user.session_epoch or 0, bool(user.deployment_admin),
                   tuple(info(m) for m in memberships), frozenset({user.role, *(m.role for m in memberships)}))

    def holds(self, *roles: Role) -> bool:
        """The person holds one of `roles`, as primary role or as a membership."""
        return bool(self.roles & set(roles))

    def departments_as(self, role: Role) -> list[int]:
        """The departments in which the person holds `role` (primary first)."""
        own = [self.department_id] if self.role is role and self.department_id is not None else []
        return own + [m.department_id for m in self.memberships if m.role is role and m.department_id is not None]

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "display_name": self.display_name,
                "role": str(self.role), "unit": self.unit, "department": self.department,
                "memberships": [m.to_dict() for m in self.memberships]}


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    """A token or key as issued: `secret` is shown once and never stored."""

    id: int
    name: str
    secret: str


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    unit_id: int | None = None           # None: deployment-wide
    unit: str | None = None

    def allows(self, scope: str) -> bool:
        return self.revoked_at is None and scope in self.scopes


# -- who acts on an account, users ------------------------------------------------------------------

def find_user(session: Session, name: str) -> User:
    user = session.execute(sa.select(User).where(User.name == name)).scalar_one_or_none()
    if user is None:
        raise NotFound("no_such_user", f"用户 {name} 不存在")
    return user


def acting_user(session: Session, by: int | None) -> User | None:
    """The acting user (None: the operator at the command line)."""
    if by is None:
        return None
    actor = session.get(User, by)
    if actor is None or not actor.active:
        raise Forbidden("forbidden", "操作者账号不存在或已停用")
    return actor


def admin_of(session: Session, by: int | None, unit_id: int) -> User | None:
    """The administrator acting on an account of `unit_id`: refused unless it is their unit or they
    administer the whole deployment."""
    actor = acting_user(session, by)
    if actor is None:
        return None
    if actor.role is not Role.ADMIN:
        raise Forbidden("admin_required", "只有系统管理员可以管理账号")
    if not actor.deployment_admin and actor.unit_id != unit_id:
        raise Forbidden("other_unit", "只能管理本单位的账号")
    return actor


def record(tx, action: str, actor: User | None, **payload) -> None:
    """An administration act in the audit trail; one taken at the command line says so (via=cli)."""
    if actor is None:
        payload["via"] = "cli"
    tx.record(action, actor, **payload)


def revoke_access(session: Session, user: User, now: datetime, *, tokens: bool) -> int:
    """End every web session of `user` (and revoke their personal tokens): the number revoked."""
    user.session_epoch = (user.session_epoch or 0) + 1
    if not tokens:
        return 0
    live = session.execute(sa.select(PersonalToken).where(PersonalToken.user_id == user.id,
                                                          PersonalToken.revoked_at.is_(None))).scalars().all()
    for token in live:
        token.revoked_at = now
    return len(live)


def set_password(db: Database, name: str, password: str, *, now: datetime | None = None,
                 by: int | None = None) -> None:
    """A user's own change (`by` is that user: their other sessions end) or an administrator's reset
    (every session and personal token of the account is revoked)."""
    password_hash = hash_password(password)
    with transaction(db, now or utcnow()) as tx:
        user = find_user(tx.session, name)
        own = by is not None and by == user.id
        actor = user if own else admin_of(tx.session, by, user.unit_id)
        user.password_hash, user.failed_logins, user.locked_until = password_hash, 0, None
        revoked = revoke_access(tx.session, user, tx.now, tokens=not own)
        record(tx, "user.password" if own else "user.password_reset", actor, user=name,
                tokens_revoked=revoked)


def end_sessions(db: Database, user_id: int, *, now: datetime | None = None) -> None:
    """Logout: every web session of this user ends (a saved cookie no longer works)."""
    with transaction(db, now or utcnow()) as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            return
        revoke_access(tx.session, user, tx.now, tokens=False)
        tx.record("user.logout", user, user=user.name)


def get_user(db: Database, user_id: int) -> UserInfo:
    with db.read() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound("no_such_user", "用户不存在")
        return UserInfo.of(user)


def list_users(db: Database, *, by: int | None = None) -> list[UserInfo]:
    """Every user, or those an administrator `by` manages (their unit, unless deployment-wide)."""
    with db.read() as s:
        q = sa.select(User).order_by(User.id)
        actor = acting_user(s, by)
        if actor is not None and not actor.deployment_admin:
            q = q.where(User.unit_id == actor.unit_id)
        return [UserInfo.of(u) for u in s.execute(q).scalars()]


def login(db: Database, name: str, password: str, *, now: datetime | None = None) -> UserInfo:
    """Check a password: one answer for an unknown name, an inactive account and a wrong password."""
    now = now or utcnow()
    info: UserInfo | None = None
    with transaction(db, now) as tx:
        user = tx.session.execute(sa.select(User).where(User.name == name)).scalar_one_or_none()
        if user is None or not user.active:
            verify_password(password, None)
        elif verify_password(password, user.password_hash):
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
            info = UserInfo.of(user)
        else:
            user.failed_logins += 1
    if info is None:
        raise AuthError("invalid_credentials", "用户名或密码错误")
    return info


# -- personal tokens ---------------------------------------------------------------------------------

def create_token(db: Database, user_name: str, *, label: str = "", now: datetime | None = None,
                 lifetime: timedelta | None = TOKEN_LIFETIME, by: int | None = None) -> IssuedSecret:
    """A personal token for `user_name`, valid for `lifetime` (None: until revoked), issued by that
    user (`by`) or at the command line."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction(db, now or utcnow()) as tx:
        user = find_user(tx.session, user_name)
        actor = acting_user(tx.session, by)
        if actor is not None and actor.id != user.id:
            raise Forbidden("forbidden", "只能为自己签发个人令牌")
        expires = tx.now + lifetime if lifetime is not None else None
        token = PersonalToken(user_id=user.id, label=label, prefix=secret[:10],
                              token_hash=secret_hash(secret), created_at=tx.now, expires_at=expires)
        tx.session.add(token)
        tx.session.flush()
        record(tx, "token.create", actor, user=user.name, token_id=token.id, prefix=token.prefix,
                expires_at=expires.isoformat() if expires else None)
        return IssuedSecret(token.id, user.name, secret)


def list_tokens(db: Database, user_id: int) -> list[PersonalToken]:
    """A user's own personal tokens, newest first."""
    with db.read() as s:
        return list(s.execute(sa.select(PersonalToken).where(PersonalToken.user_id == user_id)
                              .order_by(PersonalToken.id.desc())).scalars())


def revoke_token(db: Database, token_id: int, *, now: datetime | None = None, by: int | None = None) -> None:
    """Revoke a personal token: its owner (`by`), an administrator of the owner's unit, or the CLI."""
    with transaction(db, now or utcnow()) as tx:
        token = tx.session.get(PersonalToken, token_id)
        if token is None:
            raise NotFound("no_such_token", f"令牌 {token_id} 不存在")
        actor = acting_user(tx.session, by)
        if actor is not None and actor.id != token.user_id:
            admin_of(tx.session, by, token.user.unit_id)
        if token.revoked_at is None:
            token.revoked_at = tx.now
            record(tx, "token.revoke", actor, user=token.user.name, token_id=token.id)


def user_for_token(db: Database, secret: str, *, now: datetime | None = None) -> UserInfo | None:
    """The active user a personal token acts for, or None (unknown, revoked, or user inactive)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with transaction(db, now or utcnow()) as tx:
        token = tx.session.execute(sa.select(PersonalToken).where(
            PersonalToken.token_hash == secret_hash(secret))).scalar_one_or_none()
        if token is None or token.revoked_at is not None or not token.user.active:
            return None
        if token.expires_at is not None and token.expires_at <= tx.now:
            return None
        token.last_used_at = tx.now
        return UserInfo.of(token.user)


# -- system API keys ---------------------------------------------------------------------------------

def parse_scopes(scopes: str | Iterable[str]) -> tuple[str, ...]:
    items = [s.strip() for s in (scopes.split(",") if isinstance(scopes, str) else scopes)]
    items = [s for s in items if s]
    unknown = [s for s in items if s not in SCOPES]
    if unknown or not items:
        raise Invalid("invalid_scope", f"权限范围必须取自 {', '.join(SCOPES)}；无效：{', '.join(unknown) or '（空）'}")
    return tuple(dict.fromkeys(items))


def create_api_key(db: Database, name: str, scopes: str | Iterable[str], *, unit: str | None = None,
                   now: datetime | None = None, by: int | None = None) -> IssuedSecret:
    """A system key, tied to `unit` (it reads that unit's cases and gets its events) or, with
    `unit=None`, deployment-wide: only the command line or a deployment administrator makes those;
    a unit's administrator makes keys of their own unit."""
    scope_list = parse_scopes(scopes)
    name = name.strip()
    if not name:
        raise Invalid("invalid_name", "API 密钥名称不能为空")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction(db, now or utcnow()) as tx:
        s = tx.session
        unit_row = None
        if unit is not None and unit.strip():
            unit_row = s.execute(sa.select(Unit).where(Unit.name == unit.strip())).scalar_one_or_none()
            if unit_row is None:
                raise NotFound("no_such_unit", f"单位“{unit}”不存在")
        actor = acting_user(s, by)
        if actor is not None:
            if unit_row is None and not actor.deployment_admin:
                raise Forbidden("deployment_admin_required", "只有管理全部单位的管理员可以创建全部署范围的密钥")
            admin_of(s, by, unit_row.id if unit_row is not None else actor.unit_id)
        if s.execute(sa.select(ApiKey.id).where(ApiKey.name == name)).first():
            raise Invalid("key_exists", f"名为 {name} 的 API 密钥已存在（如需更换，请先吊销）")
        key = ApiKey(name=name, prefix=secret[:10], key_hash=secret_hash(secret),
                     scopes=",".join(scope_list), created_at=tx.now,
                     unit_id=unit_row.id if unit_row is not None else None)
        s.add(key)
        s.flush()
        record(tx, "apikey.create", actor, name=name, key_id=key.id, scopes=list(scope_list),
                prefix=key.prefix, unit=unit_row.name if unit_row is not None else None)
        return IssuedSecret(key.id, name, secret)


def revoke_api_key(db: Database, name: str, *, now: datetime | None = None, by: int | None = None) -> None:
    """Revoke the key named `name`; its name is freed for a new key."""
    with transaction(db, now or utcnow()) as tx:
        key = tx.session.execute(sa.select(ApiKey).where(ApiKey.name == name)).scalar_one_or_none()
        if key is None:
            raise NotFound("no_such_key", f"API 密钥 {name} 不存在")
        actor = acting_user(tx.session, by)
        if actor is not None:
            if key.unit_id is None and not actor.deployment_admin:
                raise Forbidden("deployment_admin_required", "只有管理全部单位的管理员可以吊销全部署范围的密钥")
            admin_of(tx.session, by, key.unit_id if key.unit_id is not None else actor.unit_id)
        key.revoked_at = tx.now
        key.name = f"{name}#revoked-{key.id}"
        record(tx, "apikey.revoke", actor, name=name, key_id=key.id)


def api_key_for(db: Database, secret: str, *, now: datetime | None = None) -> ApiKeyInfo | None:
    """The live key for a presented secret, or None."""
    if not secret.startswith(KEY_PREFIX):
        return None
    with transaction(db, now or utcnow()) as tx:
        key = tx.session.execute(sa.select(ApiKey).where(
            ApiKey.key_hash == secret_hash(secret))).scalar_one_or_none()
        if key is None or key.revoked_at is not None:
            return None
        key.last_used_at = tx.now
        return _key_info(tx.session, key)


def list_api_keys(db: Database, *, by: int | None = None) -> list[ApiKeyInfo]:
    """Every key, or those an administrator `by` manages (their unit's, unless deployment-wide)."""
    with db.read() as s:
        q = sa.select(ApiKey).order_by(ApiKey.id)
        actor = acting_user(s, by)
        if actor is not None and not actor.deployment_admin:
            q = q.where(ApiKey.unit_id == actor.unit_id)
        return [_key_info(s, k) for k in s.execute(q).scalars()]


def _key_info(session: Session, key: ApiKey) -> ApiKeyInfo:
    unit = session.get(Unit, key.unit_id) if key.unit_id is not None else None
    return ApiKeyInfo(key.id, key.name, key.prefix, key.scope_list, key.created_at, key.revoked_at,
                      key.unit_id, unit.name if unit is not None else None)
