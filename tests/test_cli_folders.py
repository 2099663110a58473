"""`screening check DIR` over an archive: every file it finds is reported — screened, or refused
with its reason — and counted per format and outcome; a refusal makes the exit status 2."""
from __future__ import annotations

import io
import json
import os

import openpyxl
from docgen import legacy_doc, make_docx

from tests.test_cli import run

ID_NUMBER = "11010519491231002X"


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["王五", ID_NUMBER])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _archive(root):
    (root / "子目录" / "更深").mkdir(parents=True)
    files = {
        "通知.docx": make_docx(paragraphs=["关于开展年度考核的通知"]),
        "名单.xlsx": _workbook(),
        "子目录/旧版.doc": legacy_doc(),                      # a .doc whose FIB records no text
        "子目录/资料.rar": b"Rar!\x1a\x07\x00" + bytes(64),
        "子目录/更深/程序.exe": os.urandom(4096),
        "子目录/更深/说明.txt": "请于3月31日前报送。".encode("gb18030"),
        "~$通知.docx": b"\x05Admin" + bytes(50),              # Word's lock file: reported, not skipped
        ".备份.txt": "备份".encode(),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    return files


def test_every_file_of_a_folder_is_reported_and_counted(tmp_path):
    files = _archive(tmp_path)
    result = run("check", str(tmp_path), "--no-classifier", "--jobs", "2", "--format", "json")
    assert result.returncode == 2
    out = json.loads(result.stdout)
    reports = {r["document"]["name"]: r for r in out["reports"]}
    assert set(reports) == {name.rsplit("/", 1)[-1] for name in files}
    codes = {name: (r["error"] or {}).get("code") for name, r in reports.items()}
    assert codes["名单.xlsx"] is None and reports["名单.xlsx"]["verdict"] == "block"
    assert codes["通知.docx"] is None and codes["说明.txt"] is None
    assert codes["资料.rar"] == "unsupported_format"
    assert codes["程序.exe"] == "unsupported_format"
    assert codes["旧版.doc"] == "empty"
    assert codes["~$通知.docx"] == "corrupt"
    summary = out["summary"]
    assert summary["files"] == len(files)
    assert summary["by_outcome"]["refused"] == 4
    assert summary["by_format"]["xlsx"] == {"block": 1}
    assert summary["by_format"]["doc"] == {"refused": 1}
    assert summary["errors"] == {"unsupported_format": 2, "empty": 1, "corrupt": 1}
    for name in ("资料.rar", "程序.exe", "旧版.doc"):
        assert name in result.stderr


def test_the_text_summary_counts_formats_and_reasons_in_chinese(tmp_path):
    _archive(tmp_path)
    result = run("check", str(tmp_path), "--no-classifier", "--jobs", "1")
    assert result.returncode == 2
    assert "共审查 8 个文件" in result.stdout
    assert "按格式：" in result.stdout and "xlsx 1 个（拦截（不得公开） 1）" in result.stdout
    assert "无法审查的原因：不支持的文件格式 2" in result.stdout
    assert "工作表“Sheet” B2（身份证号）" in result.stdout
