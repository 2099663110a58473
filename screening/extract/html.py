"""html: the text a browser shows, block by block; what it does not show but the file holds.

Visible text, whitespace collapsed as a browser does, one block per block-level element
(`p`, `div`, `li`, `h1`…, `br` ends a line) → `body`; table cells → `table`. Scripts, styles,
`noscript`, `template` and embedded frames are dropped. Elements with the `hidden` attribute
or an inline `display:none` / `visibility:hidden` / `font-size:0`, hidden form fields and HTML
comments → `hidden`. `<title>`, author/keywords/description/generator `<meta>` and link
targets → `metadata`. The parser never fetches anything and expands no declared entity.
"""
from __future__ import annotations

import codecs
import re

from lxml import etree
from lxml import html as lxml_html

from screening.errors import UnreadableDocument
from screening.extract.common import HTML_COMMENT, HTML_HIDDEN, HTML_HIDDEN_INPUT, Limits, Parts, make_document
from screening.extract.txt import chinese_score, decode_text
from screening.types import Document, PartKind

_BLOCK = frozenset((
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p section summary "
    "table tbody thead tfoot tr ul option"
).split())
_CELLS = frozenset(("td", "th"))
_PREFORMATTED = frozenset(("pre", "textarea", "listing", "plaintext", "xmp"))
_DROP = frozenset(("script", "style", "noscript", "template", "head", "iframe", "frame", "object", "embed",
                   "audio", "video", "canvas", "applet"))
_HIDDEN_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|font-size\s*:\s*0+(?:\.0+)?[a-z%]*)\s*(?:!important)?\s*(?:;|$)",
    re.IGNORECASE)
_SPACES = re.compile(r"[ \t\n\r\f]+")
_META = {"author": "作者", "keywords": "关键词", "description": "描述", "generator": "创建程序"}
_LINKS = (("a", "href"), ("area", "href"), ("iframe", "src"), ("frame", "src"), ("form", "action"))
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
                      re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_GB = ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030")
_BIG5 = ("big5", "x-big5", "cp950", "big5-hkscs", "big5hkscs")


def extract(data: bytes, name: str, limits: Limits) -> Document:
    text = _XML_DECLARATION.sub("", decode_html(data), count=1)
    if not text.strip():
        raise UnreadableDocument("empty", "HTML 文件中没有内容")
    try:
        parser = lxml_html.HTMLParser(remove_comments=False, remove_pis=True, no_network=True, recover=True,
                                      default_doctype=False, huge_tree=False)
        root = lxml_html.document_fromstring(text, parser=parser)
    except etree.ParserError as exc:
        raise UnreadableDocument("empty", f"HTML 文件中没有可读取的内容（{exc}）") from None
    parts = Parts()
    _metadata(root, parts)
    _Visible(parts).element(root, PartKind.BODY, "")
    for comment in root.iter(etree.Comment):
        body = (comment.text or "").strip()
        if body and not body.startswith(("[if", "<![endif]")):
            for line in body.splitlines():
                parts[PartKind.HIDDEN].add(line.strip(), label=HTML_COMMENT)
    return make_document(data, name, "html", parts)


def decode_html(data: bytes) -> str:
    """Byte-order mark; else the declared charset when the bytes decode in it and read as
    UTF-8 or as Chinese (old sites often declare a charset their pages are not in); else detection."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)
    match = _CHARSET.search(data[:4096])
    if match:
        declared = (match.group(1) or match.group(2)).decode("ascii").lower()
        encoding = "gb18030" if declared in _GB else "big5hkscs" if declared in _BIG5 else declared
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            return decode_text(data)
        if text.isascii() or codecs.lookup(encoding).name == "utf-8" or chinese_score(text) >= 0.6:
            return text
        try:
            return decode_text(data)
        except UnreadableDocument:
            return text
    return decode_text(data)


def _metadata(root, parts: Parts) -> None:
    meta = parts[PartKind.METADATA]
    title = root.find(".//title")
    if title is not None and (title.text_content() or "").strip():
        meta.add(f"标题：{_collapse(title.text_content())}")
    for el in root.iter("meta"):
        label = _META.get((el.get("name") or "").strip().lower())
        if label and (el.get("content") or "").strip():
            meta.add(f"{label}：{_collapse(el.get('content'))}")
    links = {}
    for tag, attr in _LINKS:
        for el in root.iter(tag):
            url = (el.get(attr) or "").strip()
            if url and not url.startswith("#") and not url.lower().startswith("javascript:"):
                links[url] = None
    for url in links:
        meta.add(f"超链接：{url}")


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _hidden(el) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


class _Visible:
    """Accumulates inline text into the current block; a block element or <br> ends it."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self._buf: list[str] = []
        self._where: tuple[PartKind, str] = (PartKind.BODY, "")

    def add(self, text: str | None, kind: PartKind, label: str) -> None:
        if not text:
            return
        if self._buf and self._where != (kind, label):
            self.flush()
        self._where = (kind, label)
        self._buf.append(text)

    def flush(self) -> None:
        text = _collapse("".join(self._buf))
        self._buf = []
        if text:
            kind, label = self._where
            self.parts[kind].add(text, label=label)

    def element(self, el, kind: PartKind, label: str) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is None or tag in _DROP:
            return                                   # comments are read separately
        if tag == "input":
            if (el.get("type") or "").lower() == "hidden" and (el.get("value") or "").strip():
                self.parts[PartKind.HIDDEN].add(f"{el.get('name') or ''}={el.get('value').strip()}",
                                                label=HTML_HIDDEN_INPUT)
            return
        hides = kind is not PartKind.HIDDEN and _hidden(el)
        if hides:
            kind, label = PartKind.HIDDEN, HTML_HIDDEN
        elif tag in _CELLS and kind is PartKind.BODY:
            kind = PartKind.TABLE
        if tag == "br":
            self.flush()
            return
        if tag in _PREFORMATTED:
            self.flush()
            for line in el.text_content().splitlines():
                self.parts[kind].add(line.rstrip(), label=label)
            return
        block = hides or tag in _BLOCK or tag in _CELLS
        if block:
            self.flush()
        self.add(el.text, kind, label)
        for child in el:
            self.element(child, kind, label)
            self.add(child.tail, kind, label)
        if block:
            self.flush()
