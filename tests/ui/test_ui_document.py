"""The document view: highlights in place (escaped, overlapping, one anchor per finding), pages of a
large document, and the hidden parts; and a 200-page document through the case page."""
from __future__ import annotations

import re

import pytest

from screening.types import Block, Document, Part, PartKind
from screening.web.ui.document import (Mark, group_by_category, hidden_parts, highlight, layout,
                                       render_screen, screen_of)


def finding(fid, start, end, category="personal_info", severity="high", part="body"):
    return {"id": fid, "category": category, "severity": severity, "message": "疑似",
            "location": {"part": part, "start": start, "end": end, "page": None, "paragraph": 1}}


@pytest.mark.parametrize("text,marks,expected", [
    ("电话13812345678。", [(1, 2, 13, "medium")],
     '电话<a class="sev-badge s-medium" id="hl-1" href="#f-1" title="个人信息（风险中）：疑似">中</a>'
     '<mark class="hl c-personal_info s-medium" data-f="1" title="个人信息（风险中）：疑似">13812345678</mark>。'),
    ("<b>&", [], "&lt;b&gt;&amp;"),
    ("a<b>c", [(7, 1, 4, "high")], 'a<a class="sev-badge s-high" id="hl-7" href="#f-7" title="个人信息（风险高）：疑似">高</a>'
     '<mark class="hl c-personal_info s-high" data-f="7" title="个人信息（风险高）：疑似">&lt;b&gt;</mark>c'),
])
def test_highlight(text, marks, expected):
    found = [Mark.of(finding(i, s, e, severity=sev)) for i, s, e, sev in marks]
    assert str(highlight(text, 0, found)) == expected


def test_overlapping_marks_split_and_take_the_most_severe_colour():
    text = "账号admin密码Passw0rd"
    marks = [Mark.of(finding(1, 0, 17, "credential", "medium")), Mark.of(finding(2, 9, 17, "credential", "high"))]
    html = str(highlight(text, 0, marks))
    segments = re.findall(r'<mark class="hl c-credential s-(\w+)" data-f="([\d ]+)"[^>]*>([^<]*)</mark>', html)
    assert segments == [("medium", "1", "账号admin密码"), ("high", "1 2", "Passw0rd")]
    assert html.count('id="hl-1"') == 1 and html.count('id="hl-2"') == 1


def test_marks_are_clipped_to_the_block():
    text = "第一段\n第二段有号码"
    part = Part(PartKind.BODY, text, (Block(None, 1, 0, 3), Block(None, 2, 4, len(text))))
    doc = Document("x.txt", "0" * 64, "txt", None, (part,))
    screen = render_screen(layout(doc), 1, [finding(1, 2, 7)])
    first, second = (str(p.html) for p in screen.paras)
    assert first.endswith(">段</mark>") and 'id="hl-1"' in first
    assert second.startswith('<mark') and ">第二段</mark>" in second and 'id="hl-1"' not in second


def big_document(pages: int = 200, per_page: int = 12) -> Document:
    lines, blocks, pos = [], [], 0
    for page in range(1, pages + 1):
        for n in range(per_page):
            line = f"第{page}页第{n + 1}段：本机关依法做好政府信息公开工作，认真落实保密审查制度，确保公开内容准确。"
            blocks.append(Block(page, len(blocks) + 1, pos, pos + len(line)))
            lines.append(line)
            pos += len(line) + 1
    text = "\n".join(lines)
    return Document("big.pdf", "0" * 64, "pdf", pages, (Part(PartKind.BODY, text, tuple(blocks)),))


def test_a_200_page_document_is_cut_into_screens():
    doc = big_document()
    screens = layout(doc)
    total = sum(len(s) for s in screens)
    assert total == 200 * 12 and len(screens) >= 20
    assert all(sum(u.block.end - u.block.start for u in s) <= 6100 for s in screens)
    last = doc.parts[0].blocks[-1]
    where = screen_of(screens, "body", last.start + 3)
    assert where == len(screens)
    screen = render_screen(screens, where, [finding(9, last.start + 3, last.start + 6)])
    assert any('id="hl-9"' in str(p.html) for p in screen.paras)
    assert screen.source_pages.startswith("原文第") and "200" in screen.source_pages
    assert screen_of(screens, "body", 0) == 1


def test_hidden_parts_are_listed_apart():
    body = Part(PartKind.BODY, "正文", (Block(None, 1, 0, 2),))
    comment = Part(PartKind.COMMENT, "请删掉张三的电话13812345678", (Block(None, 1, 0, 19, "批注（作者：李四）"),),
                   label="批注", hidden_reason="批注不显示在正文中")
    doc = Document("x.docx", "0" * 64, "docx", 1, (body, comment))
    parts = hidden_parts(doc, [finding(3, 8, 19, part="comment", severity="medium")])
    assert [p["label"] for p in parts] == ["批注"]
    assert parts[0]["paras"][0]["label"] == "批注（作者：李四）"
    assert ">13812345678</mark>" in str(parts[0]["paras"][0]["html"])
    assert len(layout(doc)) == 1 and all(u.part.kind is PartKind.BODY for u in layout(doc)[0])


def test_groups_follow_the_spec_order_most_severe_first():
    groups = group_by_category([finding(1, 0, 1, "network", "medium"), finding(2, 0, 1, "marking", "high"),
                                finding(3, 5, 6, "network", "high")])
    assert [(c, [f["id"] for f in items]) for c, items in groups] == [("marking", [2]), ("network", [3, 1])]


def test_a_large_document_pages_on_the_case_page(as_user, svc, people):
    lines = [f"第{i // 20 + 1}页第{i % 20 + 1}行：本机关依法做好政府信息公开工作，认真落实保密审查制度。"
             for i in range(200 * 20)]
    lines[3990] = "联系人王五，身份证号11010519491231002X。"
    text = "\n".join(lines)
    upload = svc.open_case(people["zhang"], title="年度报告", data=text.encode(), filename="年度报告.txt")
    zhang = as_user("zhang")
    collapsed = zhang.get(f"/cases/{upload.case_id}").get_data(as_text=True)
    assert "显示全文" in collapsed and "11010519491231002X</mark>" in collapsed    # the passage only
    assert len(collapsed) < len(text.encode()) / 20
    first = zhang.get(f"/cases/{upload.case_id}?all=1").get_data(as_text=True)
    assert len(first) < len(text.encode()) / 4                     # one screen, not the whole file
    total = int(re.search(r"第 1 / (\d+) 屏", first).group(1))
    assert total > 20
    link = re.search(r'href="\?all=1&amp;p=(\d+)#hl-(\d+)"', first)  # the side list links to its screen
    assert link and int(link.group(1)) == total
    last = zhang.get(f"/cases/{upload.case_id}?all=1&p={link.group(1)}").get_data(as_text=True)
    assert f'id="hl-{link.group(2)}"' in last and "11010519491231002X</mark>" in last
    assert "第 1 / " not in last
