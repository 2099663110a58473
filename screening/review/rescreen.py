"""Archive re-screening (复查): every approved version of a unit screened again with today's rules and
model, when a rule or the custom lexicon changes or when the secrecy office asks for it.

A run is a row (`rescreen_runs`) with one item per approved version (`rescreen_items`), all written
when the run starts, so a run is resumable after any interruption: whatever is still `pending` is
screened by the next `resume` (or by the RQ job of that item). An item compares the new findings
with those recorded for the version when it was approved, by fingerprint; what is new is kept as
rule, category, severity and location only (never the flagged text: that stays in the encrypted
file), the secrecy officers of the unit are notified, and the case is *flagged* for review. The
clearance is not revoked by a machine: an officer looks, then acknowledges the flag (audited), or
reopens the matter through the ordinary workflow.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from screening.review import views
from screening.review.archive_roots import ArchiveFolder, archive_folder
from screening.review.enums import Role, Stage
from screening.review.errors import Invalid, NotFound, ReviewError
from screening.review.models import Base, Case, Finding, Unit, User, UTCDateTime, Version
from screening.review.positions import holder, holding
from screening.review.tx import transaction
from screening.template import Page, once_per_site, reported_once, templated

REASONS = {"manual": "保密办发起复查", "lexicon": "自定义词库变更后自动复查", "rules": "审查规则更新后复查",
           "archive": "已公开档案复查"}
PENDING, DONE, FAILED = "pending", "done", "failed"
ITEM_LABELS = {PENDING: "待复查", DONE: "已复查", FAILED: "无法读取"}


class RescreenRun(Base):
    __tablename__ = "rescreen_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(16))
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rules_version: Mapped[str] = mapped_column(sa.String(100))
    model_version: Mapped[str] = mapped_column(sa.String(100))
    folder: Mapped[str | None] = mapped_column(sa.String(1000))    # an external archive's folder (0008)
    unit: Mapped[Unit] = relationship()
    items: Mapped[list[RescreenItem]] = relationship(order_by="RescreenItem.id", back_populates="run")


class RescreenItem(Base):
    __tablename__ = "rescreen_items"
    __table_args__ = (sa.UniqueConstraint("run_id", "version_id", name="uq_rescreen_items_run_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("rescreen_runs.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)   # None: an archive file
    version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_versions.id"))
    path: Mapped[str | None] = mapped_column(sa.String(1000))      # the archive file (0008)
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING, index=True)
    new_count: Mapped[int] = mapped_column(default=0)
    new_findings: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    site: Mapped[str | None] = mapped_column(sa.String(200))      # Report.site: pages of one web site
    notes: Mapped[list[str] | None] = mapped_column(sa.JSON)     # e.g. a template finding reported elsewhere
    error_code: Mapped[str | None] = mapped_column(sa.String(50))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    run: Mapped[RescreenRun] = relationship(back_populates="items")
    case: Mapped[Case | None] = relationship()

    @property
    def title(self) -> str:
        return self.case.title if self.case is not None else Path(self.path or "").name


@dataclass(frozen=True, slots=True)
class Progress:
    run_id: int
    total: int
    done: int
    failed: int
    flagged: int        # items with new findings

    @property
    def finished(self) -> bool:
        return self.done + self.failed == self.total

    def to_dict(self) -> dict:
        return {"run": self.run_id, "total": self.total, "done": self.done, "failed": self.failed,
                "flagged": self.flagged, "finished": self.finished}


# -- starting ----------------------------------------------------------------------------------------

def start(service: Any, *, unit: str | None = None, actor_id: int | None = None,
          reason: str = "manual") -> int:
    """Create a run over every approved, stored version of the unit (the officer's own unit when an
    actor is given; `unit` by name for the command line). Returns the run id."""
    if reason not in REASONS:
        raise Invalid("invalid_reason", "复查原因不正确")
    now = service.clock()
    with transaction(service.db, now, service.notifier) as tx:
        s = tx.session
        actor = _officer(s, actor_id) if actor_id is not None else None
        unit_row = actor.unit if actor is not None else _unit(s, unit)
        versions = s.execute(
            sa.select(Version).join(Case, Version.case_id == Case.id)
            .where(Case.unit_id == unit_row.id, Case.stage == Stage.APPROVED,
                   Version.number == Case.approved_version, Version.storage_key.is_not(None))
            .order_by(Case.id)).scalars().all()
        engine_versions = service.engine.versions
        run = RescreenRun(unit_id=unit_row.id, reason=reason, started_by_id=actor.id if actor else None,
                          started_at=now, rules_version=str(engine_versions.get("rules", "")),
                          model_version=str(engine_versions.get("model", "")))
        s.add(run)
        s.flush()
        for v in versions:
            s.add(RescreenItem(run_id=run.id, case_id=v.case_id, version_id=v.id, status=PENDING,
                               new_findings=[]))
        tx.record("rescreen.start", actor, None, run=run.id, unit=unit_row.name, reason=reason,
                  versions=len(versions), rules=run.rules_version)
        return run.id


def start_folder(service: Any, paths: Iterable[Path], *, folder: str, unit: str | None = None,
                 actor_id: int | None = None) -> int:
    """A run over the files of an already-published archive that is not in the database (a
    portal's export, a folder of old attachments): every file is an item, all of it is new."""
    now = service.clock()
    with transaction(service.db, now, service.notifier) as tx:
        s = tx.session
        actor = _officer(s, actor_id) if actor_id is not None else None
        unit_row = actor.unit if actor is not None else _unit(s, unit)
        engine_versions = service.engine.versions
        run = RescreenRun(unit_id=unit_row.id, reason="archive", started_by_id=actor.id if actor else None,
                          started_at=now, rules_version=str(engine_versions.get("rules", "")),
                          model_version=str(engine_versions.get("model", "")), folder=folder[:1000])
        s.add(run)
        s.flush()
        files = [str(Path(p).resolve()) for p in paths]
        for path in files:
            s.add(RescreenItem(run_id=run.id, path=path[:1000], status=PENDING, new_findings=[]))
        tx.record("rescreen.start", actor, None, run=run.id, unit=unit_row.name, reason="archive",
                  versions=len(files), rules=run.rules_version, folder=run.folder)
        return run.id


def start_archive(service: Any, *, actor_id: int, folder: str, roots: Sequence[str]) -> tuple[int, ArchiveFolder]:
    """A run over an archive folder named in the web UI by a secrecy officer (for the officer's
    unit): only a folder whose real path lies below the configured `roots` (archive_roots.py)."""
    with service.db.read() as s:
        _officer(s, actor_id)
    found = archive_folder(folder, roots)
    if not found.files:
        left_out = f"（{found.outside} 个指向档案目录以外的链接文件不予复查）" if found.outside else ""
        raise Invalid("empty_folder", f"文件夹 {found.path} 下没有可复查的文件{left_out}")
    return start_folder(service, found.files, folder=str(found.path), actor_id=actor_id), found


def pending_items(service: Any, run_id: int) -> list[int]:
    with service.db.read() as s:
        _run(s, run_id)
        return list(s.execute(sa.select(RescreenItem.id).where(
            RescreenItem.run_id == run_id, RescreenItem.status == PENDING).order_by(RescreenItem.id)).scalars())


def unfinished_runs(service: Any) -> list[int]:
    with service.db.read() as s:
        return list(s.execute(sa.select(RescreenItem.run_id).where(RescreenItem.status == PENDING)
                              .distinct().order_by(RescreenItem.run_id)).scalars())


# -- screening one item --------------------------------------------------------------------------------

def screen_item(service: Any, item_id: int) -> str:
    """Screen one approved version again and record what is new. Idempotent: an item already done
    (by another worker, or before an interruption) is left alone. Returns the item's status."""
    with service.db.read() as s:
        item = s.get(RescreenItem, item_id)
        if item is None:
            raise NotFound("no_such_item", f"复查条目 {item_id} 不存在")
        if item.status != PENDING:
            return item.status
        path, key, filename, known = item.path, None, Path(item.path or "").name, set()
        if path is None:
            version = s.get(Version, item.version_id)
            key, filename = version.storage_key, version.filename
            known = set(s.execute(sa.select(Finding.fingerprint).where(
                Finding.case_id == version.case_id, Finding.version_number == version.number)).scalars())
    error: ReviewError | None = None
    new: list[dict] = []
    site = ""
    try:
        if path is None and key is None:
            raise NotFound("not_kept", "该版本的文件已不在存储中")
        report = service.screen(_archive_file(path) if path else service.store.get(key), filename)
        if report.error is not None:
            raise Invalid(report.error.code, report.error.message)
        new = [_summary(f) for f in report.findings
               if not f.hint and f.fingerprint() not in known]
        site = report.site
    except ReviewError as exc:
        error = exc
    except Exception as exc:  # noqa: BLE001 - a missing or undecryptable blob must show, not stop the run
        error = Invalid("unreadable", f"文件无法读取：{type(exc).__name__}")
    return _record(service, item_id, new, error, site)


def _archive_file(path: str) -> bytes:
    from screening.errors import UnreadableDocument
    from screening.extract import read_path

    try:
        return read_path(path)
    except UnreadableDocument as exc:
        raise Invalid(exc.code, exc.message) from None


def _record(service: Any, item_id: int, new: list[dict], error: ReviewError | None, site: str = "") -> str:
    now = service.clock()
    with transaction(service.db, now, service.notifier) as tx:
        s = tx.session
        item = s.get(RescreenItem, item_id, with_for_update=True)
        if item.status != PENDING:       # another worker finished it meanwhile
            return item.status
        item.done_at = now
        case = item.case
        if error is not None:
            item.status, item.error_code = FAILED, error.code
            tx.record("rescreen.failed", None, item.case_id, run=item.run_id, code=error.code)
            if case is not None:        # an archive run reports its files once, when it ends
                tx.notify(views.people(s, case, Role.SECRECY_OFFICER), case.id, "rescreen",
                          f"复查：已审发的“{case.title}”无法重新读取（{error.message}），请人工核查")
        else:
            item.status, item.new_count, item.new_findings, item.site = DONE, len(new), new, site[:200] or None
            _flag(s, tx, item, [f for f in new if not _awaits_template(item, f)])
        _finish_if_done(s, item.run, now, tx)
        return item.status


def _finish_if_done(s: Session, run: RescreenRun, now: datetime, tx: Any) -> None:
    left = s.execute(sa.select(sa.func.count()).select_from(RescreenItem).where(
        RescreenItem.run_id == run.id, RescreenItem.status == PENDING)).scalar_one()
    if left == 0 and run.finished_at is None:
        for item in _template_once(s, run.id):
            if item.site is not None:
                _flag(s, tx, item, [f for f in item.new_findings or () if _awaits_template(item, f)])
        run.finished_at = now
        p = _progress(s, run.id)
        tx.record("rescreen.finish", None, None, **p.to_dict())
        if run.folder is not None:
            officers = s.execute(sa.select(User).where(holding(Role.SECRECY_OFFICER, run.unit_id))).scalars().all()
            tx.notify(officers, None, "rescreen",
                      f"已公开档案复查（{run.folder}）完成：{p.total} 个文件，{p.flagged} 个有发现，"
                      f"{p.failed} 个无法读取，请在档案复查页复核")


def _awaits_template(item: RescreenItem, f: dict) -> bool:
    """A new finding in a web page's frame: whether it is the site's template (reported once per
    run) is known only when the run ends, so it is notified then, not as the page is done."""
    return bool(item.site and f.get("templated"))


def _flag(s: Session, tx: Any, item: RescreenItem, new: list[dict]) -> None:
    """Record and notify the secrecy officers of what is newly found on the item's case."""
    if not new or item.case is None:
        return
    case = item.case
    tx.record("rescreen.flag", None, case.id, run=item.run_id, new=len(new), rules=sorted({f["rule"] for f in new}))
    tx.notify(views.people(s, case, Role.SECRECY_OFFICER), case.id, "rescreen",
              f"复查：已审发的“{case.title}”按现行规则新发现 {len(new)} 项问题，请复核")


def _summary(f: Any) -> dict:
    """What a new finding leaves in the database: never its text."""
    loc = f.location
    return {"rule": f.rule, "category": str(f.category), "severity": str(f.severity),
            "part": str(loc.part), "page": loc.page, "paragraph": loc.paragraph,
            "message": f.message, "fingerprint": f.fingerprint(), "templated": templated(f)}


def _template_once(s: Session, run_id: int) -> list[RescreenItem]:
    """Where several re-screened versions are pages of one web site, a new finding of the site's
    template (screening/template.py) stays flagged on the first page's case only; the other cases
    carry a note naming where it was reported, and are no longer flagged for it. Returns the run's
    done items, in order."""
    items = s.execute(sa.select(RescreenItem).where(RescreenItem.run_id == run_id, RescreenItem.status == DONE)
                      .order_by(RescreenItem.id)).scalars().all()
    pages = [Page(i.site or "", i.title, list(i.new_findings or ())) for i in items]
    changed = once_per_site(pages, lambda f: f["fingerprint"] if f.get("templated") else None,
                            lambda f, n: f | {"message": reported_once(f["message"], n)})
    for n, (kept, note) in changed.items():
        item = items[n]
        if note:
            item.notes = [*(item.notes or ()), note]
        item.new_findings, item.new_count = kept, len(kept)
    return items


def run_all(service: Any, run_id: int, *, progress: Callable[[Progress], None] | None = None) -> Progress:
    """Screen every pending item of the run here, one after another (what `resume` does)."""
    for item_id in pending_items(service, run_id):
        screen_item(service, item_id)
        if progress is not None:
            progress(run_progress(service, run_id))
    return run_progress(service, run_id)


# -- reading and acknowledging -------------------------------------------------------------------------

def run_progress(service: Any, run_id: int) -> Progress:
    with service.db.read() as s:
        _run(s, run_id)
        return _progress(s, run_id)


def _progress(s: Session, run_id: int) -> Progress:
    rows = s.execute(sa.select(RescreenItem.status, RescreenItem.new_count)
                     .where(RescreenItem.run_id == run_id)).all()
    return Progress(run_id, total=len(rows), done=sum(r.status == DONE for r in rows),
                    failed=sum(r.status == FAILED for r in rows),
                    flagged=sum(r.status == DONE and r.new_count > 0 for r in rows))


def overview(service: Any, actor_id: int, *, limit: int = 20) -> dict:
    """The officer's page: recent runs of the unit with progress, and the flags waiting for review."""
    with service.db.read() as s:
        officer = _officer(s, actor_id)
        runs = s.execute(sa.select(RescreenRun).where(RescreenRun.unit_id == officer.unit_id)
                         .order_by(RescreenRun.id.desc()).limit(limit)).scalars().all()
        flags = s.execute(
            sa.select(RescreenItem).join(RescreenRun, RescreenItem.run_id == RescreenRun.id)
            .where(RescreenRun.unit_id == officer.unit_id, RescreenItem.acknowledged_at.is_(None),
                   sa.or_(RescreenItem.status == FAILED, RescreenItem.new_count > 0))
            .order_by(RescreenItem.id)).scalars().all()
        return {
            "runs": [{"id": r.id, "reason": REASONS[r.reason], "started_at": r.started_at,
                      "finished_at": r.finished_at, "rules": r.rules_version,
                      **_progress(s, r.id).to_dict()} for r in runs],
            "flags": [_flag_dict(i) for i in flags],
        }


def flags_of_run(service: Any, run_id: int) -> list[dict]:
    """What one run found: items with new findings or that could not be read."""
    with service.db.read() as s:
        items = s.execute(sa.select(RescreenItem).where(
            RescreenItem.run_id == run_id,
            sa.or_(RescreenItem.status == FAILED, RescreenItem.new_count > 0))
            .order_by(RescreenItem.id)).scalars().all()
        return [_flag_dict(i) for i in items]


def case_flags(service: Any, case_id: int) -> list[dict]:
    """Open flags of one case (shown on its page)."""
    with service.db.read() as s:
        items = s.execute(sa.select(RescreenItem).where(
            RescreenItem.case_id == case_id, RescreenItem.acknowledged_at.is_(None),
            sa.or_(RescreenItem.status == FAILED, RescreenItem.new_count > 0))).scalars().all()
        return [_flag_dict(i) for i in items]


def _flag_dict(item: RescreenItem) -> dict:
    return {"id": item.id, "run": item.run_id, "case_id": item.case_id, "title": item.title, "path": item.path,
            "status": item.status, "status_label": ITEM_LABELS[item.status], "new": item.new_count,
            "findings": list(item.new_findings or []), "notes": list(item.notes or []),
            "error_code": item.error_code,
            "at": item.done_at}


def acknowledge(service: Any, actor_id: int, item_id: int, *, note: str = "") -> None:
    """The officer has looked at a flag (复核完毕); audited with the note."""
    note = (note or "").strip()
    if not note:
        raise Invalid("note_required", "请填写复核意见")
    now = service.clock()
    with transaction(service.db, now, service.notifier) as tx:
        s = tx.session
        officer = _officer(s, actor_id)
        item = s.get(RescreenItem, item_id, with_for_update=True)
        if item is None or item.run.unit_id != officer.unit_id:
            raise NotFound("no_such_item", "复查条目不存在")
        if item.acknowledged_at is not None:
            return
        item.acknowledged_by_id, item.acknowledged_at = officer.id, now
        tx.record("rescreen.acknowledge", officer, item.case_id, run=item.run_id, item=item.id,
                  note=note[:500])


# -- internals -------------------------------------------------------------------------------------------

def _officer(s, actor_id: int) -> User:
    return holder(s, actor_id, Role.SECRECY_OFFICER, "只有保密员可以发起和复核档案复查")


def _unit(s: Session, name: str | None) -> Unit:
    if not name:
        raise Invalid("unit_required", "请指定要复查的单位")
    unit = s.execute(sa.select(Unit).where(Unit.name == name)).scalar_one_or_none()
    if unit is None:
        raise NotFound("no_such_unit", f"单位“{name}”不存在")
    return unit


def _run(s: Session, run_id: int) -> RescreenRun:
    run = s.get(RescreenRun, run_id)
    if run is None:
        raise NotFound("no_such_run", f"复查任务 {run_id} 不存在")
    return run

