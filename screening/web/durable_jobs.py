"""Large uploads answered `202` without Redis: durable in the database before the answer.

`submit` stores the upload in the encrypted file store and commits a `jobs` row (its other fields
sealed with a key derived from the store's key) before the request answers 202; a thread pool of the
web process then runs it and commits the result (sealed too) to the same row, so the poll URL
answers from the database — after a restart as well. When the process starts serving again
(`recover`, once per process):
- a job still `queued` is run again (nothing of it had started);
- a job that was `running` is marked failed with a visible reason: it may have finished its
  database work before the crash, so running it twice could open a second case; its upload is
  deleted then (unless a version or a queued job holds the same file);
and `screening.review.storage.BlobStore.clean` removes `.tmp` files and blobs that no version and no
unfinished job refers to (what a crash between writing a file and committing its row leaves).
"""
from __future__ import annotations

import hmac
import logging
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import sqlalchemy as sa

from screening.review.db import Database
from screening.review.models import Job, Version
from screening.review.sealing import Sealer
from screening.review.storage import BlobStore
from screening.web import actions

log = logging.getLogger("screening.web.jobs")

SEAL_PURPOSE = b"screening.web.durable-jobs/1"
INTERRUPTED = {"error": {"code": "job_interrupted",
                         "message": "任务执行中服务重启，结果未知：请在案件列表中确认是否已办理，必要时重新提交"}}
Execute = Callable[[str, dict], actions.Result]


def _now() -> datetime:
    return datetime.now(timezone.utc)


class DurableJobs:
    def __init__(self, db: Database, store: BlobStore, execute: Execute, *, workers: int = 2) -> None:
        self.db, self.store, self._execute = db, store, execute
        self._sealer: Sealer = store.sealer(SEAL_PURPOSE)
        self._workers = max(1, workers)
        self._pool: ThreadPoolExecutor | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    # -- the request side ---------------------------------------------------------------------------

    def submit(self, owner: str, kind: str, payload: dict) -> str:
        job_id = secrets.token_hex(16)
        params = {k: v for k, v in payload.items() if k != "data"}
        blob = self.store.put(payload["data"]) if "data" in payload else None
        now = _now()
        with self.db.write_session() as s, s.begin():
            s.add(Job(id=job_id, owner=owner, kind=kind, status="queued", blob_sha256=blob,
                      params_sealed=self._sealer.seal_text(params), attempts=0, created_at=now, updated_at=now))
        self._pool_here().submit(self._run, job_id)
        return job_id

    def get(self, owner: str, job_id: str) -> dict | None:
        from screening.web.jobs import job_view

        self._pool_here()
        with self.db.read() as s:
            job = s.get(Job, job_id) if job_id.isalnum() and len(job_id) <= 32 else None
            if job is None or not hmac.compare_digest(job.owner, owner):
                return None
            if job.status in ("succeeded", "failed"):
                return job_view(job.id, job.kind, "", (job.result_status, self._sealer.open_text(job.result_sealed)))
            return job_view(job.id, job.kind, job.status)

    # -- the worker side ----------------------------------------------------------------------------

    def _pool_here(self) -> ThreadPoolExecutor:
        """The pool of this process, started on first use (after gunicorn's fork), recovering the
        jobs a previous process left."""
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="screening-job")
                self._pid = os.getpid()
                for job_id in self.recover():
                    self._pool.submit(self._run, job_id)
            return self._pool

    def recover(self) -> list[str]:
        """Mark interrupted jobs failed; the ids of queued jobs to run again."""
        with self.db.write_session() as s, s.begin():
            jobs = s.execute(sa.select(Job).where(Job.status.in_(("queued", "running")))).scalars().all()
            again, released = [], []
            for job in jobs:
                if job.status == "running":
                    self._finish(job, (500, INTERRUPTED))
                    released.append(self._unneeded_blob(s, job))
                else:
                    again.append(job.id)
        self._purge(released)           # an interrupted upload's file is not needed any more
        if jobs:
            log.warning("jobs after restart: %d resumed, %d marked interrupted", len(again), len(jobs) - len(again))
        return again

    def _claim(self, job_id: str) -> tuple[str, dict] | None:
        with self.db.write_session() as s, s.begin():
            job = s.get(Job, job_id)
            if job is None or job.status != "queued":
                return None
            job.status, job.attempts, job.updated_at = "running", job.attempts + 1, _now()
            payload = self._sealer.open_text(job.params_sealed)
            if job.blob_sha256 is not None:
                payload["data"] = self.store.get(job.blob_sha256)
            return job.kind, payload

    def _run(self, job_id: str) -> None:
        try:
            claimed = self._claim(job_id)
            if claimed is None:
                return
            result = self._execute(*claimed)
            with self.db.write_session() as s, s.begin():
                job = s.get(Job, job_id)
                self._finish(job, result)
                blob = self._unneeded_blob(s, job)
            self._purge([blob])          # the upload was needed only until the job ran
        except Exception:  # noqa: BLE001 - a job thread must not die silently
            log.exception("job %s could not be run", job_id)

    @staticmethod
    def _unneeded_blob(s, job: Job) -> str | None:
        """The finished job's uploaded file, unless a version keeps it or another job still waits for it."""
        blob = job.blob_sha256
        if blob is None:
            return None
        kept = s.execute(sa.select(Version.id).where(Version.storage_key == blob).limit(1)).first()
        waiting = s.execute(sa.select(Job.id).where(Job.blob_sha256 == blob, Job.id != job.id,
                                                    Job.status.in_(("queued", "running"))).limit(1)).first()
        return None if kept or waiting else blob

    def _purge(self, blobs: list[str | None]) -> None:
        for blob in blobs:
            if blob is not None:
                self.store.purge(blob)

    def _finish(self, job: Job, result: actions.Result) -> None:
        job.status = "succeeded" if result[0] < 400 else "failed"
        job.result_status, job.result_sealed = result[0], self._sealer.seal_text(result[1])
        job.updated_at = _now()

    def clean_store(self) -> list[str]:
        """At start-up: remove `.tmp` files and blobs that no version and no unfinished job needs."""
        with self.db.read() as s:
            keep = set(s.execute(sa.select(Version.storage_key).where(Version.storage_key.is_not(None))).scalars())
            keep |= set(s.execute(sa.select(Job.blob_sha256).where(
                Job.status.in_(("queued", "running")), Job.blob_sha256.is_not(None))).scalars())
        removed = self.store.clean(keep)
        if removed:
            log.warning("file store: %d orphan files removed at start-up", len(removed))
        return removed

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
