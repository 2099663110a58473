"""Format detection: the content first, the file name's extension second.

`sniff(data, name)` names the format a file really is ("docx", "docm", "xls", "et", "odt", "png"…)
and only identifies: whether that format can be screened is `screening.extract.EXTRACTORS`'s to
say (one registry). The content decides the family — the members of a zip (an OOXML package's
main content type, an OpenDocument `mimetype`, `OFD.xml`), the streams of an OLE2 compound file
(`WordDocument`, `Workbook`/`Book`), a magic number (`%PDF-`, `{\\rtf`, PNG …) — and the extension
only tells apart names of one family (a binary Word file named .wps is a WPS 文字 document, an
OLE2 workbook named .et a WPS 表格).
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import PurePath

from screening.errors import UnreadableDocument

PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# What to call each format in a message (Simplified Chinese, with the usual extension).
FORMAT_LABELS = {
    "docx": "Word 文档（.docx）", "docm": "启用宏的 Word 文档（.docm）", "dotx": "Word 模板（.dotx）",
    "dotm": "启用宏的 Word 模板（.dotm）", "doc": "Word 97-2003 文档（.doc）", "dot": "Word 97-2003 模板（.dot）",
    "wps": "WPS 文字文档（.wps）", "rtf": "RTF 文档（.rtf）", "odt": "OpenDocument 文本（.odt）",
    "ott": "OpenDocument 文本模板（.ott）",
    "xlsx": "Excel 工作簿（.xlsx）", "xlsm": "启用宏的 Excel 工作簿（.xlsm）", "xltx": "Excel 模板（.xltx）",
    "xltm": "启用宏的 Excel 模板（.xltm）", "xls": "Excel 97-2003 工作簿（.xls）", "xlt": "Excel 97-2003 模板（.xlt）",
    "et": "WPS 表格（.et）", "ods": "OpenDocument 电子表格（.ods）", "ots": "OpenDocument 电子表格模板（.ots）",
    "csv": "CSV 表格（.csv）",
    "pdf": "PDF 文件", "txt": "文本文件", "html": "网页（html）", "ofd": "OFD 版式文档（.ofd）",
    "eml": "电子邮件（.eml）",
    "pptx": "PowerPoint 演示文稿（.pptx）", "ppt": "PowerPoint 97-2003 演示文稿（.ppt）",
    "dps": "WPS 演示文稿（.dps）", "odp": "OpenDocument 演示文稿（.odp）",
    "png": "PNG 图片", "jpg": "JPEG 图片", "gif": "GIF 图片", "tif": "TIFF 图片", "bmp": "BMP 图片",
    "rar": "RAR 压缩包", "7z": "7z 压缩包", "gz": "gzip 压缩文件", "zip": "ZIP 压缩包", "ole2": "OLE 复合文档",
}

# Magic numbers at offset 0 → format.
MAGICS = (
    (b"{\\rtf", "rtf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"),
    (b"GIF89a", "gif"), (b"II*\x00", "tif"), (b"MM\x00*", "tif"), (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"), (b"\x1f\x8b", "gz"),
)
# An OOXML package's main content type (lower case, most specific first) → format.
OOXML_MAIN_TYPES = (
    ("ms-word.document.macroenabled.main", "docm"), ("ms-word.template.macroenabledtemplate.main", "dotm"),
    ("wordprocessingml.template.main", "dotx"), ("wordprocessingml.document.main", "docx"),
    ("ms-excel.sheet.macroenabled.main", "xlsm"), ("ms-excel.template.macroenabled.main", "xltm"),
    ("spreadsheetml.template.main", "xltx"), ("spreadsheetml.sheet.main", "xlsx"),
    ("presentationml", "pptx"), ("ms-powerpoint", "pptx"),
)
# Zip members that give a package away when its content types do not (first match wins).
ZIP_MEMBERS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx"),
               ("OFD.xml", "ofd"))
ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt", "application/vnd.oasis.opendocument.text-template": "ott",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ots",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# OLE2 streams → format (first match wins).
OLE2_STREAMS = (("WordDocument", "doc"), ("Workbook", "xls"), ("Book", "xls"), ("PowerPoint Document", "ppt"))
# Within a family the extension names the variant: format → {extension: format}.
VARIANTS = {
    "doc": {".wps": "wps", ".dot": "dot", ".wpt": "wps"},
    "xls": {".et": "et", ".ett": "et", ".xlt": "xlt"},
    "xlsx": {".et": "et"},
    "docx": {".wps": "wps"},
    "ppt": {".dps": "dps"},
    "txt": {".csv": "csv", ".tsv": "csv"},
}
HTML_EXTS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
TEXT_EXTS = frozenset({".txt", ".text", ".csv", ".tsv", ".log", ".md"})
# Extensions of binary formats: a file so named whose content is plain text is broken, not text.
_BINARY_EXTS = frozenset({".docx", ".docm", ".dotx", ".dotm", ".pdf", ".doc", ".dot", ".wps", ".rtf", ".odt",
                          ".xls", ".xlsx", ".xlsm", ".xlt", ".et", ".ods", ".ppt", ".pptx", ".ofd", ".zip"})
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")
_OLE2_NAMES = frozenset({"doc", "dot", "wps", "xls", "xlt", "et", "ppt", "dps"})
_MAX_SNIFF_MEMBER = 1 << 20
_FIB_ENCRYPTED = 0x0100     # [MS-DOC] FibBase.fEncrypted


def text_by_name(name: str) -> bool:
    """Whether the name says text (.txt, .csv, .html …): else content that decodes as no text is
    no document at all, not a text in an unknown encoding."""
    return suffix(name) in TEXT_EXTS | HTML_EXTS


def suffix(name: str) -> str:
    return PurePath(name).suffix.lower()


def label(fmt: str) -> str:
    return FORMAT_LABELS.get(fmt, f"{fmt} 文件")


def sniff(data: bytes, name: str) -> str:
    """The format of `data` (a key of FORMAT_LABELS); raises `empty`, `encrypted` or `corrupt`."""
    if not data:
        raise UnreadableDocument("empty", "文件为空（0字节）")
    ext = suffix(name)
    fmt = _family(data, ext)
    return VARIANTS.get(fmt, {}).get(ext, fmt)


def _family(data: bytes, ext: str) -> str:
    # Readers accept a PDF header anywhere in the first KiB; a text file may merely mention one.
    if data.startswith(PDF_MAGIC) or (PDF_MAGIC in data[:1024] and ext not in TEXT_EXTS | HTML_EXTS):
        return "pdf"
    if data.startswith(ZIP_MAGICS):
        return _zip_format(data, ext)
    if data.startswith(OLE2_MAGIC):
        return _ole2_format(data, ext)
    for magic, fmt in MAGICS:
        if data.startswith(magic):
            return fmt
    if data.startswith(b"BM") and data[6:10] == bytes(4) and len(data) >= 26:   # BITMAPFILEHEADER
        return "bmp"
    if ext == ".eml" or looks_like_mail(data):
        return "eml"
    if ext in _BINARY_EXTS:
        raise UnreadableDocument("corrupt", f"文件扩展名为 {ext}，但内容不是有效的{label(ext[1:])}")
    if ext in HTML_EXTS or (ext not in TEXT_EXTS and looks_like_html(data)):
        return "html"
    return "txt"


def _zip_format(data: bytes, ext: str) -> str:
    """OOXML by its main content type, OpenDocument by its `mimetype`, else by telltale members.
    Only the central directory and two small members are read here; the extractor checks the rest."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" in names:
                types = _small_member(zf, "[Content_Types].xml").lower()
                for content_type, fmt in OOXML_MAIN_TYPES:
                    if content_type.encode() in types:
                        return fmt
            if "mimetype" in names:
                mimetype = _small_member(zf, "mimetype").decode("ascii", "replace").strip()
                if mimetype in ODF_MIMETYPES:
                    return ODF_MIMETYPES[mimetype]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
        return _by_extension(ext, "zip")   # the extractor reports how it is broken
    return next((fmt for member, fmt in ZIP_MEMBERS if member in names), "zip")


def _small_member(zf: zipfile.ZipFile, member: str) -> bytes:
    info = zf.getinfo(member)
    if info.file_size > _MAX_SNIFF_MEMBER or info.flag_bits & 0x1:
        return b""
    try:
        return zf.read(member)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        return b""


def _ole2_format(data: bytes, ext: str) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(data)
    except Exception:  # noqa: BLE001 - olefile raises assorted errors on broken headers
        raise UnreadableDocument(
            "corrupt", f"文件的复合文档（OLE2）结构已损坏，无法读取该{label(_by_extension(ext, 'ole2'))}") from None
    try:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
        if "EncryptionInfo" in streams and "EncryptedPackage" in streams:
            raise UnreadableDocument("encrypted", "文件已设置打开密码（加密的 Office 文档），请取消密码后再提交")
        fmt = next((f for stream, f in OLE2_STREAMS if stream in streams), "ole2")
        named = _by_extension(ext, "ole2")
        if fmt == "ole2" and named in _OLE2_NAMES:
            raise UnreadableDocument("corrupt", f"复合文档中没有{label(named)}的内容流，文件已损坏")
        if fmt == "doc" and _word_encrypted(ole):
            raise UnreadableDocument("encrypted", f"{label(VARIANTS['doc'].get(ext, 'doc'))}已设置打开密码，请取消密码后再提交")
        return fmt
    finally:
        ole.close()


def _word_encrypted(ole) -> bool:
    try:
        head = ole.openstream("WordDocument").read(12)
    except OSError:
        return False
    return len(head) >= 12 and bool(struct.unpack_from("<H", head, 10)[0] & _FIB_ENCRYPTED)


def _by_extension(ext: str, default: str) -> str:
    fmt = ext[1:]
    return fmt if fmt in FORMAT_LABELS else default


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

