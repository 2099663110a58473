"""pdf → pdf, two ways.

- `raster` (default): every page is rendered to an image (pypdfium2) with opaque boxes painted over
  the characters of each flagged value (their boxes from pdfplumber), and the images become a new
  PDF (Pillow). Nothing of the original survives beneath a box: there is no text layer, no font, no
  metadata, no annotation or attachment, only pixels. The copy is not searchable.
- `text`: a new document built from the extracted text with the values masked (one paragraph per
  extracted block, page breaks kept), rendered to PDF with LibreOffice like the review sheet.
  Searchable, but the original layout is lost.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from enum import StrEnum

from screening.errors import UnreadableDocument
from screening.redact.items import Matcher
from screening.types import PartKind

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")   # not allowed in XML text
DEFAULT_DPI = 150
PAD_X, PAD_Y = 0.2, 1.0          # points around the characters' boxes (never into a neighbour)
# Parts a reader sees on the page; the text copy is made of these only.
VISIBLE_PARTS = (PartKind.HEADER, PartKind.BODY, PartKind.TABLE, PartKind.FOOTNOTE, PartKind.FOOTER)


class PdfMode(StrEnum):
    RASTER = "raster"
    TEXT = "text"


@dataclass
class PdfRedaction:
    data: bytes
    masked: int = 0
    boxes: dict[int, list[tuple[float, float, float, float]]] = field(default_factory=dict)  # page → PDF pt
    removed: list[str] = field(default_factory=list)
    located: dict[str, int] | None = None   # raster: occurrences boxed per item key


Box = tuple[float, float, float, float]


def find_boxes(data: bytes, matcher: Matcher) -> tuple[dict[int, list[Box]], dict[str, int]]:
    """The boxes (x0, top, x1, bottom in PDF points from the top-left of the page as shown) of every
    occurrence of every item, per 1-based page, and how many occurrences of each item (by key) were
    found. Whitespace between characters is ignored, so a value broken over two lines gets one box
    per line."""
    import pdfplumber

    boxes: dict[int, list[Box]] = {}
    found: dict[str, int] = {}
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds
        raise UnreadableDocument("corrupt", f"无法读取 PDF：{exc}") from None
    with pdf:
        for number, page in enumerate(pdf.pages, 1):
            chars = [c for c in page.chars if c.get("text", "").strip()]
            owner: list[int] = []           # index into the joined text → index of its char
            for i, c in enumerate(chars):
                owner.extend([i] * len(c["text"]))
            text = "".join(c["text"] for c in chars)
            ox, oy = page.cropbox[0], page.cropbox[1]
            for start, end, item in matcher.finditer(text):
                found[item.key] = found.get(item.key, 0) + 1
                lead, trail = item.kept_ends()
                hit = [chars[i] for i in sorted(set(owner[start + lead:end - trail]))]
                for line in _lines(hit):
                    x0 = min(c["x0"] for c in line) - ox - PAD_X
                    x1 = max(c["x1"] for c in line) - ox + PAD_X
                    top = min(c["top"] for c in line) - oy - PAD_Y
                    bottom = max(c["bottom"] for c in line) - oy + PAD_Y
                    boxes.setdefault(number, []).append((x0, top, x1, bottom))
    return boxes, found


def _lines(chars: list[dict]) -> list[list[dict]]:
    """Group consecutive characters into lines (a new line when a character is not beside the last)."""
    lines: list[list[dict]] = []
    for c in chars:
        if lines:
            last = lines[-1][-1]
            same_line = abs(c["top"] - last["top"]) < max(2.0, 0.5 * (last["bottom"] - last["top"]))
            if same_line:
                lines[-1].append(c)
                continue
        lines.append([c])
    return lines


def redact_pdf_raster(data: bytes, matcher: Matcher, *, dpi: int = DEFAULT_DPI) -> PdfRedaction:
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    boxes, found = find_boxes(data, matcher)
    scale = dpi / 72.0
    images = []
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument("corrupt", f"无法渲染 PDF：{exc}") from None
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=scale, may_draw_forms=True)
                image = bitmap.to_pil().convert("RGB")
            finally:
                page.close()
            draw = ImageDraw.Draw(image)
            for x0, top, x1, bottom in boxes.get(index + 1, ()):
                draw.rectangle((x0 * scale, top * scale, x1 * scale, bottom * scale), fill=(0, 0, 0))
            images.append(image)
    finally:
        document.close()
    if not images:
        raise UnreadableDocument("empty", "PDF 没有页面")
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    removed = [f"全部 {len(images)} 页已转为图像（不含文本层、字体、元数据、批注和附件）"]
    return PdfRedaction(out.getvalue(), sum(found.values()), boxes, removed, found)


def redact_pdf_text(data: bytes, name: str, matcher: Matcher) -> PdfRedaction:
    from docx import Document as new_document
    from docx.enum.text import WD_BREAK

    from screening.extract import extract_bytes
    from screening.sheet.docx import SERIF, set_fonts
    from screening.sheet.pdf import docx_to_pdf

    doc = extract_bytes(data, name)
    out = new_document()
    set_fonts(out.styles["Normal"].element, SERIF)
    order = {kind: i for i, kind in enumerate(VISIBLE_PARTS)}
    blocks = sorted(((b.page or 0, order[p.kind], b.start, p.text[b.start:b.end])
                     for p in doc.parts if p.kind in order for b in p.blocks), key=lambda t: t[:3])
    count, page = 0, None
    for number, _, _, raw in blocks:
        text, n = matcher.sub(raw)
        count += n
        if page is not None and number != page:
            out.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        page = number
        out.add_paragraph(_CONTROL.sub("", text))
    body = io.BytesIO()
    out.core_properties.author = out.core_properties.last_modified_by = ""
    out.save(body)
    removed = ["按提取的文字重建（原版式、图片、批注、附件和元数据均未保留）"]
    return PdfRedaction(docx_to_pdf(body.getvalue(), name=name), count, {}, removed)
