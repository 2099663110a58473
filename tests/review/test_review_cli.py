"""The administration commands of SPEC §2, through `screening.review.cli.main(argv)`."""
from __future__ import annotations

import argparse
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from screening.review import accounts, cli, provisioning
from screening.review.db import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch, tmp_path, db_url):
    """The CLI pointed at this test's database (SQLite in the instance folder, or PostgreSQL)."""
    monkeypatch.setenv("SCREENING_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("SCREENING_SECRET_KEY", raising=False)
    return db_url


def run(argv, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_init_a_fresh_default_instance(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "SCREENING_INSTANCE", "SCREENING_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    status, out, err = run(["user", "list"], capsys)
    assert status == 1 and "screening init" in err
    status, out, _ = run(["init"], capsys)
    assert status == 0 and "数据库已就绪" in out
    instance = tmp_path / "instance"
    assert (instance / "screening.db").exists() and (instance / "files").is_dir()
    assert stat.S_IMODE(os.stat(instance / "secret.key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(instance).st_mode) & 0o077 == 0
    assert run(["init"], capsys)[0] == 0           # again: nothing to do
    assert run(["audit", "verify"], capsys)[0] == 0


def test_user_token_apikey_audit(env, capsys, monkeypatch):
    assert run(["init"], capsys)[0] == 0
    status, out, _ = run(["user", "add", "zhang", "--role", "drafter", "--unit", "某市政府办公室",
                          "--department", "政务公开科", "--password-stdin"], capsys, "pa55-word\n", monkeypatch)
    assert status == 0 and "已创建用户 zhang" in out
    status, _, err = run(["user", "add", "zhang", "--role", "drafter", "--unit", "某市政府办公室",
                          "--department", "政务公开科"], capsys)
    assert status == 1 and "已存在" in err
    db = Database.from_url(env)
    try:
        assert accounts.login(db, "zhang", "pa55-word").unit == "某市政府办公室"

        status, out, err = run(["token", "create", "--user", "zhang"], capsys)
        token = out.strip()
        assert status == 0 and token.startswith("sst_") and "仅显示这一次" in err
        assert accounts.user_for_token(db, token).name == "zhang"
        assert run(["token", "create", "--user", "nobody"], capsys)[0] == 1

        status, out, _ = run(["apikey", "create", "--name", "cms", "--scopes", "screen,cases:read,clearance"],
                             capsys)
        key = out.strip()
        assert status == 0 and accounts.api_key_for(db, key).scopes == ("screen", "cases:read", "clearance")
        status, _, err = run(["apikey", "create", "--name", "x", "--scopes", "screen,sign"], capsys)
        assert status == 1 and "权限范围" in err
        status, out, _ = run(["apikey", "list"], capsys)
        assert "cms" in out and key not in out
        assert run(["apikey", "revoke", "cms"], capsys)[0] == 0
        assert accounts.api_key_for(db, key) is None
        assert run(["apikey", "revoke", "--name", "cms"], capsys)[0] == 1     # no such key any more
        assert run(["token", "revoke", "1"], capsys)[0] == 0
        assert accounts.user_for_token(db, token) is None

        status, out, _ = run(["deadlines", "refresh"], capsys)
        assert status == 0 and "0 个案件" in out
        status, out, _ = run(["audit", "verify"], capsys)
        assert status == 0 and "审计链完整" in out
        with db.engine.begin() as conn:
            if db.dialect == "sqlite":
                conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            else:
                conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            conn.exec_driver_sql("UPDATE audit_events SET actor = 'x' WHERE seq = 2")
        status, _, err = run(["audit", "verify"], capsys)
        assert status == 1 and "第 2 条" in err
    finally:
        db.dispose()


def test_bad_arguments_are_usage_errors(env, capsys):
    with pytest.raises(SystemExit) as usage:
        cli.main(["user", "add", "x", "--role", "boss", "--unit", "u"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit):
        cli.main(["apikey", "create", "--name", "x"])


def test_empty_password_on_stdin(env, capsys, monkeypatch):
    run(["init"], capsys)
    status, _, err = run(["user", "add", "a", "--role", "leader", "--unit", "u", "--password-stdin"],
                         capsys, "\n", monkeypatch)
    assert status == 1 and "密码" in err


def test_register_adds_to_a_host_parser():
    parser = argparse.ArgumentParser(prog="screening")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check")
    cli.register(sub)
    args = parser.parse_args(["apikey", "create", "--name", "cms", "--scopes", "screen"])
    assert args.func is cli.cmd_apikey_create
    assert parser.parse_args(["init"]).func is cli.cmd_init
    assert parser.parse_args(["audit", "verify"]).func is cli.cmd_audit_verify


def test_init_works_from_any_folder(tmp_path):
    """Migrations are found inside the package, not relative to the working directory."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SCREENING_SECRET_KEY")}
    env |= {"SCREENING_INSTANCE": str(tmp_path / "inst"), "PYTHONPATH": str(ROOT)}
    code = "import sys; from screening.review.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-W", "error", "-c", code, "init"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "inst" / "screening.db").exists()


def test_service_from_configuration(monkeypatch, tmp_path, capsys):
    """What the web app does: `screening init`, then a service built from the same configuration,
    whose files go to the instance folder and whose calendar reads the instance's holiday files."""
    import json
    from datetime import date

    from screening.review.config import ReviewConfig
    from screening.review.service import ReviewService
    from review_helpers import FakeEngine, fake_extract

    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "SCREENING_INSTANCE", "SCREENING_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["init"]) == 0
    (tmp_path / "instance" / "holidays" / "2027.json").write_text(json.dumps(
        {"schema": "screening.holidays/1", "year": 2027, "holidays": {"2027-01-01": "元旦"}}), encoding="utf-8")
    svc = ReviewService.from_config(ReviewConfig.from_env(), FakeEngine(), extract=fake_extract)
    try:
        drafter = provisioning.add_user(svc.db, "zhang", role="drafter", unit="u", department="d").id
        up = svc.open_case(drafter, title="t", data="正文\n".encode(), filename="a.txt",
                           formed_on=date(2026, 12, 15))
        assert svc.case_view(up.case_id)["due_date"] == "2027-01-13"
        assert [p for p in (tmp_path / "instance" / "files").rglob("*") if p.is_file()]
    finally:
        svc.close()


def test_user_password_and_set_role(env, capsys, monkeypatch):
    from screening.review import accounts

    assert run(["init"], capsys)[0] == 0
    run(["user", "add", "root", "--role", "admin", "--unit", "某市政府办公室", "--password-stdin"],
        capsys, "first-password\n", monkeypatch)
    run(["user", "add", "li", "--role", "drafter", "--unit", "某市政府办公室", "--department", "综合科"], capsys)
    status, out, _ = run(["user", "password", "root", "--password-stdin"], capsys, "a new password\n", monkeypatch)
    assert status == 0 and "已重设用户 root 的密码" in out
    db = Database.from_url(env)
    try:
        assert accounts.login(db, "root", "a new password").name == "root"
        status, _, err = run(["user", "set-role", "li", "--role", "head", "--unit", "某市政府办公窒"], capsys)
        assert status == 1 and "单位“某市政府办公窒”不存在" in err          # a typo creates nothing
        status, out, _ = run(["user", "set-role", "li", "--role", "head"], capsys)
        assert status == 0 and "已将用户 li 改为承办部门负责人（某市政府办公室 / 综合科）" in out
        assert [u.role for u in accounts.list_users(db) if u.name == "li"] == ["head"]
    finally:
        db.dispose()
    status, _, err = run(["user", "password", "nobody", "--password-stdin"], capsys, "whatever-123\n", monkeypatch)
    assert status == 1 and "不存在" in err


def test_unit_secrecy_stage_switch(env, capsys):
    """`screening unit secrecy-stage UNIT on|off`: the fourth stage for the unit's new cases, audited."""
    import sqlalchemy as sa

    from screening.review.models import AuditEvent, Unit

    assert run(["init"], capsys)[0] == 0
    run(["user", "add", "li", "--role", "drafter", "--unit", "某市政府办公室", "--department", "综合科"], capsys)
    status, out, _ = run(["unit", "secrecy-stage", "某市政府办公室", "on"], capsys)
    assert status == 0 and "已开启保密审核环节" in out and "四级审核" in out
    status, _, err = run(["unit", "secrecy-stage", "某市政府办公窒", "on"], capsys)
    assert status == 1 and "不存在" in err
    db = Database.from_url(env)
    try:
        with db.read() as s:
            assert s.execute(sa.select(Unit.secrecy_stage).where(Unit.name == "某市政府办公室")).scalar_one()
            payloads = s.execute(sa.select(AuditEvent.payload).where(AuditEvent.action == "unit.secrecy_stage")).scalars().all()
        assert len(payloads) == 1 and '"via":"cli"' in payloads[0]
    finally:
        db.dispose()
    status, out, _ = run(["unit", "secrecy-stage", "某市政府办公室", "off"], capsys)
    assert status == 0 and "三级审核" in out


def test_user_add_and_remove_membership(env, capsys):
    """`screening user add-membership NAME --role head --department 综合科` and `remove-membership`:
    the person then holds both departments' head stage; `user list` shows it; refusals exit 1."""
    from screening.review import accounts

    assert run(["init"], capsys)[0] == 0
    run(["user", "add", "li", "--role", "head", "--unit", "某市政府办公室", "--department", "政务公开科"], capsys)
    run(["user", "add", "zhang", "--role", "drafter", "--unit", "某市政府办公室", "--department", "综合科"], capsys)
    status, out, _ = run(["user", "add-membership", "li", "--role", "head", "--department", "综合科"], capsys)
    assert status == 0 and "已为用户 li 增加兼任：承办部门负责人（综合科）" in out
    status, out, _ = run(["user", "list"], capsys)
    assert "兼任：承办部门负责人（综合科）" in next(line for line in out.splitlines() if "\tli\t" in line)
    status, _, err = run(["user", "add-membership", "li", "--role", "head", "--department", "综合科"], capsys)
    assert status == 1 and "不能重复添加" in err
    status, _, err = run(["user", "add-membership", "li", "--role", "head", "--department", "综合窒"], capsys)
    assert status == 1 and "没有名为“综合窒”的部门" in err                  # a typo creates nothing
    with pytest.raises(SystemExit) as usage:                                  # not offered at all
        cli.main(["user", "add-membership", "li", "--role", "admin"])
    assert usage.value.code == 2
    db = Database.from_url(env)
    try:
        assert [m.department for m in accounts.list_users(db)[0].memberships] == ["综合科"]
        status, out, _ = run(["user", "remove-membership", "li", "--role", "head", "--department", "综合科"], capsys)
        assert status == 0 and "已取消用户 li 的兼任" in out
        assert accounts.list_users(db)[0].memberships == ()
    finally:
        db.dispose()
    status, _, err = run(["user", "remove-membership", "li", "--role", "head", "--department", "综合科"], capsys)
    assert status == 1 and "没有该兼任角色" in err
