"""档案复查 in the UI: a lexicon term added by the secrecy officer re-screens the unit's approved
documents in the background; the officer sees what is new, and records a review of it."""
from __future__ import annotations

import time

import pytest

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


# -- an archive folder on the server, started from the page (issue 15) -----------------------------

def _archive(tmp_path):
    """An archive root holding a portal export with an ID number, and a private folder beside it."""
    root, private = tmp_path / "archive", tmp_path / "private"
    (root / "网站导出").mkdir(parents=True)
    private.mkdir()
    (root / "网站导出" / "名单.txt").write_text("王建国，身份证号11010519491231002X。\n", encoding="utf-8")
    (private / "工资表.txt").write_text("李四，身份证号11010519491231002X。\n", encoding="utf-8")
    return root, private


def test_the_officer_starts_an_archive_run_on_a_folder_inside_the_roots(app, as_user, svc, people, tmp_path):
    root, _ = _archive(tmp_path)
    app.config["ARCHIVE_ROOTS"] = (str(root),)
    sun = as_user("sun")
    page = sun.get("/officer/rescreen").get_data(as_text=True)
    assert 'action="/officer/rescreen/archive"' in page and str(root) in page
    done = sun.post("/officer/rescreen/archive", {"folder": str(root / "网站导出")},
                    follow_redirects=True).get_data(as_text=True)
    assert f"已发起已公开档案复查：{(root / '网站导出').resolve()} 下共 1 个文件" in done
    view = _finished(svc, people["sun"])
    assert view["runs"][0]["flagged"] == 1 and view["runs"][0]["reason"] == "已公开档案复查"
    page = sun.get("/officer/rescreen").get_data(as_text=True)
    assert f"已公开档案：{(root / '网站导出' / '名单.txt').resolve()}" in page
    assert "11010519491231002X" not in page


@pytest.mark.parametrize("how", ["outside", "dotdot", "symlink", "missing"])
def test_a_folder_outside_the_roots_is_refused_on_the_page(app, as_user, svc, people, tmp_path, how):
    root, private = _archive(tmp_path)
    (root / "捷径").symlink_to(private, target_is_directory=True)
    app.config["ARCHIVE_ROOTS"] = (str(root),)
    folder = {"outside": str(private), "dotdot": f"{root}/网站导出/../../private", "symlink": f"{root}/捷径",
              "missing": f"{root}/无此目录"}[how]
    page = as_user("sun").post("/officer/rescreen/archive", {"folder": folder},
                               follow_redirects=True).get_data(as_text=True)
    wanted = "文件夹不存在" if how == "missing" else "该文件夹不在允许复查的档案目录内"
    assert wanted in page and "已发起" not in page
    assert rescreen.overview(svc, people["sun"])["runs"] == []


def test_without_roots_the_page_says_how_to_configure_them(app, as_user, svc, people, tmp_path):
    root, _ = _archive(tmp_path)
    app.config["ARCHIVE_ROOTS"] = ()
    sun = as_user("sun")
    page = sun.get("/officer/rescreen").get_data(as_text=True)
    assert "尚未配置允许复查的档案目录" in page and "SCREENING_ARCHIVE_ROOTS=" in page
    assert 'action="/officer/rescreen/archive"' not in page
    refused = sun.post("/officer/rescreen/archive", {"folder": str(root / "网站导出")})
    assert refused.status_code == 403 and "未配置允许复查的档案目录" in refused.get_data(as_text=True)
    assert rescreen.overview(svc, people["sun"])["runs"] == []


def test_an_archive_run_needs_the_forms_token(app, as_user, svc, people, tmp_path):
    root, _ = _archive(tmp_path)
    app.config["ARCHIVE_ROOTS"] = (str(root),)
    sun = as_user("sun")
    response = sun.client.post("/officer/rescreen/archive", data={"folder": str(root / "网站导出")})
    assert response.status_code == 400
    assert rescreen.overview(svc, people["sun"])["runs"] == []
