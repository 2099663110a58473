"""The review sheet as PDF (LibreOffice headless): pages render, carry the expected text, and
say nothing the docx would not. One conversion for the module."""
from __future__ import annotations

import io
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageStat

from screening.sheet import ConversionError, docx_to_pdf, render_docx, render_pdf
from screening.sheet.pdf import find_soffice

from sheet_cases import ID_CARD, PASSWORD, PHONE, case_sheet


@pytest.fixture(scope="module")
def sheet_pdf() -> bytes:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed: run scripts/system-deps.sh")
    return render_pdf(case_sheet(signed=1))


@pytest.fixture(scope="module")
def pdf_text(sheet_pdf) -> list[str]:
    with pdfplumber.open(io.BytesIO(sheet_pdf)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def page_images(sheet_pdf, tmp_path_factory) -> list[Image.Image]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed")
    folder = tmp_path_factory.mktemp("pages")
    (folder / "sheet.pdf").write_bytes(sheet_pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(folder / "sheet.pdf"), str(folder / "page")], check=True,
                   timeout=60)
    return [Image.open(p).convert("L") for p in sorted(folder.glob("page-*.png"))]


def test_pages_render_and_are_not_blank(page_images, pdf_text):
    assert len(page_images) == len(pdf_text) >= 1
    for image in page_images:
        assert image.width < image.height                  # A4 portrait
        stats = ImageStat.Stat(image)
        assert stats.extrema[0][0] < 80                     # some dark ink (text, table rules)
        assert 200 < stats.mean[0] < 254                    # mostly paper, not empty


def test_pdf_has_the_expected_text(pdf_text):
    text = "".join("".join(page.split()) for page in pdf_text)
    for expected in ("政府信息公开保密审查单", "拟公开信息单位", "某市医疗保障局", "某医保发〔2025〕8号", "■公文类",
                     "最迟公开日", "2025年03月28日", "审查发现", "138****5678", "110105*********02X",
                     "隐藏内容", "承办人初审意见", "承办部门负责人审核意见", "单位负责人审发意见", "张承办",
                     "2025年03月03日17:00"):
        assert expected in text, expected
    assert text.index("承办人初审意见") < text.index("承办部门负责人审核意见") < text.index("单位负责人审发意见")


def test_pdf_leaks_no_reported_value(sheet_pdf, pdf_text):
    text = "".join(pdf_text)
    for value in (PHONE, ID_CARD, PASSWORD):
        assert value not in text and value.encode() not in sheet_pdf


def test_pdf_embeds_the_noto_cjk_fonts(sheet_pdf):
    with pdfplumber.open(io.BytesIO(sheet_pdf)) as pdf:
        fonts = {c["fontname"].split("+")[-1] for c in pdf.pages[0].chars}
    assert fonts and all("NotoSerifCJK" in f or "NotoSansCJK" in f for f in fonts), fonts


def test_missing_soffice_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("SCREENING_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(ConversionError, match="SCREENING_SOFFICE"):
        find_soffice()
    monkeypatch.delenv("SCREENING_SOFFICE")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ConversionError, match="system-deps.sh"):
        find_soffice()


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_a_hanging_conversion_times_out(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENING_SOFFICE", str(_fake_soffice(tmp_path, "sleep 30")))
    started = time.monotonic()
    with pytest.raises(ConversionError, match="超时"):
        docx_to_pdf(render_docx(case_sheet()), timeout=1)
    assert time.monotonic() - started < 10


def test_a_failing_conversion_reports_why(tmp_path, monkeypatch):
    script = _fake_soffice(tmp_path, "echo 'source file could not be loaded' >&2; exit 1")
    monkeypatch.setenv("SCREENING_SOFFICE", str(script))
    with pytest.raises(ConversionError, match="could not be loaded"):
        docx_to_pdf(b"not a docx")


def test_each_conversion_uses_its_own_profile(tmp_path, monkeypatch):
    """Two conversions at once would collide on a shared profile; each call makes its own."""
    seen = tmp_path / "args"
    monkeypatch.setenv("SCREENING_SOFFICE", str(_fake_soffice(tmp_path, f'echo "$@" >> {seen}; exit 1')))
    for _ in range(2):
        with pytest.raises(ConversionError):
            docx_to_pdf(b"x")
    profiles = [line.split()[0] for line in seen.read_text().splitlines()]
    assert len(set(profiles)) == 2 and all(p.startswith("-env:UserInstallation=file:///") for p in profiles)


def test_pdf_is_pdf_a_for_the_archive(sheet_pdf):
    assert b"<pdfaid:part>2</pdfaid:part>" in sheet_pdf or b'pdfaid:part="2"' in sheet_pdf
