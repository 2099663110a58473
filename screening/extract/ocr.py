"""Offline OCR of images and scanned pages with rapidocr-onnxruntime.

Its detection, orientation and recognition models (PP-OCRv4, ONNX) ship inside the wheel:
nothing is downloaded, ever. The engine is made on first use, once per process (the sandboxed
extraction child: extract/sandbox.py raises its memory limit to `Limits.ocr_memory_bytes` so the
ONNX runtime fits), never at import. Each recognised line becomes a block with its page, its
`box` [x0, y0, x1, y1] in the page's own units (pixels of an image, points of a PDF page) and
its confidence in the label. A page whose recognition fails is a warning, so the document
never passes unread; so is an image in which nothing could be recognised.
"""
from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from screening.errors import UnreadableDocument
from screening.extract.common import WARN_OCR_FAILED, Parts
from screening.types import PartKind

OCR_LABEL = "图像文字识别（置信度{confidence:.2f}）"
WARN_OCR_EMPTY = "第{pages}页为图像，未识别出文字，请人工确认图像内容"
MAX_PIXELS = 60_000_000          # ~ an A0 scan at 200 dpi; more is refused, not decoded
THREADS = 2                      # ONNX runtime threads per extraction child
_engine = None
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]
    confidence: float


def engine():
    """The RapidOCR engine of this process, made on first use."""
    global _engine  # noqa: PLW0603 - one engine per process, made lazily
    with _lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            _engine = RapidOCR(intra_op_num_threads=THREADS, inter_op_num_threads=1)
        return _engine


def recognise(image, scale: float = 1.0) -> list[OcrLine]:
    """Lines of a PIL image, top to bottom; boxes divided by `scale` (render scale of a PDF page)."""
    result, _ = engine()(image.convert("RGB"))
    lines = []
    for points, text, score in result or ():
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (min(xs) / scale, min(ys) / scale, max(xs) / scale, max(ys) / scale)
        lines.append(OcrLine(str(text), box, float(score)))
    lines.sort(key=lambda ln: (round(ln.box[1] / max(ln.box[3] - ln.box[1], 1)), ln.box[0]))
    return lines


def open_image(data: bytes):
    """A PIL image, refused when it is not one or is too large to decode safely."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableDocument("corrupt", f"图像文件已损坏或格式无法识别（{exc}）") from None
    if image.width * image.height > MAX_PIXELS:
        raise UnreadableDocument("too_large", f"图像 {image.width}×{image.height} 像素，超过上限 {MAX_PIXELS} 像素")
    return image


def add_lines(lines: Iterable[OcrLine], page: int | None, parts: Parts) -> bool:
    """Recognised lines → body blocks; False when there were none."""
    any_line = False
    for line in lines:
        if line.text.strip():
            parts[PartKind.BODY].add(line.text, page=page, box=line.box,
                                     label=OCR_LABEL.format(confidence=line.confidence))
            any_line = True
    return any_line


def recognise_pages(scans: list[tuple[int, bytes]], parts: Parts) -> list[str]:
    """OCR the image files of pages that have no text; returns the warnings."""
    failed: list[int] = []
    found: dict[int, bool] = {}
    for page, data in scans:
        try:
            image = open_image(data)
            image.load()
            found[page] = add_lines(recognise(image), page, parts) or found.get(page, False)
        except (UnreadableDocument, OSError, ValueError, RuntimeError):
            failed.append(page)
    return warnings_for(failed, [p for p, any_text in found.items() if not any_text and p not in failed])


def warnings_for(failed: list, empty: list) -> list[str]:
    warnings = []
    if failed:
        warnings.append(WARN_OCR_FAILED.format(pages="、".join(map(str, dict.fromkeys(failed)))))
    if empty:
        warnings.append(WARN_OCR_EMPTY.format(pages="、".join(map(str, dict.fromkeys(empty)))))
    return warnings
