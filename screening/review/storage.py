"""The file store: content-addressed by SHA-256, encrypted at rest with AES-256-GCM, immutable.

A blob lives at `<root>/<aa>/<bb>/<sha256>`; its bytes are `MAGIC + nonce + ciphertext+tag`, the
plaintext's hash bound in as associated data, so a file swapped for another one's blob fails to decrypt.
Only ciphertext is ever written to disk (temporary files included).
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from screening.review.sealing import Sealer

MAGIC = b"SCRB1\n"
_HEX64 = re.compile(r"[0-9a-f]{64}")


class StorageError(Exception):
    """A blob is missing, or cannot be decrypted (wrong key or tampered file)."""


class BlobStore:
    def __init__(self, root: Path, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the storage key must be 32 bytes")
        self.root = Path(root)
        self._aead = AESGCM(key)
        self._key = key

    def sealer(self, purpose: bytes) -> Sealer:
        """A sealer under a key derived from this store's key for `purpose` (finding texts, ...)."""
        return Sealer(self._key, purpose)

    def path(self, sha256: str) -> Path:
        if not _HEX64.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store `data` (once: an existing blob is never rewritten); returns its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        nonce = secrets.token_bytes(12)
        blob = MAGIC + nonce + self._aead.encrypt(nonce, data, digest.encode("ascii"))
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
            raise StorageError(f"文件 {sha256} 不在存储中") from None
        if not blob.startswith(MAGIC):
            raise StorageError(f"文件 {sha256} 格式不正确")
        nonce, body = blob[len(MAGIC):len(MAGIC) + 12], blob[len(MAGIC) + 12:]
        try:
            data = self._aead.decrypt(nonce, body, sha256.encode("ascii"))
        except InvalidTag:
            raise StorageError(f"文件 {sha256} 无法解密（密钥不符或文件被篡改）") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StorageError(f"文件 {sha256} 校验失败")
        return data

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
