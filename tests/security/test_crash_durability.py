"""Issue 13 item 5: fault injection. A real `screening serve` (gunicorn, embedded job runner) is
killed with SIGKILL while drafters upload (small files answered 201, larger ones 202 + a job) and
reviewers sign off, on SQLite and on PostgreSQL; it is started again on the same instance and
database. Then: every acknowledged upload is readable (201: the case and its file; 202: the poll URL
answers and the job succeeds, or fails visibly), no case is half-signed, `screening audit verify`
passes, and the file store holds no orphan blob and no `.tmp` file."""
from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.live_server import child_env, free_port, wait_until_up
from web_helpers import CLEAN, make_org

RUN_SECONDS = 4.0
EXPECTED_SIGNOFFS = {"draft": 0, "returned": 0, "head_review": 1, "leader_review": 2, "approved": 3}


def start(env: dict, logs: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = logs / f"gunicorn-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "screening.cli", "serve", "--host", "127.0.0.1",
                                 "--port", str(port), "--threads", "4"], env=child_env(env),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base, proc, log, 120)
    return proc, base


def kill_hard(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)        # master and worker at once: no clean shutdown
    proc.wait(timeout=30)


def http_for(token: str) -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.headers["Authorization"] = f"Bearer {token}"
    return s


def load(base: str, org, acked: dict, stop: threading.Event, lock: threading.Lock) -> None:
    """Uploads (small and large) and sign-offs until the server dies; record what was acknowledged."""
    drafter, head = http_for(org.tokens["drafter"]), http_for(org.tokens["head"])
    i = 0
    while not stop.is_set():
        i += 1
        body = (CLEAN + ("请各科室按时参加。" * (40 if i % 2 else 0))).encode("utf-8") + str(i).encode()
        try:
            r = drafter.post(f"{base}/api/v1/documents", data={"title": f"通知{i}"},
                             files={"file": (f"通知{i}.txt", io.BytesIO(body))}, timeout=10)
            with lock:
                if r.status_code == 201:
                    acked["cases"].append((r.json()["id"], body))
                elif r.status_code == 202:
                    acked["jobs"].append((r.json()["poll"], body))
            if r.status_code == 201:
                case_id = r.json()["id"]
                for who, stage in ((drafter, "drafter"), (head, "head")):
                    s = who.post(f"{base}/api/v1/documents/{case_id}/signoffs",
                                 json={"stage": stage, "decision": "approve"}, timeout=10)
                    if s.status_code == 201:
                        with lock:
                            acked["signoffs"].append((case_id, stage))
        except requests.RequestException:
            time.sleep(0.05)


def check_store(instance: Path, db_url: str) -> None:
    from screening.review.config import ReviewConfig
    from screening.review.models import Job, Version

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            kept = set(conn.execute(sa.select(Version.storage_key).where(Version.storage_key.is_not(None))).scalars())
            pending = set(conn.execute(sa.select(Job.blob_sha256).where(Job.status.in_(("queued", "running")))).scalars())
    finally:
        engine.dispose()
    files = [p for p in (instance / "files").rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.endswith(".tmp")], "a .tmp file was left"
    orphans = [p.name for p in files if p.name not in kept | pending]
    assert orphans == [], orphans
    assert ReviewConfig(instance, db_url).storage_key()


@pytest.fixture
def crash_env(backend, request, tmp_path):
    """An instance and database for the server: SQLite in the instance, or a PostgreSQL copy."""
    instance = tmp_path / "instance"
    instance.mkdir()
    if backend == "sqlite":
        shutil.copyfile(request.getfixturevalue("template_url_sqlite"), instance / "screening.db")
        url = f"sqlite:///{instance / 'screening.db'}"
    else:
        from tests.web.conftest import _copy_database

        url, drop = _copy_database(backend, request.getfixturevalue("template_url"), instance, request)
        request.addfinalizer(drop)
    env = {"SCREENING_INSTANCE": str(instance), "DATABASE_URL": url, "SCREENING_SYNC_MAX_BYTES": "300",
           "SCREENING_CLASSIFIER": "0", "SCREENING_RATE_LIMIT": "100000 per minute", "SCREENING_JOB_WORKERS": "1"}
    return instance, url, env


def test_sigkill_during_uploads_signoffs_and_jobs(crash_env, tmp_path):
    from screening.review.db import Database

    instance, url, env = crash_env
    db = Database.from_url(url, poolclass=sa.pool.NullPool)
    org = make_org(db)
    db.dispose()
    proc, base = start(env, tmp_path)
    acked = {"cases": [], "jobs": [], "signoffs": []}
    stop, lock = threading.Event(), threading.Lock()
    threads = [threading.Thread(target=load, args=(base, org, acked, stop, lock)) for _ in range(3)]
    for t in threads:
        t.start()
    started = time.monotonic()
    while time.monotonic() - started < RUN_SECONDS or not (acked["cases"] and len(acked["jobs"]) >= 2):
        assert time.monotonic() - started < 60, acked          # a loaded machine: give it time
        time.sleep(0.1)
    kill_hard(proc)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert acked["cases"] and acked["jobs"], acked

    proc, base = start(env, tmp_path)
    try:
        drafter = http_for(org.tokens["drafter"])
        for poll, body in acked["jobs"]:              # every 202: the poll URL answers after the restart
            deadline = time.monotonic() + 60
            while True:
                view = drafter.get(base + poll, timeout=10)
                assert view.status_code == 200, (poll, view.text)
                if view.json()["status"] in ("succeeded", "failed"):
                    break
                assert time.monotonic() < deadline, view.json()
                time.sleep(0.1)
            job = view.json()
            if job["status"] == "succeeded":
                acked["cases"].append((job["result"]["id"], body))
            else:
                assert job["result"]["error"]["code"] == "job_interrupted", job     # failed, and says so
        for case_id, body in acked["cases"]:          # every acknowledged upload is there and readable
            case = drafter.get(f"{base}/api/v1/documents/{case_id}", timeout=10)
            assert case.status_code == 200, case.text
            import hashlib

            assert case.json()["versions"][0]["sha256"] == hashlib.sha256(body).hexdigest()
        with_signoffs = http_for(org.keys["all"])
        for case_id in {c for c, _ in acked["cases"]}:
            case = with_signoffs.get(f"{base}/api/v1/documents/{case_id}", timeout=10).json()
            approvals = [s for s in case["signoffs"] if s["decision"] == "approve"]
            assert len(approvals) == EXPECTED_SIGNOFFS[case["stage"]], case      # never half-signed
        for case_id, stage in acked["signoffs"]:
            case = with_signoffs.get(f"{base}/api/v1/documents/{case_id}", timeout=10).json()
            assert stage in {s["stage"] for s in case["signoffs"]}, (case_id, stage)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    verify = subprocess.run([sys.executable, "-m", "screening.cli", "audit", "verify"], env=child_env(env),
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    check_store(instance, url)
