"""Formats read through LibreOffice: .doc/.dot/.wps/.rtf/.odt/.ott → docx, .ods/.ots (and workbooks
xlrd cannot read) → xlsx, then the docx or xlsx reader. The converted copy keeps tracked changes,
comments, hidden text and document properties, so they are reported as for a docx; the Document
carries the original file's hash, size and real format. Properties that only the conversion wrote
(LibreOffice as the creating application) are left out.
"""
from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import replace

from screening.errors import UnreadableDocument
from screening.extract import docx, xlsx
from screening.extract.common import Limits
from screening.extract.convert import convert
from screening.extract.sniff import label, sniff
from screening.types import Block, Document, Part, PartKind

_CONVERSION_SHARE = 0.75           # of the extraction's time limit; the reader needs the rest
_WRITTEN_BY_CONVERTER = ("创建程序：LibreOffice",)
_CCP_TEXT = 0x4C                   # [MS-DOC] offset of FibRgLw97.ccpText in the WordDocument stream


def extract(data: bytes, name: str, limits: Limits) -> Document:
    return from_converted(data, name, limits, sniff(data, name), "docx", docx.extract)


def extract_workbook(data: bytes, name: str, limits: Limits) -> Document:
    return from_converted(data, name, limits, sniff(data, name), "xlsx", xlsx.extract)


def from_converted(data: bytes, name: str, limits: Limits, fmt: str, target: str,
                   reader: Callable[[bytes, str, Limits], Document]) -> Document:
    converted = convert(data, fmt, target, timeout_s=limits.timeout_s * _CONVERSION_SHARE)
    doc = reader(converted, name, limits)
    if not doc.warnings and not any(p.text.strip() for p in doc.parts if p.kind is not PartKind.METADATA):
        # LibreOffice opens nearly anything, garbage included, as an empty document
        if _promised_chars(data, fmt) > 1 and _paragraphs(converted) <= 1:
            raise UnreadableDocument("corrupt", f"该{label(fmt)}记录有正文，但 LibreOffice 未能读出任何文字：文件已损坏")
        raise UnreadableDocument("empty", f"未能从该{label(fmt)}中读出任何文字")
    parts = tuple(_without_converter_properties(p) if p.kind is PartKind.METADATA else p for p in doc.parts)
    return replace(doc, sha256=hashlib.sha256(data).hexdigest(), size=len(data), format=fmt,
                   parts=tuple(p for p in parts if p is not None))


def _promised_chars(data: bytes, fmt: str) -> int:
    """How many characters of main text a Word binary file's FIB records (FibRgLw97.ccpText);
    0 when it is no such file or says nothing."""
    if fmt not in ("doc", "dot", "wps"):
        return 0
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            fib = ole.openstream("WordDocument").read(_CCP_TEXT + 4)
    except Exception:  # noqa: BLE001 - no readable FIB: nothing promised
        return 0
    return struct.unpack_from("<I", fib, _CCP_TEXT)[0] if len(fib) >= _CCP_TEXT + 4 else 0


def _paragraphs(docx_data: bytes) -> int:
    """How many paragraphs (empty ones and table cells' too) the converted document has."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx_data)) as zf:
            xml = zf.read("word/document.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return 0
    return xml.count(b"<w:p>") + xml.count(b"<w:p ")


def _without_converter_properties(part: Part) -> Part | None:
    kept = [b for b in part.blocks if not part.text[b.start:b.end].startswith(_WRITTEN_BY_CONVERTER)]
    if len(kept) == len(part.blocks):
        return part
    texts, blocks, pos = [], [], 0
    for i, block in enumerate(kept, 1):
        text = part.text[block.start:block.end]
        blocks.append(replace(block, paragraph=i, start=pos, end=pos + len(text)))
        texts.append(text)
        pos += len(text) + 1
    if not blocks:
        return None
    return Part(part.kind, "\n".join(texts), tuple(blocks), label=part.label, hidden_reason=part.hidden_reason)
