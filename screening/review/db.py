"""Database access: engines set up for SQLite (WAL, foreign keys, busy timeout, BEGIN IMMEDIATE for
writers) and PostgreSQL, and Alembic migrations run programmatically from the installed package."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 10_000
_WRITE = "screening_write"


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An Engine for `url`. On SQLite every connection gets WAL, foreign keys and a busy timeout, and
    transactions opened through `Database.write` start with BEGIN IMMEDIATE, so writers queue up
    instead of failing on a stale snapshot."""
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _setup_sqlite(engine)
    return engine


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None   # we emit BEGIN ourselves (SQLAlchemy docs recipe)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """An engine and its two session factories: `read()` for queries, `write()` for actions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(**{_WRITE: True}), expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        return cls(create_db_engine(url, **kwargs))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def write_session(self) -> Session:
        """A session whose transaction takes the write lock at BEGIN on SQLite; the caller commits."""
        return self._write()

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema (what `screening init` does)."""
    from alembic import command

    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                command.upgrade(alembic_config(connection), revision)
            return
        # a batch migration rebuilds a table (copy, drop, rename): with foreign keys on, dropping a
        # table other rows refer to fails. Off meanwhile (Alembic's advice), checked before commit.
        driver = connection.connection.driver_connection
        driver.execute("PRAGMA foreign_keys=OFF")     # outside a transaction, or SQLite ignores it
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), revision)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration left {len(broken)} rows with a dangling foreign key")
        finally:
            driver.execute("PRAGMA foreign_keys=ON")


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def database_problem(url: str) -> str | None:
    """Why the service cannot use the database at `url` yet (in Chinese), or None."""
    db = Database.from_url(url)
    try:
        if current_revision(db.engine) != head_revision():
            return "数据库尚未初始化或版本过旧，请先运行 screening init（或 screening bootstrap）"
    except sa.exc.SQLAlchemyError as exc:
        return f"无法打开数据库（{type(exc.orig or exc).__name__}），请检查 DATABASE_URL，或先运行 screening init"
    finally:
        db.dispose()
    return None
