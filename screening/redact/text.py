"""txt and html → the same format with the flagged values masked (written as UTF-8).

html keeps its markup; what the reader does not see is dropped first (comments, elements hidden by
the `hidden` attribute or by `display:none` / `visibility:hidden`, hidden form fields, templates),
then every text node and attribute value (title, meta, alt, links such as mailto:) is masked. A value
split by markup (`<b>138</b>00138000`) is not masked here: the re-screen finds it and the copy is
refused, naming it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree, html as lxml_html

from screening.errors import UnreadableDocument
from screening.extract.txt import decode_text
from screening.redact.items import Matcher, mask_tree

_HIDDEN_STYLE = re.compile(r"(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!doctype", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass
class TextRedaction:
    data: bytes
    masked: int = 0
    removed: list[str] = field(default_factory=list)


def redact_txt(data: bytes, matcher: Matcher) -> TextRedaction:
    text, count = matcher.sub(decode_text(data))
    return TextRedaction(text.encode("utf-8"), count, ["已转为 UTF-8 编码"] if not _is_utf8(data) else [])


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def redact_html(data: bytes, matcher: Matcher) -> TextRedaction:
    source = _XML_DECLARATION.sub("", decode_text(data), count=1)
    parser = lxml_html.HTMLParser(remove_comments=False, remove_pis=True, no_network=True, huge_tree=False)
    try:
        root = lxml_html.document_fromstring(source, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableDocument("corrupt", f"无法解析 HTML：{exc}") from None
    removed: list[str] = []
    comments = root.xpath("//comment()")
    for el in comments:
        _drop(el)
    if comments:
        removed.append(f"HTML注释 {len(comments)} 处")
    hidden = [el for el in root.iter() if isinstance(el.tag, str) and _is_hidden(el)]
    for el in hidden:
        _drop(el)
    if hidden:
        removed.append(f"隐藏元素 {len(hidden)} 处")
    count = mask_tree(root, matcher)
    _declare_utf8(root)
    declared = _DOCTYPE.search(source[:4096])
    doctype = (root.getroottree().docinfo.doctype or "<!DOCTYPE html>") if declared else None
    out = lxml_html.tostring(root, encoding="utf-8", method="html", doctype=doctype)
    return TextRedaction(out, count, removed)


def _is_hidden(el) -> bool:
    if el.get("hidden") is not None or el.tag == "template":
        return True
    if el.tag == "input" and (el.get("type") or "").lower() == "hidden":
        return True
    return bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def _drop(el) -> None:
    """Remove an element or comment but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


def _declare_utf8(root) -> None:
    """The copy is UTF-8: say so in the page, whatever the original declared."""
    declared = False
    for meta in root.iter("meta"):
        if meta.get("charset") is not None:
            meta.set("charset", "utf-8")
            declared = True
        elif (meta.get("http-equiv") or "").lower() == "content-type":
            meta.set("content", "text/html; charset=utf-8")
            declared = True
    if not declared:
        head = root.find("head")
        if head is None:
            head = etree.Element("head")
            root.insert(0, head)
        meta = etree.Element("meta", charset="utf-8")
        head.insert(0, meta)
