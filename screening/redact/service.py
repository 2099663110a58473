"""Make a redacted copy (区分处理) and check it before anyone gets it.

    result = redact_document(data, "通知.docx", engine=engine)          # one-off: mask personal data
    result = redact(data, "通知.docx", items, RedactOptions(), engine)   # a case: the items it chose

The copy is screened again and searched for every redacted value (in its extracted text, in its raw
content, and, for a rasterized PDF, by checking each occurrence got a box). It is returned only if
none remains; otherwise `RedactionRefused` carries the result with what remains and where.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from screening import labels
from screening.errors import ScreeningError, UnreadableDocument
from screening.redact.docx import Revisions, redact_docx
from screening.redact.items import DEFAULT_CATEGORIES, Matcher, RedactionItem, items_from_findings
from screening.redact.pdf import DEFAULT_DPI, PdfMode, VISIBLE_PARTS, redact_pdf_raster, redact_pdf_text
from screening.redact.text import redact_html, redact_txt
from screening.sheet.mask import DEFAULT_POLICY, MaskPolicy
from screening.types import Category, Report


@dataclass(frozen=True, slots=True)
class RedactOptions:
    pdf_mode: PdfMode = PdfMode.RASTER
    revisions: Revisions = Revisions.ACCEPT
    dpi: int = DEFAULT_DPI
    policy: MaskPolicy = DEFAULT_POLICY
    categories: tuple[Category, ...] = DEFAULT_CATEGORIES   # for redact_document: what to mask

    def __post_init__(self) -> None:
        if not 50 <= self.dpi <= 600:
            raise ValueError("RedactOptions.dpi must be between 50 and 600")


@dataclass(frozen=True, slots=True)
class Remaining:
    item: RedactionItem
    where: str                  # in Chinese: where the value was found again

    def describe(self, policy: MaskPolicy = DEFAULT_POLICY) -> str:
        from screening.sheet.mask import mask_for_sheet

        shown = mask_for_sheet(self.item.text, self.item.category, self.item.subtype, policy)
        kind = labels.SUBTYPE.get(self.item.subtype or "", "") or labels.CATEGORY[self.item.category]
        return f"{kind}“{shown}”：{self.where}"


@dataclass(frozen=True, slots=True)
class RedactionResult:
    data: bytes
    name: str                              # the copy's file name (same format as the original)
    format: str
    items: tuple[RedactionItem, ...]
    masked: int                            # occurrences replaced or boxed
    removed: tuple[str, ...]               # what sanitizing took out
    report: Report | None                  # the re-screen of the copy
    remaining: tuple[Remaining, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.remaining


class RedactionRefused(ScreeningError):
    """The copy still contains redacted values; `result.remaining` says which and where."""

    def __init__(self, result: RedactionResult) -> None:
        self.result = result
        lines = "\n".join(f"  - {r.describe()}" for r in result.remaining)
        super().__init__(f"区分处理后的副本仍含有 {len(result.remaining)} 处应遮挡的内容，未予提供：\n{lines}")


def copy_name(name: str) -> str:
    path = PurePath(name)
    return f"{path.stem}（区分处理）{path.suffix}"


def redact_document(data: bytes, name: str, *, options: RedactOptions = RedactOptions(), engine=None,
                    report: Report | None = None) -> RedactionResult:
    """Screen `data` (unless its report is given) and redact the findings of `options.categories`."""
    engine = engine or _engine()
    if report is None:
        from screening.pipeline import screen_bytes

        report = screen_bytes(data, name, engine=engine)
    if report.error is not None:
        raise UnreadableDocument(report.error.code, report.error.message)
    items = items_from_findings(report.findings, categories=options.categories, policy=options.policy)
    return redact(data, name, items, options, engine=engine)


def redact(data: bytes, name: str, items: Sequence[RedactionItem], options: RedactOptions = RedactOptions(),
           engine=None) -> RedactionResult:
    """The redacted, sanitized copy of `data`, re-screened; raises RedactionRefused if any item remains."""
    from screening.extract.sniff import sniff

    engine = engine or _engine()
    matcher = Matcher(items)
    container = sniff(data, name)
    located = None
    if container in ("docx", "docm", "dotx", "dotm"):   # sniff names the OOXML variant
        fmt = "docx"
        out = redact_docx(data, matcher, revisions=options.revisions)
    elif container == "pdf":
        fmt = "pdf"
        if PdfMode(options.pdf_mode) is PdfMode.RASTER:
            out = redact_pdf_raster(data, matcher, dpi=options.dpi)
            located = out.located
        else:
            out = redact_pdf_text(data, name, matcher)
    elif container == "html":
        fmt, out = "html", redact_html(data, matcher)
    elif container in ("txt", "csv"):
        fmt, out = "txt", redact_txt(data, matcher)
    else:
        raise UnreadableDocument("unsupported_format", "区分处理只支持 docx、pdf、txt 和 html 文件")
    result = RedactionResult(out.data, copy_name(name), fmt, tuple(matcher.items), out.masked,
                             tuple(out.removed), None)
    result = _verify(result, data, name, matcher, engine, located)
    if not result.ok:
        raise RedactionRefused(result)
    return result


def _engine():
    from screening.engine import cached_engine

    return cached_engine()


def _verify(result: RedactionResult, original: bytes, name: str, matcher: Matcher, engine,
            located: dict[str, int] | None) -> RedactionResult:
    from screening.extract import extract_bytes

    remaining: list[Remaining] = []
    seen: set[tuple[str, str]] = set()

    def add(item: RedactionItem, where: str, *, once: bool = False) -> None:
        """Record a remaining item; with `once`, only if nothing was recorded for it yet."""
        if once and any(key == item.key for key, _ in seen):
            return
        if (item.key, where) not in seen:
            seen.add((item.key, where))
            remaining.append(Remaining(item, where))

    report = None
    try:
        copy = extract_bytes(result.data, result.name)
    except UnreadableDocument as exc:
        for item in matcher.items:
            add(item, f"复查无法读取副本（{exc.message}），不能确认已遮挡")
    else:
        report = engine.screen(copy)
        for finding in report.findings:
            for item in matcher.search(finding.text):
                add(item, f"复查仍发现（{labels.where(finding.location)}）")
        for part in copy.parts:
            for item in matcher.search(part.text):
                add(item, f"副本的{labels.PART[part.kind]}中仍有", once=True)
    for item in matcher.search(_raw_text(result.data, result.format)):
        add(item, "副本文件内容中仍可检索到", once=True)
    if located is not None:   # raster PDF: every occurrence on a page must have got its box
        original_doc = extract_bytes(original, name)
        for item in matcher.items:
            expected = sum(1 for p in original_doc.parts if p.kind in VISIBLE_PARTS
                           for _, _, hit in matcher.finditer(p.text) if hit.key == item.key)
            boxed = located.get(item.key, 0)
            if boxed < expected:
                add(item, f"原文中有 {expected} 处，只在页面上定位并遮盖了 {boxed} 处")
    notes: tuple[str, ...] = ()
    if located is not None:
        notes += ("副本为图像 PDF（无文本层），已逐处核对遮盖位置；图像中的内容须人工复核",)
    if report is not None:
        others = [f for f in report.findings if not matcher.search(f.text)
                  and not (located is not None and f.rule.startswith("extract."))]
        if others:
            notes += (f"副本中另有 {len(others)} 项审查发现未作区分处理（不在本次遮挡范围内），请人工复核",)
    return RedactionResult(result.data, result.name, result.format, result.items, result.masked,
                           result.removed, report, tuple(remaining), notes)


def _raw_text(data: bytes, fmt: str) -> str:
    """Everything in the file as text: each zip member decompressed, or the bytes themselves."""
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(zf.read(info).decode("utf-8", "ignore") for info in zf.infolist())
    if fmt == "pdf":
        return _pdf_streams(data)
    return data.decode("utf-8", "ignore")


def _pdf_streams(data: bytes) -> str:
    """The PDF's bytes plus every stream decoded (pdfminer), as text."""
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdftypes import PDFStream

    chunks = [data.decode("latin-1")]
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        for xref in document.xrefs:
            for objid in xref.get_objids():
                try:
                    obj = document.getobj(objid)
                except Exception:  # noqa: BLE001 - a broken object is skipped, not fatal
                    continue
                if not isinstance(obj, PDFStream) or getattr(obj.get("Subtype"), "name", None) == "Image":
                    continue
                try:
                    chunks.append(obj.get_data().decode("utf-8", "ignore"))
                except Exception:  # noqa: BLE001 - an undecodable stream is skipped
                    continue
    except Exception:  # noqa: BLE001 - the extracted-text check still applies
        pass
    return "\n".join(chunks)
