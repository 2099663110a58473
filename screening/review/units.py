"""A unit's review settings: the optional fourth sign-off stage 保密审核 (SPEC §5).

Switched by an administrator of the unit (or of the deployment, or at the command line), audited.
A case keeps the setting it was opened with, so a switch never changes the stages of a case already
under way: it applies to the cases opened after it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from screening.review.accounts import admin_of, record, utcnow
from screening.review.db import Database
from screening.review.errors import NotFound
from screening.review.models import Case, Unit
from screening.review.tx import transaction
from screening.review.views import OPEN_STAGES


def set_secrecy_stage(db: Database, unit: str, on: bool, *, by: int | None = None,
                      now: datetime | None = None) -> int:
    """Switch 保密审核 on or off for the unit named `unit`; returns how many of its open cases keep
    their old stages."""
    return _switch(db, Unit.name == unit.strip(), f"单位“{unit}”不存在", on, by, now)[1]


def set_secrecy_stage_of(db: Database, unit_id: int, on: bool, *, by: int | None = None,
                         now: datetime | None = None) -> tuple[str, int]:
    """The same for the unit with this id (the administrator's form): its name, and how many of
    its open cases keep their old stages."""
    return _switch(db, Unit.id == unit_id, "单位不存在", on, by, now)


def _switch(db: Database, which, missing: str, on: bool, by: int | None,
            now: datetime | None) -> tuple[str, int]:
    with transaction(db, now or utcnow()) as tx:
        s = tx.session
        row = s.execute(sa.select(Unit).where(which)).scalar_one_or_none()
        if row is None:
            raise NotFound("no_such_unit", missing)
        actor = admin_of(s, by, row.id)
        open_cases = s.execute(sa.select(sa.func.count(Case.id)).where(
            Case.unit_id == row.id, Case.stage.in_(OPEN_STAGES), Case.secrecy_stage.is_not(on))).scalar_one()
        if row.secrecy_stage != on:
            row.secrecy_stage = on
            record(tx, "unit.secrecy_stage", actor, unit=row.name, secrecy_stage=on)
        return row.name, open_cases
