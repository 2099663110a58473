"""自查: a drafter drops or chooses a file, or pastes text, and either opens a review case with it
(the file is screened and kept, encrypted, as version 1) or only checks it (nothing is kept).

A quick check also serves the secrecy officer's "try the rules" box. A file carrying a classification
marking is never shown back: opening a case quarantines it (the review layer keeps only its hash),
and a quick check records the event in the audit trail and notifies the unit's secrecy officers."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, redirect, render_template, request, url_for

from screening.engine import prepare
from screening.errors import UnreadableDocument
from screening.pipeline import text_document
from screening.review.basis import basis_for, citation
from screening.report import tally
from screening.review.enums import Role
from screening.review.errors import Invalid
from screening.review.models import Department, User
from screening.review.positions import holding
from screening.review.quarantine import markings_seen
from screening.review.tx import transaction
from screening.sheet.data import explain
from screening.types import Document, Report
from screening.web import batch
from screening.web.ui import bp
from screening.web.ui.cases import Submitted, flash_upload, upload_from_form
from screening.web.ui.common import db, now, roles, screener, service
from screening.web.ui.docmeta import document_defaults
from screening.web.ui.document import group_by_category, hidden_parts, is_hidden, layout, render_screen

QUICK_SCREENS = 5      # a quick check shows the first screens only; a case pages through all of them


def departments() -> list[str]:
    with db().read() as s:
        return list(s.execute(sa.select(Department.name).where(Department.unit_id == g.user.unit_id)
                              .order_by(Department.name)).scalars())


@bp.route("/selfcheck")
@roles(Role.DRAFTER)
def selfcheck():
    return render_template("ui/selfcheck.html", departments=departments())


@bp.route("/selfcheck", methods=["POST"])
@roles(Role.DRAFTER)
def selfcheck_post():
    chosen = [f for f in request.files.getlist("file") if f.filename]
    if len(chosen) > 1:
        if request.form.get("mode") != "check":
            raise Invalid("one_file_per_case", f"一事一审：开立审查案件一次只能上传一个文件（本次选择了 {len(chosen)} 个）。"
                                               "多个文件请点“仅检查（不保存）”，逐个查看结论后再分别开立案件")
        most = current_app.config["BATCH_MAX_FILES"]
        if len(chosen) > most:                      # refused before any file is read
            raise Invalid("too_many_files", f"一次最多检查 {most} 个文件，本次选择了 {len(chosen)} 个，请分批检查")
        return batch_check([(f.filename, f.read()) for f in chosen])
    sent = upload_from_form()
    if request.form.get("mode") == "check":
        return quick_check(sent, back="ui.selfcheck")
    title = (request.form.get("title") or "").strip()
    doc_number = (request.form.get("doc_number") or "").strip()
    if not title or not doc_number:
        found_title, found_number = defaults_of(sent)
        title = title or found_title or sent.name.rsplit(".", 1)[0]
        doc_number = doc_number or found_number or ""
    upload = service().open_case(g.user.id, title=title, data=sent.data, filename=sent.name,
                                 doc_number=doc_number or None,
                                 department=request.form.get("department") or None)
    flash_upload(upload, "已开立审查案件")
    return redirect(url_for("ui.case_page", case_id=upload.case_id))


def defaults_of(sent: Submitted) -> tuple[str | None, str | None]:
    """Title and 文号 from the document itself (extracted once: the case page reuses it)."""
    import hashlib

    from screening.web.ui.cases import _cache
    try:
        if sent.text is not None:        # pasted: not the stored file's extraction, so not cached
            doc = prepare(extract(sent))
        else:
            doc = _cache().get(hashlib.sha256(sent.data).hexdigest(), lambda: prepare(extract(sent)))
    except UnreadableDocument:
        return None, None
    return document_defaults(doc)


def extract(sent: Submitted) -> Document:
    from screening.extract import extract_isolated

    if sent.text is not None:
        return text_document(sent.text, sent.name)
    return extract_isolated(sent.data, sent.name)


def finding_views(report: Report) -> list[dict]:
    """The report's findings as the templates show them (numbered, with basis and explanation)."""
    out = []
    for number, f in enumerate(report.findings, 1):
        d = f.to_dict()
        d.update(id=number, basis=basis_for(f), why=explain(f), disposition=None)
        d["basis_citation"] = citation(d["basis"])
        d["hidden"] = is_hidden(d)
        out.append(d)
    return out


def quick_check(sent: Submitted, *, back: str, title: str = "自查结果（未保存）"):
    """Screen without keeping anything; show the document with its findings."""
    page = {"title": title, "name": sent.name, "back": back}
    try:
        doc = prepare(extract(sent))
    except UnreadableDocument as exc:
        return render_template("ui/check.html", error=exc.message, **page), 422
    report = screener().screen(doc)
    marks = markings_seen(report.findings)
    if marks:
        report_marking(report, marks)
        return render_template("ui/check.html", marks=marks, report=report, **page)
    findings = finding_views(report)
    visible = [f for f in findings if not f["hidden"]]
    hidden = [f for f in findings if f["hidden"]]
    screens = layout(doc)
    return render_template(
        "ui/check.html", report=report, groups=group_by_category(visible), hidden_findings=hidden,
        hidden_parts=hidden_parts(doc, hidden), screens=len(screens), marks=None, text=sent.text,
        shown=[render_screen(screens, n, visible) for n in range(1, min(len(screens), QUICK_SCREENS) + 1)],
        departments=departments() if g.user.holds(Role.DRAFTER) else [], **page)


def batch_check(files: list[tuple[str, bytes]]):
    """Several files checked at once (nothing kept): one row per file, in the order chosen — its
    verdict and findings, or why it could not be read; a file with a classification marking shows
    only that, and the officers are told as for one file."""
    rows = []
    for report in batch.screen_files(files, screener()):
        marks = markings_seen(report.findings) if report.error is None else []
        if marks:
            report_marking(report, marks)
        rows.append({"report": report, "marks": marks, "findings": [] if marks else finding_views(report)})
    reports = [row["report"] for row in rows]
    return render_template("ui/batch.html", rows=rows, summary=tally(reports),
                           refused=sum(1 for r in reports if r.error is not None))


def report_marking(report: Report, marks: list[dict]) -> None:
    """A marked file was checked: audit it and tell the unit's secrecy officers (nothing kept)."""
    seen = "、".join(dict.fromkeys(m["text"] for m in marks))
    with transaction(db(), now(), service().notifier) as tx:
        user = tx.session.get(User, g.user.id)
        officers = tx.session.execute(sa.select(User).where(
            holding(Role.SECRECY_OFFICER, user.unit_id))).scalars().all()
        tx.record("selfcheck.marking", user, None, sha256=report.document.sha256,
                  format=report.document.format, markings=marks)
        tx.notify(officers, None, "quarantine",
                  f"{user.label} 自查的文件含密级标志（{seen}），文件未保存，请按泄密事件处置。"
                  f"SHA-256：{report.document.sha256}")
    current_app.logger.warning("self-check of a marked file by user %s (sha256 %s)", g.user.id,
                               report.document.sha256)
