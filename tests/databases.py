"""The two databases of the suite: SQLite always, PostgreSQL from TEST_POSTGRES_URL (which
`make test` provides). Shared by the review, web and UI tests."""
from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from screening.review.db import create_db_engine, upgrade

BACKENDS = ["sqlite", "postgresql"]


def admin_url() -> str:
    """The PostgreSQL server's URL; without one the PostgreSQL tests fail, unless skipping is asked for."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("SCREENING_SKIP_PG") == "1":
            pytest.skip("SCREENING_SKIP_PG=1: PostgreSQL tests skipped on request")
        pytest.fail("TEST_POSTGRES_URL is not set: start a server with "
                    "`export TEST_POSTGRES_URL=$(scripts/postgres.sh start)`, "
                    "or set SCREENING_SKIP_PG=1 to skip the PostgreSQL tests explicitly")
    return url


def admin_engine(url: str) -> sa.Engine:
    """An AUTOCOMMIT engine on the server's own database, for CREATE/DROP DATABASE."""
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def pg_execute(admin: sa.Engine, statement: str, attempts: int = 20) -> None:
    """Run a statement that a background worker (autovacuum) connected to the database at the wrong
    moment can make fail for a while."""
    for attempt in range(attempts):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(statement)
            return
        except sa.exc.DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def pg_url(admin: sa.Engine, name: str) -> str:
    return admin.url.set(database=name).render_as_string(hide_password=False)


@contextmanager
def migrated_template(backend: str, folder: Path, admin_of, prefix: str) -> Iterator[str]:
    """A database migrated once (a SQLite file path, or a PostgreSQL database name) that tests copy."""
    if backend == "sqlite":
        path = folder / "template.db"
        engine = create_db_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)
        return
    admin = admin_of()
    name = f"{prefix}_{secrets.token_hex(4)}"
    pg_execute(admin, f'CREATE DATABASE "{name}"')
    try:
        engine = create_db_engine(pg_url(admin, name), poolclass=sa.pool.NullPool)
        upgrade(engine)
        engine.dispose()
        # no connections (autovacuum included) from now on, so copying it never finds it busy
        pg_execute(admin, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        yield name
    finally:
        pg_execute(admin, f'DROP DATABASE IF EXISTS "{name}"')
