"""The secrecy officer (保密办): quarantine notices, statistics, the rules with their examples, the
custom lexicon, and a box to try the rules on pasted text. (The unit's case list with filters is
`cases.case_list`; confirming or dismissing findings happens on the case page.)"""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for

from screening.review import lexicon
from screening.review.enums import Role, Stage
from screening.review.models import Case, Notification, Version
from screening.rules import split_example
from screening.types import Category
from screening.web.ui import bp
from screening.web.ui.charts import columns, hbar
from screening.web.ui.common import CATEGORY_COLOURS, category_label, db, roles, rule_label, screener, today
from screening.web.ui.rescreen import start_in_background
from screening.web.ui.stats import unit_stats


@bp.route("/officer/quarantine")
@roles(Role.SECRECY_OFFICER)
def quarantine():
    with db().read() as s:
        rows = s.execute(sa.select(Version, Case).join(Case, Version.case_id == Case.id)
                         .where(Case.unit_id == g.user.unit_id, Version.quarantined.is_(True))
                         .order_by(Version.uploaded_at.desc())).all()
        versions = [{"case_id": c.id, "title": c.title, "number": v.number, "sha256": v.sha256,
                     "size": v.size, "format": v.format, "markings": v.markings or [],
                     "by": v.uploaded_by.label, "at": v.uploaded_at, "stage": str(c.stage),
                     "department": c.department.name} for v, c in rows]
        notices = s.execute(sa.select(Notification).where(Notification.user_id == g.user.id,
                                                          Notification.kind == "quarantine")
                            .order_by(Notification.id.desc())).scalars().all()
        notices = [{"id": n.id, "case_id": n.case_id, "message": n.message, "at": n.created_at,
                    "read": n.read_at is not None} for n in notices]
    return render_template("ui/quarantine.html", versions=versions, notices=notices)


@bp.route("/officer/summary")
@roles(Role.SECRECY_OFFICER, Role.LEADER)
def monthly_summary():
    """The unit's monthly 保密审查汇总表 as xlsx or docx (`?month=YYYY-MM&format=xlsx|docx`)."""
    from screening.review.monthly import FORMATS, monthly_summary as build, render
    from screening.web.ui.cases import _attachment

    month = request.args.get("month") or today().strftime("%Y-%m")
    fmt = request.args.get("format", "xlsx")
    if fmt not in FORMATS:
        fmt = "xlsx"
    try:
        summary = build(db(), g.user.unit, month, prepared_by=g.user.display_name or g.user.name,
                        prepared_on=today())
    except ValueError:
        flash("月份格式应为 YYYY-MM", "error")
        return redirect(url_for("ui.stats"))
    data, mimetype = render(summary, fmt)
    return _attachment(data, f"{summary.title}.{fmt}", mimetype)


@bp.route("/officer/stats")
@roles(Role.SECRECY_OFFICER, Role.LEADER)
def stats():
    with db().read() as s:
        data = unit_stats(s, g.user.unit_id, today())
    by_cat = [(category_label(c), n, CATEGORY_COLOURS.get(c)) for c, n in
              sorted(data.by_category.items(), key=lambda kv: [str(x) for x in Category].index(kv[0])
                     if kv[0] in [str(x) for x in Category] else 99)]
    by_dept = [(d, n, None) for d, n in data.by_department.most_common()]
    months = sorted(data.by_month.items())[-12:]
    rated = [r for r in data.rules if r.rate is not None][:15]
    charts = {
        "category": hbar(by_cat, title="审查发现（按类别）", unit=" 项"),
        "department": hbar(by_dept, title="审查发现（按部门）", unit=" 项"),
        "month": columns(months, title="审查发现（按月）", unit=" 项"),
        "fp": hbar([(rule_label(r.rule), r.rate, "#c2410c") for r in rated], title="误报率（按规则，驳回/已处置）",
                   max_value=1.0, percent=True),
        "stage": hbar([(Stage(k).label, n, None) for k, n in data.by_stage.most_common()],
                      title="案件（按阶段）", unit=" 件"),
    }
    return render_template("ui/stats.html", data=data, charts=charts, months=months)


def _rules_page(form: dict | None = None, problems: tuple[str, ...] = (), fields: dict | None = None,
                status: int = 200):
    engine = screener()
    rules = []
    for rule in engine.ruleset.rules:
        rules.append({"id": rule.id, "category": str(rule.category), "severity": str(rule.severity),
                      "subtype": rule.subtype, "description": rule.description, "message": rule.message,
                      "suggestion": rule.suggestion, "keywords": rule.keywords,
                      "source": rule.source_file, "lexicon": rule.source_file == lexicon.SOURCE,
                      "hits": [split_example(h) for h in rule.hits], "misses": list(rule.misses)})
    with db().read() as s:
        rates = {r.rule: r for r in unit_stats(s, g.user.unit_id, today()).rules}
    terms = lexicon.list_terms(db(), include_retired=True)
    by_category: dict[str, list[dict]] = {}
    for r in rules:
        by_category.setdefault(r["category"], []).append(r)
    return render_template("ui/rules.html", by_category=by_category, count=len(rules), rates=rates,
                           terms=terms, versions=engine.versions, form=form or {},
                           problems=problems, fields=fields or {},
                           categories=lexicon.CATEGORIES), status


@bp.route("/officer/rules")
@roles(Role.SECRECY_OFFICER)
def rules():
    return _rules_page()


@bp.route("/officer/lexicon", methods=["POST"])
@roles(Role.SECRECY_OFFICER)
def lexicon_add():
    form = {k: request.form.get(k, "") for k in
            ("term", "category", "severity", "message", "suggestion", "hits", "misses", "allow")}
    entry = lexicon.TermInput.of(**form)
    try:
        info, checked = lexicon.add_term(db(), g.user.id, entry,
                                         builtin=[r for r in screener().base.ruleset.rules])
    except lexicon.TermProblems as exc:
        return _rules_page(form, exc.problems, exc.fields, 400)
    notes = "；".join(checked.notes)
    flash(f"已加入词库：“{info.term}”（规则 {info.rule_id}），示例已通过校验，即时生效"
          + (f"。提示：{notes}" if notes else "") + _rescreened(), "success")
    return redirect(url_for("ui.rules") + "#lexicon")


def _rescreened() -> str:
    """A lexicon change re-screens what the unit has published (档案复查)."""
    progress = start_in_background("lexicon")
    return f"；已自动发起档案复查（{progress.total} 份已审发文件）" if progress.total else ""


@bp.route("/officer/lexicon/<int:term_id>/retire", methods=["POST"])
@roles(Role.SECRECY_OFFICER)
def lexicon_retire(term_id: int):
    lexicon.retire_term(db(), g.user.id, term_id)
    flash("该词语已停用", "success")
    return redirect(url_for("ui.rules") + "#lexicon")


@bp.route("/officer/try", methods=["GET", "POST"])
@roles(Role.SECRECY_OFFICER)
def try_rules():
    if request.method == "GET":
        return render_template("ui/try.html")
    from screening.web.ui.cases import upload_from_form
    from screening.web.ui.selfcheck import quick_check

    return quick_check(upload_from_form(), back="ui.try_rules", title="规则试用结果（未保存）")
