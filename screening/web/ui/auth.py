"""Login (failures limited per client by create_app), logout (every session of the user ends), and
the profile page: password change and personal tokens (issued once, with an expiry, revocable)."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from screening.review import accounts
from screening.review.errors import AuthError, Forbidden, Invalid
from screening.review.models import PersonalToken, User
from screening.web import sessions
from screening.web.ui import bp
from screening.web.ui.common import db, home_url, login_required, safe_next

MIN_PASSWORD = 10


@bp.route("/login", methods=["GET", "POST"])
def login():
    if g.user is not None and request.method == "GET":
        return redirect(home_url())
    error = None
    name = ""
    if request.method == "POST":
        name = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        try:
            user = accounts.login(db(), name, password)
        except AuthError as exc:
            error = exc.message
        else:
            sessions.begin(user)                 # a fresh session: no fixation
            g.user = user
            return redirect(safe_next(request.form.get("next"), home_url()))
    return render_template("ui/login.html", error=error, username=name,
                           next=request.values.get("next", "")), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout():
    sessions.end(db(), g.get("user"))
    flash("已退出登录", "info")
    return redirect(url_for("ui.login"))


def _tokens(user_id: int) -> list[PersonalToken]:
    return accounts.list_tokens(db(), user_id)


@bp.route("/profile")
@login_required
def profile():
    return render_template("ui/profile.html", tokens=_tokens(g.user.id), issued=None,
                           min_password=MIN_PASSWORD)


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    old = request.form.get("old_password", "")
    new = request.form.get("new_password", "")
    again = request.form.get("new_password2", "")
    with db().read() as s:
        stored = s.get(User, g.user.id).password_hash
    if not accounts.verify_password(old, stored):
        raise Invalid("wrong_password", "原密码不正确")
    if new != again:
        raise Invalid("mismatch", "两次输入的新密码不一致")
    if len(new) < MIN_PASSWORD:
        raise Invalid("weak_password", f"新密码至少 {MIN_PASSWORD} 个字符")
    if new == old:
        raise Invalid("same_password", "新密码不能与原密码相同")
    accounts.set_password(db(), g.user.name, new, by=g.user.id)   # every session ends, this one restarts
    sessions.begin(accounts.get_user(db(), g.user.id))
    flash("密码已修改，其他设备上的登录已失效", "success")
    return redirect(url_for("ui.profile"))


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def issue_token():
    label = request.form.get("label", "").strip()[:100]
    issued = accounts.create_token(db(), g.user.name, label=label, by=g.user.id)
    # shown once, on this response only (never stored, never put in a redirect)
    response = render_template("ui/profile.html", tokens=_tokens(g.user.id), issued=issued,
                               min_password=MIN_PASSWORD)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    with db().read() as s:
        token = s.get(PersonalToken, token_id)
        owner = token.user_id if token is not None else None
    if owner != g.user.id:
        raise Forbidden("forbidden", "只能吊销自己的个人令牌")
    accounts.revoke_token(db(), token_id, by=g.user.id)
    flash(f"个人令牌 {token_id} 已吊销", "success")
    return redirect(url_for("ui.profile"))
