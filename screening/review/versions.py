"""Uploading a version: the encrypted file, the screening run with its findings and basis codes,
dispositions carried over by fingerprint, `fixed` for what disappeared — or, for a file carrying a
classification marking, quarantine: only hash, size, uploader, time and the markings seen are kept."""
from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from screening.review import views
from screening.review.basis import basis_for
from screening.review.enums import DispositionAction, Role, Stage
from screening.review.models import (
    Case,
    Disposition,
    Finding,
    ScreeningRun,
    User,
    Version,
)
from screening.review.quarantine import is_classification_marking, markings_seen
from screening.review.storage import BlobStore
from screening.review.tx import Tx
from screening.review.workflow import Event, transition
from screening.types import Finding as FindingResult
from screening.types import Report


@dataclass(frozen=True, slots=True)
class Upload:
    """The answer to opening a case or adding a version. `report` is the full screening report for
    the uploader, even when the file itself was not kept (quarantine)."""

    case_id: int
    stage: Stage
    version: int
    report: Report
    quarantined: bool = False
    markings: tuple[dict, ...] = ()
    carried_over: int = 0        # findings whose earlier disposition applies again
    fixed: int = 0               # earlier findings gone in this version

    def to_dict(self) -> dict:
        return {"id": self.case_id, "stage": str(self.stage), "version": self.version,
                "report": self.report.to_dict(), "quarantined": self.quarantined,
                "carried_over": self.carried_over, "fixed": self.fixed}


def clean_filename(name: str | None, *, limit: int = 255) -> str:
    """A file name as kept and sent back in a download's header: its last path component, without
    control, format or surrogate characters (a NUL or newline would break the header)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-limit:] or "upload"


def attach(tx: Tx, case: Case, user: User, data: bytes, filename: str, report: Report, *,
           store: BlobStore, engine_versions: Mapping[str, str]) -> Upload:
    """Store a screened upload as the case's next version, with its screening run and findings,
    carrying dispositions over; or quarantine it. The caller refreshes the 公开属性 and deadline."""
    s, now = tx.session, tx.now
    previous = case.versions[-1] if case.versions else None
    number = previous.number + 1 if previous else 1
    info = report.document
    digest = hashlib.sha256(data).hexdigest()
    marks = markings_seen(report.findings)
    if marks:
        return quarantine(tx, case, user, report, number, marks, digest, len(data),
                          store=store, engine_versions=engine_versions)
    if case.stage is not Stage.DRAFT:
        case.stage = transition(case.stage, Event.NEW_VERSION)
    case.approved_version = None
    key = store.put(data)
    filename = clean_filename(filename)
    version = Version(case_id=case.id, number=number, sha256=digest, size=len(data),
                      filename=filename, format=info.format, storage_key=key, uploaded_by_id=user.id,
                      uploaded_at=now)
    case.versions.append(version)
    run = screening_run(version, report, now, engine_versions)
    rows = [finding_row(case, number, f) for f in report.findings]
    run.findings.extend(rows)
    s.flush()
    carried, fixed = carry_over(tx, case, user, previous, rows, number)
    tx.record("version.add", user, case.id, version=number, sha256=digest, size=len(data),
              filename=filename, format=info.format, verdict=run.verdict,
              findings=len(rows), carried_over=carried, fixed=fixed, screening={
                  "engine": run.engine_version, "rules": run.rules_version,
                  "model": run.model_version})
    return Upload(case.id, case.stage, number, report, carried_over=carried, fixed=fixed)


def quarantine(tx: Tx, case: Case, user: User, report: Report, number: int, marks: list[dict],
               digest: str, size: int, *, store: BlobStore, engine_versions: Mapping[str, str]) -> Upload:
    """Keep hash, size, uploader, time and the markings seen; never the content."""
    s, now, info = tx.session, tx.now, report.document
    case.stage = Stage.QUARANTINED if not case.versions else transition(case.stage, Event.QUARANTINE)
    case.approved_version = None
    version = Version(case_id=case.id, number=number, sha256=digest, size=size,
                      filename="", format=info.format, storage_key=None, quarantined=True,
                      markings=marks, uploaded_by_id=user.id, uploaded_at=now)
    case.versions.append(version)
    run = screening_run(version, report, now, engine_versions)
    run.findings.extend(finding_row(case, number, f)
                        for f in report.findings if is_classification_marking(f))
    # the same bytes may have been stored before (e.g. under older rules): purge them too
    purged = store.purge(digest)
    affected = []
    for other in s.execute(sa.select(Version).where(Version.sha256 == digest,
                                                    Version.storage_key.is_not(None))).scalars():
        other.storage_key, other.quarantined, other.filename = None, True, ""
        other.markings = marks
        affected.append({"case_id": other.case_id, "version": other.number})
    seen = "、".join(dict.fromkeys(m["text"] for m in marks))
    tx.record("version.quarantine", user, case.id, version=number, sha256=digest,
              size=version.size, markings=marks, purged_existing_copy=purged, also_purged=affected)
    for item in affected:
        tx.record("version.purge", user, item["case_id"], version=item["version"], sha256=digest,
                  reason=f"同一文件在案件 {case.id} 中被认定含密级标志")
    tx.notify(views.people(s, case, Role.SECRECY_OFFICER), case.id, "quarantine",
              f"{user.label} 上传的《{case.title}》第 {number} 版含密级标志（{seen}），文件未保存，"
              f"案件已隔离，请按泄密事件处置。SHA-256：{digest}")
    return Upload(case.id, case.stage, number, report, quarantined=True, markings=tuple(marks))


def screening_run(version: Version, report: Report, now: datetime,
                  engine_versions: Mapping[str, str]) -> ScreeningRun:
    tags = dict(engine_versions)
    run = ScreeningRun(engine_version=tags.get("engine", "unknown"),
                       rules_version=tags.get("rules", "unknown"),
                       model_version=tags.get("model", "none"),
                       verdict=str(report.verdict) if report.verdict else None,
                       error_code=report.error.code if report.error else None,
                       error_message=report.error.message if report.error else None,
                       finding_count=len(report.findings), notes=list(report.notes), at=now)
    version.runs.append(run)
    return run


_OFFSETS = frozenset({"part", "page", "paragraph", "start", "end"})


def finding_row(case: Case, number: int, f: FindingResult) -> Finding:
    loc = f.location
    place = {k: v for k, v in loc.to_dict().items() if k not in _OFFSETS}
    return Finding(case_id=case.id, version_number=number, rule=f.rule, category=str(f.category),
                   subtype=f.subtype, severity=str(f.severity), source=str(f.source), text=f.text,
                   part=str(loc.part), page=loc.page, paragraph=loc.paragraph,
                   start_offset=loc.start, end_offset=loc.end, place=place or None, message=f.message,
                   suggestion=f.suggestion, confidence=float(f.confidence),
                   explanation=f.explanation.to_dict(), fingerprint=f.fingerprint(),
                   basis=basis_for(f))


def carry_over(tx: Tx, case: Case, user: User, previous: Version | None, rows: list[Finding],
               number: int) -> tuple[int, int]:
    """Dispositions follow the fingerprint into the new version; findings of the previous version
    that are gone get a `fixed` disposition."""
    if previous is None or previous.run is None:
        return 0, 0
    s = tx.session
    latest: dict[str, Disposition] = {}
    for d in s.execute(sa.select(Disposition).where(Disposition.case_id == case.id)
                       .order_by(Disposition.id)).scalars():
        latest[d.fingerprint] = d
    new_prints = {r.fingerprint for r in rows}
    gone: dict[str, list[Finding]] = {}
    for old in previous.run.findings:
        if old.fingerprint not in new_prints:
            gone.setdefault(old.fingerprint, []).append(old)
    for fingerprint, olds in gone.items():
        fixed = Disposition(case_id=case.id, fingerprint=fingerprint, version_number=number,
                            action=DispositionAction.FIXED, automatic=True, by_id=user.id,
                            reason=f"第 {number} 版中已不再出现", at=tx.now)
        s.add(fixed)
        for old in olds:
            old.disposition = fixed
    carried = set()
    for row in rows:
        earlier = latest.get(row.fingerprint)
        if earlier is not None and earlier.action is not DispositionAction.FIXED:
            row.disposition = earlier
            carried.add(row.fingerprint)
    return len(carried), len(gone)
