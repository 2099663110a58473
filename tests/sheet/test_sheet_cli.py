"""`screening sheet PATH -o SHEET.docx|SHEET.pdf`, run as the installed console script."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from docx import Document

from screening.review.deadlines import WorkCalendar

SCRIPT = Path(sys.executable).with_name("screening")
TEXT = "申请人：王建国，身份证号11010519491231002X，联系电话13812345678。\n请于3月31日前报送。\n"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "救助公示.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_sheet_docx_with_case_details(draft, tmp_path):
    out = tmp_path / "审查单.docx"
    result = run("sheet", str(draft), "-o", str(out), "--no-classifier", "--unit", "某市医疗保障局",
                 "--doc-number", "某医保发〔2025〕8号", "--formed", "2025-03-03", "--channel", "website",
                 "--carrier", "official", "--drafter", "张承办")
    assert result.returncode == 0, result.stderr
    assert "已生成审查单" in result.stdout and "拦截" in result.stdout
    doc = Document(io.BytesIO(out.read_bytes()))
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[0].rows}
    assert rows["信息名称"][1] == "救助公示"
    assert rows["SHA-256"][1] == hashlib.sha256(draft.read_bytes()).hexdigest()
    due = WorkCalendar().publication_deadline(date(2025, 3, 3)).due
    assert rows["拟公开时间"][3] == f"{due.year}年{due.month:02d}月{due.day:02d}日"
    assert rows["文号"][3] == "■公文类　□非公文类" and rows["拟稿人"][1] == "张承办"
    xml = out.read_bytes()
    findings = "\n".join(c.text for r in doc.tables[1].rows for c in r.cells)
    assert "138****5678" in findings and "13812345678" not in findings and b"13812345678" not in xml


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed: run scripts/system-deps.sh")
def test_sheet_pdf(draft, tmp_path):
    out = tmp_path / "审查单.pdf"
    result = run("sheet", str(draft), "-o", str(out), "--no-classifier")
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out) as pdf:
        text = "".join("".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert "政府信息公开保密审查单" in text and "救助公示.txt" in text and "13812345678" not in text


@pytest.mark.parametrize(("args", "message"), [
    (("sheet", "{draft}", "-o", "{tmp}/审查单.xlsx"), ".docx 或 .pdf"),
    (("sheet", "{tmp}/不存在.txt", "-o", "{tmp}/审查单.docx"), "文件不存在"),
])
def test_sheet_errors_exit_2(draft, tmp_path, args, message):
    result = run(*(a.format(draft=draft, tmp=tmp_path) for a in args), "--no-classifier")
    assert result.returncode == 2 and message in result.stderr
    assert not (tmp_path / "审查单.docx").exists()
