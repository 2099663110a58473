"""Administration commands (SPEC §2): `init`, `user add`, `token create`, `apikey create|revoke`,
`audit verify`, plus `user list|password|set-role|add-membership|remove-membership`, `token revoke`,
`apikey list`, `deadlines refresh`, `unit secrecy-stage` (the optional fourth stage 保密审核) and
`reseal` (what an older version left in the clear, sealed or masked: `init` does it too, after the
migrations).

`register(subparsers)` adds them to the `screening` console script; every subcommand sets
`func(args) -> int` (the exit status). `main(argv)` runs them on their own.
Configuration: `DATABASE_URL`, `SCREENING_INSTANCE`, `SCREENING_SECRET_KEY` (see config.py).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from screening.review import accounts, audit, memberships, provisioning, units
from screening.review.config import ReviewConfig
from screening.review.db import Database, current_revision, head_revision, upgrade
from screening.review.deadlines import CalendarError, WorkCalendar
from screening.review.enums import SCOPES, Role
from screening.review.errors import ReviewError
from screening.review.models import AUDIT_PURPOSE
from screening.review.reseal import reseal
from screening.review.sealing import Sealer
from screening.review.service import refresh_deadlines


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("init", help="创建或升级数据库（create or migrate the database）")
    p.set_defaults(func=cmd_init)
    p = subparsers.add_parser("reseal", help="加密或遮盖旧版本留下的明文（发现内容、密级标志；init 也会执行）")
    p.set_defaults(func=cmd_reseal)

    user = subparsers.add_parser("user", help="用户管理")
    users = user.add_subparsers(dest="user_command", required=True,
                                metavar="{add,list,password,set-role,add-membership,remove-membership}")
    p = users.add_parser("add", help="新增用户（单位、部门不存在时自动创建）")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--unit", required=True)
    p.add_argument("--department")
    p.add_argument("--display-name", default="")
    p.add_argument("--email")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    p.add_argument("--deployment-wide", action="store_true",
                   help="（仅 admin）管理全部单位的管理员；默认只管理本单位")
    p.set_defaults(func=cmd_user_add)
    p = users.add_parser("list", help="列出用户")
    p.set_defaults(func=cmd_user_list)
    p = users.add_parser("password", help="重设用户密码（如找回第一个管理员的密码）")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    p.set_defaults(func=cmd_user_password)
    p = users.add_parser("set-role", help="修改用户的角色、单位、部门（单位和部门须已存在）")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--unit")
    p.add_argument("--department")
    p.set_defaults(func=cmd_user_set_role)
    for command, helptext, func in (
            ("add-membership", "为用户增加兼任角色（如兼任另一部门的负责人；部门须为其本单位的部门）", cmd_user_add_membership),
            ("remove-membership", "取消用户的兼任角色", cmd_user_remove_membership)):
        p = users.add_parser(command, help=helptext)
        p.add_argument("name")
        p.add_argument("--role", required=True, choices=[r.value for r in Role if r is not Role.ADMIN])
        p.add_argument("--department", help="承办人、部门负责人必填")
        p.set_defaults(func=func)

    unit = subparsers.add_parser("unit", help="单位设置")
    unit_commands = unit.add_subparsers(dest="unit_command", required=True, metavar="{secrecy-stage}")
    p = unit_commands.add_parser("secrecy-stage",
                                 help="开启或关闭保密审核环节（四级审核：部门负责人审核后由保密员审核；对此后新建的案件生效）")
    p.add_argument("unit")
    p.add_argument("state", choices=["on", "off"])
    p.set_defaults(func=cmd_unit_secrecy_stage)

    token = subparsers.add_parser("token", help="个人令牌（代表本人签署，仅显示一次）")
    tokens = token.add_subparsers(dest="token_command", required=True, metavar="{create,revoke}")
    p = tokens.add_parser("create", help="为用户签发个人令牌")
    p.add_argument("--user", required=True)
    p.add_argument("--label", default="")
    p.add_argument("--days", type=int, default=accounts.TOKEN_LIFETIME.days,
                   help=f"有效天数（默认 {accounts.TOKEN_LIFETIME.days}；0 表示直到吊销）")
    p.set_defaults(func=cmd_token_create)
    p = tokens.add_parser("revoke", help="吊销个人令牌")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_token_revoke)

    key = subparsers.add_parser("apikey", help="系统 API 密钥（只能筛查和查询，不能签署）")
    keys = key.add_subparsers(dest="apikey_command", required=True, metavar="{create,revoke,list}")
    p = keys.add_parser("create", help="创建系统 API 密钥")
    p.add_argument("--name", required=True)
    p.add_argument("--scopes", required=True, help=f"逗号分隔：{','.join(SCOPES)}")
    p.add_argument("--unit", default=None,
                   help="所属单位：只能查看该单位的案件、接收该单位的通知；省略则为全部署范围（所有单位）")
    p.set_defaults(func=cmd_apikey_create)
    p = keys.add_parser("revoke", help="吊销系统 API 密钥")
    p.add_argument("name", nargs="?")
    p.add_argument("--name", dest="name_opt")
    p.set_defaults(func=cmd_apikey_revoke)
    p = keys.add_parser("list", help="列出系统 API 密钥")
    p.set_defaults(func=cmd_apikey_list)

    due = subparsers.add_parser("deadlines", help="公开期限")
    dues = due.add_subparsers(dest="deadlines_command", required=True, metavar="{refresh}")
    p = dues.add_parser("refresh", help="补充节假日数据后，重新计算未结案件的最迟公开日")
    p.set_defaults(func=cmd_deadlines_refresh)

    p = subparsers.add_parser("summary", help="导出本单位某月的保密审查汇总表（xlsx 或 docx）")
    p.add_argument("--unit", required=True)
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx|FILE.docx")
    p.add_argument("--prepared-by", default="", help="填报人")
    p.set_defaults(func=cmd_summary)

    trail = subparsers.add_parser("audit", help="审计记录")
    trails = trail.add_subparsers(dest="audit_command", required=True, metavar="{verify}")
    p = trails.add_parser("verify", help="校验审计哈希链，报告第一处断裂")
    p.set_defaults(func=cmd_audit_verify)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="screening", description="保密审查：管理命令")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


# -- commands ----------------------------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    config = ReviewConfig.from_env()
    for folder in (config.instance, config.files_dir):   # stored files and the key: owner only
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
    config.holidays_dir.mkdir(exist_ok=True)
    config.storage_key()   # create the key file once, unless SCREENING_SECRET_KEY is set
    db = Database.from_url(config.database_url)
    try:
        upgrade(db.engine)
        revision = current_revision(db.engine)
        counts = reseal(db, config.storage_key())
    finally:
        db.dispose()
    shown = sa.engine.make_url(config.database_url).render_as_string(hide_password=True)
    print(f"数据库已就绪（迁移版本 {revision}）：{shown}")
    if counts.total:
        print(counts)
    return 0


def cmd_reseal(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        print(reseal(db, ReviewConfig.from_env().storage_key()))
        return 0
    return _with_db(run)


def cmd_user_add(args: argparse.Namespace) -> int:
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            return _fail("标准输入中没有密码")

    def run(db: Database) -> int:
        info = provisioning.add_user(db, args.name, role=args.role, unit=args.unit, department=args.department,
                                 password=password, display_name=args.display_name, email=args.email,
                                 deployment_admin=args.deployment_wide)
        where = info.unit + (f" / {info.department}" if info.department else "")
        print(f"已创建用户 {info.name}（{info.role.label}，{where}）")
        return 0
    return _with_db(run)


def cmd_user_password(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass
        password = getpass.getpass("新密码：")
        if password != getpass.getpass("再输入一次："):
            return _fail("两次输入的密码不一致")
    if len(password) < 8:
        return _fail("密码至少 8 个字符")

    def run(db: Database) -> int:
        accounts.set_password(db, args.name, password)
        print(f"已重设用户 {args.name} 的密码（登录失败次数和锁定已清除）")
        return 0
    return _with_db(run)


def cmd_unit_secrecy_stage(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        on = args.state == "on"
        kept = units.set_secrecy_stage(db, args.unit, on)
        print(f"{args.unit}：已{'开启' if on else '关闭'}保密审核环节，此后新建的案件为{'四' if on else '三'}级审核"
              + (f"（办理中的 {kept} 件案件按原流程办理）" if kept else ""))
        return 0
    return _with_db(run)


def cmd_user_set_role(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        info, signed = provisioning.set_role(db, args.name, args.role, unit=args.unit, department=args.department)
        where = info.unit + (f" / {info.department}" if info.department else "")
        print(f"已将用户 {info.name} 改为{info.role.label}（{where}）")
        if signed:
            print(f"注意：该用户已签署未结案件 {', '.join(map(str, signed))} 的审核环节，"
                  "同一人只能签署一个环节，这些案件中不能再由其签署其他环节")
        return 0
    return _with_db(run)


def cmd_user_add_membership(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        added = memberships.add_membership(db, args.name, args.role, department=args.department)
        print(f"已为用户 {args.name} 增加兼任：{added.label}；其登录会话和个人令牌已失效")
        return 0
    return _with_db(run)


def cmd_user_remove_membership(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        gone = memberships.remove_membership(db, args.name, role=args.role, department=args.department)
        print(f"已取消用户 {args.name} 的兼任：{gone.label}；其登录会话和个人令牌已失效")
        return 0
    return _with_db(run)


def cmd_user_list(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        for u in accounts.list_users(db):
            state = "" if u.active else "（已停用）"
            also = "".join(f"\t兼任：{m.label}" for m in u.memberships)
            print(f"{u.id}\t{u.name}\t{u.role}\t{u.unit}\t{u.department or '-'}{state}{also}")
        return 0
    return _with_db(run)


def cmd_token_create(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        lifetime = timedelta(days=args.days) if args.days > 0 else None
        issued = accounts.create_token(db, args.user, label=args.label, lifetime=lifetime)
        print(f"已为 {issued.name} 签发个人令牌（编号 {issued.id}），仅显示这一次，请妥善保存：", file=sys.stderr)
        print(issued.secret)
        return 0
    return _with_db(run)


def cmd_token_revoke(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        accounts.revoke_token(db, args.id)
        print(f"个人令牌 {args.id} 已吊销")
        return 0
    return _with_db(run)


def cmd_apikey_create(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        issued = accounts.create_api_key(db, args.name, args.scopes, unit=args.unit)
        scope = f"单位：{args.unit}" if args.unit else "全部署范围：可查看所有单位的案件"
        print(f"已创建系统 API 密钥 {issued.name}（编号 {issued.id}，{scope}），仅显示这一次，请妥善保存：",
              file=sys.stderr)
        print(issued.secret)
        return 0
    return _with_db(run)


def cmd_apikey_revoke(args: argparse.Namespace) -> int:
    name = args.name or args.name_opt
    if not name:
        return _fail("请指定要吊销的 API 密钥名称")

    def run(db: Database) -> int:
        accounts.revoke_api_key(db, name)
        print(f"系统 API 密钥 {name} 已吊销")
        return 0
    return _with_db(run)


def cmd_apikey_list(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        for k in accounts.list_api_keys(db):
            state = f"已吊销 {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "有效"
            print(f"{k.id}\t{k.name}\t{k.prefix}…\t{','.join(k.scopes)}\t{state}")
        return 0
    return _with_db(run)


def cmd_deadlines_refresh(args: argparse.Namespace) -> int:
    config = ReviewConfig.from_env()

    def run(db: Database) -> int:
        calendar = WorkCalendar([config.holidays_dir])
        changed = refresh_deadlines(db, calendar, datetime.now(timezone.utc))
        print(f"已重新计算最迟公开日：{changed} 个案件有变化")
        return 0
    return _with_db(run)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    def run(db: Database) -> int:
        with db.read() as s:
            result = audit.verify(s, Sealer(ReviewConfig.from_env().storage_key(), AUDIT_PURPOSE))
        print(result, file=sys.stdout if result.ok else sys.stderr)
        return 0 if result.ok else 1
    return _with_db(run)


def cmd_summary(args: argparse.Namespace) -> int:
    from screening.review.monthly import FORMATS, monthly_summary, render

    output = Path(args.output)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        return _fail("汇总表只能导出为 .xlsx 或 .docx")

    def run(db: Database) -> int:
        try:
            summary = monthly_summary(db, args.unit, args.month, prepared_by=args.prepared_by)
        except ValueError as exc:
            return _fail(str(exc))
        data, _ = render(summary, fmt)
        output.write_bytes(data)
        print(f"已导出 {summary.title}（{len(summary.rows)} 项）：{output}")
        return 0
    return _with_db(run)


# -- helpers -----------------------------------------------------------------------------------------

def _with_db(run: Callable[[Database], int]) -> int:
    config = ReviewConfig.from_env()
    if config.database_url.startswith("sqlite") and not (config.instance / "screening.db").exists() \
            and str(config.instance) in config.database_url:
        return _fail("数据库尚未初始化，请先运行 screening init")
    db = Database.from_url(config.database_url)
    try:
        if current_revision(db.engine) != head_revision():
            return _fail("数据库尚未初始化或版本过旧，请先运行 screening init")
        return run(db)
    except ReviewError as exc:
        return _fail(exc.message)
    except CalendarError as exc:
        return _fail(str(exc))
    finally:
        db.dispose()


def _fail(message: str) -> int:
    print(f"screening: {message}", file=sys.stderr)
    return 1
