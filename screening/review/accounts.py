"""Units, departments, users, passwords (scrypt), lockout, personal tokens and system API keys.

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
from screening.review.errors import AuthError, Invalid, NotFound
from screening.review.models import ApiKey, Department, PersonalToken, Unit, User
from screening.review.tx import transaction

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
TOKEN_PREFIX, KEY_PREFIX = "sst_", "ssk_"


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
        hash_password("timing-equalizer", n=2**14)   # do comparable work when there is no hash
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

    @classmethod
    def of(cls, user: User) -> UserInfo:
        return cls(user.id, user.name, user.label, user.role, user.unit_id, user.unit.name,
                   user.department_id, user.department.name if user.department else None, user.active)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "display_name": self.display_name,
                "role": str(self.role), "unit": self.unit, "department": self.department}


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

    def allows(self, scope: str) -> bool:
        return self.revoked_at is None and scope in self.scopes


# -- units, departments, users ------------------------------------------------------------------------

def ensure_unit(session: Session, name: str, now: datetime) -> Unit:
    name = name.strip()
    if not name:
        raise Invalid("invalid_unit", "单位名称不能为空")
    unit = session.execute(sa.select(Unit).where(Unit.name == name)).scalar_one_or_none()
    if unit is None:
        unit = Unit(name=name, created_at=now)
        session.add(unit)
        session.flush()
    return unit


def ensure_department(session: Session, unit: Unit, name: str, now: datetime) -> Department:
    name = name.strip()
    if not name:
        raise Invalid("invalid_department", "部门名称不能为空")
    dept = session.execute(sa.select(Department).where(Department.unit_id == unit.id,
                                                       Department.name == name)).scalar_one_or_none()
    if dept is None:
        dept = Department(unit_id=unit.id, name=name, created_at=now)
        session.add(dept)
        session.flush()
    return dept


def find_user(session: Session, name: str) -> User:
    user = session.execute(sa.select(User).where(User.name == name)).scalar_one_or_none()
    if user is None:
        raise NotFound("no_such_user", f"用户 {name} 不存在")
    return user


def add_user(db: Database, name: str, *, role: Role | str, unit: str, department: str | None = None,
             password: str | None = None, display_name: str = "", email: str | None = None,
             now: datetime | None = None) -> UserInfo:
    """Create a user; the unit and department are created when missing (SPEC §2)."""
    now = now or utcnow()
    name = name.strip()
    if not name:
        raise Invalid("invalid_name", "用户名不能为空")
    try:
        role = Role(role)
    except ValueError:
        raise Invalid("invalid_role", f"角色必须是 {', '.join(r.value for r in Role)} 之一") from None
    if role is Role.HEAD and not department:
        raise Invalid("department_required", "承办部门负责人必须指定部门")
    if role is Role.DRAFTER and not department:
        raise Invalid("department_required", "承办人必须指定部门")
    password_hash = hash_password(password) if password else None
    with transaction(db, now) as tx:
        s = tx.session
        if s.execute(sa.select(User.id).where(User.name == name)).first():
            raise Invalid("user_exists", f"用户 {name} 已存在")
        unit_row = ensure_unit(s, unit, now)
        dept_row = ensure_department(s, unit_row, department, now) if department else None
        user = User(name=name, display_name=display_name, role=role, unit_id=unit_row.id,
                    department_id=dept_row.id if dept_row else None, email=email,
                    password_hash=password_hash, created_at=now)
        s.add(user)
        s.flush()
        tx.record("user.add", None, user=name, role=str(role), unit=unit_row.name,
                  department=dept_row.name if dept_row else None, password=bool(password))
        return UserInfo.of(user)


def set_password(db: Database, name: str, password: str, *, now: datetime | None = None) -> None:
    password_hash = hash_password(password)
    with transaction(db, now or utcnow()) as tx:
        user = find_user(tx.session, name)
        user.password_hash, user.failed_logins, user.locked_until = password_hash, 0, None
        tx.record("user.password", user, user=name)


def set_role(db: Database, name: str, role: Role | str, *, unit: str | None = None,
             department: str | None = None, now: datetime | None = None) -> tuple[UserInfo, list[int]]:
    """Change a user's role, unit and department (audited). Units and departments must exist: a typo
    never creates a new unit. Returns the user and the open cases whose sign-offs this person already
    holds, which the segregation rule (one person, one stage) re-checks when the next stage is signed."""
    from screening.review.models import Case, Signoff
    from screening.review.views import OPEN_STAGES

    try:
        role = Role(role)
    except ValueError:
        raise Invalid("invalid_role", f"角色必须是 {', '.join(r.value for r in Role)} 之一") from None
    with transaction(db, now or utcnow()) as tx:
        s = tx.session
        user = find_user(s, name)
        unit_row = user.unit if unit is None else s.execute(
            sa.select(Unit).where(Unit.name == unit.strip())).scalar_one_or_none()
        if unit_row is None:
            raise NotFound("no_such_unit", f"单位“{unit}”不存在（请先在“单位与部门”中添加）")
        dept_row = None
        if department:
            dept_row = s.execute(sa.select(Department).where(
                Department.unit_id == unit_row.id, Department.name == department.strip())).scalar_one_or_none()
            if dept_row is None:
                raise NotFound("no_such_department", f"单位“{unit_row.name}”没有名为“{department}”的部门")
        elif unit is None and role in (Role.DRAFTER, Role.HEAD):
            dept_row = user.department
        if role in (Role.DRAFTER, Role.HEAD) and dept_row is None:
            raise Invalid("department_required", f"{role.label}必须指定部门")
        old = {"role": str(user.role), "unit": user.unit.name,
               "department": user.department.name if user.department else None}
        user.role, user.unit_id = role, unit_row.id
        user.department_id = dept_row.id if dept_row else None
        signed_open = sorted(set(s.execute(sa.select(Signoff.case_id).join(Case, Signoff.case_id == Case.id)
                                           .where(Signoff.by_id == user.id, Case.stage.in_(OPEN_STAGES)))
                                 .scalars()))
        tx.record("user.role", None, user=name, old=old,
                  new={"role": str(role), "unit": unit_row.name, "department": dept_row.name if dept_row else None},
                  open_cases_signed=signed_open)
        s.flush()
        return UserInfo.of(user), signed_open


def set_active(db: Database, name: str, active: bool, *, now: datetime | None = None) -> None:
    with transaction(db, now or utcnow()) as tx:
        user = find_user(tx.session, name)
        user.active = active
        tx.record("user.activate" if active else "user.deactivate", None, user=name)


def get_user(db: Database, user_id: int) -> UserInfo:
    with db.read() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound("no_such_user", "用户不存在")
        return UserInfo.of(user)


def list_users(db: Database) -> list[UserInfo]:
    with db.read() as s:
        return [UserInfo.of(u) for u in s.execute(sa.select(User).order_by(User.id)).scalars()]


def login(db: Database, name: str, password: str, *, now: datetime | None = None) -> UserInfo:
    """Check a password. After MAX_FAILED_LOGINS failures the account is locked for LOCKOUT."""
    now = now or utcnow()
    outcome: str
    with transaction(db, now) as tx:
        user = tx.session.execute(sa.select(User).where(User.name == name)).scalar_one_or_none()
        if user is None or not user.active:
            verify_password(password, None)
            outcome = "invalid"
        elif user.locked_until is not None and user.locked_until > now:
            outcome = "locked"
        elif verify_password(password, user.password_hash):
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
            info = UserInfo.of(user)
            outcome = "ok"
        else:
            user.failed_logins += 1
            outcome = "invalid"
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.failed_logins, user.locked_until = 0, now + LOCKOUT
                tx.record("user.locked", user, user=name, minutes=int(LOCKOUT.total_seconds() // 60))
    if outcome == "ok":
        return info
    if outcome == "locked":
        raise AuthError("locked", "登录失败次数过多，账号已暂时锁定，请稍后再试")
    raise AuthError("invalid_credentials", "用户名或密码错误")


# -- personal tokens ---------------------------------------------------------------------------------

def create_token(db: Database, user_name: str, *, label: str = "",
                 now: datetime | None = None) -> IssuedSecret:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction(db, now or utcnow()) as tx:
        user = find_user(tx.session, user_name)
        token = PersonalToken(user_id=user.id, label=label, prefix=secret[:10],
                              token_hash=secret_hash(secret), created_at=tx.now)
        tx.session.add(token)
        tx.session.flush()
        tx.record("token.create", None, user=user.name, token_id=token.id, prefix=token.prefix)
        return IssuedSecret(token.id, user.name, secret)


def revoke_token(db: Database, token_id: int, *, now: datetime | None = None) -> None:
    with transaction(db, now or utcnow()) as tx:
        token = tx.session.get(PersonalToken, token_id)
        if token is None:
            raise NotFound("no_such_token", f"令牌 {token_id} 不存在")
        if token.revoked_at is None:
            token.revoked_at = tx.now
            tx.record("token.revoke", None, user=token.user.name, token_id=token.id)


def user_for_token(db: Database, secret: str, *, now: datetime | None = None) -> UserInfo | None:
    """The active user a personal token acts for, or None (unknown, revoked, or user inactive)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with transaction(db, now or utcnow()) as tx:
        token = tx.session.execute(sa.select(PersonalToken).where(
            PersonalToken.token_hash == secret_hash(secret))).scalar_one_or_none()
        if token is None or token.revoked_at is not None or not token.user.active:
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


def create_api_key(db: Database, name: str, scopes: str | Iterable[str], *,
                   now: datetime | None = None) -> IssuedSecret:
    scope_list = parse_scopes(scopes)
    name = name.strip()
    if not name:
        raise Invalid("invalid_name", "API 密钥名称不能为空")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction(db, now or utcnow()) as tx:
        if tx.session.execute(sa.select(ApiKey.id).where(ApiKey.name == name)).first():
            raise Invalid("key_exists", f"名为 {name} 的 API 密钥已存在（如需更换，请先吊销）")
        key = ApiKey(name=name, prefix=secret[:10], key_hash=secret_hash(secret),
                     scopes=",".join(scope_list), created_at=tx.now)
        tx.session.add(key)
        tx.session.flush()
        tx.record("apikey.create", None, name=name, key_id=key.id, scopes=list(scope_list),
                  prefix=key.prefix)
        return IssuedSecret(key.id, name, secret)


def revoke_api_key(db: Database, name: str, *, now: datetime | None = None) -> None:
    """Revoke the key named `name`; its name is freed for a new key."""
    with transaction(db, now or utcnow()) as tx:
        key = tx.session.execute(sa.select(ApiKey).where(ApiKey.name == name)).scalar_one_or_none()
        if key is None:
            raise NotFound("no_such_key", f"API 密钥 {name} 不存在")
        key.revoked_at = tx.now
        key.name = f"{name}#revoked-{key.id}"
        tx.record("apikey.revoke", None, name=name, key_id=key.id)


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
        return _key_info(key)


def list_api_keys(db: Database) -> list[ApiKeyInfo]:
    with db.read() as s:
        return [_key_info(k) for k in s.execute(sa.select(ApiKey).order_by(ApiKey.id)).scalars()]


def _key_info(key: ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(key.id, key.name, key.prefix, key.scope_list, key.created_at, key.revoked_at)
