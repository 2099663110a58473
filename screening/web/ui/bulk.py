"""Bulk actions of the case page: choose findings by category, rule, table column, all (or the ones
ticked) and dismiss, confirm or mark 区分处理 in one act — each finding still gets its own
disposition and audit event (`ReviewService.dispose_many`). "区分处理并生成副本" marks them and
generates the redacted copy (the next version) in the same step."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import flash, g, redirect, request, url_for

from screening.redact.docx import Revisions
from screening.redact.pdf import PdfMode
from screening.redact.service import RedactOptions
from screening.review.enums import DispositionAction
from screening.review.errors import Invalid
from screening.web.ui import bp
from screening.web.ui.common import category_label, login_required, rule_label, service

REDACT_COPY = "redact_copy"
ACTION_DONE = {"dismissed": "驳回（经核实不涉密）", "confirmed": "确认敏感", "redacted": "标记区分处理",
               REDACT_COPY: "标记区分处理"}


@dataclass(frozen=True, slots=True)
class Scope:
    key: str          # "all", "open", "category:personal_info", "rule:pii.id_card", "column:table:1:3"
    label: str
    ids: tuple[int, ...]


def _column_key(loc: dict) -> str | None:
    if loc.get("row") is None or loc.get("column") is None:
        return None
    return f"column:{loc['part']}:{loc.get('sheet') or loc.get('table') or 1}:{loc['column']}"


def _column_label(loc: dict) -> str:
    where = f"{loc['sheet']}工作表" if loc.get("sheet") else f"表{loc.get('table') or 1}"
    return f"{where}“{loc['header']}”列" if loc.get("header") else f"{where}第{loc['column']}列"


def scopes(findings: Sequence[dict]) -> list[Scope]:
    """The ways to choose findings, each with the findings it takes (most useful first)."""
    def make(key: str, label: str, chosen: list[dict]) -> Scope:
        return Scope(key, f"{label}（{len(chosen)} 项）", tuple(f["id"] for f in chosen))

    out = [make("open", "全部未处置的发现", [f for f in findings if not f.get("disposition")]),
           make("all", "全部发现", list(findings))]
    columns: dict[str, list[dict]] = {}
    labels: dict[str, str] = {}
    for f in findings:
        key = _column_key(f["location"])
        if key:
            columns.setdefault(key, []).append(f)
            labels.setdefault(key, _column_label(f["location"]))
    out += [make(k, f"表格列：{labels[k]}", v) for k, v in columns.items()]
    by_category: dict[str, list[dict]] = {}
    by_rule: dict[str, list[dict]] = {}
    for f in findings:
        by_category.setdefault(f["category"], []).append(f)
        by_rule.setdefault(f["rule"], []).append(f)
    out += [make(f"category:{c}", f"类别：{category_label(c)}", v) for c, v in by_category.items()]
    out += [make(f"rule:{r}", f"规则：{rule_label(r, v[0]['category'], v[0]['subtype'])}", v)
            for r, v in by_rule.items() if len(by_rule) > 1]
    return out


def chosen_ids(findings: Sequence[dict], scope: str, ticked: Sequence[int], *, only_open: bool) -> list[int]:
    """The finding ids a bulk form chose: its scope, or the ticked boxes ("selected")."""
    if scope == "selected":
        wanted = set(ticked)
        ids = [f["id"] for f in findings if f["id"] in wanted]
    else:
        match = next((s for s in scopes(findings) if s.key == scope), None)
        if match is None:
            raise Invalid("invalid_scope", "请选择要处置的范围")
        ids = list(match.ids)
    if only_open:
        open_ids = {f["id"] for f in findings if not f.get("disposition")}
        ids = [i for i in ids if i in open_ids]
    if not ids:
        raise Invalid("no_findings", "所选范围内没有需要处置的审查发现")
    return ids


def redact_options(form) -> RedactOptions:
    """PDF text or raster, revisions accepted or rejected: the choices `screening redact` has."""
    try:
        return RedactOptions(pdf_mode=PdfMode(form.get("pdf_mode") or PdfMode.RASTER),
                             revisions=Revisions(form.get("revisions") or Revisions.ACCEPT))
    except ValueError:
        raise Invalid("invalid_option", "区分处理副本的选项无效") from None


@bp.route("/cases/<int:case_id>/bulk", methods=["POST"])
@login_required
def bulk_dispose(case_id: int):
    from screening.review.redaction import redacted_version
    from screening.web.ui.cases import current_findings_view

    service().case_view(case_id, actor_id=g.user.id)
    form = request.form
    action = form.get("action", "")
    if action not in ACTION_DONE:
        raise Invalid("invalid_action", "请选择处置方式")
    findings = current_findings_view(case_id)
    ticked = [int(x) for x in form.getlist("f") if x.isdigit()]
    ids = chosen_ids(findings, form.get("scope", ""), ticked, only_open=bool(form.get("only_open")))
    disposition = DispositionAction.REDACTED if action == REDACT_COPY else action
    done = service().dispose_many(g.user.id, case_id, ids, action=disposition, reason=form.get("reason", ""))
    message = f"已批量处置 {len(ids)} 项：{ACTION_DONE[action]}（每项单独记录）"
    if action == REDACT_COPY:
        upload = redacted_version(service(), g.user.id, case_id, redact_options(form))
        flash(f"{message}；区分处理副本已生成，作为第 {upload.version} 版重新审查", "success")
        return redirect(url_for("ui.case_page", case_id=case_id) + "#changes")
    flash(message if len(done) == len(ids) else f"{message}；相同内容的发现一并处置", "success")
    return redirect(url_for("ui.case_page", case_id=case_id) + "#bulk")
