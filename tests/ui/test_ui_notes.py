"""The report's notes on the drafter's self-check result and on the case page, under 说明."""
from __future__ import annotations

import io

from tests.docgen import portal_page

NOTE = "页面含 12 段 HTML 注释，未发现敏感内容"
PAGE = portal_page("关于做好2026年春节假期安全生产工作的通知，请各单位认真贯彻落实有关要求，确保节日期间安全稳定。",
                   comments=12)


def _send(browser, mode: str, **fields):
    browser.get("/selfcheck")
    data = {"file": (io.BytesIO(PAGE), "通知.html"), "mode": mode, **fields}
    return browser.post("/selfcheck", data, content_type="multipart/form-data")


def test_quick_check_shows_the_notes(as_user):
    html = _send(as_user("zhang"), "check").get_data(as_text=True)
    assert "<h3>说明</h3>" in html and NOTE in html


def test_the_case_page_shows_the_notes(as_user):
    zhang = as_user("zhang")
    response = _send(zhang, "case", title="春节安全生产通知")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    html = zhang.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h3>说明</h3>" in html and NOTE in html
