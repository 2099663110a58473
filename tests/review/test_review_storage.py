"""The encrypted, content-addressed file store and its key."""
from __future__ import annotations

import hashlib
import os
import secrets
import stat

import pytest

from screening.review.config import ReviewConfig, decode_key, generate_key, load_or_create_key_file
from screening.review.storage import BlobStore, StorageError

PLAIN = ("关于张三（身份证号11010519491231002X）的处理意见 " * 50).encode("utf-8")


@pytest.fixture
def blobs(tmp_path) -> BlobStore:
    return BlobStore(tmp_path / "files", secrets.token_bytes(32))


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
        BlobStore(tmp_path / "files", secrets.token_bytes(32)).get(digest)
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
