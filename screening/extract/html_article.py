"""html: which elements of a page are the article (the publishing system's content area) and
which are the page's frame ("chrome": navigation, site header and footer, share/QR/print
widgets, related links).

The article is what readability-lxml (Arc90's Readability, maintained, offline) selects. It works
on a copy of the tree whose elements carry their index, so its choice names elements of the
tree we extract from. When it finds nothing of substance, structural cues decide: `<article>`,
`<main>`, `role="main"`, or the largest element whose id/class names a content area. Inside
the article, landmarks (`nav`, `aside`, `footer`, ARIA roles) and widget classes or labels
(share, QR code, print, 相关链接) are still chrome. With no article at all the whole page counts
as the article: nothing is kept from the classifier on a guess.
"""
from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

_SID = "data-screening-sid"
_MIN_ARTICLE_CHARS = 60                      # letters, digits and CJK of an article worth the name
_CHROME_TAGS = frozenset(("nav", "aside", "footer", "header", "menu"))
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search", "menubar", "toolbar"))
_CHROME_NAMES = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|share|sharing|bdshare|jiathis|qr|qrcode|erweima|ewm|print|"
    r"toolbar|footer|foot|header|head|topbar|sidebar|related|xglj|friendlink|links?|copyright|banner|position|"
    r"location|weizhi|fenxiang|dayin)(?:$|[\s_-])", re.IGNORECASE)
_CHROME_LABEL = re.compile(
    r"^[\s【\[（(]*(?:扫一扫|分享到|打印本页|打印|关闭窗口|关闭|收藏本页|加入收藏|返回顶部|相关链接|相关文章|相关新闻|"
    r"字号|字体|当前位置|您的位置|上一篇|下一篇|责任编辑|网站地图|联系我们|设为首页)")
_CONTENT_NAMES = re.compile(r"content|article|zoom|editor|detail|main|text|body|zw|正文", re.IGNORECASE)
_MAX_LABEL = 40
_MAX_READABILITY_ELEMENTS = 60_000        # larger pages: structural cues alone (readability is quadratic-ish)


@dataclass(frozen=True)
class Article:
    """The elements that start the article; empty when the whole page is the article."""

    roots: frozenset
    signature: str = ""          # the tag/id/class path to the article: the same on every page of a template

    def starts_here(self, el) -> bool:
        return el in self.roots


def content_chars(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def find_article(root) -> Article:
    roots = _contiguous(_readability_roots(root)) or _structural_roots(root)
    if not roots or (len(roots) == 1 and roots[0].tag in ("html", "body")):
        return Article(frozenset())
    return Article(frozenset(roots), _signature(roots[0]))


def is_chrome_element(el) -> bool:
    """A landmark or widget of the page's frame (judged on the element itself, not its place)."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in _CHROME_TAGS or (el.get("role") or "").strip().lower() in _CHROME_ROLES:
        return True
    names = f"{el.get('id') or ''} {el.get('class') or ''}"
    if names.strip() and _CHROME_NAMES.search(names):
        return True
    if tag in ("table", "tbody", "tr", "ul", "ol"):
        return False                             # a list or table is chrome by name, not by its first words
    text = el.text_content()
    return len(text) <= _MAX_LABEL and bool(_CHROME_LABEL.match(text))


def _readability_roots(root) -> list:
    from readability import Document as Readability
    from readability.readability import Unparseable

    if sum(1 for _ in root.iter()) > _MAX_READABILITY_ELEMENTS:
        return []
    work = copy.deepcopy(root)
    originals = {}
    for index, (mine, theirs) in enumerate(zip(root.iter(), work.iter())):
        if isinstance(theirs.tag, str):
            theirs.set(_SID, str(index))
            originals[str(index)] = mine
    logger = logging.getLogger("readability.readability")
    level, logger.level = logger.level, logging.CRITICAL   # its "error getting summary" goes to our error
    try:
        summary = Readability(work).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError, etree.LxmlError):
        return []
    finally:
        logger.level = level
    try:
        fragment = lxml_html.fragment_fromstring(summary)
    except (etree.ParserError, ValueError):
        return []
    found = [originals[el.get(_SID)] for el in fragment if isinstance(el.tag, str) and el.get(_SID) in originals]
    if sum(content_chars(el.text_content()) for el in found) < _MIN_ARTICLE_CHARS:
        return []
    return found


def _contiguous(roots: list) -> list:
    """Readability keeps the best element and the siblings it scores well; an article is one run
    of them, so the siblings between the first and the last it kept belong to it too."""
    parents = {id(el.getparent()) for el in roots}
    if len(roots) < 2 or len(parents) != 1 or roots[0].getparent() is None:
        return roots
    siblings = [el for el in roots[0].getparent() if isinstance(el.tag, str)]
    positions = [siblings.index(el) for el in roots]
    return siblings[min(positions):max(positions) + 1]


def _structural_roots(root) -> list:
    best, best_chars = None, _MIN_ARTICLE_CHARS - 1
    for el in root.iter(etree.Element):
        if not isinstance(el.tag, str) or is_chrome_element(el):
            continue
        names = f"{el.get('id') or ''} {el.get('class') or ''}"
        if el.tag in ("article", "main") or el.get("role") == "main" or (names.strip() and _CONTENT_NAMES.search(names)):
            chars = content_chars(el.text_content())
            if chars > best_chars:
                best, best_chars = el, chars
    return [best] if best is not None else []


def _signature(el) -> str:
    steps = []
    while el is not None and isinstance(el.tag, str):
        steps.append(f"{el.tag}#{el.get('id') or ''}.{el.get('class') or ''}")
        el = el.getparent()
    return ">".join(reversed(steps))
