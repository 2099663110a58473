"""档案复查: the secrecy officer re-screens the unit's approved documents with the current rules (by
hand, or automatically after a lexicon change) or an already-published archive folder on the server
(below the configured SCREENING_ARCHIVE_ROOTS), follows the progress and reviews what is new.
The work runs as background jobs (screening/web/jobs.py): the local pool, or RQ workers."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for

from screening.review import archive_roots, rescreen
from screening.review.enums import Role
from screening.web.jobs import RQJobs
from screening.web.ui import bp
from screening.web.ui.common import roles, service, state


def start_in_background(reason: str) -> rescreen.Progress:
    """Start a run over the officer's unit's approved documents and hand it to the job runner."""
    return run_in_background(rescreen.start(service(), actor_id=g.user.id, reason=reason))


def run_in_background(run_id: int) -> rescreen.Progress:
    """Hand a run to the job runner: with RQ, one job per item so that every worker takes a share;
    locally, one job for the whole run."""
    svc = service()
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
    return render_template("ui/rescreen.html", view=rescreen.overview(service(), g.user.id),
                           archive_roots=current_app.config.get("ARCHIVE_ROOTS") or (), setting=archive_roots.SETTING)


@bp.route("/officer/rescreen", methods=["POST"])
@roles(Role.SECRECY_OFFICER)
def rescreen_start():
    progress = start_in_background("manual")
    if progress.total:
        flash(f"已发起复查：共 {progress.total} 份已审发文件，正在后台按现行规则重新审查", "success")
    else:
        flash("本单位还没有已审发的文件，无需复查", "info")
    return redirect(url_for("ui.rescreen_page"))


@bp.route("/officer/rescreen/archive", methods=["POST"])
@roles(Role.SECRECY_OFFICER)
def rescreen_archive():
    """An already-published archive on the server (a portal's export): only below the configured
    roots, checked on the real path (archive_roots.py); audited as the command line's run is."""
    run_id, found = rescreen.start_archive(service(), actor_id=g.user.id, folder=request.form.get("folder", ""),
                                           roots=current_app.config.get("ARCHIVE_ROOTS") or ())
    progress = run_in_background(run_id)
    left_out = f"；{found.outside} 个指向档案目录以外的链接文件不予复查" if found.outside else ""
    flash(f"已发起已公开档案复查：{found.path} 下共 {progress.total} 个文件，正在后台审查{left_out}", "success")
    return redirect(url_for("ui.rescreen_page"))


@bp.route("/officer/rescreen/items/<int:item_id>/acknowledge", methods=["POST"])
@roles(Role.SECRECY_OFFICER)
def rescreen_acknowledge(item_id: int):
    rescreen.acknowledge(service(), g.user.id, item_id, note=request.form.get("note", ""))
    flash("已记录复核意见", "success")
    return redirect(url_for("ui.rescreen_page"))
