"""The encrypted, content-addressed file store and its key: the folder backend, and the database
backend on SQLite and PostgreSQL (what several hosts share)."""
from __future__ import annotations

import hashlib
import os
import secrets
import stat

import pytest

from screening.review.config import ReviewConfig, decode_key, generate_key, load_or_create_key_file
from screening.review.db import Database
from screening.review.service import ReviewService
from screening.review.storage import DatabaseStore, FolderStore, StorageError, StoredBlob, open_store

PLAIN = ("关于张三（身份证号11010519491231002X）的处理意见 " * 50).encode("utf-8")


@pytest.fixture
def blobs(tmp_path) -> FolderStore:
    return FolderStore(tmp_path / "files", secrets.token_bytes(32))


@pytest.fixture
def dbstore(database: Database) -> DatabaseStore:
    return DatabaseStore(database.engine, secrets.token_bytes(32))


def sealed_rows(database: Database) -> list[bytes]:
    with database.read() as s:
        return [bytes(row.data) for row in s.query(StoredBlob)]


def test_database_backend_round_trip_and_sealing(dbstore, database, backend):
    digest = dbstore.put(PLAIN)
    assert digest == hashlib.sha256(PLAIN).hexdigest()
    assert dbstore.get(digest) == PLAIN and dbstore.exists(digest)
    assert dbstore.put(PLAIN) == digest                   # stored once
    [row] = sealed_rows(database)
    assert PLAIN not in row and "11010519491231002X".encode() not in row
    for i in range(0, len(PLAIN) - 16, 97):
        assert PLAIN[i:i + 16] not in row


def test_database_backend_detects_wrong_key_tampering_and_missing(dbstore, database, backend):
    digest = dbstore.put(PLAIN)
    with pytest.raises(StorageError):
        DatabaseStore(database.engine, secrets.token_bytes(32)).get(digest)
    other = dbstore.put(b"another file")
    with database.engine.begin() as conn:                # a valid blob, under the wrong name
        table = StoredBlob.__table__
        swapped = conn.execute(table.select().where(table.c.sha256 == other)).one().data
        conn.execute(table.update().where(table.c.sha256 == digest).values(data=swapped))
    with pytest.raises(StorageError):
        dbstore.get(digest)
    with pytest.raises(StorageError):
        dbstore.get("0" * 64)
    with pytest.raises(ValueError):
        dbstore.get("../etc/passwd")


def test_database_backend_purge(dbstore, database, backend):
    digest = dbstore.put(PLAIN)
    assert dbstore.purge(digest) and not dbstore.exists(digest) and sealed_rows(database) == []
    assert not dbstore.purge(digest)


def test_two_hosts_share_the_database_store(database, db_url, backend, tmp_path):
    """Two service instances (two hosts) on one database and key, no shared disk: a file stored by
    one is read by the other, and nothing is written to either host's instance folder."""
    key = generate_key()
    hosts = []
    for name in ("a", "b"):
        config = ReviewConfig(instance=tmp_path / name, database_url=db_url, secret_key=key,
                              storage="database")
        hosts.append(ReviewService.from_config(config, engine=None))  # type: ignore[arg-type]
    try:
        digest = hosts[0].store.put(PLAIN)
        assert hosts[1].store.get(digest) == PLAIN
        assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    finally:
        for host in hosts:
            host.close()


def test_storage_backend_is_chosen_by_configuration(tmp_path, database):
    key = secrets.token_bytes(32)
    assert isinstance(open_store("folder", root=tmp_path, engine=database.engine, key=key), FolderStore)
    assert isinstance(open_store("database", root=tmp_path, engine=database.engine, key=key), DatabaseStore)
    with pytest.raises(ValueError, match="SCREENING_STORAGE"):
        open_store("s3", root=tmp_path, engine=database.engine, key=key)
    assert ReviewConfig.from_env({"SCREENING_INSTANCE": str(tmp_path)}).storage == "folder"
    assert ReviewConfig.from_env({"SCREENING_INSTANCE": str(tmp_path),
                                  "SCREENING_STORAGE": "Database"}).storage == "database"


def test_round_trip_and_layout(blobs, tmp_path):
    digest = blobs.put(PLAIN)
    assert digest == hashlib.sha256(PLAIN).hexdigest()
    assert blobs.path(digest) == tmp_path / "files" / digest[:2] / digest[2:4] / digest
    assert blobs.get(digest) == PLAIN and blobs.exists(digest)


def test_ciphertext_on_disk_does_not_contain_the_plaintext(blobs, tmp_path):
    blobs.put(PLAIN)
    on_disk = b"".join(p.read_bytes() for p in (tmp_path / "files").rglob("*") if p.is_file())
    assert PLAIN not in on_disk
    for i in range(0, len(PLAIN) - 16, 97):           # not even a 16-byte window of it
        assert PLAIN[i:i + 16] not in on_disk
    assert "11010519491231002X".encode() not in on_disk


def test_files_are_private_and_no_temporary_file_is_left(blobs, tmp_path):
    digest = blobs.put(PLAIN)
    assert stat.S_IMODE(os.stat(blobs.path(digest)).st_mode) == 0o600
    assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == [digest]


def test_immutable_once_stored(blobs):
    digest = blobs.put(PLAIN)
    first = blobs.path(digest).read_bytes()
    assert blobs.put(PLAIN) == digest
    assert blobs.path(digest).read_bytes() == first      # not rewritten (nor re-encrypted)


def test_wrong_key_tampering_and_swapping_are_detected(blobs, tmp_path):
    digest = blobs.put(PLAIN)
    with pytest.raises(StorageError):
        FolderStore(tmp_path / "files", secrets.token_bytes(32)).get(digest)
    other = blobs.put(b"another file")
    path = blobs.path(digest)
    original = path.read_bytes()
    path.write_bytes(blobs.path(other).read_bytes())     # a valid blob, under the wrong name
    with pytest.raises(StorageError):
        blobs.get(digest)
    corrupted = bytearray(original)
    corrupted[-1] ^= 1
    path.write_bytes(bytes(corrupted))
    with pytest.raises(StorageError):
        blobs.get(digest)
    with pytest.raises(StorageError):
        blobs.get("0" * 64)


def test_purge_removes_for_good(blobs):
    digest = blobs.put(PLAIN)
    assert blobs.purge(digest) and not blobs.exists(digest)
    assert not blobs.purge(digest)


@pytest.mark.parametrize("bad", ["../etc/passwd", "ABC", "0" * 63, "G" * 64])
def test_only_hashes_name_files(blobs, bad):
    with pytest.raises(ValueError):
        blobs.path(bad)


def test_key_file_is_created_once_with_mode_0600(tmp_path):
    path = tmp_path / "instance" / "secret.key"
    key = load_or_create_key_file(path)
    assert len(key) == 32 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_key_file(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]


def test_key_from_configuration(tmp_path):
    key = generate_key()
    config = ReviewConfig.from_env({"SCREENING_INSTANCE": str(tmp_path), "SCREENING_SECRET_KEY": key})
    assert config.storage_key() == decode_key(key) and len(decode_key(key)) == 32
    assert not (tmp_path / "secret.key").exists()
    assert len(decode_key("a passphrase, not recommended")) == 32
    default = ReviewConfig.from_env({"SCREENING_INSTANCE": str(tmp_path)})
    assert default.database_url == f"sqlite:///{tmp_path / 'screening.db'}"
    assert len(default.storage_key()) == 32 and (tmp_path / "secret.key").exists()


def test_default_instance_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    config = ReviewConfig.from_env({})
    assert config.instance == tmp_path / "instance" and config.files_dir == tmp_path / "instance" / "files"
    url = "postgresql+psycopg://u:p@127.0.0.1:5432/db"
    assert ReviewConfig.from_env({"DATABASE_URL": url}).database_url == url


def test_database_backend_cleans_only_old_orphans(dbstore, database, backend):
    """At a host's start-up orphans go, but a blob stored a moment ago (another host's upload not
    yet committed) stays."""
    from datetime import datetime, timedelta, timezone

    old, fresh, kept = dbstore.put(b"orphan from a crash"), dbstore.put(b"in flight"), dbstore.put(PLAIN)
    table = StoredBlob.__table__
    with database.engine.begin() as conn:
        conn.execute(table.update().where(table.c.sha256.in_([old, kept]))
                     .values(created_at=datetime.now(timezone.utc) - timedelta(days=1)))
    assert dbstore.clean({kept}) == [old]
    assert not dbstore.exists(old) and dbstore.exists(fresh) and dbstore.exists(kept)
