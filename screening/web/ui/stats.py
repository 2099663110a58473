"""Statistics of a unit, read from the review database: findings by category, department and month
(each distinct finding of a case counted once, however many versions it appeared in), the
false-positive rate per rule from the latest disposition of each finding, cases by stage."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from screening.review.enums import DispositionAction, Stage
from screening.review.models import Case, Department, Disposition, Finding, ScreeningRun
from screening.review.views import CHINA, OPEN_STAGES, is_overdue

# A finding settled as one of these was a true positive; `dismissed` is a false positive.
TRUE_ACTIONS = (DispositionAction.CONFIRMED, DispositionAction.REDACTED, DispositionAction.FIXED)


@dataclass
class RuleRate:
    rule: str
    found: int = 0            # distinct findings
    dismissed: int = 0
    confirmed: int = 0        # confirmed, redacted or fixed
    open: int = 0             # no disposition yet

    @property
    def decided(self) -> int:
        return self.dismissed + self.confirmed

    @property
    def rate(self) -> float | None:
        return self.dismissed / self.decided if self.decided else None


@dataclass
class UnitStats:
    findings: int = 0
    by_category: Counter = field(default_factory=Counter)
    by_department: Counter = field(default_factory=Counter)
    by_month: Counter = field(default_factory=Counter)
    by_stage: Counter = field(default_factory=Counter)
    rules: list[RuleRate] = field(default_factory=list)
    cases: int = 0
    approved: int = 0
    overdue: list[dict] = field(default_factory=list)
    quarantined: int = 0


def unit_stats(s: Session, unit_id: int, today: date) -> UnitStats:
    out = UnitStats()
    rows = s.execute(
        sa.select(Finding.case_id, Finding.fingerprint, Finding.category, Finding.rule,
                  Department.name, sa.func.min(ScreeningRun.at))
        .join(ScreeningRun, Finding.run_id == ScreeningRun.id)
        .join(Case, Finding.case_id == Case.id)
        .join(Department, Case.department_id == Department.id)
        .where(Case.unit_id == unit_id)
        .group_by(Finding.case_id, Finding.fingerprint, Finding.category, Finding.rule, Department.name)
    ).all()
    seen: dict[tuple[int, str], str] = {}
    for case_id, fingerprint, category, rule, department, first in rows:
        if (case_id, fingerprint) in seen:
            continue
        seen[(case_id, fingerprint)] = rule
        out.findings += 1
        out.by_category[category] += 1
        out.by_department[department] += 1
        out.by_month[first.astimezone(CHINA).strftime("%Y-%m")] += 1
    latest: dict[tuple[int, str], DispositionAction] = {}
    for case_id, fingerprint, action in s.execute(
            sa.select(Disposition.case_id, Disposition.fingerprint, Disposition.action)
            .join(Case, Disposition.case_id == Case.id).where(Case.unit_id == unit_id)
            .order_by(Disposition.id)):
        latest[(case_id, fingerprint)] = action
    rates: dict[str, RuleRate] = {}
    for key, rule in seen.items():
        rate = rates.setdefault(rule, RuleRate(rule))
        rate.found += 1
        action = latest.get(key)
        if action is DispositionAction.DISMISSED:
            rate.dismissed += 1
        elif action in TRUE_ACTIONS:
            rate.confirmed += 1
        else:
            rate.open += 1
    out.rules = sorted(rates.values(), key=lambda r: (-(r.rate or 0), -r.decided, r.rule))
    for case in s.execute(sa.select(Case).where(Case.unit_id == unit_id)).scalars():
        out.cases += 1
        out.by_stage[str(case.stage)] += 1
        if case.stage is Stage.APPROVED:
            out.approved += 1
        if case.stage is Stage.QUARANTINED or any(v.quarantined for v in case.versions):
            out.quarantined += 1
        if is_overdue(case, today):
            out.overdue.append({"case_id": case.id, "title": case.title, "due_date": case.due_date,
                                "stage": str(case.stage), "department": case.department.name,
                                "days": (today - case.due_date).days})
    out.overdue.sort(key=lambda c: c["due_date"])
    return out


__all__ = ["OPEN_STAGES", "RuleRate", "UnitStats", "unit_stats"]
