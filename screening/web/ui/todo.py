"""待办: what waits for the logged-in person (by role), and their notices."""
from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from screening.review.enums import Role
from screening.web.ui import bp
from screening.web.ui.common import home_url, login_required, service


@bp.route("/")
def index():
    return redirect(home_url())


@bp.route("/todo")
@login_required
def todo():
    svc = service()
    items = svc.list_todo(g.user.id)
    notices = svc.notifications(g.user.id)[:30]
    due = None
    if g.user.holds(Role.SECRECY_OFFICER, Role.LEADER):
        due = svc.due_report(unit=g.user.unit)
    return render_template("ui/todo.html", items=items, notices=notices, due=due)


@bp.route("/notices/read", methods=["POST"])
@login_required
def mark_read():
    ids = [int(i) for i in request.form.getlist("id") if i.isdigit()]
    if request.form.get("all"):
        ids = [n["id"] for n in service().notifications(g.user.id, unread_only=True)]
    service().mark_read(g.user.id, ids)
    return redirect(url_for("ui.todo"))
