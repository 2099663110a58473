"""Configuration of the review layer, read from the environment (SPEC §2):

- `SCREENING_INSTANCE`: the instance folder for stored files, keys and the default database
  (default `./instance`);
- `DATABASE_URL`: SQLAlchemy URL (default: SQLite file `screening.db` in the instance folder);
- `SCREENING_SECRET_KEY`: the key that encrypts stored files (urlsafe base64 of 32 bytes); when not
  set, a key file `secret.key` is created once in the instance folder with mode 0600;
- `SCREENING_STORAGE`: where the encrypted files are kept, `folder` (the instance folder's `files/`,
  the default) or `database` (the review database itself, for several hosts on one PostgreSQL).
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

KEY_FILE = "secret.key"


@dataclass(frozen=True, slots=True)
class ReviewConfig:
    instance: Path
    database_url: str
    secret_key: str | None = None
    storage: str = "folder"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ReviewConfig:
        env = os.environ if env is None else env
        instance = Path(env.get("SCREENING_INSTANCE") or "instance").absolute()
        url = env.get("DATABASE_URL") or sqlite_url(instance)
        return cls(instance=instance, database_url=url, secret_key=env.get("SCREENING_SECRET_KEY") or None,
                   storage=(env.get("SCREENING_STORAGE") or "folder").strip().lower())

    @property
    def files_dir(self) -> Path:
        return self.instance / "files"

    @property
    def holidays_dir(self) -> Path:
        """Holiday schedules the administrator adds each November (see screening/review/holidays/)."""
        return self.instance / "holidays"

    def storage_key(self) -> bytes:
        """The 32-byte key for the encrypted file store."""
        if self.secret_key:
            return decode_key(self.secret_key)
        return load_or_create_key_file(self.instance / KEY_FILE)


def sqlite_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'screening.db'}"


def decode_key(text: str) -> bytes:
    """Urlsafe base64 of 32 bytes (what `generate_key()` prints); any other string is stretched with
    SHA-256 so a passphrase also works, though a random key is better."""
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except ValueError:
        raw = b""
    if len(raw) == 32:
        return raw
    return hashlib.sha256(text.encode("utf-8")).digest()


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def load_or_create_key_file(path: Path) -> bytes:
    """Read the key file, creating it (mode 0600, atomically: written aside, then linked) if missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(generate_key() + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process created it first: use theirs
        finally:
            tmp.unlink()
    return decode_key(path.read_text(encoding="ascii"))
