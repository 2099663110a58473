"""Sealing small secrets and texts with AES-256-GCM under a key derived from the file store's key
(one derived key per purpose, so a value sealed for one use never opens as another)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class Sealer:
    def __init__(self, storage_key: bytes, purpose: bytes = b"screening.web.jobs/1") -> None:
        self._aead = AESGCM(hmac.new(storage_key, purpose, hashlib.sha256).digest())

    def seal(self, obj: Any) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, json.dumps(obj, ensure_ascii=False).encode("utf-8"), None)

    def open(self, blob: bytes) -> Any:
        return json.loads(self._aead.decrypt(blob[:12], blob[12:], None))

    def seal_text(self, obj: Any) -> str:
        """`seal` as ASCII text, for a database column."""
        return base64.b64encode(self.seal(obj)).decode("ascii")

    def open_text(self, text: str) -> Any:
        return self.open(base64.b64decode(text))
