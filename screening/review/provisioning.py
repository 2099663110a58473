"""Provisioning: units and departments made, accounts added, (de)activated and re-roled by an
administrator, and the secrecy officer's confirmation of who provisioned them (SPEC §2).

Who may change an account is `accounts.admin_of`'s rule (their own unit; every unit for a
deployment administrator; None for the operator at the command line). Who gave an account its
role, and when, is kept (`provisioned_by_id/at`) for the clearance's multi-person check; a secrecy
officer of the unit may confirm it (`confirm_account`). A deactivation and a role change revoke the
account's web sessions and personal tokens. Each function that changes something is one audited
transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from screening.review.accounts import (UserInfo, acting_user, admin_of, find_user, hash_password, record,
                                       revoke_access, utcnow)
from screening.review.db import Database
from screening.review.enums import Role
from screening.review.errors import Forbidden, Invalid, NotFound
from screening.review.models import Department, Unit, User
from screening.review.positions import info, position, roles_of
from screening.review.tx import transaction


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
    dept = find_department(session, unit.id, name)
    if dept is None:
        dept = Department(unit_id=unit.id, name=name, created_at=now)
        session.add(dept)
        session.flush()
    return dept


def parse_role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise Invalid("invalid_role", f"角色必须是 {', '.join(r.value for r in Role)} 之一") from None


def find_department(session: Session, unit_id: int, name: str) -> Department | None:
    return session.execute(sa.select(Department).where(Department.unit_id == unit_id,
                                                       Department.name == name.strip())).scalar_one_or_none()


def add_user(db: Database, name: str, *, role: Role | str, unit: str, department: str | None = None,
             password: str | None = None, display_name: str = "", email: str | None = None,
             now: datetime | None = None, by: int | None = None,
             deployment_admin: bool = False) -> UserInfo:
    """Create a user; the unit and department are created when missing (SPEC §2). An administrator
    creates accounts in their own unit only."""
    now = now or utcnow()
    name = name.strip()
    if not name:
        raise Invalid("invalid_name", "用户名不能为空")
    role = parse_role(role)
    if role is Role.HEAD and not department:
        raise Invalid("department_required", "承办部门负责人必须指定部门")
    if role is Role.DRAFTER and not department:
        raise Invalid("department_required", "承办人必须指定部门")
    if deployment_admin and role is not Role.ADMIN:
        raise Invalid("invalid_role", "只有系统管理员可以管理全部单位")
    password_hash = hash_password(password) if password else None
    with transaction(db, now) as tx:
        s = tx.session
        actor = acting_user(s, by)
        if actor is not None and not actor.deployment_admin:
            if actor.role is not Role.ADMIN:
                raise Forbidden("admin_required", "只有系统管理员可以管理账号")
            if unit.strip() != actor.unit.name:
                raise Forbidden("other_unit", "只能在本单位创建账号")
        if deployment_admin and actor is not None and not actor.deployment_admin:
            raise Forbidden("deployment_admin_required", "只有管理全部单位的管理员可以授予该权限")
        if s.execute(sa.select(User.id).where(User.name == name)).first():
            raise Invalid("user_exists", f"用户 {name} 已存在")
        unit_row = ensure_unit(s, unit, now)
        dept_row = ensure_department(s, unit_row, department, now) if department else None
        user = User(name=name, display_name=display_name, role=role, unit_id=unit_row.id,
                    department_id=dept_row.id if dept_row else None, email=email,
                    password_hash=password_hash, created_at=now, deployment_admin=deployment_admin,
                    provisioned_by_id=actor.id if actor else None, provisioned_at=now)
        s.add(user)
        s.flush()
        record(tx, "user.add", actor, user=name, role=str(role), unit=unit_row.name,
                department=dept_row.name if dept_row else None, password=bool(password),
                deployment_admin=deployment_admin)
        return UserInfo.of(user)


def set_active(db: Database, name: str, active: bool, *, now: datetime | None = None,
               by: int | None = None) -> None:
    with transaction(db, now or utcnow()) as tx:
        user = find_user(tx.session, name)
        actor = admin_of(tx.session, by, user.unit_id)
        if actor is not None and actor.id == user.id and not active:
            raise Invalid("self", "不能停用自己的账号")
        user.active = active
        revoked = 0 if active else revoke_access(tx.session, user, tx.now, tokens=True)
        record(tx, "user.activate" if active else "user.deactivate", actor, user=name,
                tokens_revoked=revoked)


def set_role(db: Database, name: str, role: Role | str, *, unit: str | None = None,
             department: str | None = None, now: datetime | None = None,
             by: int | None = None) -> tuple[UserInfo, list[int]]:
    """Change a user's role, unit and department (audited, by the administrator `by`, or from the
    command line). Units and departments must exist: a typo never creates a new unit. The account's
    sessions and tokens are revoked, and the change counts as a new provisioning for the clearance's
    multi-person check. Returns the user and the open cases whose sign-offs this person already
    holds, which the segregation rule (one person, one stage) re-checks when the next stage is signed."""
    from screening.review.models import Case, Signoff
    from screening.review.views import OPEN_STAGES

    role = parse_role(role)
    with transaction(db, now or utcnow()) as tx:
        s = tx.session
        user = find_user(s, name)
        actor = admin_of(s, by, user.unit_id)
        unit_row = user.unit if unit is None else s.execute(
            sa.select(Unit).where(Unit.name == unit.strip())).scalar_one_or_none()
        if unit_row is None:
            raise NotFound("no_such_unit", f"单位“{unit}”不存在（请先在“单位与部门”中添加）")
        if unit_row.id != user.unit_id:
            admin_of(s, by, unit_row.id)          # moving someone needs the right over both units
        dept_row = None
        if department:
            dept_row = find_department(s, unit_row.id, department)
            if dept_row is None:
                raise NotFound("no_such_department", f"单位“{unit_row.name}”没有名为“{department}”的部门")
        elif unit is None and role in (Role.DRAFTER, Role.HEAD):
            dept_row = user.department
        if role in (Role.DRAFTER, Role.HEAD) and dept_row is None:
            raise Invalid("department_required", f"{role.label}必须指定部门")
        old = {"role": str(user.role), "unit": user.unit.name,
               "department": user.department.name if user.department else None}
        # memberships are of the person's unit, and an administrator holds none
        gone = [m for m in user.memberships
                if unit_row.id != user.unit_id or role is Role.ADMIN
                or position(m.role, m.department_id) == position(role, dept_row.id if dept_row else None)]
        dropped = [info(m).label for m in gone]
        for m in gone:
            user.memberships.remove(m)
        user.role, user.unit_id = role, unit_row.id
        user.department_id = dept_row.id if dept_row else None
        user.provisioned_by_id, user.provisioned_at = (actor.id if actor else None), tx.now
        user.provision_confirmed_by_id = user.provision_confirmed_at = None
        revoked = revoke_access(s, user, tx.now, tokens=True)
        signed_open = sorted(set(s.execute(sa.select(Signoff.case_id).join(Case, Signoff.case_id == Case.id)
                                           .where(Signoff.by_id == user.id, Case.stage.in_(OPEN_STAGES)))
                                 .scalars()))
        record(tx, "user.role", actor, user=name, old=old,
                new={"role": str(role), "unit": unit_row.name, "department": dept_row.name if dept_row else None},
                open_cases_signed=signed_open, tokens_revoked=revoked,
                **({"memberships_removed": dropped} if dropped else {}))
        s.flush()
        s.refresh(user)
        return UserInfo.of(user), signed_open


def confirm_account(db: Database, name: str, *, by: int, now: datetime | None = None) -> None:
    """A secrecy officer of the account's unit confirms who provisioned it (the second person of the
    multi-person rule); nobody confirms an account they provisioned themselves."""
    with transaction(db, now or utcnow()) as tx:
        user = find_user(tx.session, name)
        actor = acting_user(tx.session, by)
        if actor is None or Role.SECRECY_OFFICER not in roles_of(actor) or actor.unit_id != user.unit_id:
            raise Forbidden("officer_required", "只有本单位的保密员可以确认账号")
        if user.provisioned_by_id == actor.id or user.id == actor.id:
            raise Forbidden("same_person", "不能确认自己开设或自己的账号")
        user.provision_confirmed_by_id, user.provision_confirmed_at = actor.id, tx.now
        tx.record("user.confirm", actor, user=name, role=str(user.role))


@dataclass(frozen=True, slots=True)
class Provisioning:
    """An account as an administrator last provisioned it (created or re-roled), for the secrecy
    officer who confirms it as the second person."""

    user: UserInfo
    by: str                   # the administrator's label
    at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None


def provisionings(db: Database, *, officer: int) -> list[Provisioning]:
    """The accounts of the officer's unit that an administrator created or re-roled (in the UI or
    the API, not at the command line), unconfirmed first, then the newest."""
    with db.read() as s:
        actor = acting_user(s, officer)
        if actor is None or Role.SECRECY_OFFICER not in roles_of(actor):
            raise Forbidden("officer_required", "只有保密员可以确认账号")
        users = s.execute(sa.select(User).where(User.unit_id == actor.unit_id,
                                                User.provisioned_by_id.is_not(None))).scalars().all()
        labels = {u.id: u.label for u in s.execute(sa.select(User).where(User.id.in_(
            {u.provisioned_by_id for u in users} | {u.provision_confirmed_by_id for u in users}))).scalars()}
        rows = [Provisioning(UserInfo.of(u), labels.get(u.provisioned_by_id, f"用户 {u.provisioned_by_id}"),
                             u.provisioned_at, labels.get(u.provision_confirmed_by_id), u.provision_confirmed_at)
                for u in users]
    return sorted(rows, key=lambda r: (r.confirmed_at is not None, -r.at.timestamp()))
