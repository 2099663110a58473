"""The positions a person holds: their primary role, unit and department (the User row) and their
memberships (兼任, `models.Membership`). Wherever a person's power is decided each position counts
as its own actor (`actors_of`); nothing else reaches across departments. Segregation stays per
person: the actors of one person share the user id, and a case's sign-offs are keyed by user id."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from screening.review.enums import Role
from screening.review.errors import Forbidden
from screening.review.models import Membership, User
from screening.review.workflow import Actor

WITH_DEPARTMENT = (Role.DRAFTER, Role.HEAD)


def position(role: Role, department_id: int | None) -> tuple[Role, int | None]:
    """What makes two positions the same: the role, and the department for a drafter or head."""
    return role, department_id if role in WITH_DEPARTMENT else None


@dataclass(frozen=True, slots=True)
class MembershipInfo:
    id: int
    role: Role
    department_id: int | None
    department: str | None

    @property
    def label(self) -> str:
        return f"{self.role.label}（{self.department}）" if self.department else self.role.label

    def to_dict(self) -> dict:
        return {"id": self.id, "role": str(self.role), "department": self.department}


def info(membership: Membership) -> MembershipInfo:
    dept = membership.department
    return MembershipInfo(membership.id, membership.role, membership.department_id,
                          dept.name if dept is not None else None)


def held(user: User) -> list[Membership]:
    """The user's memberships that apply: those in their current unit (a move to another unit
    removes them; this guards the read side as well)."""
    return [m for m in user.memberships
            if m.department is None or m.department.unit_id == user.unit_id]


def actors_of(user: User) -> tuple[Actor, ...]:
    """One actor per position the person holds: the primary role first, then each membership."""
    return (Actor(user.id, user.role, user.unit_id, user.department_id, user.active),
            *(Actor(user.id, m.role, user.unit_id, m.department_id, user.active) for m in held(user)))


def roles_of(user: User) -> frozenset[Role]:
    return frozenset(actor.role for actor in actors_of(user))


def departments_as(user: User, role: Role) -> list[int]:
    """The departments in which the person holds `role` (primary first)."""
    return [a.department_id for a in actors_of(user) if a.role is role and a.department_id is not None]


def holding(role: Role, unit_id: int, department_id: int | None = None) -> sa.ColumnElement[bool]:
    """A condition on User: active, of `unit_id`, holding `role` (for heads and drafters: in
    `department_id`, when given) as primary role or as a membership."""
    primary = User.role == role
    member = Membership.role == role
    if department_id is not None:
        primary = primary & (User.department_id == department_id)
        member = member & (Membership.department_id == department_id)
    by_membership = sa.select(Membership.id).where(Membership.user_id == User.id, member).exists()
    return (User.unit_id == unit_id) & User.active.is_(True) & (primary | by_membership)


def holder(session, user_id: int, role: Role, refusal: str) -> User:
    """The active user `user_id` if they hold `role` (primary or membership); else Forbidden."""
    user = session.get(User, user_id)
    if user is None or not user.active or role not in roles_of(user):
        raise Forbidden("forbidden", refusal)
    return user
