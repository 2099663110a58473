"""html: the text a page holds but a reader does not see as text: comments, attribute text,
the strings of scripts (JSON included), `<noscript>` and `<template>` contents.

Each becomes a block of the `hidden` part with a label saying where it came from, and the
region of the element it sits in (chrome or article). Whether it is prose a reader would take
for content or markup is judged later (screening/detectors/markup.py), by what it holds.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable

from lxml import etree

from screening.extract.common import (HTML_ATTRIBUTE, HTML_COMMENT, HTML_NOSCRIPT, HTML_SCRIPT, HTML_TEMPLATE,
                                      PartBuilder)
from screening.extract.html_visible import collapse

# Attributes whose text a page carries: tooltips, alternative text, form values and hints, data-*.
_TEXT_ATTRIBUTES = ("title", "alt", "placeholder", "value", "aria-label", "summary", "label", "content")
_SKIPPED_META = frozenset(("author", "keywords", "description", "generator", "viewport", "robots", "renderer"))
# A JavaScript/JSON string literal, with the name it is assigned or keyed to when there is one.
_LITERAL = re.compile(r"""(?:([A-Za-z_$][\w$]*|"[^"\\\n]{1,40}"|'[^'\\\n]{1,40}')\s*[:=]\s*)?(["'`])((?:\\.|(?!\2)[^\\\n])*)\2""")
_JSON_TYPES = ("application/json", "application/ld+json", "importmap")
_MAX_LITERALS = 5000                     # per page: a minified library holds thousands of short strings
_WORDLIKE = re.compile(r"[\u3400-\u9fff]|\d{5}|@|://|[^\s\w.#:;,()\[\]{}<>/='\"+*-]")


def add_comments(root, hidden: PartBuilder, region_of: Callable) -> None:
    for comment in root.iter(etree.Comment):
        body = collapse(comment.text or "")
        if body and not body.startswith(("[if", "<![endif]", "[endif]")):
            hidden.add(body, label=HTML_COMMENT, region=region_of(comment.getparent()))


def add_attributes(root, hidden: PartBuilder, region_of: Callable) -> None:
    """title/alt/placeholder/value/aria-label/data-*/meta content, each distinct text once."""
    seen: set[tuple[str, str]] = set()
    for el in root.iter(etree.Element):
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if el.tag == "input" and (el.get("type") or "").lower() == "hidden":
            continue                                              # the visible-text walk reports these
        if el.tag == "meta" and (el.get("name") or el.get("property") or "").strip().lower() in _SKIPPED_META:
            continue
        shown = None
        for name, value in el.attrib.items():
            if name not in _TEXT_ATTRIBUTES and not name.startswith("data-"):
                continue
            if name == "content" and el.tag != "meta" or name == "data-screening-sid":
                continue
            value = collapse(value)
            if not value or (name, value) in seen:
                continue
            shown = collapse(el.text_content()) if shown is None else shown
            if value == shown:
                continue                                          # a title repeating the link text
            seen.add((name, value))
            label = f"{el.get('name') or el.get('property') or 'meta'}" if name == "content" else name
            hidden.add(f"{label}={value}", label=HTML_ATTRIBUTE, region=region_of(el))


def add_scripts(root, hidden: PartBuilder, region_of: Callable) -> None:
    """The string literals of inline scripts (and every string of a JSON block), with their keys."""
    count = 0
    for script in root.iter("script"):
        code = script.text or ""
        if not code.strip():
            continue
        region = region_of(script)
        for text in _json_strings(code) if (script.get("type") or "").lower() in _JSON_TYPES else _literals(code):
            if count >= _MAX_LITERALS:
                return
            hidden.add(text, label=HTML_SCRIPT, region=region)
            count += 1


def add_inert(root, hidden: PartBuilder, region_of: Callable) -> None:
    """`<noscript>` and `<template>`: markup a browser does not render as the page's text."""
    for tag, label in (("noscript", HTML_NOSCRIPT), ("template", HTML_TEMPLATE)):
        for el in root.iter(tag):
            for line in (el.text_content() or "").splitlines():
                hidden.add(collapse(line), label=label, region=region_of(el))


def _literals(code: str):
    for match in _LITERAL.finditer(code):
        key, value = match.group(1), _unescape(match.group(3))
        value = collapse(value)
        if len(value) < 2 or not (key or _WORDLIKE.search(value)):
            continue
        yield f"{key.strip(chr(34) + chr(39))}={value}" if key else value


def _json_strings(code: str):
    try:
        data = json.loads(code)
    except ValueError:
        yield from _literals(code)
        return
    stack = [("", data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((key, v) for v in reversed(value))
        elif value is not None and not isinstance(value, bool):
            text = collapse(str(value))
            if text:
                yield f"{key}={text}" if key else text


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    try:
        return json.loads('"' + value.replace('"', '\\"').replace("\\'", "'") + '"')
    except ValueError:
        return value
