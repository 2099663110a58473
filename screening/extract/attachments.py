"""Attachments and embedded files, screened as part of the document that carries them.

An extractor hands over the files it finds (OFD attachments, PDF embedded files and file
attachment annotations, docx embeddings) as `Member`s; `extract_members` unwraps an OLE object to
the file it holds (ole_package.py), reads each one through the same dispatch as a top-level file
(`screening.extract.extract_bytes`) and copies its text into the parent's `attachment` part, every block with `member` set to the attachment's name
(`外层/内层` when nested). The nesting depth (`Limits.attachment_depth`) and the bytes opened per
level (`Limits.attachment_total`) are capped. A member that cannot be read, or is not opened
because of a cap, becomes a warning: the parent is then never passed unread.
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, replace

from screening.errors import UnreadableDocument
from screening.extract.common import (
    WARN_ATTACHMENT, WARN_ATTACHMENT_BUDGET, WARN_ATTACHMENT_DEPTH, Limits, PartBuilder, Parts,
)
from screening.extract.ole_package import unwrap
from screening.extract.sniff import HTML_EXTS, TEXT_EXTS, sniff, suffix
from screening.types import Document, PartKind

NAME_LABEL = "附件名称"
_TEXT_LIKE = frozenset({".xml", ".json", ".ini", ".conf", ".cfg", ".yaml", ".yml", ".sql", ".properties"})


@dataclass(frozen=True, slots=True)
class Member:
    """One embedded file: the name shown to the user (with an extension where known), its bytes,
    and the parent's page it hangs on, if any."""

    name: str
    data: bytes
    page: int | None = None


def member_name(name: str, fmt: str = "") -> str:
    """An attachment's display name with an extension the dispatch can use: ("发票", "xml") → "发票.xml"."""
    name = " ".join(name.split()) or "未命名附件"
    fmt = fmt.strip().lstrip(".").lower()
    if fmt and not posixpath.splitext(name)[1]:
        name = f"{name}.{fmt}"
    return name


def extract_members(members: Iterable[Member], parts: Parts, limits: Limits) -> list[str]:
    """Screen each member into parts[ATTACHMENT]; return the warnings for the parent Document."""
    from screening.extract import extract_bytes  # the dispatch (it imports every extractor, this one too)

    warnings: list[str] = []
    budget = limits.attachment_total
    for member in members:
        name, data = unwrap(member.name, member.data)     # an OLE object: the file it wraps
        member = replace(member, name=name, data=data)
        parts[PartKind.METADATA].add(f"{NAME_LABEL}：{member.name}", page=member.page)
        if limits.attachment_depth <= 0:
            warnings.append(WARN_ATTACHMENT_DEPTH.format(name=member.name))
            continue
        if len(member.data) > budget:
            warnings.append(WARN_ATTACHMENT_BUDGET.format(limit=limits.attachment_total, name=member.name))
            continue
        budget -= len(member.data)
        if not _readable_kind(member):
            warnings.append(WARN_ATTACHMENT.format(name=member.name, reason="不是可识别的文档、表格、图片或文本文件"))
            continue
        inner = replace(limits, attachment_depth=limits.attachment_depth - 1, attachment_total=max(budget, 1))
        try:
            doc = extract_bytes(member.data, member.name, limits=inner)
        except UnreadableDocument as exc:
            if exc.code != "empty":
                warnings.append(WARN_ATTACHMENT.format(name=member.name, reason=exc.message))
            continue
        copy_document(doc, member, parts[PartKind.ATTACHMENT])
        warnings.extend(f"附件“{member.name}”：{w}" for w in doc.warnings)
    return warnings


def _readable_kind(member: Member) -> bool:
    """A blob that sniffs as plain text is read as text only when its name says it is text: an
    OLE object or other binary stream must not be decoded into noise and passed."""
    try:
        kind = sniff(member.data, member.name)
    except UnreadableDocument:
        return True            # refused by the dispatch with its own specific message
    return kind != "txt" or suffix(member.name) in TEXT_EXTS | HTML_EXTS | _TEXT_LIKE


def copy_document(doc: Document, member: Member, into: PartBuilder) -> None:
    """Every block of the attachment's parts, labelled with where in the attachment it was."""
    where = f"第{member.page}页的附件" if member.page else "附件"
    for part in doc.parts:
        for block in part.blocks:
            label = f"{where}“{member.name}”的{part.label or part.kind}"
            if block.label:
                label += f"（{block.label}）"
            name = f"{member.name}/{block.member}" if block.member else member.name
            into.add(part.text[block.start:block.end], page=block.page, label=label, member=name, box=block.box)
