"""Large documents: 202 with a job to poll; local worker threads by default, RQ on a real Redis server
when REDIS_URL is set (in process, and with `screening serve` plus `screening worker`)."""
from __future__ import annotations

import io
import signal
import subprocess
import sys

import pytest

from web_helpers import DRAFT, ID_NUMBER, child_env, error_of, open_case, poll_job, serve, sha256


@pytest.fixture
def small_sync(app_config):
    app_config["SYNC_MAX_BYTES"] = 64        # every test document is "large"
    return app_config


def test_a_large_text_is_screened_as_a_local_job(small_sync, request):
    client, org = request.getfixturevalue("client"), request.getfixturevalue("org")
    r = client.post("/api/v1/screen", json={"name": "大文件.txt", "text": DRAFT}, headers=org.auth("key:screen"))
    assert r.status_code == 202
    accepted = r.get_json()
    assert accepted["status"] == "queued" and accepted["kind"] == "screen"
    assert r.headers["Location"] == accepted["poll"] == f"/api/v1/jobs/{accepted['id']}"
    assert r.headers["Retry-After"] == "2"
    view = poll_job(lambda url: client.get(url, headers=org.auth("key:screen")), accepted["poll"])
    assert view["status"] == "succeeded" and view["result_status"] == 200
    assert view["result"]["verdict"] == "block" and view["result"]["document"]["sha256"] == sha256(DRAFT)
    # a job belongs to whoever started it
    r = client.get(accepted["poll"], headers=org.auth("key:all"))
    assert r.status_code == 404 and error_of(r)["code"] == "no_such_job"
    assert client.get("/api/v1/jobs/nonexistent", headers=org.auth("key:screen")).status_code == 404


def test_a_large_case_is_opened_as_a_local_job(small_sync, request):
    client, org = request.getfixturevalue("client"), request.getfixturevalue("org")
    r = open_case(client, org.auth("drafter"))
    assert r.status_code == 202
    view = poll_job(lambda url: client.get(url, headers=org.auth("drafter")), r.get_json()["poll"])
    assert view["status"] == "succeeded" and view["result_status"] == 201
    case_id = view["result"]["id"]
    assert client.get(f"/api/v1/documents/{case_id}", headers=org.auth("drafter")).get_json()["version"] == 1
    # a refusal inside the job is the error the request would have answered
    r = open_case(client, org.auth("head"))
    view = poll_job(lambda url: client.get(url, headers=org.auth("head")), r.get_json()["poll"])
    assert view["status"] == "failed" and view["result_status"] == 403
    assert view["result"]["error"]["code"] == "forbidden"


def test_rq_jobs_in_process(small_sync, redis_url, request):
    """The same request on RQ: queued in Redis (sealed), worked by an RQ worker, polled."""
    import redis

    from screening.web.jobs import run_worker

    small_sync["REDIS_URL"] = redis_url
    app, org = request.getfixturevalue("app"), request.getfixturevalue("org")
    client = app.test_client()
    r = client.post("/api/v1/screen", json={"name": "大文件.txt", "text": DRAFT}, headers=org.auth("key:screen"))
    assert r.status_code == 202
    poll = r.get_json()["poll"]
    assert client.get(poll, headers=org.auth("key:screen")).get_json()["status"] == "queued"
    r2 = open_case(client, org.auth("drafter"))
    assert r2.status_code == 202
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        run_worker(app, burst=True)
    finally:
        for sig, handler in handlers.items():   # the RQ worker installs its own
            signal.signal(sig, handler)
    view = poll_job(lambda url: client.get(url, headers=org.auth("key:screen")), poll)
    assert view["status"] == "succeeded" and view["result"]["verdict"] == "block"
    assert client.get(poll, headers=org.auth("drafter")).status_code == 404
    view = poll_job(lambda url: client.get(url, headers=org.auth("drafter")), r2.get_json()["poll"])
    assert view["result_status"] == 201
    # neither the draft nor its findings are in Redis in the clear
    store = redis.Redis.from_url(redis_url)
    for key in store.keys("*"):
        kind = store.type(key).decode()
        values = [store.get(key)] if kind == "string" else \
            list(store.hgetall(key).values()) if kind == "hash" else []
        assert not any(ID_NUMBER.encode() in (v or b"") for v in values), key
    store.close()


def test_rq_jobs_with_gunicorn_and_a_worker_process(tmp_path, template_url_sqlite, redis_url):
    """`screening serve` (two processes) and `screening worker` sharing Redis: a job accepted by one
    process is worked by the worker and polled through any process."""
    import shutil

    from screening.review.db import Database
    from web_helpers import make_org

    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(template_url_sqlite, instance / "screening.db")
    db = Database.from_url(f"sqlite:///{instance / 'screening.db'}")
    org = make_org(db)
    db.dispose()
    env = {"SCREENING_INSTANCE": str(instance), "REDIS_URL": redis_url.replace("/0", "/1"),
           "SCREENING_SYNC_MAX_BYTES": "64", "SCREENING_CLASSIFIER": "0"}
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "screening.cli", "worker"], env=child_env(env),
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        with serve(env, tmp_path) as base:
            import requests

            http = requests.Session()
            http.trust_env = False
            http.headers.update(org.auth("drafter"))
            r = http.post(f"{base}/api/v1/documents", data={"title": "大文件"},
                          files={"file": ("通知.txt", io.BytesIO(DRAFT.encode()))})
            assert r.status_code == 202, r.text
            view = poll_job(lambda url: http.get(base + url), r.json()["poll"], timeout=90)
            assert view["status"] == "succeeded", (view, (tmp_path / "worker.log").read_text())
            assert view["result_status"] == 201 and view["result"]["report"]["verdict"] == "block"
            assert http.get(f"{base}/api/v1/documents/{view['result']['id']}").status_code == 200
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_worker_needs_redis(tmp_path):
    r = subprocess.run([sys.executable, "-m", "screening.cli", "worker", "--burst"], capture_output=True, text=True,
                       env=child_env({"SCREENING_INSTANCE": str(tmp_path)}), timeout=60)
    assert r.returncode == 1 and "REDIS_URL" in r.stderr


def _leave_as_a_crash_would(st, status: str, data: bytes) -> str:
    """A job row and its uploaded file exactly as a SIGKILL leaves them (the row committed, the
    process gone before it finished)."""
    import secrets
    from datetime import datetime, timezone

    from screening.review.models import Job

    blob, now, job_id = st.service.store.put(data), datetime.now(timezone.utc), secrets.token_hex(16)
    with st.service.db.write_session() as s, s.begin():
        s.add(Job(id=job_id, owner="u:1", kind="screen", status=status, blob_sha256=blob,
                  params_sealed=st.jobs._sealer.seal_text({"name": "a.txt"}), attempts=1,
                  created_at=now, updated_at=now))
    return blob


def test_a_job_interrupted_by_a_crash_leaves_no_file_behind(small_sync, request):
    """Start-up marks a job that was running failed (job_interrupted) and deletes its upload: an
    interrupted upload must not stay in the encrypted store for ever. A file another queued job
    still needs (the same bytes uploaded twice) stays until that job has run."""
    from screening.web.durable_jobs import DurableJobs
    from screening.web.state import EXTENSION

    st = request.getfixturevalue("app").extensions[EXTENSION]
    interrupted = _leave_as_a_crash_would(st, "running", "中断的上传".encode())
    shared = _leave_as_a_crash_would(st, "running", "同一文件".encode())
    assert _leave_as_a_crash_would(st, "queued", "同一文件".encode()) == shared
    restarted = DurableJobs(st.service.db, st.service.store, lambda kind, payload: (200, {}), workers=1)
    assert len(restarted.recover()) == 1                    # the queued one runs again
    assert not st.service.store.exists(interrupted)
    assert st.service.store.exists(shared)                  # the queued job still needs it
