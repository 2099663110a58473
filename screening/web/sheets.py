"""The review sheet (审查单) of a case: its view (`ReviewService.case_view`, views.case_dict) mapped
field by field onto `screening.sheet.SheetData`, as screening/sheet/data.py describes. Pure: a dict in,
a SheetData out; the UI's print view can use it as well."""
from __future__ import annotations

from datetime import date, datetime

from screening.review.enums import Carrier, Channel, Decision, DispositionAction, OpinionKind, PublicAttribute, SignStage, sign_stages
from screening.sheet import EngineVersions, FileInfo, SheetData, SheetDisposition, SheetFinding, StageSignoff
from screening.sheet.data import explain_stored
from screening.types import Category, Location, PartKind, Severity, Source, Verdict


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _disposition(d: dict | None) -> SheetDisposition | None:
    if d is None:
        return None
    return SheetDisposition(DispositionAction(d["action"]), d.get("reason") or "",
                            d.get("by_name") or d.get("by") or "", _moment(d.get("at")))


def _finding(f: dict) -> SheetFinding:
    loc = f["location"]
    return SheetFinding(
        category=Category(f["category"]), severity=Severity(f["severity"]), text=f["text"],
        location=Location.from_dict({**loc, "start": loc.get("start") or 0, "end": loc.get("end") or 0}),
        message=f.get("message") or "", rule=f.get("rule") or "", subtype=f.get("subtype"),
        source=Source(f["source"]), basis=f.get("basis") or "",
        why=explain_stored(f["source"], f.get("explanation") or {}),
        disposition=_disposition(f.get("disposition")))


def _signoffs(case: dict) -> tuple[StageSignoff, ...]:
    """The latest sign-off of each stage in the current round; blank blocks for the others."""
    latest: dict[SignStage, dict] = {}
    for s in case["signoffs"]:
        if s.get("round") == case.get("round"):
            latest[SignStage(s["stage"])] = s
    out = []
    for stage in case.get("sign_stages") or sign_stages(False):
        stage = SignStage(stage)
        s = latest.get(stage)
        if s is None:
            out.append(StageSignoff(stage))
            continue
        kind = s.get("opinion_kind")
        out.append(StageSignoff(stage, OpinionKind(kind) if kind else None, s.get("opinion") or "",
                                s.get("by_name") or s["by"], _moment(s.get("at")),
                                returned=s["decision"] == Decision.RETURN))
    return tuple(out)


def sheet_data(case: dict, *, filled_on: date | None = None) -> SheetData:
    current = case["versions"][-1]
    run = current.get("screening") or {}
    attr = case["public_attribute"]
    chosen = attr.get("attribute")
    suggested = attr.get("suggested") or {}
    verdict = current.get("verdict")
    return SheetData(
        title=case["title"],
        file=FileInfo(current.get("filename") or "", current["sha256"], current.get("size"),
                      current.get("format") or ""),
        versions=EngineVersions(engine=run.get("engine", ""), rules=run.get("rules", ""),
                                model=run.get("model", "none")),
        findings=tuple(_finding(f) for f in case["findings"]),
        verdict=Verdict(verdict) if verdict else None,
        unit=case.get("unit") or "", department=case.get("department") or "",
        doc_number=case.get("doc_number") or "",
        carrier=Carrier(case["carrier"]) if case.get("carrier") else None,
        channels=(Channel(case["channel"]),) if case.get("channel") else (),
        planned_date=_date(case.get("planned_on")), due_date=_date(case.get("due_date")),
        due_note=case.get("due_note") or "", drafter=(case.get("drafter") or {}).get("display_name") or "",
        formed_on=_date(case.get("formed_on")),
        public_attribute=PublicAttribute(chosen or suggested["attribute"]) if (chosen or suggested) else None,
        public_basis=(attr.get("basis") if chosen else suggested.get("basis")) or "",
        public_reason=(attr.get("reason") if chosen else suggested.get("reason")) or "",
        public_suggested=chosen is None,
        signoffs=_signoffs(case), filled_on=filled_on or date.today(),
        case_id=case["id"], version_number=current["number"],
        earlier=tuple(_finding(f) for f in case.get("earlier_findings") or ()),
        status=_status(case), notes=tuple(case.get("notes") or ()))


def _status(case: dict) -> str:
    """"已审发（第 2 版，主动公开）" once approved; otherwise the stage's label."""
    if case.get("stage") == "approved":
        attribute = (case.get("public_attribute") or {}).get("attribute")
        return f"已审发（第 {case.get('approved_version')} 版{'，' + attribute if attribute else ''}）"
    return case.get("stage_label") or ""
