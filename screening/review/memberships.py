"""Giving and taking away memberships (兼任; see `positions`). A person keeps their primary role, unit and department (the User row) and may
be given further roles — a role and, for a drafter or head, a department of their own unit — by an
administrator. Wherever a person's power is decided each membership counts as its own actor
(`actors_of`); nothing else reaches across departments. Segregation stays per person: the actors
of one person share the user id, and a case's sign-offs are keyed by user id.

Giving a membership is audited like a role change (`user.membership_add`), ends the person's
sessions and personal tokens, and counts as a new provisioning for the clearance's multi-person
check; taking one away (`user.membership_remove`) ends the sessions and tokens too."""
from __future__ import annotations

from datetime import datetime

from screening.review.accounts import admin_of, find_user, record, revoke_access, utcnow
from screening.review.db import Database
from screening.review.enums import Role
from screening.review.errors import Invalid, NotFound
from screening.review.models import Membership
from screening.review.positions import WITH_DEPARTMENT, MembershipInfo, held, info, position
from screening.review.provisioning import find_department, parse_role
from screening.review.tx import transaction


def add_membership(db: Database, name: str, role: Role | str, *, department: str | None = None,
                   now: datetime | None = None, by: int | None = None) -> MembershipInfo:
    """Give `name` a further role (in a department of their unit for a drafter or head). Refused for
    the administrator role, for an administrator, and for a position the person already holds."""
    role = parse_role(role)
    if role is Role.ADMIN:
        raise Invalid("invalid_role", "系统管理员不能作为兼任角色：管理账号与审核案件须由不同的人担任")
    with transaction(db, now or utcnow()) as tx:
        s = tx.session
        user = find_user(s, name)
        actor = admin_of(s, by, user.unit_id)
        if user.role is Role.ADMIN:
            raise Invalid("admin_member", "系统管理员不能兼任审核角色")
        dept = None
        if role in WITH_DEPARTMENT:
            if not (department or "").strip():
                raise Invalid("department_required", f"兼任{role.label}须选择部门")
            dept = find_department(s, user.unit_id, department)
            if dept is None:
                raise NotFound("no_such_department", f"单位“{user.unit.name}”没有名为“{department}”的部门")
        wanted = position(role, dept.id if dept else None)
        taken = [position(user.role, user.department_id), *(position(m.role, m.department_id) for m in held(user))]
        if wanted in taken:
            where = f"（{dept.name}）" if dept else ""
            raise Invalid("duplicate_membership", f"{user.label}已担任{role.label}{where}，不能重复添加")
        row = Membership(user_id=user.id, role=role, department_id=wanted[1],
                         created_by_id=actor.id if actor else None, created_at=tx.now)
        s.add(row)
        user.provisioned_by_id, user.provisioned_at = (actor.id if actor else None), tx.now
        user.provision_confirmed_by_id = user.provision_confirmed_at = None
        revoked = revoke_access(s, user, tx.now, tokens=True)
        s.flush()
        record(tx, "user.membership_add", actor, user=name, role=str(role),
                department=dept.name if dept else None, membership_id=row.id, tokens_revoked=revoked)
        s.refresh(row)
        return info(row)


def _is(held: MembershipInfo, role: Role | str | None, department: str | None) -> bool:
    """`held` is the membership named by role and (for a drafter or head) department."""
    if str(held.role) != str(role):
        return False
    return held.role not in WITH_DEPARTMENT or held.department == (department or "").strip()


def remove_membership(db: Database, name: str, *, membership_id: int | None = None,
                      role: Role | str | None = None, department: str | None = None,
                      now: datetime | None = None, by: int | None = None) -> MembershipInfo:
    """Take a membership away (by its id, or by role and department): the power it gave ends at once,
    and so do the person's sessions and personal tokens."""
    with transaction(db, now or utcnow()) as tx:
        s = tx.session
        user = find_user(s, name)
        actor = admin_of(s, by, user.unit_id)
        row = next((m for m in user.memberships
                    if (m.id == membership_id if membership_id is not None else _is(info(m), role, department))),
                   None)
        if row is None:
            raise NotFound("no_such_membership", f"{user.label}没有该兼任角色")
        gone = info(row)
        user.memberships.remove(row)
        revoked = revoke_access(s, user, tx.now, tokens=True)
        record(tx, "user.membership_remove", actor, user=name, role=str(gone.role),
                department=gone.department, membership_id=gone.id, tokens_revoked=revoked)
        return gone
