"""Hostile, broken and unsupported files fail closed, each with its own error code."""
from __future__ import annotations

import io
import struct
import zipfile

import pytest
from docgen import (docx_with_doctype, docx_zip_bomb, encrypted_docx, legacy_doc, make_docx, make_ole2, make_pdf,
                    make_zip, rewrite_zip)

from screening.errors import UnreadableDocument
from screening.extract import Limits, extract_bytes

DOCX = make_docx(paragraphs=["正文"])


def _corrupt_member(data: bytes, name: str) -> bytes:
    """Flip bytes inside one member's compressed data: its CRC no longer matches."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(name)
    header = info.header_offset
    name_len, extra_len = struct.unpack_from("<HH", data, header + 26)
    start = header + 30 + name_len + extra_len + info.compress_size // 2
    return data[:start] + bytes(b ^ 0x55 for b in data[start:start + 8]) + data[start + 8:]


def _lying_size(data: bytes, name: str) -> bytes:
    """Declare a member smaller than it is, in its local header and its central directory entry."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(name)
    out = bytearray(data)
    struct.pack_into("<I", out, info.header_offset + 22, 100)       # local header: uncompressed size
    entry = struct.unpack_from("<I", data, data.rindex(b"PK\x05\x06") + 16)[0]
    while bytes(out[entry + 46:entry + 46 + struct.unpack_from("<H", out, entry + 28)[0]]) != name.encode():
        n, m, k = struct.unpack_from("<HHH", out, entry + 28)
        entry += 46 + n + m + k
    struct.pack_into("<I", out, entry + 24, 100)                    # central directory: uncompressed size
    return bytes(out)


def _dtd_in_utf16_styles(data: bytes) -> bytes:
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "e">]><w:styles/>'
    return rewrite_zip(data, {"word/styles.xml": codecs_utf16(xml)})


def codecs_utf16(text: str) -> bytes:
    return b"\xff\xfe" + text.encode("utf-16-le")


PDF = make_pdf(pages=[["正文"]])

CASES = [
    # (id, data, name, limits, code)
    ("truncated docx", DOCX[: len(DOCX) // 2], "a.docx", Limits(), "corrupt"),
    ("bad CRC in document.xml", _corrupt_member(DOCX, "word/document.xml"), "a.docx", Limits(), "corrupt"),
    ("member larger than declared", _lying_size(DOCX, "word/styles.xml"), "a.docx", Limits(), "corrupt"),
    ("large member expanding 1000-fold", docx_zip_bomb(100), "a.docx", Limits(), "zip_bomb"),
    ("too many members", DOCX, "a.docx", Limits(zip_max_members=5), "zip_bomb"),
    ("too much uncompressed data", DOCX, "a.docx", Limits(zip_max_total=256 << 10), "zip_bomb"),
    ("entity declared in document.xml", docx_with_doctype(paragraphs=["正文"]), "a.docx", Limits(), "hostile_content"),
    ("DTD in a UTF-16 styles.xml", _dtd_in_utf16_styles(DOCX), "a.docx", Limits(), "hostile_content"),
    ("path traversal member", rewrite_zip(DOCX, {"../../evil.xml": b"<x/>"}), "a.docx", Limits(), "hostile_content"),
    ("password-protected docx", encrypted_docx(), "a.docx", Limits(), "encrypted"),
    ("a .doc whose FIB records no text", legacy_doc(), "a.doc", Limits(), "empty"),
    ("a broken compound file", bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600), "a.xls", Limits(), "corrupt"),
    ("a PowerPoint .ppt", make_ole2({"PowerPoint Document": b"\0" * 64}), "a.ppt", Limits(), "unsupported_format"),
    ("a zip that is no OOXML", make_zip({"readme.txt": b"hello"}), "a.docx", Limits(), "unsupported_format"),
    ("a pptx", rewrite_zip(DOCX, {"[Content_Types].xml": lambda x: x.replace(
        b"wordprocessingml.document.main", b"presentationml.presentation.main")}), "a.pptx", Limits(),
     "unsupported_format"),
    ("an xlsx whose main part is no workbook", rewrite_zip(DOCX, {"[Content_Types].xml": lambda x: x.replace(
        b"wordprocessingml.document.main", b"spreadsheetml.sheet.main")}), "a.xlsx", Limits(), "corrupt"),
    ("a broken PNG", b"\x89PNG\r\n\x1a\n" + bytes(64), "scan.png", Limits(), "corrupt"),
    ("text named .docx", "正文".encode(), "a.docx", Limits(), "corrupt"),
    ("empty file", b"", "a.txt", Limits(), "empty"),
    ("only blank lines", b"  \r\n\t\n", "a.txt", Limits(), "empty"),
    ("over max_bytes", b"x" * 2048, "a.txt", Limits(max_bytes=1024), "too_large"),
    ("encrypted pdf", make_pdf(pages=[["正文"]], user_password="secret"), "a.pdf", Limits(), "encrypted"),
    ("truncated pdf", PDF[: len(PDF) // 2], "a.pdf", Limits(), "corrupt"),
    ("garbage after a pdf header", b"%PDF-1.7\n" + b"\x00garbage" * 64 + b"\n%%EOF\n", "a.pdf", Limits(), "corrupt"),
    ("too many pages", make_pdf(pages=[["一"], ["二"], ["三"]]), "a.pdf", Limits(max_pages=2), "too_large"),
]


@pytest.mark.parametrize("data, name, limits, code", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused_with_a_specific_code_and_a_chinese_message(data, name, limits, code):
    with pytest.raises(UnreadableDocument) as caught:
        extract_bytes(data, name, limits=limits)
    assert caught.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)


def test_the_content_decides_the_format_not_the_name():
    doc = extract_bytes(make_pdf(pages=[["其实是PDF"]]), "伪装.docx")
    assert doc.format == "pdf"
    assert doc.parts[0].text == "其实是PDF"


def test_entities_are_never_expanded_into_text():
    """The refusal happens before parsing: no '机密' from the entity reaches any part."""
    with pytest.raises(UnreadableDocument, match="DOCTYPE"):
        extract_bytes(docx_with_doctype(paragraphs=["&b;"]), "a.docx")
