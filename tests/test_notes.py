"""Information, not findings: properties that name no one become one line of the report's notes."""
from __future__ import annotations

import pytest

from screening.extract import extract_bytes
from screening.report import to_text
from tests.docgen import make_docx


@pytest.mark.parametrize(("author", "company", "finding"), [
    ("Administrator", "某某市人民政府办公室", False),       # software default and the unit itself
    ("微软用户", None, False),
    ("国务院办公厅", None, False),
    ("李明", None, True),                                  # a person: still a finding
    ("Administrator", None, False),
])
def test_default_and_organisation_properties_are_notes_a_persons_name_a_finding(engine, author, company, finding):
    report = engine.screen(extract_bytes(make_docx(paragraphs=["正文内容"], core_author=author, company=company),
                                         "a.docx"))
    flagged = [f.text for f in report.findings if f.rule == "hidden.metadata"]
    assert flagged == ([f"作者：{author}"] if finding else [])
    if not finding:
        assert any(f"作者：{author}" in n and "不作为发现" in n for n in report.notes)
        assert "说明：文档属性" in to_text([report])


def test_sarif_carries_the_notes_as_run_notifications(engine):
    from screening.report import to_sarif
    from tests.docgen import portal_page

    page = portal_page("关于做好2026年春节假期安全生产工作的通知，请各单位认真贯彻落实有关要求。", comments=12)
    report = engine.screen(extract_bytes(page, "通知.html"))
    [invocation] = to_sarif([report])["runs"][0]["invocations"]
    notes = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "note"]
    assert "页面含 12 段 HTML 注释，未发现敏感内容" in [n["message"]["text"] for n in notes]
    assert all(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "通知.html" for n in notes)
    assert invocation["executionSuccessful"] is True     # a note is not a failure of the run
