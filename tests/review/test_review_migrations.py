"""The migrations make exactly the models' schema, on both databases; SQLite connections are set up."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from screening.review.db import alembic_config, create_db_engine, current_revision, head_revision, upgrade
from screening.review.models import Base, Unit


def test_migrations_produce_the_models_schema(database):
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert current_revision(database.engine) == head_revision()


def test_downgrade_and_upgrade_again(database):
    with database.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    tables = set(sa.inspect(database.engine).get_table_names())
    assert tables <= {"alembic_version"}
    upgrade(database.engine)
    upgrade(database.engine)        # idempotent: `screening init` twice is fine
    assert current_revision(database.engine) == head_revision()


def test_sqlite_connections_are_configured(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(database):
    from screening.review.models import Department
    with pytest.raises(sa.exc.IntegrityError):
        with database.write_session() as s, s.begin():
            s.add(Department(unit_id=424242, name="孤儿部门", created_at=datetime.now(timezone.utc)))


def test_times_round_trip_as_aware_utc(database):
    moment = datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=timezone.utc)
    with database.write_session() as s, s.begin():
        s.add(Unit(name="时区测试", created_at=moment))
    with database.read() as s:
        got = s.execute(sa.select(Unit.created_at).where(Unit.name == "时区测试")).scalar_one()
    assert got == moment and got.tzinfo is not None
    with pytest.raises(sa.exc.StatementError):
        with database.write_session() as s, s.begin():
            s.add(Unit(name="naive", created_at=datetime(2026, 1, 1)))
