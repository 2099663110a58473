"""Images (.jpg .png .tif .bmp, also a scan saved as one): every frame OCR'd (extract/ocr.py).

A multi-page TIFF is one page per frame. Lines carry `page` and `box` (pixels); an image whose
recognition fails, or in which no text is found, is a warning and never passes.
"""
from __future__ import annotations

from PIL import ImageSequence

from screening.errors import UnreadableDocument
from screening.extract import ocr
from screening.extract.common import Limits, Parts, make_document
from screening.types import Document

FORMATS = {"JPEG": "jpg", "PNG": "png", "TIFF": "tif", "BMP": "bmp", "GIF": "gif", "WEBP": "webp"}


def extract(data: bytes, name: str, limits: Limits) -> Document:
    image = ocr.open_image(data)
    fmt = FORMATS.get(image.format or "", (image.format or "image").lower())
    parts = Parts()
    run = ocr.PageOcr(limits, parts)
    pages = 0
    for pages, frame in enumerate(ImageSequence.Iterator(image), 1):
        if pages > limits.max_pages:
            raise UnreadableDocument("too_large", f"图像超过 {limits.max_pages} 页")
        run.page(pages, frame.copy)
    return make_document(data, name, fmt, parts, pages=pages, warnings=run.warnings())
