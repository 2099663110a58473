"""eml: a MIME mail (RFC 5322), decoded with the standard library's `email` package.

Its headers (from, to, subject, date) → `metadata`; the text of the message → `body` (an HTML
body through the html extractor, preferred only when a mail has no plain-text alternative);
every attachment and inline file → screened with its own format's extractor as `attachment`,
`member` = its file name (screening/extract/nested.py). Nothing is screened as base64 text.
"""
from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from screening.errors import UnreadableDocument
from screening.extract.common import Limits, Parts, make_document
from screening.extract.nested import add_member
from screening.types import Document, PartKind

_HEADERS = (("From", "发件人"), ("Sender", "发件人"), ("Reply-To", "回复地址"), ("To", "收件人"), ("Cc", "抄送"),
            ("Bcc", "密送"), ("Subject", "主题"), ("Date", "日期"), ("Organization", "单位"))


def extract(data: bytes, name: str, limits: Limits) -> Document:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(msg, EmailMessage) or not any(msg.get(h) for h, _ in _HEADERS) or msg.defects and not msg.keys():
        raise UnreadableDocument("corrupt", "文件不是可解析的电子邮件（.eml）：没有邮件头")
    parts = Parts()
    for header, label in _HEADERS:
        for value in msg.get_all(header) or ():
            if str(value).strip():
                parts[PartKind.METADATA].add(f"{label}：{' '.join(str(value).split())}")
    warnings: list[str] = []
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is not None:
        _add_body(body, parts, limits, warnings)
    for index, part in enumerate(msg.iter_attachments(), 1):
        warnings += _add_attachment(part, index, parts, limits)
    return make_document(data, name, "eml", parts, warnings=warnings)


def _add_body(body: EmailMessage, parts: Parts, limits: Limits, warnings: list[str]) -> None:
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, ValueError) as exc:
        warnings.append(f"邮件正文无法解码（{exc}），未能审查")
        return
    if body.get_content_subtype() == "html":
        from screening.extract import html

        doc = html.extract(content.encode("utf-8"), "邮件正文.html", limits)
        reading = {PartKind.HEADER: 0, PartKind.BODY: 1, PartKind.FOOTER: 2}
        for part in sorted(doc.parts, key=lambda p: reading.get(p.kind, 3)):   # no site frame in a mail
            kind = PartKind.BODY if part.kind in (PartKind.HEADER, PartKind.FOOTER) else part.kind
            for block in part.blocks:
                parts[kind].add(part.text[block.start:block.end], label=block.label, cell=block.cell)
        return
    for line in content.splitlines():
        parts[PartKind.BODY].add(line)


def _add_attachment(part: EmailMessage, index: int, parts: Parts, limits: Limits) -> list[str]:
    member = part.get_filename() or f"附件{index}"
    try:
        payload = part.get_content()
    except (LookupError, UnicodeError, ValueError) as exc:
        return [f"附件《{member}》无法解码（{exc}），未能审查"]
    if isinstance(payload, EmailMessage):                 # a forwarded mail (message/rfc822)
        payload = payload.as_bytes()
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    if not data:
        return []
    if isinstance(payload, str) and "." not in member:
        member += ".html" if part.get_content_subtype() == "html" else ".txt"
    return add_member(parts, data, member, limits)
