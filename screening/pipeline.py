"""Read → extract (isolated) → screen. The one place that turns bytes or a path into a Report,
catching UnreadableDocument so that one bad file never stops a batch."""
from __future__ import annotations

import hashlib
from pathlib import Path

from screening.errors import UnreadableDocument
from screening.types import Block, Document, DocumentInfo, ErrorInfo, Part, PartKind, Report


def _error_report(name: str, data: bytes | None, fmt: str, exc: UnreadableDocument) -> Report:
    sha = hashlib.sha256(data).hexdigest() if data is not None else ""
    return Report(document=DocumentInfo(name, sha, fmt, None, 0), error=ErrorInfo(exc.code, exc.message))


def refused(name: str, exc: UnreadableDocument) -> Report:
    """The report of a file that could not be read at all (by the format its name tells)."""
    return _error_report(name, None, _format_of(name), exc)


def _format_of(name: str, data: bytes | None = None) -> str:
    """The real format of a refused file where its content tells (sniff), else its extension."""
    if data:
        from screening.extract.sniff import sniff

        try:
            return sniff(data, name)
        except UnreadableDocument:
            pass
    return Path(name).suffix.lower().lstrip(".") or "unknown"


def screen_bytes(data: bytes, name: str, *, engine=None, limits=None, isolated: bool = True) -> Report:
    from screening.engine import cached_engine
    from screening.extract import Limits, extract_bytes, extract_isolated

    engine = engine or cached_engine()
    limits = limits or Limits()
    try:
        if len(data) > limits.max_bytes:
            raise UnreadableDocument("too_large", f"文件大小 {len(data)} 字节，超过上限 {limits.max_bytes} 字节")
        doc = (extract_isolated if isolated else extract_bytes)(data, name, limits=limits)
    except UnreadableDocument as exc:
        sniffable = exc.code not in ("timeout", "memory_limit")    # never re-read what overran the child
        return _error_report(name, data, _format_of(name, data if sniffable else None), exc)
    return engine.screen(doc)


def screen_path(path: str | Path, *, engine=None, limits=None, isolated: bool = True) -> Report:
    from screening.extract import Limits, read_path

    path = Path(path)
    limits = limits or Limits()
    try:
        data = read_path(path, limits)
    except UnreadableDocument as exc:
        return refused(path.name, exc)
    return screen_bytes(data, path.name, engine=engine, limits=limits, isolated=isolated)


def text_document(text: str, name: str = "text.txt") -> Document:
    """A Document for pasted text: one body part, one block per line."""
    blocks, pos = [], 0
    for i, line in enumerate(text.split("\n"), 1):
        blocks.append(Block(None, i, pos, pos + len(line)))
        pos += len(line) + 1
    data = text.encode("utf-8")
    return Document(name=name, sha256=hashlib.sha256(data).hexdigest(), format="txt", pages=None,
                    parts=(Part(PartKind.BODY, text, tuple(blocks)),), size=len(data))


def screen_text(text: str, name: str = "text.txt", *, engine=None) -> Report:
    from screening.engine import cached_engine

    return (engine or cached_engine()).screen(text_document(text, name))
