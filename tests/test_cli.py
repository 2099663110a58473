"""`screening check` as a drafter or a CI job runs it: the installed console script, real files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared import SEEDS, require_shared

SCRIPT = Path(sys.executable).with_name("screening")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    clean = tmp_path / "通知.txt"
    clean.write_text("关于开展2024年度政府信息公开工作考核的通知\n各单位：请于3月31日前报送年度报告。\n", encoding="utf-8")
    secret = tmp_path / "名单.txt"
    secret.write_text("申请人：王某某，身份证号11010519491231002X，住址见附件。\n", encoding="utf-8")
    medium = tmp_path / "填报.txt"
    medium.write_text("请各单位登录内网地址192.168.1.20进行填报。\n", encoding="utf-8")
    broken = tmp_path / "损坏.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated")
    return {"clean": clean, "secret": secret, "medium": medium, "broken": broken}


def test_clean_file_exits_zero(files):
    result = run("check", str(files["clean"]), "--no-classifier")
    assert result.returncode == 0, result.stderr
    assert "未发现问题" in result.stdout


def test_high_finding_exits_one_with_location_reason_and_advice(files):
    result = run("check", str(files["secret"]), "--no-classifier")
    assert result.returncode == 1
    assert "11010519491231002X" in result.stdout and "正文" in result.stdout and "建议：" in result.stdout


@pytest.mark.parametrize(("fail_on", "status"), [("high", 0), ("medium", 1), ("low", 1), ("never", 0)])
def test_fail_on_threshold(files, fail_on, status):
    assert run("check", str(files["medium"]), "--no-classifier", "--fail-on", fail_on).returncode == status


def test_unreadable_file_exits_two_and_the_others_are_still_screened(files):
    result = run("check", str(files["broken"]), str(files["secret"]), str(files["clean"]), "--format", "json",
                 "--no-classifier")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["schema"] == "screening.report/1"
    by_name = {r["document"]["name"]: r for r in report["reports"]}
    broken = by_name["损坏.pdf"]
    assert broken["verdict"] is None and broken["findings"] == [] and broken["error"]["code"] == "corrupt"
    assert by_name["名单.txt"]["verdict"] == "block" and by_name["通知.txt"]["verdict"] == "pass"
    assert "损坏.pdf" in result.stderr


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    result = run("check", str(tmp_path / "没有这个文件.docx"), "--format", "json", "--no-classifier")
    assert result.returncode == 2
    (report,) = json.loads(result.stdout)["reports"]
    assert report["error"]["code"] == "not_found"


def test_folder_is_screened_in_parallel_with_a_summary_and_no_progress_bar_when_piped(files):
    folder = files["clean"].parent
    result = run("check", str(folder), "--no-classifier", "--jobs", "2")
    assert result.returncode == 2  # the corrupt PDF is in the folder too
    assert "共审查 4 个文件" in result.stdout and "个人信息 1" in result.stdout
    assert "审查进度" not in result.stderr


def test_sarif_output_is_sarif_2_1_0(files):
    result = run("check", str(files["secret"]), str(files["medium"]), "--format", "sarif", "--no-classifier")
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    rule_ids = {r["id"] for r in run_["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run_["results"]} <= rule_ids
    assert {r["level"] for r in run_["results"]} >= {"error", "warning"}
    region = run_["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["charLength"] == len(region["snippet"]["text"])


def test_seed_003_is_blocked_from_the_command_line():
    seed = require_shared(SEEDS / "003_e3458e4756fe7387.txt")
    result = run("check", str(seed), "--format", "json", "--no-classifier")
    assert result.returncode == 1
    texts = {f["text"] for f in json.loads(result.stdout)["reports"][0]["findings"]}
    assert "http://192.168.12.24:8080/eportall/admin" in texts


def test_a_word_document_named_txt_is_read_as_word_though_only_the_text_reader_was_preloaded(tmp_path):
    """The sandbox preloads the readers the file names call for; the content still decides."""
    from tests.docgen import make_docx

    path = tmp_path / "通知.txt"
    make_docx(path, paragraphs=["关于报送材料的通知", "联系人手机13912345678。"])
    root = Path(__file__).resolve().parent.parent        # this checkout's code, not the installed script's
    result = subprocess.run([sys.executable, "-m", "screening.cli", "check", str(path), "--no-classifier",
                             "--format", "json"], capture_output=True, text=True, cwd=root, timeout=300,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    (report,) = json.loads(result.stdout)["reports"]
    assert report["document"]["format"] == "docx", result.stderr
    assert [f["text"] for f in report["findings"] if f["rule"] == "pii.mobile"] == ["13912345678"]
