"""The web service's configuration: read from the environment once, in `create_app()`.

| Flask config key    | environment variable         | default                                   |
|---------------------|------------------------------|-------------------------------------------|
| `INSTANCE`          | `SCREENING_INSTANCE`         | `./instance`                              |
| `DATABASE_URL`      | `DATABASE_URL`               | SQLite `screening.db` in the instance     |
| `SECRET_KEY`        | `SECRET_KEY`                 | created once in `instance/session.key` (0600) |
| `STORAGE_KEY`       | `SCREENING_SECRET_KEY`       | `instance/secret.key` (the file store's key) |
| `STORAGE`           | `SCREENING_STORAGE`          | `folder` (encrypted files in `instance/files`); `database`: in the review database, shared by several hosts |
| `REDIS_URL`         | `REDIS_URL`                  | none: jobs in a local thread pool, limits in memory |
| `MAX_CONTENT_LENGTH`| `SCREENING_MAX_UPLOAD_BYTES` | 50 MiB (larger uploads answer 413)        |
| `SYNC_MAX_BYTES`    | `SCREENING_SYNC_MAX_BYTES`   | 2 MiB (larger documents answer 202 + job) |
| `BATCH_MAX_FILES`   | `SCREENING_BATCH_MAX_FILES`  | 100 files in one batch (API `screen/batch`, self-check) |
| `RATE_LIMIT`        | `SCREENING_RATE_LIMIT`       | `300 per minute` per key, token or user   |
| `LOGIN_RATE_LIMIT`  | `SCREENING_LOGIN_RATE_LIMIT` | `10 per minute; 50 per hour` failed logins per client address |
| `PREFER_HTTPS`      | `SCREENING_PREFER_HTTPS`     | off (on: session cookie always `Secure`; it is anyway for https requests) |
| `PROXY_COUNT`       | `SCREENING_PROXY_COUNT`      | 0 (reverse proxies in front, for ProxyFix) |
| `CLASSIFIER`        | `SCREENING_CLASSIFIER`       | on (off: rules and structure checks only) |
| `JOB_WORKERS`       | `SCREENING_JOB_WORKERS`      | 2 threads for the local job pool          |
| `JOB_TTL`           | `SCREENING_JOB_TTL`          | 3600 s a finished job's result is kept    |
| `JOB_TIMEOUT`       | `SCREENING_JOB_TIMEOUT`      | 900 s one RQ job may run (a job whose worker died is found within about a minute, whatever this is: screening/web/jobs.py) |
| `ARCHIVE_ROOTS`     | `SCREENING_ARCHIVE_ROOTS`    | none: archive re-screens only from the command line; else the folders (colon-separated absolute paths) below which the 档案复查 page may start one |
| `WEBHOOK_ATTEMPTS`  | `SCREENING_WEBHOOK_ATTEMPTS` | 6 deliveries at most                      |
| `WEBHOOK_BACKOFF`   | `SCREENING_WEBHOOK_BACKOFF`  | 5 s, doubled after each failed attempt    |
| `WEBHOOK_TIMEOUT`   | `SCREENING_WEBHOOK_TIMEOUT`  | 10 s per delivery                         |
| `WEBHOOK_ALLOW_HTTP`| `SCREENING_WEBHOOK_ALLOW_HTTP` | off: webhooks only over https           |
| `WEBHOOK_ALLOWED_HOSTS` | `SCREENING_WEBHOOK_ALLOWED_HOSTS` | none: any public host; else only these (comma-separated) |
| `WEBHOOK_RESOLVE`   | (code only)                  | the DNS resolver `(host, port) -> [ip]` the webhook checks use (default: the system's) |
| `WEBHOOK_ALLOWED_NETWORKS` | `SCREENING_WEBHOOK_ALLOWED_NETWORKS` | none: public addresses only; else also these CIDRs (an internal receiver) |
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from screening.review.archive_roots import parse_roots
from screening.review.config import sqlite_url

MIB = 1024 * 1024
JOB_TIMEOUT = 900       # seconds one RQ job may run on `screening worker`


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


# config key: (environment variable, parse, default)
ENV: dict[str, tuple[str, Callable[[str], Any], Any]] = {
    "SECRET_KEY": ("SECRET_KEY", str, None),
    "STORAGE_KEY": ("SCREENING_SECRET_KEY", str, None),
    "STORAGE": ("SCREENING_STORAGE", str, "folder"),
    "REDIS_URL": ("REDIS_URL", str, None),
    "MAX_CONTENT_LENGTH": ("SCREENING_MAX_UPLOAD_BYTES", int, 50 * MIB),
    "SYNC_MAX_BYTES": ("SCREENING_SYNC_MAX_BYTES", int, 2 * MIB),
    "BATCH_MAX_FILES": ("SCREENING_BATCH_MAX_FILES", int, 100),
    "RATE_LIMIT": ("SCREENING_RATE_LIMIT", str, "300 per minute"),
    "LOGIN_RATE_LIMIT": ("SCREENING_LOGIN_RATE_LIMIT", str, "10 per minute; 50 per hour"),
    "PREFER_HTTPS": ("SCREENING_PREFER_HTTPS", _flag, False),
    "PROXY_COUNT": ("SCREENING_PROXY_COUNT", int, 0),
    "CLASSIFIER": ("SCREENING_CLASSIFIER", _flag, True),
    "JOB_WORKERS": ("SCREENING_JOB_WORKERS", int, 2),
    "JOB_TTL": ("SCREENING_JOB_TTL", int, 3600),
    "JOB_TIMEOUT": ("SCREENING_JOB_TIMEOUT", int, JOB_TIMEOUT),
    "ARCHIVE_ROOTS": ("SCREENING_ARCHIVE_ROOTS", parse_roots, ()),
    "WEBHOOK_ATTEMPTS": ("SCREENING_WEBHOOK_ATTEMPTS", int, 6),
    "WEBHOOK_BACKOFF": ("SCREENING_WEBHOOK_BACKOFF", float, 5.0),
    "WEBHOOK_TIMEOUT": ("SCREENING_WEBHOOK_TIMEOUT", float, 10.0),
    "WEBHOOK_ALLOW_HTTP": ("SCREENING_WEBHOOK_ALLOW_HTTP", _flag, False),
    "WEBHOOK_ALLOWED_HOSTS": ("SCREENING_WEBHOOK_ALLOWED_HOSTS", str, ""),
    "WEBHOOK_ALLOWED_NETWORKS": ("SCREENING_WEBHOOK_ALLOWED_NETWORKS", str, ""),
}


def from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The configuration the environment gives; `create_app(test_config)` overrides any key."""
    env = os.environ if env is None else env
    instance = Path(env.get("SCREENING_INSTANCE") or "instance").absolute()
    config: dict[str, Any] = {"INSTANCE": str(instance), "DATABASE_URL": env.get("DATABASE_URL") or None}
    for key, (name, parse, default) in ENV.items():
        raw = env.get(name)
        if raw is None or raw.strip() == "":
            config[key] = default
            continue
        try:
            config[key] = parse(raw)
        except ValueError:
            raise ValueError(f"环境变量 {name} 的值无效：{raw!r}") from None
    return config


def database_url(config: Mapping[str, Any]) -> str:
    """`DATABASE_URL`, or the SQLite file in the instance folder."""
    return config.get("DATABASE_URL") or sqlite_url(Path(config["INSTANCE"]))
