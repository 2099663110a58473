"""A file inside a file (a mail's attachment, a base64 block in a text): extracted with the
extractor of its own format and added to the parent, every block naming the member it came from.
What the member's reader would show goes to `attachment`; its revisions, comments, hidden text
and properties keep their own part, so they are still reported as hidden content. A member that
cannot be read becomes a warning: the parent never passes unread."""
from __future__ import annotations

from screening.errors import UnreadableDocument
from screening.extract.common import PART_LABELS, Limits, Parts
from screening.types import PartKind

_SHOWN = (PartKind.BODY, PartKind.TABLE, PartKind.HEADER, PartKind.FOOTER, PartKind.FOOTNOTE, PartKind.ATTACHMENT)
WARN_MEMBER = "附件《{member}》未能审查：{reason}"


def add_member(parts: Parts, data: bytes, member: str, limits: Limits) -> list[str]:
    """Extract `data` (named `member`) into `parts`; the warnings the parent must carry."""
    from screening.extract import extract_bytes   # the dispatcher imports this module's users

    try:
        doc = extract_bytes(data, member, limits=limits)
    except UnreadableDocument as exc:
        return [WARN_MEMBER.format(member=member, reason=f"{exc.message}（{exc.code}）")]
    for part in doc.parts:
        kind = PartKind.ATTACHMENT if part.kind in _SHOWN else part.kind
        where = PART_LABELS[part.kind]
        for block in part.blocks:
            label = f"{member}：{block.label or where}" if kind is PartKind.ATTACHMENT else block.label
            parts[kind].add(part.text[block.start:block.end], page=block.page, label=label, cell=block.cell,
                            member=f"{block.member}（{member}）" if block.member else member, region=block.region)
    return [f"附件《{member}》：{w}" for w in doc.warnings]
