"""What gets redacted, and how it is found again in text."""
from __future__ import annotations

import pytest

from screening.pipeline import text_document
from screening.redact import Matcher, RedactionItem, items_from_findings
from screening.sheet import MaskPolicy
from screening.types import Category


def item(text: str, replacement: str = "***", subtype: str | None = "other") -> RedactionItem:
    return RedactionItem(text, replacement, Category.PERSONAL_INFO, subtype)


@pytest.mark.parametrize(("text", "expected"), [
    ("电话13812345678。", "电话138****5678。"),
    ("电话138 1234 5678。", "电话138****5678。"),
    ("电话138\n1234\n5678。", "电话138****5678。"),
    ("两次：13812345678、13812345678", "两次：138****5678、138****5678"),
    ("无关的1381234567", "无关的1381234567"),
])
def test_matcher_ignores_whitespace_inside_a_value(text, expected):
    matcher = Matcher([item("13812345678", "138****5678", "phone")])
    assert matcher.sub(text)[0] == expected


def test_longest_value_wins():
    matcher = Matcher([item("王建", "王*", "name"), item("王建国", "王**", "name")])
    assert matcher.sub("王建国和王建")[0] == "王**和王*"


@pytest.mark.parametrize(("text", "replacement"), [("王", "*"), ("13812345678", "13812345678(已核)")])
def test_items_validate(text, replacement):
    with pytest.raises(ValueError):
        item(text, replacement)


def test_items_from_findings_by_category_distinct_and_masked(engine):
    text = ("申请人：王建国，身份证号11010519491231002X，联系电话13812345678。\n"
            "再次核对电话13812345678。请登录内网地址192.168.1.20进行填报。")
    findings = engine.screen(text_document(text)).findings
    personal = items_from_findings(findings)
    assert sorted(i.text for i in personal) == sorted(["王建国", "11010519491231002X", "13812345678"])
    assert {i.text: i.replacement for i in personal}["11010519491231002X"] == "110105*********02X"
    with_network = items_from_findings(findings, categories=["personal_info", "network"],
                                       policy=MaskPolicy(id_keep=(3, 1)))
    replacements = {i.text: i.replacement for i in with_network}
    assert replacements["192.168.1.20"] == "***" and replacements["11010519491231002X"] == "110**************X"
