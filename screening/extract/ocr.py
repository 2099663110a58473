"""Offline OCR of images and scanned pages with rapidocr-onnxruntime.

Its detection, orientation and recognition models (PP-OCRv4, ONNX) ship inside the wheel:
nothing is downloaded, ever. The engine is made on first use, once per process (the sandboxed
extraction child, within its usual memory limit: an A4 scan at 300 dpi peaks well under the
2 GiB of `Limits.memory_bytes`), never at import. Each recognised line becomes a block with its page, its
`box` [x0, y0, x1, y1] in the page's own units (pixels of an image, points of a PDF page) and
its confidence in the label. A page whose recognition fails is a warning, so the document
never passes unread; so is an image in which nothing could be recognised, and so are the pages
left when the document's OCR time budget is spent (`PageOcr`).
"""
from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from screening.errors import UnreadableDocument
from screening.extract.common import WARN_OCR_FAILED, Limits, Parts
from screening.types import PartKind

OCR_LABEL = "图像文字识别（置信度{confidence:.2f}）"
WARN_OCR_EMPTY = "第{pages}页为图像，未识别出文字，请人工确认图像内容"
WARN_OCR_TIME = "第{pages}页图像文字识别超出时间限制，未能审查这些页的图像内容"
MAX_PIXELS = 60_000_000          # ~ an A0 scan at 200 dpi; more is refused, not decoded
MAX_SIDE = 1600                  # longer images are scaled down to this many pixels before OCR
TIME_SHARE = 0.7                 # of Limits.timeout_s that OCR may take; the rest is reported unread
# One ONNX runtime thread per extraction child: a batch already runs one child per core, and
# the child's CPU-time limit (RLIMIT_CPU = timeout) then holds for OCR as it does for parsing.
THREADS = 1
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
    image = image.convert("RGB")
    if max(image.size) > MAX_SIDE:  # detection time grows with the area; text stays legible
        shrink = MAX_SIDE / max(image.size)
        image = image.resize((round(image.width * shrink), round(image.height * shrink)))
        scale *= shrink
    result, _ = engine()(image)
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


class PageOcr:
    """OCR of the image pages of one document, within its time budget: pages left when the
    budget (a share of `Limits.timeout_s`) is spent are not recognised but reported, so a long
    scan comes back with what was read and a warning instead of a timeout."""

    def __init__(self, limits: Limits, parts: Parts, *, started: float | None = None) -> None:
        """`started`: time.monotonic() when the document's extraction began (default: now)."""
        self.deadline = (started if started is not None else time.monotonic()) + limits.timeout_s * TIME_SHARE
        self.parts = parts
        self.failed: list[int] = []
        self.empty: list[int] = []
        self.skipped: list[int] = []
        self._found: dict[int, bool] = {}

    def page(self, page: int, image: Callable[[], object], scale: float = 1.0) -> None:
        """Recognise `image()` (made only when there is time) as text of `page`."""
        if time.monotonic() > self.deadline:
            self.skipped.append(page)
            return
        try:
            found = add_lines(recognise(image(), scale), page, self.parts)
        except (UnreadableDocument, OSError, ValueError, RuntimeError):
            self.failed.append(page)
            return
        self._found[page] = self._found.get(page, False) or found

    def warnings(self) -> list[str]:
        out = []
        for template, pages in ((WARN_OCR_FAILED, self.failed), (WARN_OCR_TIME, self.skipped),
                                (WARN_OCR_EMPTY, [p for p, f in self._found.items() if not f])):
            pages = sorted(set(pages) - (set(self.failed) if template is not WARN_OCR_FAILED else set()))
            if pages:
                out.append(template.format(pages=page_ranges(pages)))
        return out


def page_ranges(pages: list[int]) -> str:
    """[1, 2, 3, 7] → "1-3、7"."""
    spans: list[list[int]] = []
    for p in pages:
        if spans and p == spans[-1][1] + 1:
            spans[-1][1] = p
        else:
            spans.append([p, p])
    return "、".join(f"{a}-{b}" if a != b else f"{a}" for a, b in spans)
