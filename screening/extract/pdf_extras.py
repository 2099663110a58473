"""What a PDF holds besides its pages' text: embedded files (the EmbeddedFiles name tree and
file attachment annotations), form field values (AcroForm), XMP metadata and the outline
(bookmarks). Embedded files become attachments/Members; the rest is `hidden` or `metadata`
text, a reader of the printed page sees none of it."""
from __future__ import annotations

import ctypes
import io
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from lxml import etree

from screening.extract.attachments import Member
from screening.extract.common import WARN_ATTACHMENT, PartBuilder, Parts
from screening.extract.ooxml import safe_parser
from screening.types import PartKind

FORM_FIELD = "表单字段“{name}”的值"
FORM_HIDDEN = "隐藏表单字段“{name}”的值"
WARN_XMP = "PDF的XMP元数据未能读取"
XMP_LABELS = {"creator": "作者", "title": "标题", "description": "备注", "subject": "主题", "Keywords": "关键词",
              "CreatorTool": "创建程序", "Producer": "生成程序", "CreateDate": "创建时间", "ModifyDate": "修改时间",
              "MetadataDate": "元数据时间", "rights": "版权", "publisher": "发布者", "contributor": "参与者"}
_RDF_CONTAINERS = frozenset({"li", "Seq", "Bag", "Alt"})
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def embedded_file(pdf, raw, page: int | None, unread: list[str]) -> Member | None:
    """The file of a PDFium attachment handle, or None (its name added to `unread`)."""
    attachment = pdfium.PdfAttachment(raw, pdf)
    try:
        name = _pdf_text(attachment.get_name())
    except pdfium.PdfiumError:
        name = f"第{page}页的附件" if page else "未命名附件"
    try:
        return Member(name, bytes(attachment.get_data()), page)
    except pdfium.PdfiumError as exc:
        unread.append(WARN_ATTACHMENT.format(name=name, reason=f"无法取出文件内容（{exc}）"))
        return None


def annotation_file(pdf, annot, page: int, unread: list[str]) -> Member | None:
    raw = pdfium_c.FPDFAnnot_GetFileAttachment(annot)
    if not raw:
        unread.append(WARN_ATTACHMENT.format(name=f"第{page}页的附件批注", reason="附件批注中没有可取出的文件"))
        return None
    return embedded_file(pdf, raw, page, unread)


def document_files(pdf, unread: list[str]) -> list[Member]:
    found = (embedded_file(pdf, pdf.get_attachment(i).raw, None, unread) for i in range(pdf.count_attachments()))
    return [m for m in found if m is not None]


def _pdf_text(name: str) -> str:
    """PDFium hands over a name-tree key as bytes widened to characters: a UTF-16BE key (with its
    byte-order mark, how non-Latin names are written) is decoded here."""
    if name.startswith("\u00fe\u00ff"):
        try:
            return name.encode("latin-1")[2:].decode("utf-16-be")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return name
    return name


def _wide(fn, *args) -> str:
    """A PDFium getter that fills a UTF-16LE buffer: call once for the size, once for the text."""
    size = fn(*args, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    fn(*args, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


def form_field(pdf, annot, page: int, parts: Parts) -> None:
    """A form field's value: in `body` where the widget shows on the page (PDFium's page text
    leaves form values out), in `hidden` where the widget is hidden or not viewable."""
    env = pdf.formenv
    if env is None:
        return
    name = _wide(pdfium_c.FPDFAnnot_GetFormFieldName, env.raw, annot).strip()
    value = _wide(pdfium_c.FPDFAnnot_GetFormFieldValue, env.raw, annot)
    if not value.strip():
        return
    flags = pdfium_c.FPDFAnnot_GetFlags(annot)
    hidden = flags & (pdfium_c.FPDF_ANNOT_FLAG_HIDDEN | pdfium_c.FPDF_ANNOT_FLAG_NOVIEW)
    label = FORM_HIDDEN.format(name=name) if hidden else FORM_FIELD.format(name=name)
    for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        parts[PartKind.HIDDEN if hidden else PartKind.BODY].add(line, page=page, label=label)


def outline(pdf, meta: PartBuilder) -> None:
    """Bookmarks (the outline a viewer shows beside the page), with the page each points to."""
    for bookmark in pdf.get_toc():
        dest = bookmark.get_dest()
        index = dest.get_index() if dest is not None else None
        meta.add(f"书签：{' '.join(bookmark.get_title().split())}", page=index + 1 if index is not None else None)


def xmp(data: bytes, meta: PartBuilder) -> list[str]:
    """XMP metadata (the catalog's /Metadata stream, read with pdfminer, which decodes its filters);
    returns a warning when the stream exists but cannot be read."""
    if b"/Metadata" not in data:
        return []
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream, resolve1

    try:
        catalog = PDFDocument(PDFParser(io.BytesIO(data))).catalog
        stream = resolve1(catalog.get("Metadata"))
        raw = stream.get_data() if isinstance(stream, PDFStream) else None
    except Exception:  # noqa: BLE001 - pdfminer's failures on broken files are of many kinds
        return [WARN_XMP]
    if not raw:
        return []
    if _DTD.search(raw):
        return [WARN_XMP]
    try:
        root = etree.fromstring(raw.strip(b"\x00 \r\n\t"), safe_parser())
    except etree.XMLSyntaxError:
        return [WARN_XMP]
    for el in root.iter():
        if not isinstance(el.tag, str) or len(el) or not (el.text or "").strip():
            continue
        name = etree.QName(el).localname
        ancestor = el
        while name in _RDF_CONTAINERS and ancestor.getparent() is not None:
            ancestor = ancestor.getparent()
            name = etree.QName(ancestor).localname
        meta.add(f"{XMP_LABELS.get(name, f'XMP元数据（{name}）')}：{' '.join(el.text.split())}")
    return []
