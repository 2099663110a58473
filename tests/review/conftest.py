"""Fixtures of the review tests: a fresh database per test on SQLite and on PostgreSQL (made by the
Alembic migrations, copied from a migrated template), an encrypted store, a small organisation, and a
fake engine for the tests where the engine is not the subject.

PostgreSQL: set TEST_POSTGRES_URL (e.g. `export TEST_POSTGRES_URL=$(scripts/postgres.sh start)`).
Without it the PostgreSQL tests fail, unless SCREENING_SKIP_PG=1 says to skip them.
"""
from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import pytest

from screening.review import provisioning
from screening.review.db import Database
from screening.review.deadlines import WorkCalendar
from screening.review.service import ReviewService
from screening.review.storage import BlobStore, FolderStore

from tests.databases import BACKENDS, admin_engine, admin_url, migrated_template, pg_execute, pg_url  # noqa: F401
from review_helpers import (DEPT, DEPT2, UNIT, UNIT2, Clock, FakeEngine, Org, RecordingNotifier,
                            fake_extract)

def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, scope="session")


# -- databases ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    return admin_url()


@pytest.fixture(scope="session")
def pg_admin(pg_admin_url: str):
    admin = admin_engine(pg_admin_url)
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def template_url(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """A database migrated once per session; each test gets a copy."""
    with migrated_template(backend, tmp_path_factory.mktemp("template"),
                           lambda: request.getfixturevalue("pg_admin"), "screening_tmpl") as template:
        yield template


@pytest.fixture
def db_url(backend: str, template_url: str, tmp_path: Path, request: pytest.FixtureRequest):
    if backend == "sqlite":
        path = tmp_path / "instance" / "screening.db"
        path.parent.mkdir()
        shutil.copyfile(template_url, path)
        yield f"sqlite:///{path}"
        return
    admin = request.getfixturevalue("pg_admin")
    name = f"screening_t_{secrets.token_hex(6)}"
    pg_execute(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template_url}"')
    try:
        yield pg_url(admin, name)
    finally:
        pg_execute(admin, f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def database(db_url: str):
    db = Database.from_url(db_url)
    yield db
    db.dispose()


# -- the service -------------------------------------------------------------------------------------

@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return FolderStore(tmp_path / "instance" / "files", secrets.token_bytes(32))


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def svc(database: Database, store: BlobStore, clock: Clock, notifier: RecordingNotifier) -> ReviewService:
    return ReviewService(database, FakeEngine(), store, extract=fake_extract,
                         calendar=WorkCalendar(include_package=False), notifier=notifier, clock=clock)


@pytest.fixture
def org(database: Database) -> Org:
    def add(name: str, role: str, unit: str = UNIT, department: str | None = DEPT) -> int:
        return provisioning.add_user(database, name, role=role, unit=unit, department=department,
                                 display_name=name.upper()).id
    return Org(
        drafter=add("zhang", "drafter"), drafter2=add("zhao", "drafter"),
        head=add("li", "head"), head_other_dept=add("qian", "head", department=DEPT2),
        leader=add("wang", "leader", department=None),
        officer=add("sun", "secrecy_officer", department=None),
        admin=add("root", "admin", department=None),
        drafter_u2=add("zhou", "drafter", UNIT2), head_u2=add("wu", "head", UNIT2),
        leader_u2=add("zheng", "leader", UNIT2, None),
        officer_u2=add("feng", "secrecy_officer", UNIT2, None),
    )
