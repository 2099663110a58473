"""Real portal pages (../shared/corpus/portal, read in place): the page as published draws no more
than its article's text, and the classifier never judges the page's frame."""
from __future__ import annotations

import pytest
from tests.shared import SHARED, require_shared

from screening.extract import extract_bytes
from screening.pipeline import screen_path
from screening.types import REGION_CHROME, PartKind, Severity, Source

PORTAL = SHARED / "corpus" / "portal"
MAX_MEDIUM_PER_PAGE = 0.2
SECRET = "某部队导弹旅驻地位于县城以北山区，阵地坐标和装备数量另行下达。"   # the model flags this in a document


def _serious(report) -> int:
    return sum(1 for f in report.findings if f.severity.rank >= Severity.MEDIUM.rank and not f.hint)


@pytest.fixture(scope="module")
def pages(full_engine):
    folder = require_shared(PORTAL)
    out = []
    for html in sorted(folder.glob("*.html")):
        text = html.with_suffix(".txt")
        if text.exists():
            out.append((html.name, screen_path(html, engine=full_engine, isolated=False),
                        screen_path(text, engine=full_engine, isolated=False)))
    if not out:
        pytest.skip(f"{folder} holds no page with its article text")
    return out


def test_a_page_draws_no_more_than_its_article_text(pages):
    worse = [(name, _serious(page), _serious(article)) for name, page, article in pages
             if _serious(page) > _serious(article)]
    assert not worse, worse
    assert sum(_serious(page) for _, page, _ in pages) <= MAX_MEDIUM_PER_PAGE * len(pages)


def test_every_page_is_read_and_its_frame_is_kept_apart(pages):
    for name, page, _ in pages:
        assert page.error is None, name
        assert any(n.startswith("页面框架") for n in page.notes), name
        assert not [f for f in page.findings if f.source is Source.CLASSIFIER
                    and (f.location.region == REGION_CHROME or f.location.part is PartKind.HIDDEN)], name


@pytest.mark.parametrize("where", ["<nav>{}</nav>", '<div class="footer">{}</div>', "<!-- {} -->",
                                   '<div class="share">{}</div>'])
def test_the_classifier_never_sees_the_page_frame(full_engine, where):
    article = "<p>市人民政府办公室关于做好2026年春节假期安全生产工作的通知，请各单位认真贯彻落实。</p>" * 3
    inside = f"<html><body><div class='content'>{article}<p>{SECRET}</p></div></body></html>"
    outside = f"<html><body>{where.format(SECRET)}<div class='content'>{article}</div></body></html>"
    flagged = [f for f in full_engine.screen(extract_bytes(inside.encode(), "a.html")).findings
               if f.source is Source.CLASSIFIER]
    assert flagged and flagged[0].text == SECRET               # the model does flag it in the article
    report = full_engine.screen(extract_bytes(outside.encode(), "b.html"))
    assert not [f for f in report.findings if f.source is Source.CLASSIFIER]
