"""Re-screening an already-published archive that is not in the database (a portal's export, a
folder of old attachments): every file is screened with today's rules as one resumable run, what
each file holds is reported with its path, a file that cannot be read is reported and never passes,
and the secrecy office is told once, when the run ends."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from review_helpers import UNIT
from screening.cli import iter_paths
from screening.engine import Settings, build_engine
from screening.review import provisioning, rescreen
from screening.review.db import Database, upgrade
from screening.review.deadlines import WorkCalendar
from screening.review.models import Notification
from screening.review.service import ReviewService
from tests.docgen import make_docx, portal_page

ID_NUMBER = "11010519491231002X"


@pytest.fixture(scope="module")
def engine():
    return build_engine(Settings(classifier=False))


def archive(root: Path) -> Path:
    """Four published files: a 公示 with a full ID number, a clean notice, a page with an intranet
    address (in a subfolder), and a broken docx."""
    folder = root / "已公开"
    (folder / "2019").mkdir(parents=True)
    make_docx(folder / "低保公示.docx", paragraphs=["2019年低保对象公示", f"王建国，身份证号{ID_NUMBER}，城东社区。"])
    (folder / "通知.txt").write_text("关于做好节能宣传周工作的通知\n请各单位结合实际做好宣传。\n", encoding="utf-8")
    (folder / "2019" / "page.html").write_bytes(
        portal_page("关于调整部分公交线路的公告。", footer="维护入口 http://10.12.3.4:8080/admin/login.jsp"))
    (folder / "损坏.docx").write_bytes(b"PK\x03\x04 not really a zip")
    return folder


def test_an_external_archive_is_screened_file_by_file(database, store, clock, notifier, org, engine, tmp_path):
    svc = ReviewService(database, engine, store, calendar=WorkCalendar(include_package=False),
                        notifier=notifier, clock=clock)
    folder = archive(tmp_path)
    run_id = rescreen.start_folder(svc, iter_paths([str(folder)]), folder=str(folder), actor_id=org.officer)
    first = rescreen.pending_items(svc, run_id)[0]
    rescreen.screen_item(svc, first)                     # then the host goes down …
    progress = rescreen.run_all(svc, run_id)             # … and the run is resumed
    assert progress.to_dict() == {"run": run_id, "total": 4, "done": 3, "failed": 1, "flagged": 2, "finished": True}
    flags = {Path(f["path"]).name: f for f in rescreen.flags_of_run(svc, run_id)}
    assert set(flags) == {"低保公示.docx", "page.html", "损坏.docx"}
    assert any(x["category"] == "personal_info" for x in flags["低保公示.docx"]["findings"])
    assert any(x["category"] == "network" for x in flags["page.html"]["findings"])
    assert flags["损坏.docx"]["status"] == "failed" and flags["损坏.docx"]["case_id"] is None
    assert ID_NUMBER not in repr(rescreen.overview(svc, org.officer))          # the text is not kept
    with database.read() as s:
        told = s.query(Notification).filter_by(kind="rescreen").all()
    assert [n.user_id for n in told] == [org.officer]                      # once, at the end
    assert "4 个文件，2 个有发现，1 个无法读取" in told[0].message
    assert rescreen.overview(svc, org.officer)["runs"][0]["reason"] == "已公开档案复查"


def test_the_command_reports_every_file_of_the_folder(tmp_path):
    instance = tmp_path / "instance"
    env = {**os.environ, "SCREENING_INSTANCE": str(instance), "PYTHONWARNINGS": "ignore", "SCREENING_CLASSIFIER": "0"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "screening.cli"]
    assert subprocess.run([*command, "init"], env=env, capture_output=True).returncode == 0
    db = Database.from_url(f"sqlite:///{instance / 'screening.db'}")
    try:
        upgrade(db.engine)
        provisioning.add_user(db, "sun", role="secrecy_officer", unit=UNIT)
    finally:
        db.dispose()
    folder = archive(tmp_path)
    result = subprocess.run([*command, "rescreen", "--unit", UNIT, "--folder", str(folder)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr            # a file could not be read
    out = result.stdout
    assert f"文件 {folder.resolve() / '低保公示.docx'}：发现" in out and "page.html：发现" in out
    assert "损坏.docx：无法读取" in out and "通知.txt" not in out
    missing = subprocess.run([*command, "rescreen", "--unit", UNIT, "--folder", str(tmp_path / "无")], env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0 and "文件夹不存在" in missing.stderr
