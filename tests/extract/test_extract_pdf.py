"""pdf: lines with pages, hidden text by painting order, annotations, metadata, scans."""
from __future__ import annotations

import io

import pytest
from docgen import FONT, make_pdf
from extract_helpers import assert_well_formed, blocks, labelled, pages

from screening.extract import extract_bytes
from screening.extract.common import INVISIBLE, UNDER_BOX
from screening.extract.ocr import WARN_OCR_EMPTY
from screening.extract.pdf import page_ranges
from screening.types import PartKind

ID = "11010519491231002X"


def extract(data: bytes):
    doc = extract_bytes(data, "公开稿.pdf")
    assert_well_formed(doc, data)
    assert doc.format == "pdf"
    return doc


def test_one_block_per_line_with_its_page():
    doc = extract(make_pdf(pages=[["第一页第一行", "第一页第二行"], ["第二页"]]))
    assert doc.pages == 2
    assert list(zip(blocks(doc, PartKind.BODY), pages(doc, PartKind.BODY))) == [
        ("第一页第一行", 1), ("第一页第二行", 1), ("第二页", 2)]


def test_text_under_a_black_box_drawn_over_it_is_hidden():
    doc = extract(make_pdf(pages=[["正文第一行", f"申请人身份证号：{ID}，住址某某路"]], black_box_over=[ID]))
    assert labelled(doc, PartKind.HIDDEN) == [(ID, UNDER_BOX)]
    assert pages(doc, PartKind.HIDDEN) == [1]
    assert f"申请人身份证号：{ID}，住址某某路" in blocks(doc, PartKind.BODY)   # pdfium extracts it regardless


@pytest.mark.parametrize("kwargs, hidden", [
    ({"white_text": ["白色的联系电话13800138000"]}, [("白色的联系电话13800138000", INVISIBLE)]),
    ({"tiny_text": ["半磅字号的文字"]}, [("半磅字号的文字", INVISIBLE)]),
    ({"white_on_black": ["黑底白字的标题"]}, []),          # the bar is painted first: a reader sees it
    ({}, []),
])
def test_invisible_text_by_colour_against_its_background_and_by_size(kwargs, hidden):
    doc = extract(make_pdf(pages=[["正文"]], **kwargs))
    assert labelled(doc, PartKind.HIDDEN) == hidden


def test_black_text_on_a_black_bar_painted_first_is_hidden():
    """The “black highlighter” redaction: text on a bar of its own colour."""
    def draw(c):
        c.rect(70, 696, 160, 18, fill=1, stroke=0)
        c.drawString(72, 700, "涂黑的姓名张三")
        c.drawString(72, 650, "可见的正文")

    assert labelled(extract(_draw(draw)), PartKind.HIDDEN) == [("涂黑的姓名张三", INVISIBLE)]


def test_a_box_inside_a_form_xobject_is_placed_by_the_form_matrix():
    def draw(c):
        c.beginForm("cover")
        c.rect(0, 0, 120, 16, fill=1, stroke=0)
        c.endForm()
        c.drawString(72, 700, "表单遮盖的文字")
        c.drawString(72, 600, "未遮盖")
        c.saveState()
        c.translate(70, 697)
        c.doForm("cover")
        c.restoreState()

    assert labelled(extract(_draw(draw)), PartKind.HIDDEN) == [("表单遮盖的文字", UNDER_BOX)]


def _draw(paint) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    c.setFont(FONT, 12)
    paint(c)
    c.showPage()
    c.save()
    return buffer.getvalue()


def test_annotations_are_comments_with_their_authors():
    doc = extract(make_pdf(pages=[["正文"]], annotations=[("此处人名需删除", "张三")]))
    assert labelled(doc, PartKind.COMMENT) == [("此处人名需删除", "批注（作者：张三）")]


def test_document_information_and_link_targets_are_metadata():
    doc = extract(make_pdf(pages=[["正文"]], author="李四", title="关于某事的通知",
                           links=["http://192.168.12.24:8080/eportall/admin"]))
    meta = blocks(doc, PartKind.METADATA)
    assert "作者：李四" in meta and "标题：关于某事的通知" in meta
    assert "超链接：http://192.168.12.24:8080/eportall/admin" in meta


def test_a_scan_without_recognisable_text_is_returned_with_a_warning_never_as_empty():
    doc = extract(make_pdf(pages=[], scanned_pages=2))
    assert blocks(doc, PartKind.BODY) == []
    assert doc.warnings == (WARN_OCR_EMPTY.format(pages="1-2"),)


def test_scanned_pages_among_text_pages_are_named():
    doc = extract(make_pdf(pages=[["有文字的第一页"]], scanned_pages=2))
    assert doc.warnings == (WARN_OCR_EMPTY.format(pages="2-3"),)


def test_a_blank_page_is_no_scan():
    assert extract(make_pdf(pages=[["正文"], []])).warnings == ()


@pytest.mark.parametrize("numbers, text", [([1], "1"), ([1, 2, 3, 7], "1-3、7"), ([2, 4, 5], "2、4-5")])
def test_page_ranges(numbers, text):
    assert page_ranges(numbers) == text


def test_an_embedded_file_and_a_file_attachment_annotation_are_screened_as_attachments(engine):
    from pdfextras import add_to_pdf

    from screening.pipeline import screen_bytes

    data = add_to_pdf(make_pdf(pages=[["正文见附件"]]),
                      attachments={"账号.txt": "系统管理员 密码：Abc@123456".encode()},
                      annotation_files={"名单.txt": "张三 身份证号11010519491231002X".encode()})
    report = screen_bytes(data, "通知.pdf", engine=engine)
    by_member = {(f.location.member, f.location.part.value) for f in report.findings if f.location.member}
    assert ("账号.txt", "attachment") in by_member
    assert ("名单.txt", "attachment") in by_member
    (id_finding,) = [f for f in report.findings if f.rule == "pii.id_card"]
    assert id_finding.text == "11010519491231002X"
    assert any(f.category.value == "credential" and f.location.member == "账号.txt" for f in report.findings)


@pytest.mark.parametrize("kwargs, part, text", [
    ({"fields": {"申请人身份证号": "11010519491231002X"}}, PartKind.HIDDEN, "11010519491231002X"),
    ({"xmp_creator": "张三 11010519491231002X"}, PartKind.METADATA, "11010519491231002X"),
    ({"subject": "核对 11010519491231002X"}, PartKind.METADATA, "11010519491231002X"),
    ({"keywords": "人员 11010519491231002X"}, PartKind.METADATA, "11010519491231002X"),
    ({"outline": ["附件：11010519491231002X 名单"]}, PartKind.METADATA, "11010519491231002X"),
], ids=["hidden form field", "xmp", "subject", "keywords", "outline"])
def test_what_the_page_does_not_show_is_screened_in_the_right_part(engine, kwargs, part, text):
    from pdfextras import add_to_pdf

    from screening.pipeline import screen_bytes

    report = screen_bytes(add_to_pdf(make_pdf(pages=[["正文"]]), **kwargs), "通知.pdf", engine=engine)
    found = [f for f in report.findings if f.rule == "pii.id_card"]
    assert found and found[0].location.part is part and found[0].text == text


def test_xmp_author_and_bookmark_labels():
    from pdfextras import add_to_pdf

    doc = extract(add_to_pdf(make_pdf(pages=[["正文"]]), xmp_creator="李四", outline=["一、总体要求"]))
    meta = blocks(doc, PartKind.METADATA)
    assert "作者：李四" in meta and "书签：一、总体要求" in meta
