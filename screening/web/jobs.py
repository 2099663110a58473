"""Large documents: beyond `SYNC_MAX_BYTES` the API answers 202 with a job to poll at
`/api/v1/jobs/{id}`, whose result is the status and body the request would have answered.

- `screening.web.durable_jobs.DurableJobs` (the embedded default): the upload and a job row are
  committed to the database before the 202; a thread pool of the web process runs it, and a restart
  resumes or visibly fails what was left.
- `RQJobs` (when `REDIS_URL` is set): the same actions on an RQ queue, run by `screening worker`
  (an RQ worker with the same configuration), so any web process can answer the poll.

A job belongs to whoever started it (`Principal.owner`); anybody else gets 404. What travels through
Redis (the uploaded file, the report with the flagged text) is sealed with AES-GCM under a key derived
from the file store's key, so Redis never holds a draft in the clear; results expire after `JOB_TTL`.
"""
from __future__ import annotations

import base64
import hmac
import logging
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from screening.review.sealing import Sealer
from screening.web import actions
from screening.web.settings import JOB_TIMEOUT

QUEUE = "screening"
RETRIES = 2                       # runs again of a job whose worker was killed (then failed, visibly)
IDEMPOTENT = frozenset({"rescreen", "screen", "screen_batch"})   # may run twice without a second effect
# An abandoned job (its worker killed) is found by its entry in the StartedJobRegistry lapsing: RQ's
# SimpleWorker sets it to the job timeout + 60 s and sends no heartbeat while the job runs. Our
# worker (`HeartbeatWorker`) sets it to HEARTBEAT_TTL and prolongs it every HEARTBEAT s from a thread
# while the job runs, so a killed worker's entry lapses HEARTBEAT_TTL s after its last beat, whatever
# the job timeout. A worker's registry clean-up (every MAINTENANCE s, and when a worker starts) then
# moves the job back to the queue if it has retries left (`Retry`, idempotent kinds and check jobs),
# else to the FailedJobRegistry (AbandonedJobError), where the poll shows it failed: all within
# about a minute of the kill (HEARTBEAT_TTL + MAINTENANCE + the idle wake-up, WORKER_TTL - 15 s).
HEARTBEAT = 5
HEARTBEAT_TTL = 30
MAINTENANCE = 15
WORKER_TTL = 30                   # an idle worker wakes every WORKER_TTL - 15 s, so clean-ups run

Execute = Callable[[str, dict], actions.Result]


class Jobs(Protocol):
    def submit(self, owner: str, kind: str, payload: dict) -> str: ...

    def get(self, owner: str, job_id: str) -> dict | None: ...

    def close(self) -> None: ...


def job_view(job_id: str, kind: str, status: str, result: actions.Result | None = None) -> dict:
    if result is not None:
        status = "succeeded" if result[0] < 400 else "failed"
    return {"id": job_id, "kind": kind, "status": status,
            "result_status": result[0] if result else None, "result": result[1] if result else None}


# -- what goes through Redis is sealed (screening.review.sealing.Sealer) -------------------------------

def encode_payload(payload: dict) -> dict:
    out = dict(payload)
    if "data" in out:
        out["data"] = base64.b64encode(out["data"]).decode("ascii")
    return out


def decode_payload(payload: dict) -> dict:
    out = dict(payload)
    if "data" in out:
        out["data"] = base64.b64decode(out["data"])
    return out


# -- RQ -----------------------------------------------------------------------------------------------

class RQJobs:
    def __init__(self, redis_url: str, sealer: Sealer, *, ttl: int = 3600, timeout: int = JOB_TIMEOUT) -> None:
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(redis_url)
        self.queue = Queue(QUEUE, connection=self.redis)
        self.sealer = sealer
        self._ttl, self._timeout = ttl, timeout

    def submit(self, owner: str, kind: str, payload: dict) -> str:
        """An upload that opens a case is not run twice (it may have committed before its worker
        died: its poll says so); an idempotent kind is run again by another worker."""
        from rq import Retry

        job = self.queue.enqueue(execute_rq, kind, self.sealer.seal(encode_payload(payload)),
                                 job_id=secrets.token_hex(16), meta={"owner": owner, "kind": kind},
                                 job_timeout=self._timeout, result_ttl=self._ttl, failure_ttl=self._ttl,
                                 ttl=self._ttl, retry=Retry(max=RETRIES) if kind in IDEMPOTENT else None)
        return job.id

    def get(self, owner: str, job_id: str) -> dict | None:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        if not job_id.isalnum():
            return None
        try:
            job = Job.fetch(job_id, connection=self.redis)
        except NoSuchJobError:
            return None
        if not hmac.compare_digest(str(job.meta.get("owner", "")), owner):
            return None
        kind = str(job.meta.get("kind", ""))
        status = job.get_status()
        if status == JobStatus.FINISHED:
            done = self.sealer.open(job.return_value())
            return job_view(job_id, kind, "", (done["status"], done["body"]))
        if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            return job_view(job_id, kind, "", (500, {"error": {
                "code": "job_failed", "message": "后台任务异常中止（超时或工作进程退出），请重新提交"}}))
        return job_view(job_id, kind, "running" if status == JobStatus.STARTED else "queued")

    def close(self) -> None:
        self.redis.close()


log = logging.getLogger(__name__)


@dataclass
class WorkerContext:
    """What `screening worker` gives its database jobs: the app's state, the sealer of what travels
    through Redis, and whether the database is usable (None) or why not (checked again before each
    database job until it is, so a worker started before `screening init` needs no restart)."""

    state: Any
    sealer: Sealer
    database_url: str
    problem: str | None = None

    def database_problem(self) -> str | None:
        from screening.review.db import database_problem

        if self.problem is not None:
            self.problem = database_problem(self.database_url)
        return self.problem


_WORKER: WorkerContext | None = None     # set by run_worker in the worker process


def execute_rq(kind: str, sealed: bytes) -> bytes:
    """The RQ job function of the database jobs (runs in `screening worker`). On a worker without a
    usable database the job ends failed, with the reason (its poll shows it); check jobs
    (`screening check --queue`) need no database and run on any worker."""
    if _WORKER is None:
        raise RuntimeError("execute_rq runs only inside `screening worker`")
    problem = _WORKER.database_problem()
    if problem is not None:
        host = socket.gethostname()
        return _WORKER.sealer.seal({"status": 503, "body": {"error": {
            "code": "worker_without_database",
            "message": f"执行该任务的工作进程（主机 {host}）没有可用的数据库：{problem}。"
                       "请在该主机上设置 DATABASE_URL 并运行 screening init 后重新提交"}}})
    status, body = actions.run_caught(_WORKER.state, kind, decode_payload(_WORKER.sealer.open(sealed)))
    return _WORKER.sealer.seal({"status": status, "body": body})


def heartbeat_worker_class() -> type:
    """RQ's SimpleWorker (no fork per job, so database connections stay sound) with a heartbeat
    while a job runs (see HEARTBEAT above)."""
    from rq import SimpleWorker

    class HeartbeatWorker(SimpleWorker):
        def get_heartbeat_ttl(self, job: Any) -> int:
            return HEARTBEAT_TTL

        def perform_job(self, job: Any, queue: Any) -> bool:
            done = threading.Event()

            def beat() -> None:
                while not done.wait(HEARTBEAT):
                    try:
                        self.maintain_heartbeats(job)
                    except Exception as exc:  # noqa: BLE001 - Redis away for a moment: beat again
                        log.warning("job heartbeat failed: %s", type(exc).__name__)

            thread = threading.Thread(target=beat, name=f"rq-heartbeat-{job.id}", daemon=True)
            thread.start()
            try:
                return super().perform_job(job, queue)
            finally:
                done.set()
                thread.join()

    return HeartbeatWorker


def run_worker(app: Any, *, burst: bool = False, database_problem: str | None = None) -> None:
    """Work the queue with the app's service and engine (one process, jobs one after another: run
    several workers for more). `database_problem`: why the database cannot be used yet, if so (the
    worker still runs check jobs)."""
    global _WORKER  # noqa: PLW0603 - the worker process's own context, set at its start

    st = app.extensions["screening"]
    jobs = st.jobs
    if not isinstance(jobs, RQJobs):
        raise RuntimeError("REDIS_URL 未设置：后台任务在 Web 进程内执行，无需单独的 worker")
    _WORKER = WorkerContext(st, jobs.sealer, app.config["DATABASE_URL"], database_problem)
    worker = heartbeat_worker_class()([jobs.queue], connection=jobs.redis, maintenance_interval=MAINTENANCE,
                                      worker_ttl=WORKER_TTL)
    worker.work(burst=burst, with_scheduler=False, logging_level="WARNING")
