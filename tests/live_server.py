"""A real `screening serve` (gunicorn) on a free loopback port, for the web and browser tests."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SCREENING_INSTANCE", "REDIS_URL", "SCREENING_SECRET_KEY", "SECRET_KEY")}
    env.update(extra)
    return env


@contextlib.contextmanager
def serve(env: dict[str, str], logs: Path, *, timeout: float = 90.0, workers: int | None = None):
    """`screening serve` (gunicorn) on a free loopback port; yields its base URL."""
    port = free_port()
    log = logs / f"gunicorn-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "screening.cli", "serve", "--host", "127.0.0.1",
                                 "--port", str(port), "--threads", "4",
                                 *(["--workers", str(workers)] if workers else [])],
                                env=child_env(env), stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc, log, timeout)
        yield base
    finally:
        stop(proc)


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Ask a server or worker to stop; kill it if it does not within `timeout`."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_until_up(base: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    http = requests.Session()
    http.trust_env = False
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text(errors='replace')}")
        try:
            if http.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not answer in {timeout:.0f}s:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
