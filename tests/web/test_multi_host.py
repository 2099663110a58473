"""Several hosts: two `screening serve` instances and two `screening worker` processes sharing one
PostgreSQL (database and encrypted file store) and one Redis (jobs and rate limits), each with its own
instance folder and nothing else in common, as docs/deploy.md lays them out.

Uploads through either instance, 202 jobs worked by either worker and polled through the other
instance, sign-offs spread over both, clearance and the rate limit the same on both, and an archive
re-screen fanned out to the workers by `screening rescreen --queue`."""
from __future__ import annotations

import hashlib
import io
import secrets
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from tests.databases import pg_execute, pg_url
from tests.live_server import stop
from web_helpers import DRAFT, FIXED, child_env, make_org, serve

RATE = 300          # the documented default, per key across all instances


@pytest.fixture(scope="module")
def cluster(pg_admin, template_url_pg, redis_url, tmp_path_factory):
    """(bases, org, env, database): two servers and two workers on one PostgreSQL and one Redis."""
    from redis import Redis

    from screening.review.config import generate_key
    from screening.review.db import Database

    tmp_path = tmp_path_factory.mktemp("hosts")
    Redis.from_url(redis_url.replace("/0", "/2")).flushdb()

    name = f"screening_hosts_{secrets.token_hex(5)}"
    pg_execute(pg_admin, f'CREATE DATABASE "{name}" TEMPLATE "{template_url_pg}"')
    url = pg_url(pg_admin, name)
    db = Database.from_url(url, poolclass=sa.pool.NullPool)
    org = make_org(db)
    shared = {"DATABASE_URL": url, "REDIS_URL": redis_url.replace("/0", "/2"), "SCREENING_STORAGE": "database",
              "SCREENING_SECRET_KEY": generate_key(), "SECRET_KEY": secrets.token_hex(16),
              "SCREENING_SYNC_MAX_BYTES": "64", "SCREENING_CLASSIFIER": "0",
              "SCREENING_RATE_LIMIT": f"{RATE} per minute"}
    with ExitStack() as stack:
        workers = []
        for n in (1, 2):
            env = {**shared, "SCREENING_INSTANCE": str(tmp_path / f"worker{n}")}
            log = stack.enter_context(open(tmp_path / f"worker{n}.log", "wb"))
            proc = subprocess.Popen([sys.executable, "-m", "screening.cli", "worker"], env=child_env(env),
                                    stdout=log, stderr=subprocess.STDOUT)
            workers.append(proc)
            stack.callback(stop, proc)
        bases = [stack.enter_context(serve({**shared, "SCREENING_INSTANCE": str(tmp_path / f"host{n}")},
                                           tmp_path, workers=1))
                 for n in (1, 2)]
        yield bases, org, shared, db, tmp_path
    db.dispose()
    pg_execute(pg_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def template_url_pg(pg_admin, tmp_path_factory):
    from tests.databases import migrated_template

    with migrated_template("postgresql", tmp_path_factory.mktemp("hosts"), lambda: pg_admin,
                           "screening_hoststmpl") as template:
        yield template


def _session(org, who: str):
    import requests

    s = requests.Session()
    s.trust_env = False
    s.headers.update(org.auth(who))
    return s


def _upload(http, base: str, text: str, title: str) -> dict:
    """A 202 upload (the files are above SYNC_MAX_BYTES) polled to its end through `base`."""
    r = http.post(f"{base}/api/v1/documents", data={"title": title},
                  files={"file": ("通知.txt", io.BytesIO(text.encode()), "text/plain")})
    assert r.status_code == 202, r.text
    return r.json()["poll"]


def _wait(http, base: str, poll: str, timeout: float = 120.0) -> dict:
    """Poll a job through `base`, gently (the polls count against the caller's rate limit)."""
    deadline = time.monotonic() + timeout
    while True:
        r = http.get(base + poll)
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("succeeded", "failed"):
            return r.json()
        assert time.monotonic() < deadline, r.json()
        time.sleep(0.25)


def test_two_instances_and_two_workers_share_one_database_and_one_redis(cluster):
    from redis import Redis
    from rq.job import Job

    (a, b), org, env, db, folder = cluster
    drafter, head, leader = (_session(org, w) for w in ("drafter", "head", "leader"))

    # eight uploads through A, each a job; polled through B; worked by both workers
    polls = [_upload(drafter, a, FIXED + f"第{n}次通知。\n", f"通知{n}") for n in range(8)]
    views = [_wait(drafter, b, p) for p in polls]
    logs = "\n".join((folder / f"worker{n}.log").read_text(errors="replace") for n in (1, 2))
    assert all(v["status"] == "succeeded" and v["result_status"] == 201 for v in views), (views, logs)
    redis = Redis.from_url(env["REDIS_URL"])
    workers = {Job.fetch(p.rsplit("/", 1)[-1], connection=redis).worker_name for p in polls}
    assert len(workers) == 2, f"one worker did all the jobs: {workers}"

    # the file A took in is in the shared store: B masks it (区分处理) into a new version
    poll = _upload(drafter, a, DRAFT, "含身份证号的通知")
    blocked = _wait(drafter, b, poll)["result"]
    [finding] = [f for f in blocked["report"]["findings"] if f["rule"] == "pii.id_card"]
    case = drafter.get(f"{b}/api/v1/documents/{blocked['id']}").json()
    [row] = [f for f in case["findings"] if f["rule"] == "pii.id_card"]
    assert finding["text"] == row["text"]
    r = drafter.post(f"{b}/api/v1/documents/{blocked['id']}/findings/{row['id']}/disposition",
                     json={"action": "redacted", "reason": "公开时遮挡"})
    assert r.status_code in (200, 201), r.text
    r = drafter.post(f"{b}/api/v1/documents/{blocked['id']}/redacted-version")
    assert r.status_code == 201 and r.json()["version"] == 2, r.text

    # sign-offs spread over both instances, clearance the same on both
    case_id = views[0]["result"]["id"]
    fixed = (FIXED + "第0次通知。\n").encode()
    for session, base, stage in ((drafter, a, "drafter"), (head, b, "head"), (leader, a, "leader")):
        r = session.post(f"{base}/api/v1/documents/{case_id}/signoffs",
                         json={"stage": stage, "decision": "approve", "opinion": "同意"})
        assert r.status_code == 201, r.text
    digest = hashlib.sha256(fixed).hexdigest()
    cms = _session(org, "key:clearance")
    for base in (a, b):
        r = cms.get(f"{base}/api/v1/clearance", params={"sha256": digest})
        assert r.status_code == 200 and r.json()["publishable"] is True, r.text
    assert not any((folder / f"host{n}" / "files").exists() for n in (1, 2))   # no local copies

    # one rate limit for the key across both instances (Flask-Limiter on the shared Redis)
    reader = _session(org, "key:read")
    statuses = [reader.get(f"{(a, b)[n % 2]}/api/v1/clearance", params={"sha256": digest}).status_code
                for n in range(RATE + 2)]
    assert statuses[:RATE].count(429) == 0 and statuses[RATE:] == [429, 429], statuses


def test_an_archive_rescreen_is_fanned_out_to_the_workers(cluster):
    from screening.review import lexicon
    from screening.review.enums import Stage
    from screening.review.models import Case, User

    (a, b), org, env, db, folder = cluster
    drafter, head, leader = (_session(org, w) for w in ("drafter", "head", "leader"))
    texts = [FIXED + f"附：本次活动代号天河工程第{n}期。\n" for n in range(4)]
    for n, text in enumerate(texts):
        view = _wait(drafter, a, _upload(drafter, a, text, f"通知{n}"))
        case_id = view["result"]["id"]
        for session, stage in ((drafter, "drafter"), (head, "head"), (leader, "leader")):
            assert session.post(f"{b}/api/v1/documents/{case_id}/signoffs",
                                json={"stage": stage, "decision": "approve"}).status_code == 201
    with db.read() as s:
        officer = s.execute(sa.select(User.id).where(User.name == "sun")).scalar_one()
        approved = s.execute(sa.select(sa.func.count()).select_from(Case)
                             .where(Case.stage == Stage.APPROVED)).scalar_one()
    assert approved >= 4
    lexicon.add_term(db, officer, lexicon.TermInput.of(
        term="天河工程", category="work_secret", severity="medium", message="出现本单位内部项目代号",
        suggestion="删除代号", hits="推进天河工程建设", misses="银河系的星星", allow=""))

    run = subprocess.run([sys.executable, "-m", "screening.cli", "rescreen", "--unit", "示例市人民政府办公室",
                          "--queue"], env=child_env({**env, "SCREENING_INSTANCE": str(folder / "cli")}),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and f"已将 {approved} 份文件交给队列" in run.stdout, run.stderr
    run_id = int(run.stdout.split("复查 ", 1)[1].split("：", 1)[0])
    deadline = time.monotonic() + 120
    while True:
        status = subprocess.run([sys.executable, "-m", "screening.cli", "rescreen", "--status", str(run_id)],
                                env=child_env({**env, "SCREENING_INSTANCE": str(folder / "cli")}),
                                capture_output=True, text=True, timeout=120)
        if "已完成" in status.stdout or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expected = f"共 {approved} 份，已复查 {approved}，有新发现 4，无法读取 0；已完成"   # 4 name the term
    assert expected in status.stdout, status.stdout + status.stderr
