"""PDF text that extracts but that a reader cannot see.

- under a box: an opaque fill painted *after* the text over it (a failed redaction), or a
  Square/Redact annotation over it;
- lost in its background: white text on the page, black text on a black bar painted *before*
  it, fully transparent text;
- tiny: glyphs at most about 1pt high.

This needs the painting order (z-order), which pdfium's page objects give and a list of chars
and rects (pdfplumber) does not: white text on a dark bar painted first is an ordinary heading,
a black box painted last is a redaction. One pass over the page objects (a few ctypes calls
each) finds the suspect text objects; only their characters are examined one by one.
Invisible render modes (the OCR layer of a scan) are not hidden content.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

from screening.extract import pdf_raw as raw
from screening.extract.common import INVISIBLE, UNDER_BOX

_MIN_COVER = 4.0          # pt: thinner fills are rules, borders and underlines
_LOW_CONTRAST = 48        # max channel difference at which text is lost against its background
_TINY = 1.2               # pt: glyph height
_OPAQUE = 230             # alpha from which a fill hides what is under it
_INVISIBLE_MODES = (3, 7)  # FPDF_TEXTRENDERMODE_INVISIBLE, _CLIP
_STROKE_MODES = (1, 5)     # outlined glyphs: the fill colour is not what shows
_WHITE = (255, 255, 255)
_TOP = float("inf")       # annotations are painted over all page content


@dataclass(frozen=True, slots=True)
class _Fill:
    z: float
    box: tuple[float, float, float, float]     # left, bottom, right, top
    rgb: tuple[int, int, int]
    opaque: bool


@dataclass(frozen=True, slots=True)
class _Text:
    z: int
    box: tuple[float, float, float, float]
    rgba: tuple[int, int, int, int]
    mode: int


def hidden_text(page, textpage) -> list[tuple[str, str]]:
    """(label, text) for each run of hidden characters on the page, in text order."""
    fills, texts = _objects(page)
    fills += _annotation_covers(page)
    suspects = {addr for addr, t in texts.items() if _suspect(t, fills)}
    return _segments(textpage, texts, suspects, fills) if suspects else []


def _objects(page) -> tuple[list[_Fill], dict[int, _Text]]:
    fills: list[_Fill] = []
    texts: dict[int, _Text] = {}
    z = 0

    def walk(count, get, parent, matrix) -> None:
        nonlocal z
        for i in range(count(parent)):
            obj = get(parent, i)
            z += 1
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                walk(pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, obj, raw.compose(obj, matrix))
            elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                texts[raw.addr(obj)] = _Text(z, raw.bounds(obj, matrix), raw.fill_color(obj),
                                          pdfium_c.FPDFTextObj_GetTextRenderMode(obj))
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH and raw.filled(obj):
                box = raw.bounds(obj, matrix)
                if box[2] - box[0] >= _MIN_COVER and box[3] - box[1] >= _MIN_COVER:
                    r, g, b, a = raw.fill_color(obj)
                    fills.append(_Fill(z, box, (r, g, b), a >= _OPAQUE))

    walk(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page, None)
    return fills, texts


def _suspect(text: _Text, fills: list[_Fill]) -> bool:
    """Could some character of this text object be hidden? (Overlap, not containment: a box
    over one word of a line covers part of the line's text object.)"""
    if text.mode in _INVISIBLE_MODES:
        return False
    if 0 < text.box[3] - text.box[1] < _TINY or text.rgba[3] == 0:
        return True
    if text.mode not in _STROKE_MODES and _close(text.rgba, _WHITE):
        return True
    return any(_overlaps(f.box, text.box) and (f.opaque and f.z > text.z or f.z < text.z and _close(text.rgba, f.rgb))
               for f in fills)


def _label(text: _Text, box, fills: list[_Fill], rgba) -> str | None:
    """Why this text (object or character box) cannot be seen, or None."""
    if text.mode in _INVISIBLE_MODES:
        return None
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    if any(f.opaque and f.z > text.z and _contains(f.box, cx, cy) for f in fills):
        return UNDER_BOX
    if 0 < box[3] - box[1] < _TINY or (rgba[3] == 0 and text.mode not in _STROKE_MODES):
        return INVISIBLE
    below = [f for f in fills if f.z < text.z and _contains(f.box, cx, cy)]
    background = max(below, key=lambda f: f.z).rgb if below else _WHITE
    if text.mode not in _STROKE_MODES and _close(rgba, background):
        return INVISIBLE
    return None


def _close(rgba, rgb) -> bool:
    return max(abs(a - b) for a, b in zip(rgba[:3], rgb)) <= _LOW_CONTRAST


def _segments(textpage, texts: dict[int, _Text], suspects: set[int], fills: list[_Fill]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    label, start, last = None, 0, 0

    def close() -> None:
        if label is not None:
            text = textpage.get_text_range(start, last - start + 1).replace("\ufffe", "").strip()
            if text:
                out.append((label, text))

    text_object, unicode = raw.char_functions()
    handle = raw.addr(textpage.raw)
    for i in range(pdfium_c.FPDFText_CountChars(textpage)):
        char = chr(unicode(handle, i))
        if char.isspace() and char not in "\r\n":
            continue                                  # spaces neither start nor end a run
        addr = text_object(handle, i)
        now = _label(texts[addr], raw.char_box(textpage, i), fills, raw.char_color(textpage, i)) \
            if addr in suspects else None
        if now != label or now is None:
            close()
            label, start = now, i
        last = i
    close()
    return out


def _annotation_covers(page) -> list[_Fill]:
    covers = []
    for k in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annot = pdfium_c.FPDFPage_GetAnnot(page, k)
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if subtype not in (pdfium_c.FPDF_ANNOT_SQUARE, pdfium_c.FPDF_ANNOT_REDACT):
                continue
            rgba = [ctypes.c_uint() for _ in range(4)]
            filled = pdfium_c.FPDFAnnot_GetColor(annot, pdfium_c.FPDFANNOT_COLORTYPE_InteriorColor, *rgba)
            if subtype == pdfium_c.FPDF_ANNOT_REDACT or filled:
                rect = pdfium_c.FS_RECTF()
                if pdfium_c.FPDFAnnot_GetRect(annot, rect):
                    box = (min(rect.left, rect.right), min(rect.bottom, rect.top),
                           max(rect.left, rect.right), max(rect.bottom, rect.top))
                    rgb = tuple(c.value for c in rgba[:3]) if filled else (0, 0, 0)
                    covers.append(_Fill(_TOP, box, rgb, True))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return covers


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _contains(box, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]
