"""The pdfium calls pdf_layout makes, wrapped: colours, boxes, matrices, object identities."""
from __future__ import annotations

import ctypes
from functools import lru_cache

import pypdfium2.raw as pdfium_c


@lru_cache(maxsize=1)
def char_functions():
    """FPDFText_GetTextObject and _GetUnicode taking and returning plain integers: called for
    every character of a suspect page, where casting each returned pointer would cost more
    than the call itself."""
    pointer = ctypes.c_void_p
    text_object = ctypes.CFUNCTYPE(pointer, pointer, ctypes.c_int)(addr(pdfium_c.FPDFText_GetTextObject))
    unicode = ctypes.CFUNCTYPE(ctypes.c_uint, pointer, ctypes.c_int)(addr(pdfium_c.FPDFText_GetUnicode))
    return text_object, unicode


def addr(obj) -> int:
    return ctypes.cast(obj, ctypes.c_void_p).value or 0


def filled(path) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    return bool(pdfium_c.FPDFPath_GetDrawMode(path, fill, stroke)) and fill.value != pdfium_c.FPDF_FILLMODE_NONE


def fill_color(obj) -> tuple[int, int, int, int]:
    rgba = [ctypes.c_uint() for _ in range(4)]
    if not pdfium_c.FPDFPageObj_GetFillColor(obj, *rgba):
        return (0, 0, 0, 255)
    return tuple(c.value for c in rgba)


def char_color(textpage, i: int) -> tuple[int, int, int, int]:
    rgba = [ctypes.c_uint() for _ in range(4)]
    if not pdfium_c.FPDFText_GetFillColor(textpage, i, *rgba):
        return (0, 0, 0, 255)
    return tuple(c.value for c in rgba)


def char_box(textpage, i: int) -> tuple[float, float, float, float]:
    rect = pdfium_c.FS_RECTF()
    if not pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect):
        return (0.0, 0.0, 0.0, 0.0)
    return (rect.left, min(rect.bottom, rect.top), rect.right, max(rect.bottom, rect.top))


def compose(form, parent):
    """The form's matrix followed by its parent's (row vectors: p' = p·M)."""
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(form, m)
    own = (m.a, m.b, m.c, m.d, m.e, m.f)
    if parent is None:
        return own
    a1, b1, c1, d1, e1, f1 = own
    a2, b2, c2, d2, e2, f2 = parent
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def bounds(obj, matrix) -> tuple[float, float, float, float]:
    """Page-space bounds; objects inside a form report bounds in the form's space."""
    l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not pdfium_c.FPDFPageObj_GetBounds(obj, l, b, r, t):
        return (0.0, 0.0, 0.0, 0.0)
    if matrix is None:
        return (l.value, b.value, r.value, t.value)
    a, bb, c, d, e, f = matrix
    xs, ys = [], []
    for x, y in ((l.value, b.value), (l.value, t.value), (r.value, b.value), (r.value, t.value)):
        xs.append(x * a + y * c + e)
        ys.append(x * bb + y * d + f)
    return (min(xs), min(ys), max(xs), max(ys))
