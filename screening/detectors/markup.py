"""What a piece of text a page does not show holds: prose a reader would take for content
(a deleted paragraph, a draft note, an editor's remark) or markup (tag names, paths, short
labels, code). Pure functions shared by the structure check and the classifier's gate."""
from __future__ import annotations

import re

from screening.extract.common import (HTML_ATTRIBUTE, HTML_COMMENT, HTML_HIDDEN, HTML_HIDDEN_INPUT, HTML_NOSCRIPT,
                                      HTML_SCRIPT, HTML_TEMPLATE)
from screening.types import REGION_CHROME, Block, Part

# Blocks a web page holds out of sight, by where they came from.
MARKUP_LABELS = frozenset((HTML_COMMENT, HTML_HIDDEN, HTML_HIDDEN_INPUT, HTML_ATTRIBUTE, HTML_SCRIPT, HTML_NOSCRIPT,
                           HTML_TEMPLATE))
# Of those, the ones that hold content withheld from the reader when they hold prose; attribute
# text, script strings and noscript are shown or used by the page itself, so prose there goes to
# the rules and the classifier, not to a structure finding.
CONCEALING_LABELS = frozenset((HTML_COMMENT, HTML_HIDDEN, HTML_TEMPLATE))

_TAGS = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_CLAUSE = re.compile(r"[，。；！？、：,;!?]")
_CODE = re.compile(r"[{}<>$\\=|]|/[\w.-]+/|\b(?:function|var|let|const|return|div|span|class|href|src|http|www)\b",
                   re.IGNORECASE)
# Words of drafting and editing: a short note with one of them is an editor's remark, not a label.
_EDITORIAL = ("待定", "待审", "审定", "审核", "草稿", "征求意见", "删除", "删去", "暂不", "不宜", "修改", "领导",
              "批示", "备注", "内部", "拟", "意见")
PROSE_MIN_CJK = 8          # fewer Chinese characters: a label ("二维码微信微博"), never a sentence
PROSE_LONG_CJK = 24        # this many: prose even without punctuation


def visible_words(text: str) -> str:
    """The text of commented-out markup without its tags."""
    return _TAGS.sub(" ", text)


def looks_like_prose(text: str) -> bool:
    """Chinese sentences a reader would take for content: enough Chinese characters, not code,
    and either long, punctuated as clauses, or using the words of drafting and editing."""
    words = visible_words(text)
    cjk = len(_CJK.findall(words))
    if cjk < PROSE_MIN_CJK or len(_LATIN.findall(words)) > cjk or len(_CODE.findall(words)) >= 2:
        return False
    return cjk >= PROSE_LONG_CJK or bool(_CLAUSE.search(words)) or any(w in words for w in _EDITORIAL)


def block_text(part: Part, block: Block) -> str:
    return part.text[block.start:block.end]


def is_markup(part: Part, block: Block) -> bool:
    """A block a page holds out of sight that is not prose."""
    return block.label in MARKUP_LABELS and not looks_like_prose(block_text(part, block))


def classifier_reads(part: Part, block: Block | None) -> bool:
    """The classifier judges a document's text: never a page's frame, never markup."""
    if block is None:
        return True
    return block.region != REGION_CHROME and not is_markup(part, block)
