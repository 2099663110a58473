"""Format detection: magic bytes first, the file name's extension second."""
from __future__ import annotations

import re
from pathlib import PurePath

from screening.errors import UnreadableDocument

PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Formats we recognise but cannot screen: magic → what to tell the user.
_UNSUPPORTED = (
    (b"\x89PNG\r\n\x1a\n", "PNG图片"), (b"\xff\xd8\xff", "JPEG图片"), (b"GIF87a", "GIF图片"),
    (b"GIF89a", "GIF图片"), (b"II*\x00", "TIFF图片"), (b"MM\x00*", "TIFF图片"),
    (b"{\\rtf", "RTF文档"), (b"Rar!\x1a\x07", "RAR压缩包"), (b"7z\xbc\xaf\x27\x1c", "7z压缩包"),
    (b"\x1f\x8b", "gzip压缩文件"),
)
HTML_EXTS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
TEXT_EXTS = frozenset({".txt", ".text", ".csv", ".log", ".md"})
_BINARY_EXTS = frozenset({".docx", ".docm", ".dotx", ".pdf", ".doc", ".wps", ".xls", ".xlsx",
                          ".ppt", ".pptx", ".odt", ".ofd", ".zip"})
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")


def suffix(name: str) -> str:
    return PurePath(name).suffix.lower()


def sniff(data: bytes, name: str) -> str:
    """Return "pdf", "zip", "ole2", "eml", "html" or "txt"; raise for what cannot be screened."""
    if not data:
        raise UnreadableDocument("empty", "文件为空（0字节）")
    ext = suffix(name)
    # Readers accept a PDF header anywhere in the first KiB; a text file may merely mention one.
    if data.startswith(PDF_MAGIC) or (PDF_MAGIC in data[:1024] and ext not in TEXT_EXTS | HTML_EXTS):
        return "pdf"
    if data.startswith(ZIP_MAGICS):
        return "zip"
    if data.startswith(OLE2_MAGIC):
        return "ole2"
    for magic, what in _UNSUPPORTED:
        if data.startswith(magic):
            raise UnreadableDocument(
                "unsupported_format",
                f"不支持的文件格式：{what}。请提交 docx、带文本层的 PDF、txt 或 html 文件")
    if ext == ".eml" or looks_like_mail(data):
        return "eml"
    if ext in _BINARY_EXTS:
        raise UnreadableDocument("corrupt", f"文件扩展名为 {ext}，但内容不是有效的 {ext[1:]} 文件")
    if ext in HTML_EXTS or (ext not in TEXT_EXTS and looks_like_html(data)):
        return "html"
    return "txt"


def looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf").replace(b"\x00", b"").lstrip(b"\xff\xfe").lstrip()
    head = head.lower()
    if head.startswith(b"<?xml"):
        return b"<html" in head
    return head.startswith(_HTML_STARTS)


_MAIL_HEADER = re.compile(rb"^(?:[A-Za-z][A-Za-z0-9-]{1,40}:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){2,}")


def looks_like_mail(data: bytes) -> bool:
    """A MIME mail without its .eml name: it opens with header lines, one of them MIME-Version."""
    head = data[:8192]
    block = _MAIL_HEADER.match(head)
    return bool(block) and re.search(rb"(?im)^mime-version:", block.group(0)) is not None


def _has_stream(data: bytes, name: str) -> bool:
    return name.encode("utf-16-le") in data


def refuse_ole2(data: bytes) -> None:
    """Always raises: `encrypted` for a password-protected OOXML file, else `unsupported_format`."""
    if _has_stream(data, "EncryptionInfo") and _has_stream(data, "EncryptedPackage"):
        raise UnreadableDocument("encrypted", "文件已设置打开密码（加密的 Office 文档），请取消密码后另存为 docx 再提交")
    if _has_stream(data, "WordDocument"):
        what = "旧版 Word（.doc）或 WPS 文字文档"
    elif _has_stream(data, "Workbook") or _has_stream(data, "Book"):
        what = "Excel 表格（.xls）"
    elif _has_stream(data, "PowerPoint Document"):
        what = "PowerPoint 演示文稿（.ppt）"
    else:
        what = "OLE 复合文档"
    raise UnreadableDocument("unsupported_format", f"不支持的文件格式：{what}。请用 Word 或 WPS 另存为 docx 后再提交")
