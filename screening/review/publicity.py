"""Suggest the 公开属性 (主动公开 / 依申请公开 / 不予公开) with its legal basis, from the findings that
still stand. Pure: the service passes what it read from the database."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from screening.review.basis import BASES
from screening.review.enums import DispositionAction, PublicAttribute

# The first basis found among the standing findings decides (most restrictive first).
_PRECEDENCE = ("art14", "art15", "art16.2", "art16.1")


@dataclass(frozen=True, slots=True)
class FindingState:
    basis: str
    disposition: DispositionAction | None
    hint: bool = False          # SPEC §3: a model hint never decides the suggestion


def is_hint(source: str, severity: str) -> bool:
    """A stored finding is a hint when it is a classifier finding below medium (SPEC §3 `hint`:
    the classifier marks exactly its low-severity findings as hints)."""
    return source == "classifier" and severity == "low"


@dataclass(frozen=True, slots=True)
class Suggestion:
    attribute: PublicAttribute
    basis: str                  # the deciding code of screening.review.basis.BASES
    codes: tuple[str, ...]      # every code among the standing findings
    reason: str

    def to_dict(self) -> dict:
        return {"attribute": str(self.attribute), "basis": self.basis,
                "citation": BASES[self.basis].citation, "codes": list(self.codes),
                "reason": self.reason}


def suggest(findings: Iterable[FindingState]) -> Suggestion:
    standing = [f for f in findings if not f.hint
                and f.disposition not in (DispositionAction.FIXED, DispositionAction.DISMISSED)]
    kept = {f.basis for f in standing if f.disposition is not DispositionAction.REDACTED}
    redacted = {f.basis for f in standing if f.disposition is DispositionAction.REDACTED}
    codes = tuple(sorted(kept | redacted))
    for code in _PRECEDENCE:
        if code in kept:
            return Suggestion(PublicAttribute.NOT_PUBLIC, code, codes,
                              f"存在未排除的审查发现，依据{BASES[code].citation}：{BASES[code].summary}")
    if kept or redacted:
        return Suggestion(PublicAttribute.PROACTIVE, "art37", codes,
                          "不应公开的内容须作区分处理（删除或遮挡）后，其余内容主动公开，"
                          f"依据{BASES['art37'].citation}")
    return Suggestion(PublicAttribute.PROACTIVE, "art19", codes,
                      f"未发现不宜公开的内容，依据{BASES['art19'].citation}主动公开")
