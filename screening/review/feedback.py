"""Reviewer feedback for the classifier: a secrecy officer's confirmation or dismissal of a
classifier finding becomes a labelled passage (`screening train --with-feedback`)."""
from __future__ import annotations

import sqlalchemy as sa

from screening.review.db import Database
from screening.review.enums import DispositionAction, Role
from screening.review.models import Disposition, Finding, User

CLASSIFIER_PREFIX = "classifier."


def label_for(rule: str, action: DispositionAction) -> str | None:
    """confirmed → the class the model named; dismissed → normal; anything else → no label."""
    if not rule.startswith(CLASSIFIER_PREFIX):
        return None
    if action is DispositionAction.CONFIRMED:
        return rule.removeprefix(CLASSIFIER_PREFIX)
    if action is DispositionAction.DISMISSED:
        return "normal"
    return None


def classifier_feedback(db: Database) -> list[dict]:
    """Every classifier passage a secrecy officer confirmed or dismissed, once per text."""
    query = (
        sa.select(Finding.text, Finding.rule, Finding.case_id, Disposition.action)
        .join(Disposition, sa.and_(Disposition.case_id == Finding.case_id,
                                   Disposition.fingerprint == Finding.fingerprint))
        .join(User, User.id == Disposition.by_id)
        .where(Finding.source == "classifier", User.role == Role.SECRECY_OFFICER,
               Disposition.action.in_([DispositionAction.CONFIRMED, DispositionAction.DISMISSED]))
        .order_by(Disposition.at)
    )
    rows: dict[str, dict] = {}
    with db.read() as session:
        for text, rule, case_id, action in session.execute(query):
            label = label_for(rule, DispositionAction(action))
            if label is not None:
                rows[text] = {"text": text, "label": label, "doc": f"feedback-case-{case_id}"}
    return list(rows.values())
