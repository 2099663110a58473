"""The report's notes (markup-only comments summarised, not reported) go wherever the report goes:
kept with the case, in the case JSON, on the review sheet (docx and PDF)."""
from __future__ import annotations

import io
import shutil

import docx
import pdfplumber
import pytest

from tests.docgen import portal_page

NOTE = "页面含 12 段 HTML 注释，未发现敏感内容"
PAGE = portal_page("关于做好2026年春节假期安全生产工作的通知，请各单位认真贯彻落实有关要求，确保节日期间安全稳定。",
                   comments=12)


@pytest.fixture
def case(client, org) -> dict:
    r = client.post("/api/v1/documents", headers=org.auth("drafter"),
                    data={"title": "春节安全生产通知", "file": (io.BytesIO(PAGE), "通知.html")})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_the_case_json_keeps_the_notes(client, org, case):
    assert NOTE in case["report"]["notes"]
    view = client.get(f"/api/v1/documents/{case['id']}", headers=org.auth("drafter")).get_json()
    assert NOTE in view["notes"]
    assert NOTE in view["versions"][-1]["screening"]["notes"]


def test_the_sheet_prints_the_notes(client, org, case):
    r = client.get(f"/api/v1/documents/{case['id']}/sheet.docx", headers=org.auth("drafter"))
    assert r.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.data)).paragraphs)
    assert "说明" in text and NOTE in text


def test_the_pdf_sheet_prints_the_notes(client, org, case, backend):
    if backend != "sqlite" or (shutil.which("soffice") is None and shutil.which("libreoffice") is None):
        pytest.skip("one PDF conversion is enough; it needs LibreOffice")
    r = client.get(f"/api/v1/documents/{case['id']}/sheet.pdf", headers=org.auth("drafter"))
    assert r.status_code == 200
    with pdfplumber.open(io.BytesIO(r.data)) as pdf:
        text = "".join("".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert "".join(NOTE.split()) in text
