"""`screening check --queue REDIS_URL`: the files of a batch fanned out to the RQ workers
(`screening worker`) of other hosts, with the same report as the local run.

Each file is one job on the service's queue, named by its absolute path: the workers read it from a
path they all see (a shared mount). A worker that cannot read the path reports the file as refused,
with the host's name, never drops it. The worker screens with the engine settings of the command
(classifier on or off, the unit's rule folders) and returns the report sealed with AES-GCM under a
key derived from the file store's key (`SCREENING_SECRET_KEY`, the same on the command's host and on
the workers), so Redis never holds the flagged text in the clear. A job whose worker is killed is
put back on the queue by the next worker's registry clean-up (`Retry`), and screening a file twice
changes nothing.
"""
from __future__ import annotations

import base64
import os
import pickle
import socket
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from screening.engine import Settings
from screening.errors import UnreadableDocument
from screening.review.config import ReviewConfig
from screening.review.sealing import Sealer
from screening.types import Report

PURPOSE = b"screening.check-queue/1"
RESULT_TTL = 3600       # how long a sealed report waits in Redis for the command to collect it (then
                        # expires; not deleted at once: RQ 2.12's Job.delete fails on the execution
                        # record a killed worker left)
POLL = 0.2


class QueueProblem(Exception):
    """The batch cannot be run on the queue at all (wrong key, Redis unreachable): exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sealer() -> Sealer:
    return Sealer(ReviewConfig.from_env().storage_key(), PURPOSE)


def not_readable(path: Path) -> UnreadableDocument:
    return UnreadableDocument(
        "not_found",
        f"工作主机 {socket.gethostname()} 无法读取该文件（{path}）：请把文件放在各工作主机都能以同一绝对路径读到的位置")


def screen_queued(path: str, settings: Settings) -> str:
    """The RQ job function (runs in `screening worker`): one file, its report sealed."""
    from screening.engine import cached_engine
    from screening.pipeline import refused, screen_path

    where = Path(path)
    if where.is_file() and os.access(where, os.R_OK):
        report = screen_path(where, engine=cached_engine(settings))
    else:
        report = refused(where.name, not_readable(where))
    return sealer().seal_text({"report": base64.b64encode(pickle.dumps(report)).decode("ascii")})


def open_report(sealed: str, box: Sealer) -> Report:
    """The report a worker sealed (authenticated by AES-GCM before it is unpickled)."""
    return pickle.loads(base64.b64decode(box.open_text(sealed)["report"]))  # noqa: S301 - sealed by our key


def screen_on_queue(paths: Sequence[Path], settings: Settings, redis_url: str,
                    progress: Callable[[int, int], None]) -> list[Report]:
    """Screen on the workers, in input order; returns when every file has its report."""
    from cryptography.exceptions import InvalidTag
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue, Retry
    from rq.job import JobStatus

    from screening.pipeline import refused
    from screening.web.jobs import QUEUE, RETRIES
    from screening.web.settings import from_env

    box = sealer()
    settings = Settings(rules_dirs=tuple(p.resolve() for p in settings.rules_dirs),
                        extra_rules_dirs=tuple(p.resolve() for p in settings.extra_rules_dirs),
                        classifier=settings.classifier,
                        model_path=settings.model_path.resolve() if settings.model_path else None)
    redis = Redis.from_url(redis_url)
    try:
        redis.ping()
    except RedisError as exc:
        raise QueueProblem(f"无法连接 Redis（{type(exc).__name__}）：请检查 --queue 的地址") from None
    try:
        queue = Queue(QUEUE, connection=redis)
        timeout = int(from_env()["JOB_TIMEOUT"])
        jobs = [queue.enqueue(screen_queued, str(p.resolve()), settings, job_timeout=timeout,
                              result_ttl=RESULT_TTL, failure_ttl=RESULT_TTL, retry=Retry(max=RETRIES),
                              meta={"kind": "check"})
                for p in paths]
        reports: dict[int, Report] = {}
        while len(reports) < len(jobs):
            for n, job in enumerate(jobs):
                if n in reports:
                    continue
                status = job.get_status(refresh=True)
                if status == JobStatus.FINISHED:
                    try:
                        reports[n] = open_report(job.return_value(refresh=True), box)
                    except InvalidTag:
                        raise QueueProblem("无法解开工作主机返回的结果：本机与各工作主机须设置同一个 SCREENING_SECRET_KEY") from None
                elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
                    reports[n] = refused(paths[n].name, UnreadableDocument("worker_failed"))
                else:
                    continue
                progress(len(reports), len(jobs))
            if len(reports) < len(jobs):
                time.sleep(POLL)
        return [reports[n] for n in range(len(jobs))]
    finally:
        redis.close()
