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
    label: str = ""             # what was found, in Chinese ("身份证号"): named in the reason


def is_hint(source: str, severity: str) -> bool:
    """A stored finding is a hint when it is a classifier finding below medium (SPEC §3 `hint`:
    the classifier marks exactly its low-severity findings as hints)."""
    return source == "classifier" and severity == "low"


def finding_label(category: str, subtype: str | None) -> str:
    """"身份证号" for a personal_info/id_card finding, else the category's name."""
    from screening import labels
    from screening.types import Category

    if category == "personal_info" and subtype in labels.SUBTYPE and subtype != "other":
        return labels.SUBTYPE[subtype]
    try:
        return labels.CATEGORY[Category(category)]
    except ValueError:
        return ""


def _named(findings: Iterable[FindingState]) -> str:
    counts: dict[str, int] = {}
    for f in findings:
        if f.label:
            counts[f.label] = counts.get(f.label, 0) + 1
    return "、".join(f"{k} {n} 项" for k, n in counts.items())


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
    separable = [f for f in standing if f.disposition is DispositionAction.REDACTED or f.basis not in _PRECEDENCE]
    codes = tuple(sorted({f.basis for f in standing}))
    for code in _PRECEDENCE:
        if code in kept:
            drivers = _named(f for f in standing if f.basis == code)
            return Suggestion(PublicAttribute.NOT_PUBLIC, code, codes,
                              f"存在未排除的审查发现{f'（{drivers}）' if drivers else ''}，"
                              f"依据{BASES[code].citation}：{BASES[code].summary}")
    if separable:
        drivers = _named(separable)
        return Suggestion(PublicAttribute.PROACTIVE, "art37", codes,
                          f"区分处理后主动公开：{drivers + '等' if drivers else ''}不应公开的内容须作区分处理"
                          f"（删除或遮挡）后，其余内容主动公开，依据{BASES['art37'].citation}")
    return Suggestion(PublicAttribute.PROACTIVE, "art19", codes,
                      f"未发现不宜公开的内容，依据{BASES['art19'].citation}主动公开")
