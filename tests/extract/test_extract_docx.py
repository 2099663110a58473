"""docx: every story, with exact block texts, labels and pages, on documents python-docx writes."""
from __future__ import annotations

import pytest
from docgen import make_docx
from extract_helpers import assert_well_formed, blocks, labelled, pages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.extract import extract_bytes
from screening.extract.common import (
    DELETED, INSERTED, INVISIBLE, VANISHED, WARN_ONLY_IMAGES,
)
from screening.types import PartKind

ID = "11010519491231002X"


def extract(**kwargs):
    data = make_docx(**kwargs)
    doc = extract_bytes(data, "草稿.docx")
    assert_well_formed(doc, data)
    assert doc.format == "docx"
    return doc


@pytest.mark.parametrize("paragraphs, expected", [
    (["第一段"], ["第一段"]),
    (["第一段", "", "  ", "第三段"], ["第一段", "第三段"]),                   # blank paragraphs are no blocks
    ([["分成", "多个", "运行"]], ["分成多个运行"]),                             # runs join without separators
    (["制表\t符", "换行\n之后"], ["制表\t符", "换行\n之后"]),                  # w:tab and w:br
    (["  前后空格  "], ["  前后空格  "]),
    (["Ｆｕｌｌ－ｗｉｄｔｈ　１２３"], ["Ｆｕｌｌ－ｗｉｄｔｈ　１２３"]),       # as written, never normalized
])
def test_body_paragraphs_in_order_with_exact_offsets(paragraphs, expected):
    assert blocks(extract(paragraphs=paragraphs), PartKind.BODY) == expected


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"), blacklist_characters="\ufffe\uffff"),
                min_size=1, max_size=30).filter(lambda t: t.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXT, min_size=1, max_size=8))
def test_any_paragraphs_come_back_as_body_blocks(paragraphs):
    assert blocks(extract(paragraphs=paragraphs), PartKind.BODY) == paragraphs


def test_table_cells_one_block_each_nested_tables_too():
    doc = extract(paragraphs=["表前"], table=[["姓名", "电话"], ["张三", [["嵌套一", "嵌套二"]]]])
    assert blocks(doc, PartKind.TABLE) == ["姓名", "电话", "张三", "嵌套一", "嵌套二"]   # nested after the outer
    assert blocks(doc, PartKind.BODY) == ["表前"]


def test_table_cells_carry_table_row_column_and_header():
    doc = extract(table=[["姓名", "身份证号"], ["张三", "11010519491231002X"], ["李四", [["甲", "乙"]]]])
    part = next(p for p in doc.parts if p.kind is PartKind.TABLE)
    cells = {part.text[b.start:b.end]: b.cell for b in part.blocks}
    assert (cells["身份证号"].row, cells["身份证号"].column, cells["身份证号"].header) == (1, 2, None)
    id_cell = cells["11010519491231002X"]
    assert (id_cell.table, id_cell.row, id_cell.column, id_cell.header) == (1, 2, 2, "身份证号")
    assert (cells["乙"].table, cells["乙"].row, cells["乙"].column) == (2, 1, 2)   # the nested table


def test_headers_footers_and_footnotes_are_their_own_parts():
    doc = extract(paragraphs=["正文"], header="内部资料", footer="第1页", footnotes=["联系人：李四", "电话：13800138000"])
    assert blocks(doc, PartKind.HEADER) == ["内部资料"]
    assert blocks(doc, PartKind.FOOTER) == ["第1页"]
    assert blocks(doc, PartKind.FOOTNOTE) == [" 联系人：李四", " 电话：13800138000"]   # separators skipped
    assert pages(doc, PartKind.HEADER) == [None]


def test_comments_with_their_authors():
    doc = extract(comments=[("原文一", "此处涉及内部讨论", "张三"), ("原文二", "请删除", "李四")])
    assert labelled(doc, PartKind.COMMENT) == [("此处涉及内部讨论", "批注（作者：张三）"), ("请删除", "批注（作者：李四）")]
    assert blocks(doc, PartKind.BODY) == ["原文一", "原文二"]      # the commented text itself stays in the body


def test_a_deleted_id_number_is_only_in_revision():
    doc = extract(paragraphs=[["申请人身份证号", ("del", ID), "（已删除）"]], revision_author="王五")
    assert blocks(doc, PartKind.BODY) == ["申请人身份证号（已删除）"]
    assert labelled(doc, PartKind.REVISION) == [(ID, DELETED)]
    assert "修订者：王五" in blocks(doc, PartKind.METADATA)


def test_an_insertion_is_visible_and_also_a_revision():
    doc = extract(paragraphs=[["原有", ("ins", "新增的文字"), "结尾"]])
    assert blocks(doc, PartKind.BODY) == ["原有新增的文字结尾"]
    assert labelled(doc, PartKind.REVISION) == [("新增的文字", INSERTED)]


def test_adjacent_deleted_runs_make_one_block_separate_deletions_two():
    doc = extract(paragraphs=[["甲", ("del", "110105"), ("del", "19491231002X"), "乙", ("del", "再删")]])
    assert blocks(doc, PartKind.REVISION) == [ID, "再删"]


@pytest.mark.parametrize("run, in_body, hidden", [
    (("hidden", "隐藏的联系电话"), False, [("隐藏的联系电话", VANISHED)]),
    (("hidden_style", "样式里隐藏"), False, [("样式里隐藏", VANISHED)]),
    (("white", "白色文字"), True, [("白色文字", INVISIBLE)]),
    (("tiny", "一磅字"), True, [("一磅字", INVISIBLE)]),
    (("white_on_dark", "黑底白字"), True, []),                      # shaded: a reader sees it
])
def test_hidden_white_and_tiny_text(run, in_body, hidden):
    doc = extract(paragraphs=[["可见：", run]])
    assert blocks(doc, PartKind.BODY) == ["可见：" + (run[1] if in_body else "")]
    assert labelled(doc, PartKind.HIDDEN) == hidden


def test_properties_as_labelled_metadata_blocks():
    doc = extract(paragraphs=["正文"], core_author="张三", last_modified_by="李四", title="关于某事的通知",
                  keywords="通知", company="某某市公安局", manager="赵六")
    meta = blocks(doc, PartKind.METADATA)
    for line in ("作者：张三", "最后修改者：李四", "标题：关于某事的通知", "关键词：通知", "公司：某某市公安局", "管理者：赵六"):
        assert line in meta


def test_text_boxes_follow_their_paragraph():
    doc = extract(paragraphs=[["文本框前", ("textbox", "框中的文字")], "之后"])
    assert blocks(doc, PartKind.BODY) == ["文本框前", "框中的文字", "之后"]


def test_pages_counted_from_page_breaks():
    doc = extract(paragraphs=["第一页", ["仍是第一页", ("page_break", ""), "第二页开头"], ["下一段", ("page_break", "")], "第三页"])
    assert doc.pages == 3
    assert list(zip(blocks(doc, PartKind.BODY), pages(doc, PartKind.BODY))) == [
        ("第一页", 1), ("仍是第一页第二页开头", 1), ("下一段", 2), ("第三页", 3)]


def test_no_recorded_page_breaks_means_no_page_numbers():
    doc = extract(paragraphs=["一", "二"])
    assert doc.pages is None
    assert pages(doc, PartKind.BODY) == [None, None]


def test_external_link_targets_are_metadata():
    doc = extract(paragraphs=["正文"], links=[("办公系统", "http://10.12.0.8:8080/oa/admin")])
    assert "办公系统" in blocks(doc, PartKind.BODY)
    assert "超链接：http://10.12.0.8:8080/oa/admin" in blocks(doc, PartKind.METADATA)


def test_an_embedded_object_that_cannot_be_read_is_listed_and_warned_about():
    doc = extract(paragraphs=["正文"], extra_members={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + bytes(64)})
    assert "附件名称：oleObject1.bin" in blocks(doc, PartKind.METADATA)
    assert len(doc.warnings) == 1 and "oleObject1.bin" in doc.warnings[0] and "未能审查" in doc.warnings[0]


def test_an_embedded_docx_is_screened_as_an_attachment(engine):
    from screening.pipeline import screen_bytes

    inner = make_docx(paragraphs=["拟录用人员名单", f"张三 身份证号{ID}"])
    data = make_docx(paragraphs=["正文见嵌入的文档"],
                     extra_members={"word/embeddings/Microsoft_Word_Document.docx": inner})
    report = screen_bytes(data, "通知.docx", engine=engine)
    (finding,) = [f for f in report.findings if f.rule == "pii.id_card"]
    assert finding.location.part is PartKind.ATTACHMENT
    assert finding.location.member == "Microsoft_Word_Document.docx"
    assert finding.text == ID


def test_a_docx_of_only_pictures_is_not_passed_as_read():
    doc = extract(images=2)
    assert blocks(doc, PartKind.BODY) == []
    assert doc.warnings == (WARN_ONLY_IMAGES,)


def test_pictures_beside_text_are_no_warning():
    assert extract(paragraphs=["正文"], images=1).warnings == ()
