"""The administrator: units and departments, users and their roles, system API keys. Each change is
one audited transaction of the review layer's `provisioning` and `accounts` functions, which also
decide what this administrator may manage (their own unit; every unit for a deployment administrator)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for

from screening.review import accounts, memberships, provisioning, units
from screening.review.enums import SCOPES, Role
from screening.review.errors import Forbidden, Invalid
from screening.review.models import Department, Unit, User
from screening.review.tx import transaction
from screening.web.ui import bp
from screening.web.ui.auth import MIN_PASSWORD
from screening.web.ui.common import db, now, roles


def _units() -> list[dict]:
    """The units the administrator manages: their own, or every unit for a deployment administrator."""
    with db().read() as s:
        q = sa.select(Unit).order_by(Unit.name)
        if not g.user.deployment_admin:
            q = q.where(Unit.id == g.user.unit_id)
        units = s.execute(q).scalars().all()
        depts = s.execute(sa.select(Department).order_by(Department.name)).scalars().all()
        counts = dict(s.execute(sa.select(User.unit_id, sa.func.count(User.id)).group_by(User.unit_id)).all())
        return [{"id": u.id, "name": u.name, "users": counts.get(u.id, 0), "secrecy_stage": u.secrecy_stage,
                 "departments": [d.name for d in depts if d.unit_id == u.id]} for u in units]


@bp.route("/admin/units")
@roles(Role.ADMIN)
def admin_units():
    return render_template("ui/admin_units.html", units=_units())


@bp.route("/admin/units", methods=["POST"])
@roles(Role.ADMIN)
def admin_units_post():
    unit = (request.form.get("unit") or "").strip()
    department = (request.form.get("department") or "").strip()
    if not unit:
        raise Invalid("invalid_unit", "请填写单位名称")
    if not g.user.deployment_admin and unit != g.user.unit:
        raise Forbidden("other_unit", "只能为本单位添加部门；新增单位须由管理全部单位的管理员办理")
    with transaction(db(), now()) as tx:
        actor = tx.session.get(User, g.user.id)
        row = provisioning.ensure_unit(tx.session, unit, tx.now)
        dept = provisioning.ensure_department(tx.session, row, department, tx.now) if department else None
        tx.record("unit.add", actor, None, unit=row.name, department=dept.name if dept else None)
    flash(f"已添加：{unit}" + (f" / {department}" if department else ""), "success")
    return redirect(url_for("ui.admin_units"))


@bp.route("/admin/units/<int:unit_id>/secrecy-stage", methods=["POST"])
@roles(Role.ADMIN)
def admin_unit_secrecy_stage(unit_id: int):
    """Switch the fourth sign-off stage 保密审核 on or off for a unit (its cases opened from now on)."""
    on = request.form.get("secrecy_stage") == "on"
    name, kept = units.set_secrecy_stage_of(db(), unit_id, on, by=g.user.id)
    state = "已开启保密审核环节：此后新建的案件经承办部门负责人审核后，须由本单位保密员保密审核，再报单位负责人审发" \
        if on else "已关闭保密审核环节：此后新建的案件为三级审核"
    flash(f"{name}{state}" + (f"（办理中的 {kept} 件案件按原流程办理）" if kept else ""), "success")
    return redirect(url_for("ui.admin_units"))


@bp.route("/admin/users")
@roles(Role.ADMIN)
def admin_users():
    return render_template("ui/admin_users.html", users=accounts.list_users(db(), by=g.user.id), units=_units(),
                           roles=list(Role), member_roles=[r for r in Role if r is not Role.ADMIN],
                           min_password=MIN_PASSWORD, form={})


@bp.route("/admin/users", methods=["POST"])
@roles(Role.ADMIN)
def admin_users_post():
    form = {k: (request.form.get(k) or "").strip() for k in
            ("name", "display_name", "role", "unit", "department", "email")}
    password = request.form.get("password", "")
    if len(password) < MIN_PASSWORD:
        raise Invalid("weak_password", f"初始密码至少 {MIN_PASSWORD} 个字符")
    info = provisioning.add_user(db(), form["name"], role=form["role"], unit=form["unit"],
                             department=form["department"] or None, password=password,
                             display_name=form["display_name"], email=form["email"] or None, by=g.user.id)
    flash(f"已创建用户 {info.name}（{info.role.label}，{info.unit}"
          + (f" / {info.department}" if info.department else "") + "）", "success")
    return redirect(url_for("ui.admin_users"))


@bp.route("/admin/users/<name>/active", methods=["POST"])
@roles(Role.ADMIN)
def admin_user_active(name: str):
    active = request.form.get("active") == "1"
    provisioning.set_active(db(), name, active, by=g.user.id)
    flash(f"用户 {name} 已{'启用' if active else '停用'}", "success")
    return redirect(url_for("ui.admin_users"))


@bp.route("/admin/users/<name>/password", methods=["POST"])
@roles(Role.ADMIN)
def admin_user_password(name: str):
    password = request.form.get("password", "")
    if len(password) < MIN_PASSWORD:
        raise Invalid("weak_password", f"密码至少 {MIN_PASSWORD} 个字符")
    accounts.set_password(db(), name, password, by=g.user.id)
    flash(f"已重置用户 {name} 的密码；其登录会话和个人令牌已全部失效", "success")
    return redirect(url_for("ui.admin_users"))


@bp.route("/admin/users/<name>/role", methods=["POST"])
@roles(Role.ADMIN)
def admin_user_role(name: str):
    """A new role (and unit or department): the account's sessions and tokens end, and a secrecy
    officer confirms the change before it can count towards a clearance of a case opened earlier."""
    form = {k: (request.form.get(k) or "").strip() for k in ("role", "unit", "department")}
    info, signed_open = provisioning.set_role(db(), name, form["role"], unit=form["unit"] or None,
                                          department=form["department"] or None, by=g.user.id)
    flash(f"已将用户 {info.name} 改为{info.role.label}（{info.unit}" + (f" / {info.department}" if info.department else "")
          + "）；其登录会话和个人令牌已失效，请本单位保密员在“账号确认”中核实"
          + (f"。其已签署的在办案件 {len(signed_open)} 件，后续签署时将重新核对“一人只签一级”" if signed_open else ""),
          "success")
    return redirect(url_for("ui.admin_users"))


@bp.route("/admin/users/<name>/memberships", methods=["POST"])
@roles(Role.ADMIN)
def admin_user_membership_add(name: str):
    """A further role (兼任) in a department of the person's unit: their sessions and tokens end, and a
    secrecy officer confirms it like a role change."""
    form = {k: (request.form.get(k) or "").strip() for k in ("role", "department")}
    added = memberships.add_membership(db(), name, form["role"], department=form["department"] or None,
                                       by=g.user.id)
    flash(f"已为用户 {name} 增加兼任：{added.label}；其登录会话和个人令牌已失效，请本单位保密员在“账号确认”中核实",
          "success")
    return redirect(url_for("ui.admin_users"))


@bp.route("/admin/users/<name>/memberships/<int:membership_id>/remove", methods=["POST"])
@roles(Role.ADMIN)
def admin_user_membership_remove(name: str, membership_id: int):
    gone = memberships.remove_membership(db(), name, membership_id=membership_id, by=g.user.id)
    flash(f"已取消用户 {name} 的兼任：{gone.label}；其登录会话和个人令牌已失效", "success")
    return redirect(url_for("ui.admin_users"))


@bp.route("/admin/keys")
@roles(Role.ADMIN)
def admin_keys():
    return render_template("ui/admin_keys.html", keys=accounts.list_api_keys(db(), by=g.user.id),
                           scopes=SCOPES, issued=None)


@bp.route("/admin/keys", methods=["POST"])
@roles(Role.ADMIN)
def admin_keys_post():
    wide = g.user.deployment_admin and request.form.get("deployment_wide") == "1"
    issued = accounts.create_api_key(db(), request.form.get("name", ""), request.form.getlist("scopes"),
                                     unit=None if wide else g.user.unit, by=g.user.id)
    return (render_template("ui/admin_keys.html", keys=accounts.list_api_keys(db(), by=g.user.id),
                            scopes=SCOPES, issued=issued), 200, {"Cache-Control": "no-store"})


@bp.route("/admin/keys/<int:key_id>/revoke", methods=["POST"])
@roles(Role.ADMIN)
def admin_key_revoke(key_id: int):
    key = next((k for k in accounts.list_api_keys(db(), by=g.user.id) if k.id == key_id), None)
    if key is None or key.revoked_at is not None:
        raise Invalid("no_such_key", "该密钥不存在或已吊销")
    accounts.revoke_api_key(db(), key.name, by=g.user.id)
    flash(f"API 密钥 {key.name} 已吊销", "success")
    return redirect(url_for("ui.admin_keys"))
