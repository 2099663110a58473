"""`screening redact PATH -o OUT`, run as the installed console script."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from redact_docs import ID_CARD, NAME, PHONE, build_docx, docx_members

SCRIPT = Path(sys.executable).with_name("screening")


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([str(SCRIPT), *args, "--no-classifier"], capture_output=True, text=True, env=env,
                          timeout=300)


def test_redact_docx_writes_a_clean_copy(tmp_path):
    source, out = tmp_path / "公示.docx", tmp_path / "公示（公开版）.docx"
    source.write_bytes(build_docx())
    result = run("redact", str(source), "-o", str(out), "--revisions", "reject")
    assert result.returncode == 0, result.stderr
    assert "已生成区分处理副本" in result.stdout and "已清理" in result.stdout
    everything = "".join(docx_members(out.read_bytes()).values())
    assert PHONE not in everything and ID_CARD not in everything and "138****5678" in everything


def test_a_copy_that_still_holds_a_value_is_not_written(tmp_path):
    source, out = tmp_path / "公示.html", tmp_path / "公开版.html"
    source.write_text(f"<html><body><p>申请人：{NAME}，联系电话<b>138</b>{PHONE[3:]}。</p></body></html>",
                      encoding="utf-8")
    result = run("redact", str(source), "-o", str(out))
    assert result.returncode == 1
    assert "仍含有 1 处应遮挡的内容" in result.stderr and "138****5678" in result.stderr
    assert PHONE not in result.stderr and not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (("{tmp}/a.txt", "-o", "{tmp}/b.docx"), "同一格式"),
    (("{tmp}/a.txt", "-o", "{tmp}/a.txt"), "不能覆盖原文件"),
    (("{tmp}/missing.txt", "-o", "{tmp}/b.txt"), "无法读取文件"),
    (("{tmp}/a.txt", "-o", "{tmp}/b.txt", "--id-keep", "10,9"), "参数有误"),
])
def test_redact_errors_exit_2(tmp_path, args, message):
    (tmp_path / "a.txt").write_text(f"联系电话{PHONE}", encoding="utf-8")
    result = run("redact", *(a.format(tmp=tmp_path) for a in args))
    assert result.returncode == 2 and message in result.stderr, result.stderr
