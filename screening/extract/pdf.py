"""pdf: page text with pdfium (about 1 ms a page), one block per line, `page` set.

Also: hidden text (pdf_layout: under boxes, invisible colours, tiny) → `hidden`; annotation
contents with their authors → `comment`; document information and link targets →
`metadata`. Pages whose only content is images (scans) and embedded files are reported
as warnings, so the document is never passed unread.
"""
from __future__ import annotations

import ctypes
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from screening.errors import UnreadableDocument
from screening.extract import pdf_layout, pdf_tables
from screening.extract.common import (
    WARN_EMBEDDED, WARN_LAYOUT_FAILED, WARN_NO_TEXT_LAYER, WARN_PAGES_WITHOUT_TEXT, Limits, Parts, make_document,
)
from screening.extract.table import add_table
from screening.types import Document, PartKind

INFO_LABELS = (("Title", "标题"), ("Author", "作者"), ("Subject", "主题"), ("Keywords", "关键词"),
               ("Creator", "创建程序"), ("Producer", "生成程序"), ("CreationDate", "创建时间"),
               ("ModDate", "修改时间"))
_JUNK = str.maketrans("", "", "\x00\x02\ufffe\uffff")
_NOT_COMMENTS = (pdfium_c.FPDF_ANNOT_LINK, pdfium_c.FPDF_ANNOT_POPUP, pdfium_c.FPDF_ANNOT_WIDGET)
_EOF_WINDOW = 1 << 16
_PDFIUM = threading.Lock()   # pdfium is not thread-safe; extract_isolated runs it in a child anyway


def extract(data: bytes, name: str, limits: Limits) -> Document:
    with _PDFIUM:
        return _extract(data, name, limits)


def _extract(data: bytes, name: str, limits: Limits) -> Document:
    pdf = _open(data)
    tables = pdf_tables.TableReader(data)
    try:
        count = len(pdf)
        if count > limits.max_pages:
            raise UnreadableDocument("too_large", f"PDF 共 {count} 页，超过上限 {limits.max_pages} 页")
        parts = Parts()
        unread, layout_failed, attached, links = [], [], [], {}
        for number in range(1, count + 1):
            page = pdf[number - 1]
            textpage = page.get_textpage()
            try:
                if not _page(page, textpage, number, parts, layout_failed, tables) and _has_images(page):
                    unread.append(number)
                _annotations(pdf, page, number, parts, links, attached)
            finally:
                textpage.close()
                page.close()
        attached += [pdf.get_attachment(i).get_name() for i in range(pdf.count_attachments())]
        meta = parts[PartKind.METADATA]
        for key, label in INFO_LABELS:
            value = " ".join((pdf.get_metadata_value(key) or "").split())
            if value:
                meta.add(f"{label}：{value}")
        for url in links:
            meta.add(f"超链接：{url}")
        for item in attached:
            meta.add(f"嵌入对象：{item}")
    finally:
        tables.close()
        pdf.close()
    warnings = []
    if unread:
        warnings.append(WARN_NO_TEXT_LAYER if len(unread) == count
                        else WARN_PAGES_WITHOUT_TEXT.format(pages=page_ranges(unread)))
    if layout_failed:
        warnings.append(WARN_LAYOUT_FAILED.format(pages=page_ranges(layout_failed)))
    if attached:
        warnings.append(WARN_EMBEDDED.format(names="、".join(attached)))
    return make_document(data, name, "pdf", parts, pages=count, warnings=warnings)


def _page(page, textpage, number: int, parts: Parts, layout_failed: list[int],
          tables: pdf_tables.TableReader) -> bool:
    """Lines to `body`, ruled tables cell by cell to `table`, hidden runs to `hidden`; False when
    the page has no text at all."""
    text = textpage.get_text_range().translate(_JUNK)
    if not text.strip():
        return False
    found = tables.tables(number) if pdf_tables.may_hold_table(page) else []
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
    return True


def _open(data: bytes) -> pdfium.PdfDocument:
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise UnreadableDocument("corrupt", "PDF 文件不完整（缺少文件结束标记，可能在传输中被截断）")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise UnreadableDocument("encrypted", "PDF 已设置打开密码，无法读取内容。请提交未加密的文件") from None
        raise UnreadableDocument("corrupt", f"PDF 文件已损坏，无法解析（{exc}）") from None


def page_ranges(pages: list[int]) -> str:
    """[1, 2, 3, 7] → "1-3、7"."""
    spans: list[list[int]] = []
    for p in pages:
        if spans and p == spans[-1][1] + 1:
            spans[-1][1] = p
        else:
            spans.append([p, p])
    return "、".join(f"{a}-{b}" if a != b else f"{a}" for a, b in spans)


def _has_images(page) -> bool:
    kinds = (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM)
    return any(pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page, i)) in kinds
               for i in range(pdfium_c.FPDFPage_CountObjects(page)))


def _annotations(pdf, page, number: int, parts: Parts, links: dict, attached: list) -> None:
    for k in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annot = pdfium_c.FPDFPage_GetAnnot(page, k)
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if subtype == pdfium_c.FPDF_ANNOT_LINK:
                url = _link_uri(pdf, annot)
                if url:
                    links[url] = None
                continue
            if subtype == pdfium_c.FPDF_ANNOT_FILEATTACHMENT:
                attached.append(f"第{number}页的附件批注")
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
