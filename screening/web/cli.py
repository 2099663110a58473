"""Commands of the web service (SPEC §2 `serve`, plus `bootstrap` and `worker`):

    screening serve [--host 127.0.0.1] [--port 8000] [--workers N] [--threads N]   # gunicorn
    screening bootstrap [--demo] [--admin NAME] [--unit UNIT] [--reset-demo-passwords]
    screening worker [--burst]                     # RQ worker for large documents (REDIS_URL)

`bootstrap` migrates the database and creates the first administrator with a random password
printed once; there are no default passwords. With `--demo` it also seeds a demo unit with one user
per role and a demo API key, each secret printed once. Running it again changes nothing.
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

from screening.review import accounts, provisioning
from screening.review.config import ReviewConfig
from screening.review.db import Database, database_problem
from screening.review.enums import SCOPES, Role
from screening.review.errors import ReviewError

DEMO_UNIT, DEMO_DEPT = "示例单位（演示）", "办公室"
DEMO_USERS = (   # (name, role, department, display name)
    ("demo_drafter", Role.DRAFTER, DEMO_DEPT, "演示承办人"),
    ("demo_head", Role.HEAD, DEMO_DEPT, "演示部门负责人"),
    ("demo_leader", Role.LEADER, None, "演示单位负责人"),
    ("demo_officer", Role.SECRECY_OFFICER, None, "演示保密员"),
    ("demo_admin", Role.ADMIN, None, "演示管理员"),
)
DEMO_KEY = "demo-cms"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="启动网页界面和 API（gunicorn）")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=0,
                   help="进程数（默认：未设置 REDIS_URL 时 1 个，后台任务在进程内执行；否则 2 个）")
    p.add_argument("--threads", type=int, default=8, help="每个进程的线程数")
    p.add_argument("--timeout", type=int, default=300, help="单个请求的超时秒数")
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser("bootstrap", help="初始化数据库并创建首个管理员（随机密码，仅显示一次）")
    p.add_argument("--demo", action="store_true", help="同时创建演示单位，每个角色一个账号")
    p.add_argument("--admin", default="admin", help="首个管理员的用户名（默认 admin）")
    p.add_argument("--unit", default="本单位", help="首个管理员所属单位")
    p.add_argument("--reset-demo-passwords", action="store_true", help="为已有的演示账号重设随机密码")
    p.set_defaults(func=cmd_bootstrap)

    p = subparsers.add_parser("rescreen", help="档案复查：按现行规则重新审查已审发的文件，报告新发现")
    p.add_argument("--unit", help="要复查的单位（新建复查时必填）")
    p.add_argument("--folder", metavar="DIR",
                   help="复查不在本系统中的已公开档案（文件夹中的每个文件，如网站导出的附件）；与 --unit 一同使用")
    p.add_argument("--resume", type=int, metavar="RUN", help="继续一次中断的复查")
    p.add_argument("--status", type=int, metavar="RUN", help="只显示一次复查的进度")
    p.add_argument("--queue", action="store_true",
                   help="交给 Redis 队列，由各主机上的 screening worker 执行（需设置 REDIS_URL）")
    p.set_defaults(func=cmd_rescreen)

    p = subparsers.add_parser("worker", help="后台任务工作进程（需设置 REDIS_URL）")
    p.add_argument("--burst", action="store_true", help="处理完队列中的任务后退出")
    p.set_defaults(func=cmd_worker)


def _fail(message: str) -> int:
    print(f"screening: {message}", file=sys.stderr)
    return 1


def _password() -> str:
    return secrets.token_urlsafe(12)


# -- serve --------------------------------------------------------------------------------------------

def cmd_serve(args: argparse.Namespace) -> int:
    from gunicorn.app.base import BaseApplication

    problem = database_problem(ReviewConfig.from_env().database_url)
    if problem:
        return _fail(problem)
    workers = args.workers or (2 if os.environ.get("REDIS_URL") else 1)

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{args.host}:{args.port}", "workers": workers, "threads": args.threads,
                "worker_class": "screening.web.server.ApiErrorsWorker", "timeout": args.timeout, "graceful_timeout": 30,
                "preload_app": True, "accesslog": "-", "errorlog": "-", "proc_name": "screening",
                "limit_request_line": 8190, "control_socket_disable": True,
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Callable:
            from screening.web import create_app

            return create_app()

    print(f"保密审查服务：http://{args.host}:{args.port}/  （API 文档：/api/v1/docs/）", file=sys.stderr)
    Server().run()
    return 0


# -- bootstrap ----------------------------------------------------------------------------------------

def cmd_bootstrap(args: argparse.Namespace) -> int:
    from screening.review.cli import cmd_init

    status = cmd_init(args)
    if status != 0:
        return status
    config = ReviewConfig.from_env()
    db = Database.from_url(config.database_url)
    try:
        _first_admin(db, args.admin, args.unit)
        if args.demo:
            _demo(db, reset=args.reset_demo_passwords)
    except ReviewError as exc:
        return _fail(exc.message)
    finally:
        db.dispose()
    return 0


def _first_admin(db: Database, name: str, unit: str) -> None:
    admins = [u for u in accounts.list_users(db) if u.role is Role.ADMIN and not u.name.startswith("demo_")]
    if admins:
        print(f"已有管理员账号（{admins[0].name}），未再创建")
        return
    password = _password()
    provisioning.add_user(db, name, role=Role.ADMIN, unit=unit, password=password, display_name="系统管理员",
                      deployment_admin=True)     # the first administrator manages every unit
    print("已创建首个管理员账号。密码仅显示这一次，请登录后立即修改：")
    print(f"  用户名：{name}")
    print(f"  密码：{password}")


def _demo(db: Database, *, reset: bool) -> None:
    existing = {u.name for u in accounts.list_users(db)}
    lines = []
    for name, role, dept, label in DEMO_USERS:
        if name in existing:
            if not reset:
                continue
            password = _password()
            accounts.set_password(db, name, password)
        else:
            password = _password()
            provisioning.add_user(db, name, role=role, unit=DEMO_UNIT, department=dept, password=password,
                              display_name=label)
        lines.append(f"  {role.label:<8}\t{name}\t{password}")
    if lines:
        print(f"演示单位“{DEMO_UNIT}”的账号（角色、用户名、密码；密码仅显示这一次）：")
        print("\n".join(lines))
    else:
        print("演示账号已存在，密码不再显示（如需重设：screening bootstrap --demo --reset-demo-passwords）")
    if not any(k.name == DEMO_KEY for k in accounts.list_api_keys(db)):
        key = accounts.create_api_key(db, DEMO_KEY, SCOPES)
        print(f"演示系统 API 密钥（{DEMO_KEY}，权限：{','.join(SCOPES)}；仅显示这一次）：")
        print(f"  {key.secret}")


# -- rescreen -----------------------------------------------------------------------------------------

def cmd_rescreen(args: argparse.Namespace) -> int:
    """Exit status: 0 nothing new, 1 new findings in approved documents, 2 a document could not be
    read again (as `screening check`); the run stays resumable with --resume if interrupted."""
    from screening.review import rescreen
    from screening.review.errors import ReviewError
    from screening.web import close_app, create_app
    from screening.web.jobs import RQJobs

    problem = database_problem(ReviewConfig.from_env().database_url)
    if problem:
        return _fail(problem)
    if args.queue and not os.environ.get("REDIS_URL"):
        return _fail("--queue 需要设置 REDIS_URL（各主机的 screening worker 共用的 Redis）")
    app = create_app()
    st = app.extensions["screening"]
    try:
        if args.status is not None:
            _print_progress(rescreen.run_progress(st.service, args.status))
            return 0
        if args.resume is not None:
            run_id = args.resume
        elif args.unit and args.folder:
            from screening.cli import iter_paths

            if not Path(args.folder).is_dir():
                return _fail(f"文件夹不存在：{args.folder}")
            run_id = rescreen.start_folder(st.service, iter_paths([args.folder]), folder=args.folder,
                                           unit=args.unit)
        elif args.unit:
            run_id = rescreen.start(st.service, unit=args.unit, reason="rules")
        else:
            return _fail("请用 --unit 指定要复查的单位，或用 --resume 继续一次中断的复查")
        if args.queue:
            assert isinstance(st.jobs, RQJobs)
            items = rescreen.pending_items(st.service, run_id)
            for item_id in items:
                st.jobs.submit("system:rescreen", "rescreen", {"run_id": run_id, "item_id": item_id})
            print(f"复查 {run_id}：已将 {len(items)} 份文件交给队列；"
                  f"查看进度：screening rescreen --status {run_id}")
            return 0
        tty = sys.stderr.isatty()
        progress = rescreen.run_all(
            st.service, run_id,
            progress=(lambda p: print(f"\r复查 {run_id}：{p.done + p.failed}/{p.total}", end="",
                                      file=sys.stderr)) if tty else None)
        if tty:
            print(file=sys.stderr)
        _print_flags(rescreen.flags_of_run(st.service, run_id))
        _print_progress(progress)
        return 2 if progress.failed else 1 if progress.flagged else 0
    except ReviewError as exc:
        return _fail(exc.message)
    finally:
        close_app(app)


def _print_progress(p) -> None:
    state = "已完成" if p.finished else "未完成（可用 --resume 继续）"
    print(f"复查 {p.run_id}：共 {p.total} 份，已复查 {p.done}，有新发现 {p.flagged}，无法读取 {p.failed}；{state}")


def _print_flags(flags: list[dict]) -> None:
    from screening.labels import CATEGORY, SEVERITY
    from screening.types import Category, Severity

    for f in flags:
        what = f"文件 {f['path']}" if f["case_id"] is None else f"案件 {f['case_id']}《{f['title']}》"
        if f["status"] == "failed":
            print(f"{what}：无法读取（{f['error_code']}），请人工核查")
            continue
        print(f"{what}：{'发现' if f['case_id'] is None else '新发现'} {f['new']} 项")
        for x in f["findings"]:
            print(f"  [{SEVERITY[Severity(x['severity'])]}] {CATEGORY[Category(x['category'])]}：{x['message']}")


# -- worker -------------------------------------------------------------------------------------------

def cmd_worker(args: argparse.Namespace) -> int:
    if not os.environ.get("REDIS_URL"):
        return _fail("未设置 REDIS_URL：没有 Redis 时，大文件任务在 Web 进程内的线程池中执行，无需 worker")
    # no usable database: the worker still runs `screening check --queue` jobs, and ends a database
    # job failed with this reason (checked again before each, so `screening init` later is enough)
    problem = database_problem(ReviewConfig.from_env().database_url)
    if problem:
        print(f"screening: 注意：{problem}。本工作进程先只执行 screening check --queue 任务", file=sys.stderr)
    from screening.web import create_app
    from screening.web.jobs import run_worker

    run_worker(create_app(), burst=args.burst, database_problem=problem)
    return 0
