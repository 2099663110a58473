"""The secrecy officer confirms accounts an administrator created or re-roled: the second person
of the multi-person rule. Until then a clearance whose signers one administrator provisioned after
the case was opened is refused (`screening.review.views.single_hand`); the confirmation is one
audited act of `provisioning.confirm_account`, which also refuses the administrator confirming
themself."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from screening.review import provisioning
from screening.review.enums import Role
from screening.web.ui import bp
from screening.web.ui.common import db, roles


@bp.route("/officer/accounts")
@roles(Role.SECRECY_OFFICER)
def provisioning_page():
    rows = provisioning.provisionings(db(), officer=g.user.id)
    pending = [r for r in rows if r.confirmed_at is None]
    return render_template("ui/provisioning.html", pending=pending,
                           confirmed=[r for r in rows if r.confirmed_at is not None])


@bp.route("/officer/accounts/<name>/confirm", methods=["POST"])
@roles(Role.SECRECY_OFFICER)
def provisioning_confirm(name: str):
    provisioning.confirm_account(db(), name, by=g.user.id)
    flash(f"已确认账号 {name} 的开设与角色", "success")
    return redirect(url_for("ui.provisioning_page"))
