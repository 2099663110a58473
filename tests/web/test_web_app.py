"""The app factory (configuration, secrets, cookies, CSRF, the UI blueprint) and the web commands
(`screening bootstrap`, `serve`, `worker`), `api.py` and `scripts/run.sh`."""
from __future__ import annotations

import re
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest
from flask import Blueprint

from screening.review import accounts
from screening.review.db import Database
from screening.web import close_app, create_app, settings

from web_helpers import child_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_app(app_config):
    made = []

    def make(**overrides):
        made.append(create_app({**app_config, **overrides}))
        return made[-1]
    yield make
    for app in made:
        close_app(app)


def test_the_session_key_is_created_once_with_mode_0600(make_app, instance):
    first = make_app()
    key_file = instance / "session.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert make_app().config["SECRET_KEY"] == first.config["SECRET_KEY"] and len(first.config["SECRET_KEY"]) == 32


def test_a_given_secret_key_is_used(make_app, instance):
    app = make_app(SECRET_KEY="from-the-environment")
    assert app.config["SECRET_KEY"] == "from-the-environment" and not (instance / "session.key").exists()


def test_cookies_are_secure_behind_https(make_app):
    app = make_app(PREFER_HTTPS=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["PREFERRED_URL_SCHEME"] == "https"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert make_app().config["SESSION_COOKIE_SECURE"] is False


def test_settings_from_the_environment(tmp_path):
    config = settings.from_env({"SCREENING_INSTANCE": str(tmp_path), "SCREENING_MAX_UPLOAD_BYTES": "1000",
                                "SCREENING_PREFER_HTTPS": "yes", "SCREENING_RATE_LIMIT": "5 per second",
                                "REDIS_URL": "redis://127.0.0.1:1/0", "SCREENING_CLASSIFIER": "0"})
    assert config["MAX_CONTENT_LENGTH"] == 1000 and config["PREFER_HTTPS"] is True
    assert config["RATE_LIMIT"] == "5 per second" and config["CLASSIFIER"] is False
    assert settings.database_url(config) == f"sqlite:///{tmp_path / 'screening.db'}"
    with pytest.raises(ValueError, match="SCREENING_SYNC_MAX_BYTES"):
        settings.from_env({"SCREENING_SYNC_MAX_BYTES": "lots"})


def test_archive_roots_are_absolute_paths_from_the_environment():
    assert settings.from_env({})["ARCHIVE_ROOTS"] == ()               # unset: no archive runs from the UI
    config = settings.from_env({"SCREENING_ARCHIVE_ROOTS": "/data/portal-export:/mnt/archive"})
    assert config["ARCHIVE_ROOTS"] == ("/data/portal-export", "/mnt/archive")
    with pytest.raises(ValueError, match="SCREENING_ARCHIVE_ROOTS"):
        settings.from_env({"SCREENING_ARCHIVE_ROOTS": "/data:archive"})


def test_ui_forms_are_csrf_protected_and_other_errors_stay_html(make_app, monkeypatch):
    """The UI blueprint (screening.web.ui.bp) is registered at / when it exists; its forms need the
    CSRF token, while the API blueprints are exempt."""
    bp = Blueprint("ui", __name__)
    bp.add_url_rule("/form", "form", lambda: "ok", methods=["POST"])
    fake = types.ModuleType("screening.web.ui")
    fake.bp = bp
    monkeypatch.setitem(sys.modules, "screening.web.ui", fake)
    client = make_app().test_client()
    r = client.post("/form", data={"x": "1"})
    assert r.status_code == 400 and r.mimetype == "text/html"
    r = client.get("/no-such-page")
    assert r.status_code == 404 and r.mimetype == "text/html"


def test_without_the_ui_the_app_still_starts(make_app, monkeypatch):
    monkeypatch.setitem(sys.modules, "screening.web.ui", None)     # as if the package were absent
    app = make_app()
    assert not any(name.startswith("ui") for name in app.blueprints)
    assert app.test_client().get("/api/v1/openapi.json").status_code == 200


def test_proxy_count_trusts_forwarded_headers(make_app, request):
    app = make_app(PROXY_COUNT=1)
    org = request.getfixturevalue("org")
    r = app.test_client().get("/api/v1/whoami", headers={**org.auth("key:read"), "X-Forwarded-Proto": "https"})
    assert r.status_code == 200


def run_cli(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "screening.cli", *args], env=child_env(env), input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_bootstrap_creates_the_first_admin_once_and_the_demo(tmp_path):
    env = {"SCREENING_INSTANCE": str(tmp_path / "instance")}
    first = run_cli("bootstrap", "--demo", env=env)
    assert first.returncode == 0, first.stderr
    password = re.search(r"密码：(\S+)", first.stdout).group(1)
    demo = dict(re.findall(r"\t(demo_\w+)\t(\S+)", first.stdout))
    assert set(demo) == {"demo_drafter", "demo_head", "demo_leader", "demo_officer", "demo_admin"}
    key = re.search(r"(ssk_\S+)", first.stdout).group(1)
    db = Database.from_url(f"sqlite:///{tmp_path / 'instance' / 'screening.db'}")
    try:
        assert accounts.login(db, "admin", password).role == "admin"
        for name, secret in demo.items():
            assert accounts.login(db, name, secret).name == name
        assert accounts.api_key_for(db, key) is not None
        again = run_cli("bootstrap", "--demo", env=env)
        assert again.returncode == 0 and "未再创建" in again.stdout and "ssk_" not in again.stdout
        assert password not in again.stdout and not re.search(r"密码：", again.stdout)
        assert len([u for u in accounts.list_users(db) if u.role == "admin"]) == 2   # admin and demo_admin
        reset = run_cli("bootstrap", "--demo", "--reset-demo-passwords", env=env)
        new = dict(re.findall(r"\t(demo_\w+)\t(\S+)", reset.stdout))
        assert accounts.login(db, "demo_head", new["demo_head"]).name == "demo_head"
    finally:
        db.dispose()


def test_serve_refuses_an_uninitialised_database(tmp_path):
    r = run_cli("serve", "--port", "1", env={"SCREENING_INSTANCE": str(tmp_path / "missing")})
    assert r.returncode == 1 and "screening init" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "empty").mkdir()
    r = run_cli("serve", "--port", "1", env={"SCREENING_INSTANCE": str(tmp_path / "empty")})
    assert r.returncode == 1 and "screening init" in r.stderr and "Traceback" not in r.stderr


def test_the_commands_are_registered():
    r = subprocess.run([sys.executable, "-m", "screening.cli", "--help"], capture_output=True, text=True, timeout=60)
    for command in ("serve", "bootstrap", "worker"):
        assert command in r.stdout
    r = subprocess.run([sys.executable, "-m", "screening.cli", "serve", "--help"], capture_output=True, text=True,
                       timeout=60)
    assert "--host" in r.stdout and "--port" in r.stdout


def test_api_py_exposes_the_app(tmp_path):
    code = "import api; print(type(api.app).__name__, sorted(api.app.blueprints)[:3])"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env=child_env({"SCREENING_INSTANCE": str(tmp_path), "SCREENING_CLASSIFIER": "0"}))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Flask")


def test_run_script_is_valid_bash():
    script = ROOT / "scripts" / "run.sh"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    text = script.read_text()
    for step in ("screening\" init", "train --if-changed", "bootstrap", "serve --host", "127.0.0.1", "8000"):
        assert step in text, step
