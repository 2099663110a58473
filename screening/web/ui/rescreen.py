"""档案复查: the secrecy officer re-screens the unit's approved documents with the current rules (by
hand, or automatically after a lexicon change), follows the progress and reviews what is new.
The work runs as background jobs (screening/web/jobs.py): the local pool, or RQ workers."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from screening.review import rescreen
from screening.review.enums import Role
from screening.web.jobs import RQJobs
from screening.web.ui import bp
from screening.web.ui.common import roles, service, state


def start_in_background(reason: str) -> rescreen.Progress:
    """Start a run for the officer's unit and hand it to the job runner: with RQ, one job per
    document so that every worker takes a share; locally, one job for the whole run."""
    svc = service()
    run_id = rescreen.start(svc, actor_id=g.user.id, reason=reason)
    jobs, owner = state().jobs, f"user:{g.user.id}"
    if isinstance(jobs, RQJobs):
        for item_id in rescreen.pending_items(svc, run_id):
            jobs.submit(owner, "rescreen", {"run_id": run_id, "item_id": item_id})
    else:
        jobs.submit(owner, "rescreen", {"run_id": run_id})
    return rescreen.run_progress(svc, run_id)


@bp.route("/officer/rescreen")
@roles(Role.SECRECY_OFFICER)
def rescreen_page():
    return render_template("ui/rescreen.html", view=rescreen.overview(service(), g.user.id))


@bp.route("/officer/rescreen", methods=["POST"])
@roles(Role.SECRECY_OFFICER)
def rescreen_start():
    progress = start_in_background("manual")
    if progress.total:
        flash(f"已发起复查：共 {progress.total} 份已审发文件，正在后台按现行规则重新审查", "success")
    else:
        flash("本单位还没有已审发的文件，无需复查", "info")
    return redirect(url_for("ui.rescreen_page"))


@bp.route("/officer/rescreen/items/<int:item_id>/acknowledge", methods=["POST"])
@roles(Role.SECRECY_OFFICER)
def rescreen_acknowledge(item_id: int):
    rescreen.acknowledge(service(), g.user.id, item_id, note=request.form.get("note", ""))
    flash("已记录复核意见", "success")
    return redirect(url_for("ui.rescreen_page"))
