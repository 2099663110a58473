"""The title and 文号 a document carries, as defaults for a new case: the first heading-like line of
the body (a "关于……的通知/公示" line first) and the first 文号 pattern (某府办〔2026〕12号). Pure."""
from __future__ import annotations

import re

from screening.types import Document, PartKind

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,14}\s*[〔\[［【（(]\s*(?:19|20)\d{2}\s*[〕\]］】）)]\s*第?\s*\d{1,5}\s*号")
_TITLE_END = re.compile(r"(?:通知|通报|公示|公告|通告|决定|意见|办法|规定|报告|方案|批复|函|纪要|细则|规划|要点|名单)$")
_NOT_TITLE = re.compile(r"^(?:绝密|机密|秘密|内部|附件|\d+$|\d+[、.．)）]|[一二三四五六七八九十]+、|第.{1,3}页)")
LOOK_AT = 12           # blocks at the top of the body


def document_defaults(doc: Document) -> tuple[str | None, str | None]:
    """(title, 文号) found at the top of the document's body, each None when not found."""
    body = next((p for p in doc.parts if p.kind is PartKind.BODY), None)
    if body is None:
        return None, None
    lines = [" ".join(body.text[b.start:b.end].split()) for b in body.blocks[:LOOK_AT]]
    lines = [line for line in lines if line]
    number = next((m.group(0).replace(" ", "") for line in lines if (m := DOC_NUMBER.search(line))), None)
    candidates = [line for line in lines
                  if 4 <= len(line) <= 80 and not DOC_NUMBER.fullmatch(line) and not _NOT_TITLE.match(line)
                  and not line.endswith(("。", "：", ":"))]
    title = next((c for c in candidates if c.startswith("关于") or _TITLE_END.search(c)), None)
    return title or (candidates[0] if candidates else None), number
