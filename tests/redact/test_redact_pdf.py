"""pdf → pdf: rasterized pages with opaque boxes and no text layer, or a text copy with masks."""
from __future__ import annotations

import io
import shutil

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import ImageStat

from screening.redact import PdfMode, RedactionRefused, RedactOptions, redact_document
from screening.redact import pdf as redact_pdf
from screening.redact.service import _pdf_streams

from redact_docs import BANK, ID_CARD, NAME, PHONE, build_pdf

VALUES = (NAME, ID_CARD, PHONE, BANK)


@pytest.fixture(scope="module")
def original() -> bytes:
    return build_pdf()


@pytest.fixture(scope="module")
def raster(original, engine):
    return redact_document(original, "公示.pdf", engine=engine, options=RedactOptions(dpi=100))


def _chars(data: bytes) -> list[list[dict]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.chars for page in pdf.pages]


def test_the_original_has_the_values_as_text(original):
    text = "".join(c["text"] for page in _chars(original) for c in page)
    assert all(value in text for value in VALUES)


def test_raster_copy_has_same_pages_and_no_text_layer(raster, original):
    assert raster.ok and raster.format == "pdf"
    pages = _chars(raster.data)
    assert len(pages) == len(_chars(original)) == 2
    assert all(page == [] for page in pages)
    with pdfplumber.open(io.BytesIO(raster.data)) as pdf:
        assert not pdf.metadata.get("Author") and not pdf.metadata.get("Title")
        assert all(not page.annots for page in pdf.pages)


def test_raster_copy_contains_no_value_in_bytes_or_streams(raster):
    everything = _pdf_streams(raster.data)
    for value in VALUES + ("张三",):
        assert value not in everything


def test_boxes_cover_only_what_the_norm_hides(raster):
    """Every occurrence (the phone twice, on two pages) got a box, over its hidden characters only."""
    assert raster.masked == 5 and raster.removed[0].startswith("全部 2 页已转为图像")
    assert raster.notes == ("副本为图像 PDF（无文本层），已逐处核对遮盖位置；图像中的内容须人工复核",)
    document = pdfium.PdfDocument(raster.data)
    try:
        page = document[0]
        image = page.render(scale=100 / 72).to_pil().convert("L")
        page.close()
    finally:
        document.close()
    original = build_pdf()
    boxes, found = redact_pdf.find_boxes(original, redact_pdf.Matcher(raster.items))
    assert found == {PHONE: 2, ID_CARD: 1, BANK: 1, NAME: 1}
    scale = 100 / 72
    for x0, top, x1, bottom in boxes[1]:
        inner = image.crop((int(x0 * scale) + 2, int(top * scale) + 2, int(x1 * scale) - 2, int(bottom * scale) - 2))
        assert ImageStat.Stat(inner).mean[0] < 10                       # opaque
    width = lambda box: box[2] - box[0]  # noqa: E731
    phone_box = min(boxes[1], key=width)                               # "1234" of 138****5678
    assert 3.5 < width(phone_box) / 7.0 < 5.0                          # four of the 7-pt-wide digits
    assert ImageStat.Stat(image).mean[0] > 240                         # the rest of the page is paper


def test_an_occurrence_that_cannot_be_located_on_the_page_is_refused(original, engine, monkeypatch):
    real = redact_pdf.find_boxes

    def misses_one(data, matcher):
        boxes, found = real(data, matcher)
        found[PHONE] -= 1
        return boxes, found
    monkeypatch.setattr(redact_pdf, "find_boxes", misses_one)
    with pytest.raises(RedactionRefused) as refused:
        redact_document(original, "公示.pdf", engine=engine, options=RedactOptions(dpi=60))
    (remaining,) = refused.value.result.remaining
    assert remaining.item.text == PHONE and "只在页面上定位并遮盖了 1 处" in remaining.where
    assert "138****5678" in str(refused.value) and PHONE not in str(refused.value)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed: run scripts/system-deps.sh")
def test_text_copy_is_searchable_with_masks(original, engine):
    result = redact_document(original, "公示.pdf", engine=engine, options=RedactOptions(pdf_mode=PdfMode.TEXT))
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        pages = ["".join((page.extract_text() or "").split()) for page in pdf.pages]
    assert len(pages) == 2
    assert "申请人：王**，身份证号110105*********02X，" in pages[0] and "联系电话138****5678。" in pages[0]
    assert "补助发放至***************0018，" in pages[1]
    everything = _pdf_streams(result.data) + "".join(pages)
    for value in VALUES:
        assert value not in everything
    assert result.report is not None and not result.report.findings
