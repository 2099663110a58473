"""pdf: page text with pdfium (about 1 ms a page), one block per line, `page` set.

Also: hidden text (pdf_layout: under boxes, invisible colours, tiny) → `hidden`; annotation
contents with their authors → `comment`; document information, XMP metadata, bookmarks and
link targets → `metadata`; form field values → `body`, or `hidden` for hidden widgets; embedded
files → `attachment` (pdf_extras, attachments). A page with images and too little text for its
area (a scan) is rendered and OCR'd (extract/ocr.py: lines with `box` in points). A page whose
OCR fails or finds nothing and an embedded file that cannot be read are warnings, so the
document is never passed unread.
"""
from __future__ import annotations

import ctypes
import threading
import time

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from screening.errors import UnreadableDocument
from screening.extract import ocr, pdf_extras, pdf_layout, pdf_tables, pdf_text_tables
from screening.extract.attachments import extract_members
from screening.extract.ocr import page_ranges
from screening.extract.common import WARN_LAYOUT_FAILED, Limits, Parts, make_document
from screening.extract.table import add_table
from screening.types import Document, PartKind

INFO_LABELS = (("Title", "标题"), ("Author", "作者"), ("Subject", "主题"), ("Keywords", "关键词"),
               ("Creator", "创建程序"), ("Producer", "生成程序"), ("CreationDate", "创建时间"),
               ("ModDate", "修改时间"))
_JUNK = str.maketrans("", "", "\x00\x02\ufffe\uffff")
_NOT_COMMENTS = (pdfium_c.FPDF_ANNOT_LINK, pdfium_c.FPDF_ANNOT_POPUP, pdfium_c.FPDF_ANNOT_WIDGET)
_EOF_WINDOW = 1 << 16
# A page with images and fewer characters than one per this many square points (≈100 on an A4
# page, which holds 1,500 and more) is read as a scan: its rendering is OCR'd.
AREA_PER_CHAR = 5000
WARN_FORMS = "PDF表单未能初始化，表单字段的值未能审查"
OCR_SCALE = 150 / 72      # scans are rendered at 150 dpi for OCR
_MAX_OBJECTS = 100_000     # page objects looked at for images
_PDFIUM = threading.RLock()  # pdfium is not thread-safe; re-entered for a PDF attached to a PDF


def extract(data: bytes, name: str, limits: Limits) -> Document:
    with _PDFIUM:
        return _extract(data, name, limits)


def _extract(data: bytes, name: str, limits: Limits) -> Document:
    started = time.monotonic()
    pdf = _open(data)
    tables = pdf_tables.TableReader(data)
    unread = []
    try:
        try:
            pdf.init_forms()   # before any page is loaded; form field values need the form handle
        except pdfium.PdfiumError:
            unread.append(WARN_FORMS)
        count = len(pdf)
        if count > limits.max_pages:
            raise UnreadableDocument("too_large", f"PDF 共 {count} 页，超过上限 {limits.max_pages} 页")
        parts = Parts()
        layout_failed, attached, links = [], [], {}
        scans = ocr.PageOcr(limits, parts, started=started)
        for number in range(1, count + 1):
            page = pdf[number - 1]
            textpage = page.get_textpage()
            try:
                chars = _page(page, textpage, number, parts, layout_failed, tables)
                if chars * AREA_PER_CHAR < page.get_width() * page.get_height() and _has_images(page):
                    scans.page(number, lambda: page.render(scale=OCR_SCALE).to_pil(), scale=OCR_SCALE)
                _annotations(pdf, page, number, parts, links, attached, unread)
            finally:
                textpage.close()
                page.close()
        attached += pdf_extras.document_files(pdf, unread)
        meta = parts[PartKind.METADATA]
        for key, label in INFO_LABELS:
            value = " ".join((pdf.get_metadata_value(key) or "").split())
            if value:
                meta.add(f"{label}：{value}")
        for url in links:
            meta.add(f"超链接：{url}")
        pdf_extras.outline(pdf, meta)
        unread += pdf_extras.xmp(data, meta)
    finally:
        tables.close()
        pdf.close()
    warnings = scans.warnings()
    if layout_failed:
        warnings.append(WARN_LAYOUT_FAILED.format(pages=page_ranges(layout_failed)))
    warnings += unread + extract_members(attached, parts, limits)
    return make_document(data, name, "pdf", parts, pages=count, warnings=warnings)


def _page(page, textpage, number: int, parts: Parts, layout_failed: list[int],
          tables: pdf_tables.TableReader) -> int:
    """Lines to `body`, ruled tables cell by cell to `table`, hidden runs to `hidden`; returns how
    many non-blank characters the page has."""
    text = textpage.get_text_range().translate(_JUNK)
    chars = len("".join(text.split()))
    if not chars:
        return 0
    finders = [pdf_tables.ruled] if pdf_tables.may_hold_table(page) else []
    if pdf_text_tables.may_hold_text_table(text):
        finders.append(pdf_text_tables.find)   # where no ruled table is found
    found = tables.on_page(number, finders)
    if found:
        width, height = page.get_size()
        for table in found:
            tables.count += 1
            add_table(parts[PartKind.TABLE], tables.count, table.rows)
        text = "\n".join(textpage.get_text_bounded(0, bottom, width, top).translate(_JUNK)
                         for bottom, top in pdf_tables.body_bands(height, found))
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        parts[PartKind.BODY].add(line, page=number)
    try:
        for label, hidden in pdf_layout.hidden_text(page, textpage):
            parts[PartKind.HIDDEN].add(hidden.translate(_JUNK), page=number, label=label)
    except (pdfium.PdfiumError, ValueError, OverflowError):
        layout_failed.append(number)
    return chars


def _open(data: bytes) -> pdfium.PdfDocument:
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise UnreadableDocument("corrupt", "PDF 文件不完整（缺少文件结束标记，可能在传输中被截断）")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise UnreadableDocument("encrypted", "PDF 已设置打开密码，无法读取内容。请提交未加密的文件") from None
        raise UnreadableDocument("corrupt", f"PDF 文件已损坏，无法解析（{exc}）") from None


def _has_images(page) -> bool:
    """Whether the page draws a raster image, directly or inside a form XObject."""
    objects = [pdfium_c.FPDFPage_GetObject(page, i) for i in range(pdfium_c.FPDFPage_CountObjects(page))]
    seen = 0
    while objects and seen < _MAX_OBJECTS:
        obj, seen = objects.pop(), seen + 1
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return True
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            objects += [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
    return False


def _annotations(pdf, page, number: int, parts: Parts, links: dict, attached: list, unread: list) -> None:
    for k in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annot = pdfium_c.FPDFPage_GetAnnot(page, k)
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if subtype == pdfium_c.FPDF_ANNOT_LINK:
                url = _link_uri(pdf, annot)
                if url:
                    links[url] = None
                continue
            if subtype == pdfium_c.FPDF_ANNOT_WIDGET:
                pdf_extras.form_field(pdf, annot, number, parts)
            if subtype == pdfium_c.FPDF_ANNOT_FILEATTACHMENT:
                member = pdf_extras.annotation_file(pdf, annot, number, unread)
                if member is not None:
                    attached.append(member)
            contents = _annot_string(annot, b"Contents")
            if subtype not in _NOT_COMMENTS and contents.strip():
                author = _annot_string(annot, b"T").strip()
                for line in contents.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                    parts[PartKind.COMMENT].add(line, page=number,
                                                label=f"批注（作者：{author}）" if author else "批注")
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)


def _annot_string(annot, key: bytes) -> str:
    size = pdfium_c.FPDFAnnot_GetStringValue(annot, key, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFAnnot_GetStringValue(annot, key, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace").translate(_JUNK)


def _link_uri(pdf, annot) -> str:
    link = pdfium_c.FPDFAnnot_GetLink(annot)
    action = pdfium_c.FPDFLink_GetAction(link) if link else None
    if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_URI:
        return ""
    size = pdfium_c.FPDFAction_GetURIPath(pdf, action, None, 0)
    if size <= 1:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFAction_GetURIPath(pdf, action, buffer, size)
    return buffer.raw[: size - 1].decode("latin-1").strip()
