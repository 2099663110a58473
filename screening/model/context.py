"""What a document says about itself, for the classifier: how published or internal it shows
itself to be (`genre.signs`), and which figures it reports as already released.

A passage's odds of being sensitive are multiplied by exp(shift): each kind of sign that the
document is published (a genre, a form: see `genre`) lowers them by PUBLISHED_SHIFT, as
independent evidence adds in log-odds (`genre.Signs.kinds` holds two at most); a mark (公开属性：
主动公开, （此件公开发布）) is the drafter's declaration and counts only where nothing else does, as
one kind; a sign that it is
internal (a 会议纪要, a 请示, 公开属性：不予公开, （此件不公开）) raises them and outweighs the rest.
The reasons are shown beside the words when the shift counted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from screening.model.genre import signs, whole_text
from screening.types import Document

PUBLISHED_SHIFT = -1.5       # per kind of published sign (genre.Signs): a mark, a genre, a form
INTERNAL_SHIFT = 0.7
RELEASED_SHIFT = -1.5

_RELEASE = re.compile(r"发布|公布|公报|数据显示|统计显示|据统计|据初步统计")
_UNRELEASED = re.compile(r"(?:尚未|未经|未|暂不|不得|不宜)(?:审定)?(?:发布|公布)|(?:发布|公布)前|初步核算|预计")
_SENTENCE_ENDS = "。！？\n"
_SENTENCE_END = re.compile(f"[{_SENTENCE_ENDS}]")
_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:万亿|亿|万|千)?(?:元|吨|人|户|个|家|亩|%|％|千瓦|公里|平方米|项|件)?")


@dataclass(frozen=True, slots=True)
class DocumentContext:
    shift: float = 0.0                 # added to every sensitive class's log-odds
    reason: str | None = None          # the Chinese reason, shown when the shift counted
    released: frozenset[str] = frozenset()   # figures stated as released in the document

    def figures_released(self, text: str) -> bool:
        """True when every significant figure of `text` is one the document reports as released elsewhere."""
        figures = significant_figures(text)
        return bool(figures) and figures <= self.released


def significant_figures(text: str) -> frozenset[str]:
    return frozenset(m.group() for m in _FIGURE.finditer(text) if sum(c.isdigit() for c in m.group()) >= 2)


def document_context(doc: Document) -> DocumentContext:
    whole = whole_text(doc)
    found = signs(doc, whole)
    shift, reason = 0.0, None
    if found.internal:
        shift, reason = INTERNAL_SHIFT, found.internal
    elif found.kinds:
        shift = PUBLISHED_SHIFT * len(found.kinds)
        reason = "；".join(found.kinds)
    return DocumentContext(shift, reason, released_figures(whole))


def released_figures(whole: str) -> frozenset[str]:
    """The figures of every sentence (up to 。！？ or a line break) that says they are released and
    does not say they are not yet. Only the sentences around a release word are read: no release
    word holds a sentence end."""
    released, done = frozenset(), 0
    for m in _RELEASE.finditer(whole):
        if m.start() < done:
            continue                       # a sentence already read
        start = max(whole.rfind(c, 0, m.start()) for c in _SENTENCE_ENDS) + 1
        end = (after.start() if (after := _SENTENCE_END.search(whole, m.end())) else len(whole))
        line, done = whole[start:end], end
        if not _UNRELEASED.search(line):
            released |= significant_figures(line)
    return released
