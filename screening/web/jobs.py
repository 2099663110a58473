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
import secrets
from collections.abc import Callable
from typing import Any, Protocol

from screening.review.sealing import Sealer
from screening.web import actions

QUEUE = "screening"
JOB_TIMEOUT = 900                 # seconds one job may run on the RQ worker (SCREENING_JOB_TIMEOUT)
RETRIES = 2                       # runs again of a job whose worker was killed (then failed, visibly)
IDEMPOTENT = frozenset({"rescreen", "screen", "screen_batch"})   # may run twice without a second effect
# A SimpleWorker has no heartbeat while it runs a job: its entry in the StartedJobRegistry lapses
# JOB_TIMEOUT + 60 s after the job started. A worker's registry clean-up (every MAINTENANCE s, and
# when a worker starts) then moves an abandoned job back to the queue if it has retries left
# (`Retry`), else to the FailedJobRegistry (AbandonedJobError), where the poll shows it failed.
MAINTENANCE = 30
WORKER_TTL = 60                   # an idle worker wakes every WORKER_TTL - 15 s, so clean-ups run

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


_WORKER: tuple[Any, Sealer] | None = None     # (WebState, Sealer), set by run_worker in the worker process


def execute_rq(kind: str, sealed: bytes) -> bytes:
    """The RQ job function (runs in `screening worker`)."""
    if _WORKER is None:
        raise RuntimeError("execute_rq runs only inside `screening worker`")
    st, sealer = _WORKER
    status, body = actions.run_caught(st, kind, decode_payload(sealer.open(sealed)))
    return sealer.seal({"status": status, "body": body})


def run_worker(app: Any, *, burst: bool = False) -> None:
    """Work the queue with the app's service and engine (one process, jobs one after another: run
    several workers for more). SimpleWorker: no fork per job, so database connections stay sound."""
    global _WORKER  # noqa: PLW0603 - the worker process's own context, set at its start
    from rq import SimpleWorker

    st = app.extensions["screening"]
    jobs = st.jobs
    if not isinstance(jobs, RQJobs):
        raise RuntimeError("REDIS_URL 未设置：后台任务在 Web 进程内执行，无需单独的 worker")
    _WORKER = (st, jobs.sealer)
    worker = SimpleWorker([jobs.queue], connection=jobs.redis, maintenance_interval=MAINTENANCE,
                          worker_ttl=WORKER_TTL)
    worker.work(burst=burst, with_scheduler=False, logging_level="WARNING")
