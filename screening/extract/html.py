"""html: the document a page carries, the page's frame apart, and what it holds unseen.

Visible text, whitespace collapsed as a browser does, one block per block-level element
(`p`, `div`, `li`, `h1`…, `br` ends a line). The article (html_article: readability-lxml backed by
structural cues) → `body`, its data-table cells → `table` with a CellRef (table, row, column,
header). The rest of the page is its frame (chrome): before the article → `header`, after it →
`footer`, every block with region "chrome" (screened by the rules, never by the classifier).
Elements hidden by the `hidden`/`aria-hidden` attribute, an inline style, or a class the page's
own styles (or the usual frameworks) hide, hidden form fields, HTML comments, attribute text,
script strings, `<noscript>` and `<template>` → `hidden` (html_hidden). `<title>`,
author/keywords/description/generator `<meta>` and link targets → `metadata`. Styles and
embedded frames are dropped. The parser never fetches anything and expands no declared entity.
"""
from __future__ import annotations

import codecs
import re

from lxml import etree
from lxml import html as lxml_html

from screening.errors import UnreadableDocument
from screening.extract import html_hidden
from screening.extract.common import Limits, Parts, make_document
from screening.extract.html_article import Article, find_article
from screening.extract.html_visible import Visible, collapse, hiding_selectors
from screening.extract.txt import chinese_score, decode_text
from screening.types import Document, PartKind

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
    article = find_article(root)
    visible = Visible(parts, article, hiding_selectors(root))
    visible.element(root, PartKind.BODY, "", visible.outside)
    hidden = parts[PartKind.HIDDEN]
    for add in (html_hidden.add_comments, html_hidden.add_attributes, html_hidden.add_scripts, html_hidden.add_inert):
        add(root, hidden, visible.region_of)
    return make_document(data, name, "html", parts, site=_site(root, article))


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
        meta.add(f"标题：{collapse(title.text_content())}")
    for el in root.iter("meta"):
        label = _META.get((el.get("name") or "").strip().lower())
        if label and (el.get("content") or "").strip():
            meta.add(f"{label}：{collapse(el.get('content'))}")
    links = {}
    for tag, attr in _LINKS:
        for el in root.iter(tag):
            url = (el.get(attr) or "").strip()
            if url and not url.startswith("#") and not url.lower().startswith("javascript:"):
                links[url] = None
    for url in links:
        meta.add(f"超链接：{url}")


def _site(root, article: Article) -> str:
    """The page's web site: its canonical host, else the path to its article (a template's shape)."""
    for el in root.iter("link", "meta", "base"):
        url = el.get("href") if el.tag != "meta" else (el.get("content") if el.get("property") == "og:url" else None)
        if el.tag == "link" and (el.get("rel") or "").lower() != "canonical":
            continue
        match = re.match(r"^\s*https?://([^/:?#\s]+)", url or "", re.IGNORECASE)
        if match:
            return match.group(1).lower()
    return f"frame:{article.signature}" if article.signature else ""

