"""An archive re-screen started from the web UI runs only on a folder whose real path lies below
the configured archive roots (SCREENING_ARCHIVE_ROOTS): `..`, a symlink out of the root, a missing
folder and a root left unset are refused with a message for the officer; only a secrecy officer
may start one, and the run is audited with its folder, as the command line's is."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from screening.review import rescreen
from screening.review.archive_roots import archive_folder, parse_roots
from screening.review.errors import Forbidden, Invalid
from screening.review.models import AuditEvent

ID_LINE = "王建国，身份证号11010519491231002X。\n"


@pytest.fixture
def roots(tmp_path: Path) -> dict[str, Path]:
    """An archive root with a published folder, and a private folder beside it (outside the root)."""
    root, private = tmp_path / "archive", tmp_path / "private"
    (root / "portal" / "2019").mkdir(parents=True)
    private.mkdir()
    (root / "portal" / "名单.txt").write_text(ID_LINE, encoding="utf-8")
    (root / "portal" / "2019" / "通知.txt").write_text("关于做好节能宣传周工作的通知\n", encoding="utf-8")
    (private / "工资表.txt").write_text(ID_LINE, encoding="utf-8")
    return {"root": root, "private": private}


def test_a_folder_inside_a_root_starts_an_audited_run(svc, org, database, roots):
    folder = roots["root"] / "portal"
    run_id, found = rescreen.start_archive(svc, actor_id=org.officer, folder=str(folder), roots=[str(roots["root"])])
    assert found.path == folder.resolve() and found.outside == 0
    assert rescreen.run_progress(svc, run_id).total == 2
    with database.read() as s:
        [event] = s.query(AuditEvent).filter_by(action="rescreen.start").all()
    payload = json.loads(event.payload)
    assert event.actor_id == org.officer and payload["folder"] == str(folder.resolve())
    assert payload["reason"] == "archive" and payload["versions"] == 2


@pytest.mark.parametrize("name", ["outside", "dotdot", "symlink", "prefix"])
def test_a_folder_outside_the_roots_is_refused(svc, org, roots, name):
    root, private = roots["root"], roots["private"]
    if name == "symlink":
        (root / "link").symlink_to(private, target_is_directory=True)
    if name == "prefix":                         # /…/archive-old is not below /…/archive
        Path(f"{root}-old").mkdir()
    folder = {"outside": str(private), "dotdot": f"{root}/portal/../../private", "symlink": f"{root}/link",
              "prefix": f"{root}-old"}[name]
    with pytest.raises(Invalid) as refused:
        rescreen.start_archive(svc, actor_id=org.officer, folder=folder, roots=[str(root)])
    assert refused.value.code == "folder_outside_roots" and "不在允许复查的档案目录内" in refused.value.message
    assert rescreen.overview(svc, org.officer)["runs"] == []


def test_a_missing_folder_or_no_roots_are_refused(svc, org, roots, tmp_path):
    root = str(roots["root"])
    with pytest.raises(Invalid, match="文件夹不存在"):
        rescreen.start_archive(svc, actor_id=org.officer, folder=f"{root}/无此目录", roots=[root])
    with pytest.raises(Invalid, match="不在允许复查的档案目录内"):   # outside: existence is not told
        rescreen.start_archive(svc, actor_id=org.officer, folder=str(tmp_path / "无此目录"), roots=[root])
    with pytest.raises(Invalid, match="绝对路径"):
        rescreen.start_archive(svc, actor_id=org.officer, folder="archive/portal", roots=[root])
    with pytest.raises(Forbidden, match="未配置允许复查的档案目录"):
        rescreen.start_archive(svc, actor_id=org.officer, folder=f"{root}/portal", roots=[])
    assert rescreen.overview(svc, org.officer)["runs"] == []


def test_a_file_linked_out_of_the_root_is_not_screened(roots):
    portal = roots["root"] / "portal"
    (portal / "工资表.txt").symlink_to(roots["private"] / "工资表.txt")
    found = archive_folder(str(portal), [str(roots["root"])])
    assert found.outside == 1
    assert [p.name for p in found.files] == ["通知.txt", "名单.txt"]        # 2019/通知.txt sorts first
    assert all(p.is_relative_to(roots["root"].resolve()) for p in found.files)


@pytest.mark.parametrize("who", ["drafter", "head", "leader", "admin"])
def test_only_a_secrecy_officer_starts_an_archive_run(svc, org, roots, who):
    with pytest.raises(Forbidden):
        rescreen.start_archive(svc, actor_id=getattr(org, who), folder=str(roots["root"] / "portal"),
                               roots=[str(roots["root"])])
    assert rescreen.overview(svc, org.officer)["runs"] == []


def test_the_setting_lists_absolute_roots():
    assert parse_roots("/data/portal: /mnt/archive :") == ("/data/portal", "/mnt/archive")
    assert parse_roots("") == ()
    with pytest.raises(ValueError):
        parse_roots("/data:archive")
