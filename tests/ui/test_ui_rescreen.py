"""档案复查 in the UI: a lexicon term added by the secrecy officer re-screens the unit's approved
documents in the background; the officer sees what is new, and records a review of it."""
from __future__ import annotations

import time

from conftest import open_case
from test_ui_lexicon import GOOD

from screening.review import rescreen

ARCHIVED = "关于推进重点项目建设的通知\n各单位：今年继续推进天河工程建设，请按计划实施。\n"


def _approve(svc, people, case_id: int) -> None:
    svc.set_publicity(people["zhang"], case_id, attribute="主动公开")
    for who, stage in (("zhang", "drafter"), ("li", "head"), ("wang", "leader")):
        svc.sign(people[who], case_id, stage=stage, decision="approve", opinion="同意公开")


def _finished(svc, officer: int, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = rescreen.overview(svc, officer)
        if view["runs"] and all(r["finished"] for r in view["runs"]):
            return view
        time.sleep(0.05)
    raise AssertionError("the background re-screen did not finish")


def test_a_new_lexicon_term_rescreens_the_archive_and_the_officer_reviews_it(as_user, svc, people):
    case = open_case(svc, people, text=ARCHIVED, title="重点项目通知")
    _approve(svc, people, case.case_id)
    sha = svc.case_view(case.case_id)["versions"][-1]["sha256"]
    assert svc.clearance(sha).publishable

    sun = as_user("sun")
    saved = sun.post("/officer/lexicon", GOOD, follow_redirects=True).get_data(as_text=True)
    assert "已自动发起档案复查（1 份已审发文件）" in saved
    view = _finished(svc, people["sun"])
    assert view["runs"][0]["flagged"] == 1

    page = sun.get("/officer/rescreen").get_data(as_text=True)
    assert "重点项目通知" in page and "新发现 1 项" in page and "工作秘密" in page
    assert "自定义词库变更后自动复查" in page
    assert "work.lexicon" not in page and "天河工程" not in page        # no rule ids, no flagged text
    assert svc.clearance(sha).publishable                               # a person decides, not the machine

    [flag] = view["flags"]
    acknowledge = f"/officer/rescreen/items/{flag['id']}/acknowledge"
    for who in ("zhang", "li", "wang", "root"):
        assert as_user(who).post(acknowledge, {"note": "越权"}).status_code == 403
    assert as_user("feng").post(acknowledge, {"note": "越权"}).status_code == 404   # another unit
    sun.post(f"/officer/rescreen/items/{flag['id']}/acknowledge", {"note": "已核实，代号已公开报道"})
    assert "没有待复核的复查结果" in sun.get("/officer/rescreen").get_data(as_text=True)


def test_the_officer_starts_a_rescreen_by_hand_and_others_cannot(as_user, svc, people):
    case = open_case(svc, people, text=ARCHIVED, title="重点项目通知")
    _approve(svc, people, case.case_id)
    done = as_user("sun").post("/officer/rescreen", {}, follow_redirects=True).get_data(as_text=True)
    assert "已发起复查：共 1 份已审发文件" in done
    assert _finished(svc, people["sun"])["runs"][0]["total"] == 1
    for who in ("zhang", "li", "wang", "root"):
        assert as_user(who).post("/officer/rescreen", {}).status_code == 403
        assert as_user(who).get("/officer/rescreen").status_code == 403
    assert rescreen.overview(svc, people["feng"]) == {"runs": [], "flags": []}   # the other unit


def test_an_archive_files_flag_shows_its_path_not_a_case(as_user, svc, people, tmp_path):
    """A file of an external archive (`screening rescreen --folder`) has no case to link to: the
    officer's page names the file and its path."""
    folder = tmp_path / "网站导出"
    folder.mkdir()
    (folder / "名单.txt").write_text("王建国，身份证号11010519491231002X。\n", encoding="utf-8")
    run_id = rescreen.start_folder(svc, [folder / "名单.txt"], folder=str(folder), actor_id=people["sun"])
    rescreen.run_all(svc, run_id)
    page = as_user("sun").get("/officer/rescreen").get_data(as_text=True)
    assert "名单.txt" in page and f"已公开档案：{(folder / '名单.txt').resolve()}" in page
    assert "已公开档案复查" in page
