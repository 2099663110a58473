"""Extraction: bytes → Document, one module per format.

    extract_bytes(data, name)     in this process
    extract_path(path)            checks existence and size, then extract_bytes
    extract_isolated(data, name)  extract_bytes in a child process with a memory limit and a timeout

The format comes from the content (magic bytes) first and the file name second. Every failure
is an `UnreadableDocument(code, message)` with a Chinese message; nothing else escapes.
"""
from __future__ import annotations

from pathlib import Path

from screening.errors import UnreadableDocument
from screening.extract import docx, eml, html, pdf, txt
from screening.extract.common import Limits
from screening.extract.sandbox import extract_isolated
from screening.extract.sniff import refuse_ole2, sniff
from screening.types import Document

SUPPORTED_FORMATS = ("docx", "pdf", "txt", "html", "eml")
EXTRACTORS = {"docx": docx.extract, "pdf": pdf.extract, "txt": txt.extract, "html": html.extract, "eml": eml.extract}
_CONTAINERS = {"zip": "docx", "pdf": "pdf", "txt": "txt", "html": "html", "eml": "eml"}   # sniff() answer → extractor

__all__ = ["EXTRACTORS", "SUPPORTED_FORMATS", "Limits", "extract_bytes", "extract_isolated", "extract_path"]


def extract_bytes(data: bytes, name: str, *, limits: Limits = Limits()) -> Document:
    """Extract in this process. Parser failures of any kind become `corrupt`: one bad file
    must never stop a batch, and a document we could not read must never pass."""
    if len(data) > limits.max_bytes:
        raise UnreadableDocument("too_large", f"文件大小 {len(data)} 字节，超过上限 {limits.max_bytes} 字节")
    container = sniff(data, name)
    if container == "ole2":
        refuse_ole2(data)
    fmt = _CONTAINERS[container]
    try:
        return EXTRACTORS[fmt](data, name, limits)
    except UnreadableDocument:
        raise
    except MemoryError:
        raise UnreadableDocument("memory_limit", "解析该文件所需内存超过限制，已中止") from None
    except RecursionError:
        raise UnreadableDocument("hostile_content", "文档结构嵌套过深，已拒绝解析") from None
    except Exception as exc:  # noqa: BLE001 - a parser's failure on hostile or broken input
        raise UnreadableDocument("corrupt", f"无法解析该 {fmt} 文件（{type(exc).__name__}: {exc}）") from None


def read_path(path: str | Path, limits: Limits = Limits()) -> bytes:
    """The bytes of a file to screen, refused before reading when missing or too large."""
    path = Path(path)
    try:
        if not path.is_file():
            raise UnreadableDocument("not_found", f"文件不存在：{path}")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise UnreadableDocument("too_large", f"文件大小 {size} 字节，超过上限 {limits.max_bytes} 字节")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument("not_found", f"无法读取文件 {path}：{exc.strerror}") from None
    return data


def extract_path(path: str | Path, *, limits: Limits = Limits()) -> Document:
    return extract_bytes(read_path(path, limits), Path(path).name, limits=limits)
