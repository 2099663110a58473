"""What every UI page needs: the services, the logged-in user, role checks, refusals shown as pages,
and the template helpers (labels, China time, colours)."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from screening import labels
from screening.review.enums import DispositionAction, Role, Stage
from screening.review.errors import Forbidden, NotFound, ReviewError
from screening.review.lexicon import LexiconScreener
from screening.review.views import CHINA
from screening.types import Category, PartKind, Severity
from screening.web import sessions
from screening.web.state import EXTENSION, state
from screening.web.ui import bp, plain

# Category colours (highlight background, swatch): one hue per SPEC category, readable on white.
CATEGORY_COLOURS = {
    "marking": "#f8b4b4", "state_secret": "#f5a3c7", "work_secret": "#fcd68a",
    "personal_info": "#a7d3f5", "credential": "#c9b6f2", "network": "#a8e0c4", "hidden": "#d6d3ce",
}
CATEGORY_INK = {
    "marking": "#9b1c1c", "state_secret": "#99154b", "work_secret": "#8a5a00",
    "personal_info": "#1a5e96", "credential": "#5b3a9e", "network": "#1f6b46", "hidden": "#57534e",
}
ROLE_HOME = {Role.ADMIN: "ui.admin_users"}


# -- services ----------------------------------------------------------------------------------------

def service():
    """The ReviewService built by create_app() (screening.web.state)."""
    return state().service


def db():
    return service().db


def screener() -> LexiconScreener:
    """The engine with the custom lexicon: the one object the review service, the API's stateless
    screening and the UI screen with. The app's engine is wrapped once, on the first request."""
    st = state()
    if not isinstance(st.service.engine, LexiconScreener):
        wrapped = LexiconScreener(st.service.engine, st.service.db)
        st.service.engine = wrapped
        st.engine = wrapped
    return st.service.engine


@bp.before_app_request
def _lexicon_everywhere() -> None:
    """Cases opened and documents screened through the API use the lexicon too."""
    if EXTENSION in current_app.extensions:
        screener()


@bp.record_once
def _html_errors(setup) -> None:
    """HTTP errors outside the API (e.g. an unknown address) are answered with the UI's page."""
    setup.app.extensions["screening.html_errors"] = _http_error


def now() -> datetime:
    return service().clock()


def today() -> date:
    return now().astimezone(CHINA).date()


# -- the user ----------------------------------------------------------------------------------------

@bp.before_request
def _load_user() -> None:
    g.user = sessions.current(db())


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if g.get("user") is None:
            if request.method == "GET":
                return redirect(url_for("ui.login", next=request.full_path.rstrip("?")))
            return redirect(url_for("ui.login"))
        return view(*args, **kwargs)
    return wrapped


def roles(*allowed: Role) -> Callable:
    """Logged in and one of `allowed` roles, else 403 (checked on the server, whatever the page shows)."""
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if not g.user.holds(*allowed):
                names = "、".join(r.label for r in allowed)
                raise Forbidden("forbidden", f"此页面仅限{names}使用")
            return view(*args, **kwargs)
        return wrapped
    return decorate


def home_url() -> str:
    user = g.get("user")
    if user is None:
        return url_for("ui.login")
    return url_for(ROLE_HOME.get(user.role, "ui.todo"))


# -- refusals ----------------------------------------------------------------------------------------

@bp.errorhandler(ReviewError)
def _refused(exc: ReviewError):
    """A refusal of the review layer. A form that was merely incomplete goes back with the message;
    anything forbidden or missing is a page with its status."""
    if request.method == "POST" and exc.status in (400, 401, 409, 422) and g.get("user") is not None:
        flash(exc.message, "error")
        return redirect(back_url())
    title = {403: "无权访问", 404: "未找到", 409: "无法办理", 503: "暂时无法办理"}.get(exc.status, "请求有误")
    return render_template("ui/error.html", title=title, message=exc.message, status=exc.status), exc.status


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    if exc.code is None or exc.code < 400:
        return exc
    messages = {400: "请求有误（表单可能已过期，请刷新页面后重试）", 403: "无权访问", 404: "页面不存在",
                405: "不支持该操作", 413: "上传的文件过大", 429: "尝试过于频繁，请稍后再试"}
    return render_template("ui/error.html", title=messages.get(exc.code, "出错了"),
                           message=messages.get(exc.code, exc.description), status=exc.code), exc.code


def back_url() -> str:
    """Where a form goes back to: its `next` field when it is a local path, else the referring page."""
    target = request.form.get("next") or request.referrer or ""
    host = request.host_url.rstrip("/")
    if target.startswith(host + "/"):
        target = target[len(host):]
    return local_path(target) or home_url()


# Browsers drop tabs and newlines from a URL and read a backslash as a slash, so `/\t/evil.example`
# and `/\\evil.example` leave the site; a newline would also split the Location header.
_NOT_IN_A_LOCAL_PATH = re.compile(r"[\x00-\x20\x7f\\]")


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site (`/cases/3?x=1#f-2`), else None: never a scheme, a
    host, a protocol-relative `//host`, a backslash, whitespace or a control character."""
    if not target or not target.startswith("/") or target.startswith("//") or _NOT_IN_A_LOCAL_PATH.search(target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def safe_next(target: str | None, default: str) -> str:
    return local_path(target) or default


def not_found(message: str = "页面不存在") -> NotFound:
    return NotFound("not_found", message)


# -- template helpers --------------------------------------------------------------------------------

def cst(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC moment (datetime or ISO text) shown in China time."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(CHINA)
        return value.strftime(fmt)
    return str(value)


def category_label(category: str, subtype: str | None = None) -> str:
    try:
        name = labels.CATEGORY[Category(category)]
    except ValueError:
        return category
    if category == "personal_info" and subtype in labels.SUBTYPE:
        name = f"{name}（{labels.SUBTYPE[subtype]}）"
    return name


def severity_label(severity: str) -> str:
    try:
        return labels.SEVERITY[Severity(severity)]
    except ValueError:
        return severity


def part_label(part: str) -> str:
    try:
        return labels.PART[PartKind(part)]
    except ValueError:
        return part


def where(location: dict) -> str:
    """"正文 第2页 第12段", or for a table cell "表2 第5行 身份证号" (the column's header, else its number)."""
    if location.get("row") is not None and location.get("column") is not None:
        bits = [f"{location['sheet']}工作表" if location.get("sheet") else f"表{location.get('table') or 1}",
                f"第{location['row']}行", location.get("header") or f"第{location['column']}列"]
        if location.get("page") is not None:
            bits.insert(0, f"第{location['page']}页")
        return " ".join(bits)
    bits = [part_label(location.get("part", ""))]
    if location.get("page") is not None:
        bits.append(f"第{location['page']}页")
    if location.get("paragraph") is not None:
        bits.append(f"第{location['paragraph']}段")
    return " ".join(bits)


def rule_table() -> dict[str, plain.RuleInfo]:
    """Rule id → category, subtype and message, from the app's rule set (built once)."""
    key = "screening_ui.rule_table"
    if key not in current_app.extensions:
        engine = screener()
        base = getattr(engine, "base", engine)
        current_app.extensions[key] = plain.rule_table(base.ruleset.rules)
    return current_app.extensions[key]


def rule_label(rule: str, category: str | None = None, subtype: str | None = None) -> str:
    return plain.rule_label(rule, rule_table(), category, subtype)


def event_text(event: dict) -> str:
    return plain.event_text(event.get("action", ""), event.get("payload") or {}, rule_table())


def display_names(names) -> dict[str, str]:
    """Login name → display name (for the audit log), for the names given."""
    wanted = {n for n in names if n}
    if not wanted:
        return {}
    import sqlalchemy as sa

    from screening.review.models import User
    with db().read() as s:
        rows = s.execute(sa.select(User.name, User.display_name).where(User.name.in_(wanted))).all()
    return {name: label or name for name, label in rows}


def action_label(action: str) -> str:
    try:
        return DispositionAction(action).label
    except ValueError:
        return action


def stage_label(stage: str) -> str:
    try:
        return Stage(stage).label
    except ValueError:
        return stage


def role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


@bp.app_context_processor
def _helpers() -> dict:
    return {
        "CATEGORY_COLOURS": CATEGORY_COLOURS, "CATEGORY_INK": CATEGORY_INK,
        "CATEGORY_NAMES": {str(k): v for k, v in labels.CATEGORY.items()},
        "category_label": category_label, "severity_label": severity_label, "part_label": part_label,
        "where": where, "action_label": action_label, "stage_label": stage_label,
        "role_label": role_label, "cst": cst, "Role": Role, "nav": _nav(), "csrf": csrf_field,
        "rule_label": rule_label, "basis_label": plain.basis_label, "scope_label": plain.scope_label,
        "event_text": event_text, "split_error": plain.split_error, "verdict_label": plain.verdict_label,
        "accepted_files": _accepted_files(),
    }


@functools.cache
def _accepted_files() -> str:
    """The file picker's `accept` list: every format the service reads (Word and WPS, spreadsheets,
    PDF, OFD, images, mail, web pages …), from the extractors' registry."""
    from screening.extract import accepted_extensions

    return ",".join(accepted_extensions())


def csrf_field() -> Markup:
    from flask_wtf.csrf import generate_csrf

    return Markup(f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">')


def _nav() -> list[tuple[str, str, str]]:
    """(endpoint, label, key) of the menu for the logged-in user's role."""
    user = g.get("user")
    if user is None:
        return []
    items = [("ui.todo", "待办", "todo")]
    if user.holds(Role.DRAFTER):
        items.append(("ui.selfcheck", "自查 / 新建审查", "selfcheck"))
    if user.role is not Role.ADMIN:
        items.append(("ui.case_list", "案件" if not user.holds(Role.SECRECY_OFFICER) else "全部案件", "cases"))
    if user.holds(Role.SECRECY_OFFICER):
        items += [("ui.quarantine", "隔离通报", "quarantine"), ("ui.rescreen_page", "档案复查", "rescreen"),
                  ("ui.provisioning_page", "账号确认", "accounts"), ("ui.stats", "统计", "stats"),
                  ("ui.rules", "规则与词库", "rules"), ("ui.try_rules", "规则试用", "try")]
    elif user.holds(Role.LEADER):
        items.append(("ui.stats", "统计", "stats"))
    if user.role is Role.ADMIN:
        items += [("ui.admin_users", "用户与角色", "users"), ("ui.admin_units", "单位与部门", "units"),
                  ("ui.admin_keys", "API 密钥", "keys")]
    items.append(("ui.profile", "个人设置", "profile"))
    return items
