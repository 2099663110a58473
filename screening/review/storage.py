"""The file store: content-addressed by SHA-256, encrypted at rest with AES-256-GCM, immutable.

A stored file is `MAGIC + nonce + ciphertext+tag`, the plaintext's hash bound in as associated data,
so a file swapped for another one's blob fails to decrypt. Only ciphertext is ever written. Two
backends keep these sealed blobs, chosen by `SCREENING_STORAGE` (see `open_store`):

- `FolderStore` (`folder`, the default): `<root>/<aa>/<bb>/<sha256>` on the local disk, written aside
  and renamed into place;
- `DatabaseStore` (`database`): a `blobs` table in the review database itself (bytea on PostgreSQL),
  so several `screening serve` hosts sharing one PostgreSQL share the files as well.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Mapped, mapped_column

from screening.review.models import Base, UTCDateTime

from screening.review.sealing import Sealer

MAGIC = b"SCRB1\n"
CLEAN_AFTER = timedelta(hours=1)   # DatabaseStore.clean: a blob younger than this may be in flight
BACKENDS = ("folder", "database")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class StorageError(Exception):
    """A blob is missing, or cannot be decrypted (wrong key or tampered file)."""


class BlobStore(Protocol):
    """What the review service needs of a file store."""

    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...

    def purge(self, sha256: str) -> bool: ...

    def clean(self, keep: set[str]) -> list[str]: ...

    def sealer(self, purpose: bytes) -> Sealer: ...


class StoredBlob(Base):
    """One sealed file of the database backend."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class FileSealer:
    """AES-256-GCM sealing of one file, its SHA-256 as associated data."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the storage key must be 32 bytes")
        self._aead = AESGCM(key)
        self.key = key

    def derived(self, purpose: bytes) -> Sealer:
        """A sealer under a key derived from this store's key for `purpose` (finding texts, ...)."""
        return Sealer(self.key, purpose)

    def seal(self, data: bytes, digest: str) -> bytes:
        nonce = secrets.token_bytes(12)
        return MAGIC + nonce + self._aead.encrypt(nonce, data, digest.encode("ascii"))

    def open(self, blob: bytes, digest: str) -> bytes:
        if not blob.startswith(MAGIC):
            raise StorageError(f"文件 {digest} 格式不正确")
        nonce, body = blob[len(MAGIC):len(MAGIC) + 12], blob[len(MAGIC) + 12:]
        try:
            data = self._aead.decrypt(nonce, body, digest.encode("ascii"))
        except InvalidTag:
            raise StorageError(f"文件 {digest} 无法解密（密钥不符或文件被篡改）") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise StorageError(f"文件 {digest} 校验失败")
        return data


def checked(sha256: str) -> str:
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def missing(sha256: str) -> StorageError:
    return StorageError(f"文件 {sha256} 不在存储中")


class _Sealed:
    """What both backends share: the file sealer, and sealers derived from its key."""

    _sealer: FileSealer

    def sealer(self, purpose: bytes) -> Sealer:
        """A sealer under a key derived from this store's key for `purpose` (finding texts, ...)."""
        return self._sealer.derived(purpose)


class FolderStore(_Sealed):
    """Sealed files in a local folder."""

    backend = "folder"

    def __init__(self, root: Path, key: bytes) -> None:
        self.root = Path(root)
        self._sealer = FileSealer(key)

    def path(self, sha256: str) -> Path:
        checked(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store `data` (once: an existing blob is never rewritten); returns its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        blob = self._sealer.seal(data, digest)
        tmp = target.with_name(f".{digest}.{secrets.token_hex(6)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            blob = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise missing(sha256) from None
        return self._sealer.open(blob, sha256)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def purge(self, sha256: str) -> bool:
        """Remove a blob for good (a file found to carry a classification marking). True if one was
        there. The ciphertext is overwritten before unlinking, as far as the filesystem allows."""
        target = self.path(sha256)
        try:
            size = target.stat().st_size
        except FileNotFoundError:
            return False
        with open(target, "r+b") as fh:
            fh.write(b"\0" * size)
            fh.flush()
            os.fsync(fh.fileno())
        target.unlink()
        return True

    def clean(self, keep: set[str]) -> list[str]:
        """Remove what a crash leaves: `.tmp` files, and blobs whose hash is not in `keep` (no row
        refers to them). Run only while nothing writes to the store (at start-up). The names removed."""
        removed = []
        if not self.root.exists():
            return removed
        for path in self.root.rglob("*"):
            if not path.is_file():
                continue
            orphan_tmp = path.name.startswith(".") and path.name.endswith(".tmp")
            if orphan_tmp or (_HEX64.fullmatch(path.name) and path.name not in keep):
                if orphan_tmp:
                    path.unlink(missing_ok=True)
                else:
                    self.purge(path.name)
                removed.append(path.name)
        return removed

class DatabaseStore(_Sealed):
    """Sealed files in the `blobs` table of the review database. Each call is its own short
    transaction; a second `put` of the same file (from another host at the same moment) is a no-op."""

    backend = "database"

    def __init__(self, engine: sa.Engine, key: bytes) -> None:
        self.engine = engine
        self._sealer = FileSealer(key)
        self._table = StoredBlob.__table__

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if self.exists(digest):
            return digest
        row = {"sha256": digest, "data": self._sealer.seal(data, digest),
               "created_at": datetime.now(timezone.utc)}
        insert = (sa.dialects.postgresql.insert if self.engine.dialect.name == "postgresql"
                  else sa.dialects.sqlite.insert)(self._table)
        with self.engine.begin() as conn:
            conn.execute(insert.values(**row).on_conflict_do_nothing(index_elements=["sha256"]))
        return digest

    def get(self, sha256: str) -> bytes:
        checked(sha256)
        with self.engine.connect() as conn:
            blob = conn.execute(sa.select(self._table.c.data)
                                .where(self._table.c.sha256 == sha256)).scalar_one_or_none()
        if blob is None:
            raise missing(sha256)
        return self._sealer.open(bytes(blob), sha256)

    def exists(self, sha256: str) -> bool:
        checked(sha256)
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.literal(1)).select_from(self._table)
                                .where(self._table.c.sha256 == sha256)).first() is not None

    def purge(self, sha256: str) -> bool:
        """Delete the row (PostgreSQL keeps the dead ciphertext until VACUUM; it stays sealed)."""
        checked(sha256)
        with self.engine.begin() as conn:
            return conn.execute(sa.delete(self._table).where(self._table.c.sha256 == sha256)).rowcount > 0

    def clean(self, keep: set[str]) -> list[str]:
        """Remove the blobs no row refers to (what a crash between storing and committing leaves).
        Other hosts may be storing a file right now, so only blobs older than CLEAN_AFTER go: a
        host's start-up never removes another host's upload in flight. The hashes removed."""
        cutoff = datetime.now(timezone.utc) - CLEAN_AFTER
        with self.engine.connect() as conn:
            stored = set(conn.execute(sa.select(self._table.c.sha256)
                                      .where(self._table.c.created_at < cutoff)).scalars())
        removed = sorted(stored - set(keep))
        for digest in removed:
            self.purge(digest)
        return removed


def open_store(backend: str, *, root: Path, engine: sa.Engine, key: bytes) -> FolderStore | DatabaseStore:
    """The configured backend (`folder` or `database`)."""
    if backend == "folder":
        return FolderStore(root, key)
    if backend == "database":
        return DatabaseStore(engine, key)
    raise ValueError(f"SCREENING_STORAGE 应为 {' 或 '.join(BACKENDS)}，而不是 {backend!r}")
