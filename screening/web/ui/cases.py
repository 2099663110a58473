"""Cases: the list (scoped by role, with filters), the case page (the document with its findings
highlighted, dispositions, versions and what changed between them, 公开属性, opinions, sign-off and
escalation), the print view of the review sheet and its docx/pdf."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import sqlalchemy as sa
from flask import (Response, current_app, flash, g, redirect, render_template, request, url_for)

from screening.errors import UnreadableDocument
from screening.types import Document
from screening.review import views
from screening.review.basis import BASES
from screening.review.enums import (Decision, DispositionAction, OpinionKind, PublicAttribute, Role,
                                    SignStage, Stage)
from screening.review.errors import Conflict, Invalid, NotFound, ReviewError
from screening.review.models import Case, Department, Finding, User, Version
from screening.review.service import permitted
from screening.review.versions import clean_filename
from screening.review.workflow import SIGN_EVENTS, Event
from screening.sheet.data import explain_stored
from screening.web.ui import bp, bulk
from screening.web.ui.common import (back_url, db, display_names, login_required, roles, service, today)
from screening.web.ui.plain import split_error
from screening.web.ui.document import (DocumentCache, Screen, block_count, group_by_category, hidden_parts,
                                       is_hidden, layout, masked_for_sheet, render_passages, render_screen,
                                       screen_of, with_cells)

LIST_PAGE = 50
COLLAPSE_BLOCKS = 60     # a longer document shows only the passages with findings, until "显示全文"
TEXT_NAME = "粘贴的文字.txt"


# -- the list ----------------------------------------------------------------------------------------

def scoped_cases(user) -> sa.Select:
    """The cases a person may list: the drafter's own, the head's department's (each department they
    head, as primary role or membership), the unit's for a leader or secrecy officer (the same people
    `views.can_view` lets in)."""
    q = sa.select(Case)
    if user.holds(Role.LEADER, Role.SECRECY_OFFICER):
        return q.where(Case.unit_id == user.unit_id)
    listed = []
    if user.holds(Role.DRAFTER):
        listed.append(Case.created_by_id == user.id)
    if user.holds(Role.HEAD):
        listed.append((Case.unit_id == user.unit_id) & Case.department_id.in_(user.departments_as(Role.HEAD)))
    return q.where(sa.or_(*listed) if listed else sa.false())


@bp.route("/cases")
@roles(Role.DRAFTER, Role.HEAD, Role.LEADER, Role.SECRECY_OFFICER)
def case_list():
    args = request.args
    stage, category = args.get("stage", ""), args.get("category", "")
    department, overdue, q = args.get("department", ""), args.get("overdue", ""), args.get("q", "").strip()
    page = max(args.get("page", 1, type=int) or 1, 1)
    day = today()
    query = scoped_cases(g.user)
    if stage in {s.value for s in Stage}:
        query = query.where(Case.stage == stage)
    if department.isdigit():
        query = query.where(Case.department_id == int(department))
    if q:
        query = query.where(sa.or_(Case.title.contains(q), Case.doc_number.contains(q)))
    if overdue:
        query = query.where(Case.due_date < day, Case.due_date.is_not(None),
                            Case.stage.in_([s for s in views.OPEN_STAGES if s is not Stage.ESCALATED]))
    if category:
        query = query.where(Case.id.in_(sa.select(Finding.case_id).where(Finding.category == category)))
    with db().read() as s:
        total = s.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
        rows = s.execute(query.order_by(Case.updated_at.desc(), Case.id.desc())
                         .offset((page - 1) * LIST_PAGE).limit(LIST_PAGE)).scalars().all()
        cases = [{
            "id": c.id, "title": c.title, "doc_number": c.doc_number, "stage": str(c.stage),
            "department": c.department.name, "drafter": c.created_by.label, "version": c.current.number,
            "verdict": c.current.run.verdict if c.current.run else None, "due_date": c.due_date,
            "overdue": views.is_overdue(c, day), "updated_at": c.updated_at,
            "categories": sorted({f.category for f in views.current_findings(c)}),
            "open_high": len(views.blocking_findings(c)),
            "public_attribute": str(c.public_attribute) if c.public_attribute else None,
        } for c in rows]
        departments = s.execute(sa.select(Department).where(Department.unit_id == g.user.unit_id)
                                .order_by(Department.name)).scalars().all()
        departments = [(d.id, d.name) for d in departments]
    pages = max((total + LIST_PAGE - 1) // LIST_PAGE, 1)
    return render_template("ui/cases.html", cases=cases, total=total, page=page, pages=pages,
                           departments=departments, stages=list(Stage),
                           filters={"stage": stage, "category": category, "department": department,
                                    "overdue": overdue, "q": q})


# -- the case page -----------------------------------------------------------------------------------

def allowed_events(case: Case, user: User) -> set[Event]:
    """What this person may do to the case now: the same checks the service makes (stage, person)."""
    out = set()
    for event in Event:
        if event is Event.QUARANTINE:
            continue
        try:
            permitted(event, case, user)
        except ReviewError:
            continue
        out.add(event)
    return out


def finding_view(f: Finding) -> dict:
    d = views.finding_dict(f)
    d["why"] = explain_stored(f.source, f.explanation or {})
    d["hidden"] = is_hidden(d)
    return d


def version_diff(case: Case, number: int) -> dict | None:
    """Findings of version `number` against the version before it, by fingerprint."""
    by_number = {v.number: v for v in case.versions}
    current, previous = by_number.get(number), by_number.get(number - 1)
    if current is None or previous is None or current.run is None or previous.run is None:
        return None
    before = {f.fingerprint: f for f in previous.run.findings}
    after = {f.fingerprint: f for f in current.run.findings}
    return {
        "from": previous.number, "to": current.number,
        "new": [finding_view(f) for p, f in after.items() if p not in before],
        "resolved": [finding_view(f) for p, f in before.items() if p not in after],
        "carried": [finding_view(f) for p, f in after.items() if p in before],
    }


def _cache() -> DocumentCache:
    return current_app.extensions.setdefault("screening_ui.documents", DocumentCache(8))


def load_document(version: Version):
    """The stored version's text as extracted for screening (None when the file is not kept)."""
    if version.storage_key is None:
        return None
    from screening.engine import prepare
    from screening.extract import extract_isolated

    def load():
        data = service().store.get(version.storage_key)
        return prepare(extract_isolated(data, version.filename or "file"))
    return _cache().get(version.sha256, load)


def load_case(case_id: int) -> dict:
    """The case for the logged-in person, or 403/404 (the review layer's need-to-know rule)."""
    return service().case_view(case_id, actor_id=g.user.id)


@bp.route("/cases/<int:case_id>")
@login_required
def case_page(case_id: int):
    view = load_case(case_id)
    number = request.args.get("v", type=int) or view["version"]
    page = request.args.get("p", 1, type=int) or 1
    with db().read() as s:
        case = s.get(Case, case_id)
        user = s.get(User, g.user.id)
        version = next((v for v in case.versions if v.number == number), None)
        if version is None:
            raise NotFound("no_such_version", f"本案没有第 {number} 版")
        events = allowed_events(case, user)
        findings = [finding_view(f) for f in (version.run.findings if version.run else ())]
        diff = version_diff(case, number)
        is_current = version.number == case.current.number
        document, doc_error = None, None
        try:
            document = load_document(version)
        except UnreadableDocument as exc:
            doc_error = split_error(exc.message)[0]
        except Exception:  # noqa: BLE001 - the findings are still shown without the text
            current_app.logger.exception("could not show version %s of case %s", number, case_id)
            doc_error = "无法显示文件内容（文件读取失败），以下仅列出审查发现"
        version_info = views.version_dict(version)
    findings = with_cells(findings, document)
    visible = [f for f in findings if not f["hidden"]]
    hidden = [f for f in findings if f["hidden"]]
    screens = layout(document) if document is not None else []
    collapse = bool(visible) and block_count(screens) > COLLAPSE_BLOCKS and not request.args.get("all")
    pages_of = {} if collapse else {
        f["id"]: screen_of(screens, f["location"]["part"], f["location"]["start"]) for f in visible}
    screen = None
    if document is not None:
        screen = (render_passages(screens, visible, link=lambda m: f"#f-{m.id}") if collapse else
                  render_screen(screens, page, visible, link=lambda m: f"#f-{m.id}"))
    history = service().history(case_id, actor_id=g.user.id)
    can_dispose = Event.DISPOSE in events and is_current
    return render_template(
        "ui/case.html", case=view, version=version_info, number=number, is_current=is_current,
        findings=findings, groups=group_by_category(visible), hidden_findings=hidden,
        hidden_parts=hidden_parts(document, hidden) if document is not None else [],
        screen=screen, screens=len(screens), pages_of=pages_of, doc_error=doc_error, diff=diff,
        events=events, Event=Event, can_dispose=can_dispose, history=history,
        names=display_names([*(e["actor"] for e in history), version_info["uploaded_by"]]),
        quarantined=view["stage"] == "quarantined",
        incident_closed=next((e for e in history if e["action"] == views.INCIDENT_CLOSED), None),
        bases=BASES, attributes=list(PublicAttribute), stages=SignStage, OpinionKind=OpinionKind,
        dispose_actions=[a for a in DispositionAction if a is not DispositionAction.FIXED],
        sign_stage=_sign_stage(events), has_actions=bool(events - {Event.DISPOSE}),
        scopes=bulk.scopes(findings) if can_dispose and findings else [],
        redact_pending=[f for f in findings if (f.get("disposition") or {}).get("action") == "redacted"],
        fmt=version_info["format"])


def current_findings_view(case_id: int) -> list[dict]:
    """The current version's findings as the case page shows them (table cells filled in)."""
    return _current_version(case_id)[0]


def _current_version(case_id: int) -> tuple[list[dict], Document | None]:
    """The current version's findings (table cells filled in) and its document, when readable."""
    with db().read() as s:
        case = s.get(Case, case_id)
        version = case.current
        findings = [finding_view(f) for f in (version.run.findings if version.run else ())]
        try:
            document = load_document(version)
        except Exception:  # noqa: BLE001 - without the text, the column scopes and excerpt are missing only
            document = None
    return with_cells(findings, document), document


def sheet_excerpt(case_id: int) -> Screen | None:
    """The passages of the current version with its visible findings, as the case page shows them
    (table cells as a table, each finding highlighted in its cell), masked as the sheet prints."""
    findings, document = _current_version(case_id)
    visible = [f for f in findings if not f["hidden"]]
    if document is None or not visible:
        return None
    page = url_for("ui.case_page", case_id=case_id)
    return render_passages(layout(masked_for_sheet(document, visible)), visible,
                           link=lambda m: f"{page}#f-{m.id}")


def _sign_stage(events: set[Event]) -> str | None:
    """The stage this person may sign now (its approve event is open to them), if any."""
    return next((str(stage) for (stage, decision), event in SIGN_EVENTS.items()
                 if decision is Decision.APPROVE and event in events), None)


# -- actions -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Submitted:
    """What a form brought: a file, or pasted text (kept as a UTF-8 .txt file)."""

    data: bytes
    name: str
    text: str | None = None          # the pasted text, when it was pasted


def upload_from_form() -> Submitted:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.read()
        if not data:
            raise Invalid("empty", "上传的文件为空")
        return Submitted(data, upload.filename)
    text = (request.form.get("text") or "").replace("\r\n", "\n")
    if text.strip():
        return Submitted(text.encode("utf-8"), TEXT_NAME, text)
    raise Invalid("file_required", "请选择文件，或粘贴要审查的文字")


def flash_upload(upload, verb: str) -> None:
    if upload.quarantined:
        seen = "、".join(dict.fromkeys(m["text"] for m in upload.markings))
        flash(f"文件含密级标志（{seen}），已按涉密文件隔离：文件内容未保存，已通报本单位保密员。"
              "涉密信息严禁在本系统处理和公开，请立即停止传播并按保密规定报告。", "quarantine")
        return
    report = upload.report
    if report.error is not None:
        flash(f"{verb}，但文件未能完成审查：{split_error(report.error.message)[0]}", "error")
        return
    high = sum(1 for f in report.findings if str(f.severity) == "high")
    flash(f"{verb}（第 {upload.version} 版）：共 {len(report.findings)} 项审查发现，其中高风险 {high} 项"
          + (f"；沿用以前的处置 {upload.carried_over} 项" if upload.carried_over else "")
          + (f"；已修改（不再出现）{upload.fixed} 项" if upload.fixed else ""), "success")


@bp.route("/cases/<int:case_id>/versions", methods=["POST"])
@login_required
def new_version(case_id: int):
    load_case(case_id)
    sent = upload_from_form()
    upload = service().add_version(g.user.id, case_id, data=sent.data, filename=sent.name)
    flash_upload(upload, "新版本已上传")
    return redirect(url_for("ui.case_page", case_id=case_id) + ("#changes" if not upload.quarantined else ""))


@bp.route("/cases/<int:case_id>/redact", methods=["POST"])
@login_required
def redact_version(case_id: int):
    """The redacted copy (区分处理) of the current version, re-screened, as the next version."""
    from screening.review.redaction import redacted_version

    load_case(case_id)
    upload = redacted_version(service(), g.user.id, case_id, bulk.redact_options(request.form))
    flash_upload(upload, "区分处理副本已生成并作为新版本上传")
    return redirect(url_for("ui.case_page", case_id=case_id) + "#changes")


@bp.route("/cases/<int:case_id>/findings/<int:finding_id>/disposition", methods=["POST"])
@login_required
def dispose(case_id: int, finding_id: int):
    load_case(case_id)
    action = request.form.get("action", "")
    service().dispose(g.user.id, case_id, finding_id, action=action, reason=request.form.get("reason", ""))
    flash(f"已处置：{DispositionAction(action).label}", "success")
    return redirect(back_url().split("#")[0] + f"#f-{finding_id}")


@bp.route("/cases/<int:case_id>/publicity", methods=["POST"])
@login_required
def publicity(case_id: int):
    load_case(case_id)
    basis = request.form.get("basis") or None
    result = service().set_publicity(g.user.id, case_id, attribute=request.form.get("attribute", ""),
                                     basis=basis, reason=request.form.get("reason", ""))
    flash(f"公开属性已确定为“{result['attribute']}”（依据{result['citation']}）", "success")
    return redirect(url_for("ui.case_page", case_id=case_id) + "#publicity")


@bp.route("/cases/<int:case_id>/sign", methods=["POST"])
@login_required
def sign(case_id: int):
    load_case(case_id)
    stage = request.form.get("stage", "")
    decision = request.form.get("decision", "")
    def signed():
        return service().sign(g.user.id, case_id, stage=stage, decision=decision,
                              opinion=request.form.get("opinion", ""),
                              opinion_kind=request.form.get("opinion_kind") or None)
    try:
        result = signed()
    except ReviewError as exc:
        if exc.code != "redaction_pending" or not request.form.get("redact_first"):
            raise
        from screening.review.redaction import redacted_version

        upload = redacted_version(service(), g.user.id, case_id, bulk.redact_options(request.form))
        flash(f"已生成区分处理副本（第 {upload.version} 版），遮挡了标记为区分处理的内容", "success")
        result = signed()
    if decision == Decision.RETURN:
        flash("已退回承办人", "success")
    elif stage == SignStage.DRAFTER:
        flash("已提交承办部门负责人审核", "success")
    else:
        flash(f"已签署：{SignStage(stage).label}同意（案件现处于：{Stage(result['stage']).label}）", "success")
    return redirect(url_for("ui.case_page", case_id=case_id))


@bp.route("/cases/<int:case_id>/escalate", methods=["POST"])
@login_required
def escalate(case_id: int):
    load_case(case_id)
    service().escalate(g.user.id, case_id, question=request.form.get("question", ""))
    flash("已报请有关主管部门或保密行政管理部门确定，期限暂停计算", "success")
    return redirect(url_for("ui.case_page", case_id=case_id))


@bp.route("/cases/<int:case_id>/answer", methods=["POST"])
@login_required
def answer(case_id: int):
    load_case(case_id)
    service().answer_escalation(g.user.id, case_id, answer=request.form.get("answer", ""))
    flash("已登记答复，案件恢复办理", "success")
    return redirect(url_for("ui.case_page", case_id=case_id))


@bp.route("/cases/<int:case_id>/incident", methods=["POST"])
@login_required
def close_incident(case_id: int):
    load_case(case_id)
    service().close_incident(g.user.id, case_id, note=request.form.get("note", ""))
    flash("泄密事件已关闭", "success")
    return redirect(url_for("ui.case_page", case_id=case_id) + "#incident")


@bp.route("/cases/<int:case_id>/withdraw", methods=["POST"])
@login_required
def withdraw(case_id: int):
    load_case(case_id)
    service().withdraw(g.user.id, case_id, reason=request.form.get("reason", ""))
    flash("案件已撤回", "success")
    return redirect(url_for("ui.case_page", case_id=case_id))


# -- the file, the review sheet ------------------------------------------------------------------------

def _attachment(data: bytes, filename: str, mimetype: str) -> Response:
    filename = clean_filename(filename)
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})


@bp.route("/cases/<int:case_id>/file")
@login_required
def case_file(case_id: int):
    number = request.args.get("v", type=int)
    name, data = service().get_file(case_id, number, actor_id=g.user.id)
    return _attachment(data, name or "file", "application/octet-stream")


def _sheet(case_id: int):
    from screening.web.sheets import sheet_data

    view = load_case(case_id)
    if view["stage"] == Stage.QUARANTINED:
        raise Conflict("quarantined", "已隔离的案件不出具审查单，请在案件页打印泄密事件记录")
    return view, sheet_data(view, filled_on=today())


@bp.route("/cases/<int:case_id>/print")
@login_required
def print_sheet(case_id: int):
    view = load_case(case_id)
    if view["stage"] == Stage.QUARANTINED:
        history = service().history(case_id, actor_id=g.user.id)
        return render_template("ui/incident.html", case=view, history=history,
                               names=display_names(e["actor"] for e in history),
                               versions=[v for v in view["versions"] if v["quarantined"]])
    view, data = _sheet(case_id)
    return render_template("ui/print.html", case=view, sheet=data, excerpt=sheet_excerpt(case_id))


@bp.route("/cases/<int:case_id>/sheet.docx")
@login_required
def sheet_docx(case_id: int):
    from screening.sheet import render_docx

    view, data = _sheet(case_id)
    return _attachment(render_docx(data), f"审查单-{case_id}-第{data.version_number}版.docx",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@bp.route("/cases/<int:case_id>/sheet.pdf")
@login_required
def sheet_pdf(case_id: int):
    from screening.sheet import ConversionError, render_pdf

    view, data = _sheet(case_id)
    try:
        content = render_pdf(data)
    except ConversionError as exc:
        refusal = ReviewError("conversion_failed", f"暂时无法生成 PDF（{exc}），请下载 docx")
        refusal.status = 503
        raise refusal from exc
    return _attachment(content, f"审查单-{case_id}-第{data.version_number}版.pdf", "application/pdf")

