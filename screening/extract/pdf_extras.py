"""What a PDF holds besides its pages' text: embedded files (the EmbeddedFiles name tree and
file attachment annotations), form field values (AcroForm), XMP metadata and the outline
(bookmarks). Embedded files become attachments/Members; the rest is `hidden` or `metadata`
text, a reader of the printed page sees none of it."""
from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from screening.extract.attachments import Member
from screening.extract.common import WARN_ATTACHMENT


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
