"""Fixtures of the web tests: an app per test on SQLite and on PostgreSQL (a copy of a database migrated
once per session), a small organisation with personal tokens and system API keys, and servers run
for real: gunicorn (`screening serve`) on a loopback port, and a Redis server for the RQ jobs.

PostgreSQL: TEST_POSTGRES_URL (`make test` starts one). Without it the PostgreSQL tests fail, unless
SCREENING_SKIP_PG=1 says to skip them. Redis: Debian's `redis-server` (scripts/system-deps.sh);
without it the Redis tests fail, unless SCREENING_SKIP_REDIS=1.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from screening.review.db import create_db_engine, upgrade

from tests.databases import BACKENDS, admin_engine, admin_url, migrated_template, pg_execute, pg_url  # noqa: F401
from web_helpers import Live, Org, free_port, make_org, serve

def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, scope="session")


# -- databases ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_admin():
    admin = admin_engine(admin_url())
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def template_url(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    with migrated_template(backend, tmp_path_factory.mktemp("web-template"),
                           lambda: request.getfixturevalue("pg_admin"), "screening_webtmpl") as template:
        yield template


def _copy_database(backend: str, template: str, instance: Path, request: pytest.FixtureRequest):
    """A fresh database from the template: (url, drop callback)."""
    if backend == "sqlite":
        instance.mkdir(parents=True, exist_ok=True)
        path = instance / "screening.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}", lambda: None
    admin = request.getfixturevalue("pg_admin")
    name = f"screening_web_{secrets.token_hex(6)}"
    pg_execute(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return pg_url(admin, name), lambda: pg_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    return tmp_path / "instance"


@pytest.fixture
def db_url(backend: str, template_url: str, instance: Path, request: pytest.FixtureRequest):
    url, drop = _copy_database(backend, template_url, instance, request)
    yield url
    drop()


# -- the app -----------------------------------------------------------------------------------------

@pytest.fixture
def app_config(db_url: str, instance: Path, engine) -> dict:
    """What `app` is made with; a test may change it before asking for `app`."""
    return {"TESTING": True, "INSTANCE": str(instance), "DATABASE_URL": db_url, "ENGINE": engine,
            "RATE_LIMIT": "1000 per minute", "WEBHOOK_BACKOFF": 0.05, "WEBHOOK_TIMEOUT": 5.0}


@pytest.fixture
def app(app_config: dict):
    from screening.web import close_app, create_app

    app = create_app(app_config)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def org(app) -> Org:
    from screening.web.state import EXTENSION

    return make_org(app.extensions[EXTENSION].service.db)


# -- real servers ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_sqlite(tmp_path_factory: pytest.TempPathFactory, template_url_sqlite: str):
    """gunicorn (`screening serve`) on a loopback port with the embedded SQLite and the default engine."""
    root = tmp_path_factory.mktemp("live-sqlite")
    instance = root / "instance"
    instance.mkdir()
    shutil.copyfile(template_url_sqlite, instance / "screening.db")
    env = {"SCREENING_INSTANCE": str(instance), "SCREENING_RATE_LIMIT": "100000 per minute"}
    with serve(env, root) as url:
        yield Live(url, make_org(_db(f"sqlite:///{instance / 'screening.db'}")), env)


@pytest.fixture(scope="session")
def template_url_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("web-template-live") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def live(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Live:
    """A running server on this test's backend: the shared SQLite one, or a PostgreSQL one."""
    if backend == "sqlite":
        return request.getfixturevalue("live_sqlite")
    template = request.getfixturevalue("template_url")
    instance = tmp_path / "instance"
    url, drop = _copy_database(backend, template, instance, request)
    request.addfinalizer(drop)
    env = {"SCREENING_INSTANCE": str(instance), "DATABASE_URL": url,
           "SCREENING_RATE_LIMIT": "100000 per minute"}
    server = serve(env, tmp_path)
    base = server.__enter__()
    db = _db(url)
    request.addfinalizer(db.dispose)
    request.addfinalizer(lambda: server.__exit__(None, None, None))
    return Live(base, make_org(db), env)


def _db(url: str):
    from screening.review.db import Database

    return Database.from_url(url, poolclass=sa.pool.NullPool)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    """A real Redis server (Debian's redis-server) on a loopback port, for this session only."""
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if binary is None:
        if os.environ.get("SCREENING_SKIP_REDIS") == "1":
            pytest.skip("SCREENING_SKIP_REDIS=1: Redis tests skipped on request")
        pytest.fail("redis-server is not installed: run scripts/system-deps.sh (or apt-get install redis-server), "
                    "or set SCREENING_SKIP_REDIS=1 to skip the Redis tests explicitly")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no", "--dir", str(folder), "--protected-mode", "yes",
                             "--logfile", str(folder / "redis.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start: {(folder / 'redis.log').read_text(errors='replace')}")
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)
