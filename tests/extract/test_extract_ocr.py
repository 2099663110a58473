"""Images and scanned pages: OCR'd offline (rapidocr-onnxruntime, models inside the wheel), every
line with its page and box, screened like any other text; a page whose OCR fails never passes."""
from __future__ import annotations

import io
import socket

import pytest
from docgen import FONT
from ofdgen import make_ofd, scan_image, scan_png

from screening.extract import extract_bytes, ocr
from screening.extract.common import WARN_OCR_FAILED
from screening.pipeline import screen_bytes
from screening.types import PartKind

ID = "11010519491231002X"
PHONE = "13912345678"
SCAN_LINES = ["关于申请补助的情况说明", f"联系电话：{PHONE}", f"身份证号码：{ID}"]


def _located(report, rule):
    return [f.location for f in report.findings if f.rule == rule]


@pytest.fixture(scope="module")
def scan_report(engine):
    """A PNG scan screened end to end, in the sandboxed extraction child with its memory limit."""
    return screen_bytes(scan_png(SCAN_LINES), "扫描件.png", engine=engine)


def test_phone_and_id_number_in_a_scanned_image_are_found_with_page_and_box(scan_report):
    assert scan_report.error is None and scan_report.document.format == "png"
    for rule in ("pii.id_card", "pii.mobile"):
        locations = _located(scan_report, rule)
        assert locations, rule
        loc = locations[0]
        assert loc.part is PartKind.BODY and loc.page == 1
        x0, y0, x1, y1 = loc.box
        assert 60 <= x0 < x1 <= 1240 and 0 <= y0 < y1 <= 700
    id_box, phone_box = _located(scan_report, "pii.id_card")[0].box, _located(scan_report, "pii.mobile")[0].box
    assert phone_box[1] < id_box[1]          # the phone line is above the ID line, as drawn
    assert str(scan_report.verdict) == "block"


def test_each_line_carries_its_confidence():
    doc = extract_bytes(scan_png(SCAN_LINES), "扫描件.png")
    part = next(p for p in doc.parts if p.kind is PartKind.BODY)
    texts = [part.text[b.start:b.end] for b in part.blocks]
    assert texts[0] == SCAN_LINES[0] and any(ID in t for t in texts)
    for block in part.blocks:
        confidence = float(block.label.split("置信度")[1].rstrip("）"))
        assert 0.5 <= confidence <= 1.0


def test_a_scanned_pdf_page_is_ocrd_with_its_box_in_points(engine):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setFont(FONT, 12)
    c.drawString(72, 770, "第一页是有文字层的正文")
    c.showPage()
    c.drawImage(ImageReader(scan_image(SCAN_LINES)), 0, 842 - 330, width=595, height=330)
    c.showPage()
    c.save()
    report = screen_bytes(buffer.getvalue(), "扫描件.pdf", engine=engine)
    (loc,) = _located(report, "pii.id_card")
    assert loc.page == 2 and loc.part is PartKind.BODY
    assert 0 < loc.box[0] < loc.box[2] <= 595 and 0 < loc.box[1] < loc.box[3] <= 330


def test_a_scanned_ofd_page_is_ocrd(engine):
    data = make_ofd(pages=[["正文第一页"]], scans=[scan_png(SCAN_LINES)])
    report = screen_bytes(data, "扫描件.ofd", engine=engine)
    (loc,) = _located(report, "pii.id_card")
    assert loc.page == 2 and loc.box is not None


def test_an_image_whose_recognition_fails_never_passes(engine):
    truncated = scan_png(SCAN_LINES)[:3000]          # the header reads, the pixels do not
    report = screen_bytes(truncated, "扫描件.png", engine=engine)
    if report.error is not None:                     # refused outright: also never a pass
        assert report.error.code == "corrupt"
        return
    assert str(report.verdict) != "pass"
    assert any(WARN_OCR_FAILED.format(pages="1") in f.text for f in report.findings)


def test_recognition_needs_no_network(monkeypatch):
    """The models ship inside the wheel: a fresh engine loads and reads with every socket refused."""
    def refuse(*args, **kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(ocr, "_engine", None)
    lines = ocr.recognise(scan_image([f"电话{PHONE}"]))
    assert [ln.text for ln in lines] == [f"电话{PHONE}"]
    assert ocr.engine() is ocr.engine()              # made once per process


def test_pages_left_when_the_ocr_time_budget_is_spent_are_reported_never_passed():
    from screening.extract import Limits
    from screening.extract.ocr import WARN_OCR_TIME

    data = make_ofd(pages=[["正文第一页"]], scans=[scan_png(["第二页"]), scan_png(["第三页"])])
    doc = extract_bytes(data, "扫描件.ofd", limits=Limits(timeout_s=0.001))
    assert doc.warnings == (WARN_OCR_TIME.format(pages="2-3"),)
