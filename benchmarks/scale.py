"""Archive re-screen at scale: documents/s with 1 and 2 RQ workers on this machine, beside the
in-process re-screen of the same documents (the reference, measured in the same run).

    .venv/bin/python benchmarks/scale.py [--docs 2000]

Sets up what a multi-host deployment shares (docs/deploy.md): a throwaway PostgreSQL
(scripts/postgres.sh) holding the database and the encrypted file store, and a Redis on loopback.
It opens and approves `--docs` generated documents (notices as txt and docx, some with an internal
project code), adds a lexicon term naming the code, and re-screens the archive three times:
in this process (`rescreen.run_all`), with one `screening worker`, and with two. Throughput is
counted between the first and the last document finished, so process start-up is left out; the
efficiency is the 2-worker rate over twice the 1-worker rate. From these figures it prints how many
worker cores one million documents in an hour would take.
"""
from __future__ import annotations

import argparse
import io
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNIT, DEPT = "示例市人民政府办公室", "政务公开科"
CODE = "天河工程"
PARAGRAPHS = [
    "为进一步做好本年度重点工作，经研究，现就有关事项通知如下。",
    "各单位要提高思想认识，加强组织领导，明确责任分工，确保各项任务按期完成。",
    "请各部门结合实际制定具体实施方案，于本月底前报送办公室。",
    "要加强宣传引导，及时回应社会关切，营造良好氛围。",
    "对工作中发现的问题，要立行立改，建立长效机制。",
    "本通知自印发之日起施行，由办公室负责解释。",
]


def document(n: int, rng: random.Random) -> tuple[str, bytes]:
    body = [f"关于做好第{n}项重点工作的通知", "各有关单位："]
    body += rng.sample(PARAGRAPHS, k=len(PARAGRAPHS)) * rng.randint(2, 6)
    if n % 4 == 0:
        body.insert(3, f"本项工作内部代号为{CODE}第{n}期。")
    body.append(f"联系电话：0571-8{n % 10_000:04d}000")
    if n % 5 == 0:
        import docx

        d = docx.Document()
        for line in body:
            d.add_paragraph(line)
        buf = io.BytesIO()
        d.save(buf)
        return f"通知{n}.docx", buf.getvalue()
    return f"通知{n}.txt", "\n".join(body).encode("utf-8")


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    from tests.live_server import free_port

    port = free_port()
    proc = subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server", "--bind", "127.0.0.1",
                             "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


def populate(svc, n_docs: int) -> None:
    from screening.review import provisioning

    ids = {name: provisioning.add_user(svc.db, name, role=role, unit=UNIT, department=dept).id
           for name, role, dept in (("zhang", "drafter", DEPT), ("li", "head", DEPT),
                                    ("wang", "leader", None), ("sun", "secrecy_officer", None))}
    rng = random.Random(7)
    started = time.perf_counter()
    for n in range(n_docs):
        name, data = document(n, rng)
        case_id = svc.open_case(ids["zhang"], title=f"第{n}项通知", data=data, filename=name).case_id
        for who, stage in (("zhang", "drafter"), ("li", "head"), ("wang", "leader")):
            svc.sign(ids[who], case_id, stage=stage, decision="approve", opinion="同意")
    print(f"  {n_docs} documents opened and approved in {time.perf_counter() - started:.0f} s")
    return ids


def span_rate(svc, run_id: int) -> tuple[float, int]:
    """Documents/s between the first and the last item finished, and the number finished."""
    import sqlalchemy as sa

    from screening.review.rescreen import RescreenItem

    with svc.db.read() as s:
        times = sorted(t for t in s.execute(sa.select(RescreenItem.done_at)
                                            .where(RescreenItem.run_id == run_id)).scalars() if t)
    if len(times) < 2:
        return 0.0, len(times)
    return (len(times) - 1) / max((times[-1] - times[0]).total_seconds(), 1e-9), len(times)


def with_workers(svc, env: dict, k: int, folder: Path) -> tuple[float, int, int]:
    from redis import Redis
    from rq import Queue

    from screening.review import rescreen
    from screening.web.jobs import QUEUE, RQJobs, Sealer

    run_id = rescreen.start(svc, unit=UNIT, reason="rules")
    jobs = RQJobs(env["REDIS_URL"], Sealer(svc_key(env)))
    for item in rescreen.pending_items(svc, run_id):
        jobs.submit("system:bench", "rescreen", {"run_id": run_id, "item_id": item})
    procs = [subprocess.Popen([sys.executable, "-m", "screening.cli", "worker", "--burst"],
                              env={**os.environ, **env, "SCREENING_INSTANCE": str(folder / f"w{k}{i}")},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(k)]
    for p in procs:
        p.wait()
    assert Queue(QUEUE, connection=Redis.from_url(env["REDIS_URL"])).count == 0
    rate, done = span_rate(svc, run_id)
    flagged = rescreen.run_progress(svc, run_id).flagged
    return rate, done, flagged


def svc_key(env: dict) -> bytes:
    from screening.review.config import decode_key

    return decode_key(env["SCREENING_SECRET_KEY"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    args = ap.parse_args()

    from screening.engine import Settings, build_engine
    from screening.review import lexicon, rescreen
    from screening.review.config import ReviewConfig, generate_key
    from screening.review.db import Database, upgrade
    from screening.review.service import ReviewService

    folder = Path(tempfile.mkdtemp(prefix="screening-scale-"))
    state = folder / "pg.env"
    pg_env = {**os.environ, "SCREENING_PG_STATE": str(state)}
    url = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "start"], env=pg_env,
                         check=True, capture_output=True, text=True).stdout.strip()
    redis_proc, redis_url = start_redis(folder)
    try:
        key = generate_key()
        env = {"DATABASE_URL": url, "REDIS_URL": redis_url, "SCREENING_STORAGE": "database",
               "SCREENING_SECRET_KEY": key, "SCREENING_CLASSIFIER": "0"}
        db = Database.from_url(url)
        upgrade(db.engine)
        db.dispose()
        config = ReviewConfig(instance=folder / "bench", database_url=url, secret_key=key, storage="database")
        svc = ReviewService.from_config(config, build_engine(Settings(classifier=False)))
        svc.engine = lexicon.LexiconScreener(svc.engine, svc.db)
        print(f"archive re-screen, {args.docs} documents (txt and docx), PostgreSQL + Redis on loopback, "
              f"{os.cpu_count()} cores, classifier off")
        ids = populate(svc, args.docs)
        lexicon.add_term(svc.db, ids["sun"], lexicon.TermInput.of(
            term=CODE, category="work_secret", severity="medium", message="出现本单位内部项目代号",
            suggestion="删除代号", hits=f"推进{CODE}建设", misses="银河系的星星", allow=""))

        run_id = rescreen.start(svc, unit=UNIT, reason="rules")
        started = time.perf_counter()
        progress = rescreen.run_all(svc, run_id)
        local = progress.done / (time.perf_counter() - started)
        print(f"  reference, in process (no queue):  {local:7.1f} documents/s   "
              f"({progress.done} done, {progress.flagged} flagged)")
        results = {}
        for k in (1, 2):
            rate, done, flagged = with_workers(svc, env, k, folder)
            results[k] = rate
            print(f"  {k} RQ worker{'s' if k > 1 else ' '}:                      {rate:7.1f} documents/s   "
                  f"({done} done, {flagged} flagged)")
        efficiency = results[2] / (2 * results[1]) if results[1] else 0.0
        print(f"  efficiency of 2 workers: {efficiency:.0%} of linear")
        need = 1_000_000 / 3600
        per_worker = results[1] * min(efficiency, 1.0)
        workers = math.ceil(need / per_worker) if per_worker else 0
        print(f"  1 million documents in an hour: {need:.0f} documents/s = about {workers} worker "
              f"processes at this rate (one per core), e.g. {math.ceil(workers / 8)} hosts of 8 cores, "
              f"plus the shared PostgreSQL and Redis")
        svc.close()
    finally:
        redis_proc.terminate()
        subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "stop"], env=pg_env, check=False)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
