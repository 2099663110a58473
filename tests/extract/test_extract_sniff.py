"""Format detection: the content names the family, the extension only the variant within it."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from docgen import encrypted_docx, make_docx, make_ole2, make_pdf, rewrite_zip

from screening.errors import UnreadableDocument
from screening.extract import EXTRACTORS, extract_bytes
from screening.extract.sniff import FORMAT_LABELS, sniff

DOCX = make_docx(paragraphs=["正文"])
_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def _main_type(content_type: bytes) -> bytes:
    return rewrite_zip(DOCX, {"[Content_Types].xml": lambda x: x.replace(_DOCX_MAIN, content_type)})


def _odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


WORD_STREAMS = {"WordDocument": b"\xec\xa5" + bytes(64), "1Table": bytes(32)}

CASES = [
    # (id, data, name, format)
    ("a docx named .doc", DOCX, "旧版.doc", "docx"),
    ("an xlsx named .docx", _xlsx(), "名单.docx", "xlsx"),
    ("a docm by its content type", _main_type(b"application/vnd.ms-word.document.macroEnabled.main+xml"), "a.docx", "docm"),
    ("a dotx", _main_type(b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
     "模板.dotx", "dotx"),
    ("an xlsm", rewrite_zip(_xlsx(), {"[Content_Types].xml": lambda x: x.replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")}), "a.xlsx", "xlsm"),
    ("an odt named .doc", _odf("application/vnd.oasis.opendocument.text"), "a.doc", "odt"),
    ("an ods", _odf("application/vnd.oasis.opendocument.spreadsheet"), "表.ods", "ods"),
    ("a binary Word file", make_ole2(WORD_STREAMS), "a.doc", "doc"),
    ("a binary Word file named .wps (WPS 文字)", make_ole2(WORD_STREAMS), "公文.wps", "wps"),
    ("a binary Word file named .xls", make_ole2(WORD_STREAMS), "a.xls", "doc"),
    ("a BIFF8 workbook", make_ole2({"Workbook": bytes(64)}), "a.xls", "xls"),
    ("a BIFF5 workbook named .et (WPS 表格)", make_ole2({"Book": bytes(64)}), "名单.et", "et"),
    ("an rtf named .doc", b"{\\rtf1\\ansi hello}", "a.doc", "rtf"),
    ("a pdf named .docx", make_pdf(pages=[["正文"]]), "a.docx", "pdf"),
    ("a csv", "姓名,电话\n".encode(), "名单.csv", "csv"),
    ("a png", b"\x89PNG\r\n\x1a\n" + bytes(16), "scan.png", "png"),
    ("a pptx", _main_type(b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
     "a.pptx", "pptx"),
    ("an html page named .txt stays text", b"<html><body>x</body></html>", "a.txt", "txt"),
    ("a text starting with BM is no bitmap", "BMW 汽车".encode(), "a.txt", "txt"),
]


@pytest.mark.parametrize("data, name, fmt", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_content_decides(data, name, fmt):
    assert sniff(data, name) == fmt
    assert fmt in FORMAT_LABELS


@pytest.mark.parametrize("data, name, code", [
    (encrypted_docx(), "a.docx", "encrypted"),
    (make_ole2({"WordDocument": b"\xec\xa5" + bytes(8) + b"\x00\x01" + bytes(64), "1Table": bytes(32)}), "a.doc",
     "encrypted"),                                    # FibBase.fEncrypted
    (make_ole2({"Contents": bytes(64)}), "a.doc", "corrupt"),       # no Word stream in it
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "a.et", "corrupt"),
    ("纯文本".encode(), "a.xlsx", "corrupt"),
])
def test_what_the_content_refuses(data, name, code):
    with pytest.raises(UnreadableDocument) as caught:
        sniff(data, name)
    assert caught.value.code == code


@pytest.mark.parametrize("data, name, said", [
    (b"Rar!\x1a\x07\x00" + bytes(16), "a.rar", "RAR 压缩包"),
    (_main_type(b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"), "a.pptx",
     "PowerPoint 演示文稿"),
    (make_ole2({"PowerPoint Document": bytes(64)}), "a.ppt", "PowerPoint 97-2003 演示文稿"),
])
def test_an_unsupported_format_is_named_in_the_refusal(data, name, said):
    assert sniff(data, name) not in EXTRACTORS
    with pytest.raises(UnreadableDocument) as caught:
        extract_bytes(data, name)
    assert caught.value.code == "unsupported_format" and said in caught.value.message


def test_every_registered_format_has_a_label():
    assert set(EXTRACTORS) <= set(FORMAT_LABELS)


def test_every_accepted_extension_names_a_registered_format():
    from screening.extract import accepted_extensions
    from screening.extract.sniff import VARIANTS

    extensions = accepted_extensions()
    assert {".doc", ".wps", ".xls", ".et", ".xlsx", ".ods", ".csv", ".rtf", ".odt", ".docm"} <= set(extensions)
    for ext in extensions:
        fmt = ext[1:]
        assert fmt in EXTRACTORS or any(ext in variants for variants in VARIANTS.values()) or ext in (
            ".htm", ".xhtml", ".shtml", ".text", ".log", ".md", ".jpeg", ".tiff")
