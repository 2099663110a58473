"""`screening check --queue REDIS_URL`: a folder fanned out to two `screening worker` processes on a
real Redis gives the same report, exit status and per-file accounting as the local process pool; a
file the workers cannot read is reported refused, never dropped; a worker killed in the middle of a
file loses nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.docgen import make_docx
from tests.live_server import child_env, stop
from web_helpers import CLEAN, DRAFT, FIXED

QUEUE_DB = "/3"


def _cli(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "screening.cli", *args], env=child_env(env),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def queue_env(redis_url, tmp_path_factory):
    from redis import Redis

    from screening.review.config import generate_key

    folder = tmp_path_factory.mktemp("checkq")
    url = redis_url.replace("/0", QUEUE_DB)
    Redis.from_url(url).flushdb()
    env = {"REDIS_URL": url, "SCREENING_SECRET_KEY": generate_key(), "SCREENING_INSTANCE": str(folder / "instance"),
           "SCREENING_CLASSIFIER": "0"}
    init = _cli(["init"], env)
    assert init.returncode == 0, init.stderr
    return env, folder


def _start_worker(env: dict, folder: Path, n: int, stack: ExitStack) -> subprocess.Popen:
    log = stack.enter_context(open(folder / f"worker{n}.log", "ab"))
    proc = subprocess.Popen([sys.executable, "-m", "screening.cli", "worker"], env=child_env(env),
                            stdout=log, stderr=subprocess.STDOUT)
    stack.callback(stop, proc)
    return proc


@pytest.fixture(scope="module")
def workers(queue_env):
    env, folder = queue_env
    with ExitStack() as stack:
        yield [_start_worker(env, folder, n, stack) for n in (1, 2)]


def _archive(root: Path) -> Path:
    """A published folder: Word and text files, one repeated letterhead, one corrupt file, a subfolder."""
    docs = root / "archive"
    (docs / "2025").mkdir(parents=True)
    make_docx(docs / "通知.docx", paragraphs=DRAFT.splitlines())
    (docs / "植树.txt").write_text(FIXED, encoding="utf-8")
    (docs / "节能.txt").write_text(CLEAN, encoding="utf-8")
    for n in range(5):
        (docs / "2025" / f"简报{n}.txt").write_text(f"示例市人民政府办公室\n第{n}期简报\n{CLEAN}", encoding="utf-8")
    (docs / "损坏.docx").write_bytes(b"PK\x03\x04" + os.urandom(300))
    return docs


def test_a_folder_checked_on_the_queue_reads_as_the_local_run(queue_env, workers, tmp_path):
    env, _ = queue_env
    docs = _archive(tmp_path)
    out = {}
    for fmt in ("text", "json", "sarif"):
        local = _cli(["check", "--no-classifier", "--jobs", "2", "--format", fmt, str(docs)], env)
        queued = _cli(["check", "--no-classifier", "--queue", env["REDIS_URL"], "--format", fmt, str(docs)], env)
        assert queued.returncode == local.returncode == 2, (queued.stderr, local.stderr)   # the corrupt file
        assert queued.stdout == local.stdout
        refusals = [line for line in queued.stderr.splitlines() if line.startswith("screening:")]
        assert refusals == [line for line in local.stderr.splitlines() if line.startswith("screening:")]
        assert len(refusals) == 1 and "损坏.docx" in refusals[0]
        out[fmt] = queued.stdout
    reports = json.loads(out["json"])["reports"]
    assert len(reports) == 9                                  # every file reported, none dropped
    by_name = {r["document"]["name"]: r for r in reports}
    assert by_name["损坏.docx"]["error"]["code"] == "corrupt"
    assert any(f["rule"] == "pii.id_card" for f in by_name["通知.docx"]["findings"])


def test_a_file_the_workers_cannot_read_is_refused_with_its_reason(queue_env, workers, tmp_path, monkeypatch):
    from screening.engine import Settings
    from screening.web.check_queue import screen_on_queue

    env, _ = queue_env
    here = tmp_path / "只在本机.txt"
    here.write_text(CLEAN, encoding="utf-8")
    gone = tmp_path / "其他主机看不到.txt"      # a path of the submitting host only
    monkeypatch.setenv("SCREENING_SECRET_KEY", env["SCREENING_SECRET_KEY"])
    reports = screen_on_queue([here, gone], Settings(classifier=False), env["REDIS_URL"], lambda d, t: None)
    assert [r.document.name for r in reports] == ["只在本机.txt", "其他主机看不到.txt"]
    assert reports[0].error is None
    assert reports[1].error is not None and reports[1].error.code == "not_found"
    assert "工作主机" in reports[1].error.message and str(gone) in reports[1].error.message


RETRIED_WITHIN = 90      # seconds from the kill to the job back on the queue (RQ alone: timeout + 60 s)


def test_a_worker_killed_in_the_middle_of_a_file_loses_nothing(queue_env, tmp_path):
    """SIGKILL the only worker while it screens a large file; a worker started afterwards finds the
    abandoned job within about a minute (its registry entry, prolonged by the killed worker's
    heartbeat only while it lived, lapses; the job timeout is ten minutes), runs it again, and the
    batch reads exactly as the local run: every file once, nothing failed."""
    from redis import Redis
    from rq import Queue
    from rq.job import Job
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    from screening.web.jobs import QUEUE, RETRIES

    env, folder = queue_env
    env = {**env, "REDIS_URL": env["REDIS_URL"].replace(QUEUE_DB, "/4"), "SCREENING_JOB_TIMEOUT": "600"}
    redis = Redis.from_url(env["REDIS_URL"])
    redis.flushdb()
    docs = tmp_path / "archive"
    docs.mkdir()
    (docs / "汇编.txt").write_text("".join(f"第{n}段。" + (DRAFT if n % 50 == 0 else FIXED) for n in range(40000)),
                                   encoding="utf-8")
    (docs / "节能.txt").write_text(CLEAN, encoding="utf-8")
    started = StartedJobRegistry(QUEUE, connection=redis)
    with ExitStack() as stack:
        first = _start_worker(env, folder, 3, stack)
        batch = subprocess.Popen([sys.executable, "-m", "screening.cli", "check", "--no-classifier", "--queue",
                                  env["REDIS_URL"], "--format", "json", str(docs)], env=child_env(env),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stack.callback(batch.kill)
        deadline = time.monotonic() + 120
        while not started.get_job_ids():            # the large file (sorted first) is being screened
            assert time.monotonic() < deadline and batch.poll() is None
            time.sleep(0.05)
        time.sleep(0.5)
        first.kill()
        first.wait()
        killed_at = time.monotonic()
        (job_id,) = started.get_job_ids()         # the large file, not finished when its worker died
        _start_worker(env, folder, 4, stack)
        while Job.fetch(job_id, connection=redis).retries_left == RETRIES:
            assert time.monotonic() - killed_at < RETRIED_WITHIN, "the abandoned job was not picked up again"
            time.sleep(0.2)
        out, err = batch.communicate(timeout=300)
    local = _cli(["check", "--no-classifier", "--format", "json", str(docs)], env)
    assert batch.returncode == local.returncode == 1, err
    assert out == local.stdout, err
    assert [r["document"]["name"] for r in json.loads(out)["reports"]] == ["汇编.txt", "节能.txt"]
    assert FailedJobRegistry(QUEUE, connection=redis).count == 0
    assert started.count == 0 and Queue(QUEUE, connection=redis).count == 0


def test_a_queue_that_cannot_serve_the_batch_stops_it_with_a_reason(queue_env, workers, tmp_path):
    from screening.review.config import generate_key

    env, _ = queue_env
    (tmp_path / "节能.txt").write_text(CLEAN, encoding="utf-8")
    other_key = _cli(["check", "--no-classifier", "--queue", env["REDIS_URL"], str(tmp_path)],
                     {**env, "SCREENING_SECRET_KEY": generate_key()})
    assert other_key.returncode == 2 and "SCREENING_SECRET_KEY" in other_key.stderr, other_key.stderr
    no_redis = _cli(["check", "--no-classifier", "--queue", "redis://127.0.0.1:1/0", str(tmp_path)], env)
    assert no_redis.returncode == 2 and "无法连接 Redis" in no_redis.stderr, no_redis.stderr


def test_a_live_worker_keeps_a_long_job_beyond_the_heartbeat_ttl(redis_url, monkeypatch):
    """The registry entry of a running job is short-lived, but the worker's heartbeat prolongs it:
    another worker's clean-up running all along never takes the job for abandoned, so a job that is
    not to run twice (an upload: no retries) runs once and finishes."""
    import signal
    import threading

    from redis import Redis
    from rq import Queue
    from rq.job import JobStatus
    from rq.registry import FailedJobRegistry

    from screening.web import jobs

    monkeypatch.setattr(jobs, "HEARTBEAT", 0.3)
    monkeypatch.setattr(jobs, "HEARTBEAT_TTL", 2)      # RQ scores in whole seconds
    redis = Redis.from_url(redis_url.replace("/0", "/6"))
    redis.flushdb()
    queue = Queue(jobs.QUEUE, connection=redis)
    job = queue.enqueue(time.sleep, 5, job_timeout=600)      # beyond the entry's lifetime
    stop_cleaning = threading.Event()

    def other_workers_cleanup() -> None:
        while not stop_cleaning.wait(0.2):
            queue.started_job_registry.cleanup()

    cleaner = threading.Thread(target=other_workers_cleanup)
    cleaner.start()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        jobs.heartbeat_worker_class()([queue], connection=redis, worker_ttl=jobs.WORKER_TTL).work(
            burst=True, with_scheduler=False, logging_level="WARNING")
    finally:
        stop_cleaning.set()
        cleaner.join()
        for sig, handler in handlers.items():   # the RQ worker installs its own
            signal.signal(sig, handler)
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert FailedJobRegistry(jobs.QUEUE, connection=redis).count == 0
    redis.close()


def test_a_worker_without_a_database_runs_check_jobs_and_fails_database_jobs_with_the_reason(queue_env, tmp_path):
    """A host that only screens `screening check --queue` batches needs no database: its worker
    starts on an instance never initialised and screens; a database job (an upload answered 202)
    that reaches it ends failed, its poll saying why."""
    from screening.review.config import decode_key
    from screening.review.sealing import Sealer
    from screening.web.jobs import RQJobs

    env, folder = queue_env
    bare = {**env, "REDIS_URL": env["REDIS_URL"].replace(QUEUE_DB, "/5"),
            "SCREENING_INSTANCE": str(tmp_path / "no-database")}
    from redis import Redis
    Redis.from_url(bare["REDIS_URL"]).flushdb()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "节能.txt").write_text(CLEAN, encoding="utf-8")
    with ExitStack() as stack:
        worker = _start_worker(bare, folder, 5, stack)
        queued = _cli(["check", "--no-classifier", "--queue", bare["REDIS_URL"], "--format", "json",
                       str(tmp_path / "docs")], bare, timeout=120)
        assert worker.poll() is None, (folder / "worker5.log").read_text()
        assert queued.returncode == 0, queued.stderr
        assert [r["document"]["name"] for r in json.loads(queued.stdout)["reports"]] == ["节能.txt"]

        jobs = RQJobs(bare["REDIS_URL"], Sealer(decode_key(bare["SCREENING_SECRET_KEY"])))
        try:
            job_id = jobs.submit("user:1", "open_case", {"title": "通知", "name": "a.txt", "data": b"x"})
            deadline = time.monotonic() + 60
            while (view := jobs.get("user:1", job_id))["status"] in ("queued", "running"):
                assert time.monotonic() < deadline, view
                time.sleep(0.2)
        finally:
            jobs.close()
    assert view["status"] == "failed" and view["result_status"] == 503, view
    assert view["result"]["error"]["code"] == "worker_without_database"
    assert "screening init" in view["result"]["error"]["message"]
    assert "注意" in (folder / "worker5.log").read_text(encoding="utf-8")
