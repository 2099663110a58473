"""html: what a browser shows, block by block; what it hides but the file holds."""
from __future__ import annotations

from html import escape as html_escape

import pytest
from extract_helpers import assert_well_formed, blocks, labelled
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.extract import extract_bytes
from screening.extract.common import (HTML_COMMENT, HTML_HIDDEN, HTML_HIDDEN_INPUT, HTML_NOSCRIPT, HTML_SCRIPT,
                                      HTML_TEMPLATE)
from screening.types import REGION_CHROME, CellRef, PartKind

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于某事的通知</title>
<meta name="author" content="张三"><meta name="keywords" content="通知,公开">
<style>body { color: red }</style><script>var account = "admin"; var password = "123456";</script></head>
<body>
<!-- 联系人：李四 13800138000 -->
<div class="nav">首页 &gt; 政府信息公开</div>
<h1>关于进一步做好政府信息公开工作的通知</h1>
<p>各乡镇人民政府，  县级各部门：<br>现将有关事项通知如下。</p>
<ul><li>一、提高认识</li><li>二、<b>加强</b>领导</li></ul>
<table><tr><th>姓名</th><th>电话</th></tr><tr><td>王五</td><td><p>0834-1234567</p></td></tr></table>
<div style="display: none">隐藏的内部意见<p>拟任人选：赵六</p></div>
<span hidden>hidden 属性的文字</span><p style="font-size:0">零字号文字</p>
<input type="hidden" name="token" value="c2VjcmV0"><noscript>请启用脚本</noscript>
<template><p>模板内容</p></template>
<a href="http://192.168.12.24:8080/eportall/admin">后台入口</a>
<pre>第一行
  第二行</pre>
<!--[if lt IE 9]><script src="html5.js"></script><![endif]-->
</body></html>"""


@pytest.fixture(scope="module")
def doc():
    data = PAGE.encode("utf-8")
    document = extract_bytes(data, "通知.html")
    assert_well_formed(document, data)
    assert document.format == "html"
    return document


def test_visible_text_one_block_per_block_element(doc):
    assert blocks(doc, PartKind.BODY) == [
        "关于进一步做好政府信息公开工作的通知", "各乡镇人民政府， 县级各部门：",
        "现将有关事项通知如下。", "一、提高认识", "二、加强领导", "后台入口", "第一行", "  第二行"]


def test_the_navigation_is_the_page_frame_not_the_article(doc):
    (header,) = [p for p in doc.parts if p.kind is PartKind.HEADER]
    assert blocks(doc, PartKind.HEADER) == ["首页 > 政府信息公开"]
    assert {b.region for b in header.blocks} == {REGION_CHROME}


def test_styles_are_dropped_scripts_noscript_and_templates_are_hidden_text(doc):
    everything = "\n".join(p.text for p in doc.parts)
    assert "color: red" not in everything
    hidden = labelled(doc, PartKind.HIDDEN)
    for text, label in (("account=admin", HTML_SCRIPT), ("password=123456", HTML_SCRIPT),
                        ("请启用脚本", HTML_NOSCRIPT), ("模板内容", HTML_TEMPLATE)):
        assert (text, label) in hidden


def test_table_cells_are_the_table_part_with_row_column_and_header(doc):
    (table,) = [p for p in doc.parts if p.kind is PartKind.TABLE]
    assert blocks(doc, PartKind.TABLE) == ["姓名", "电话", "王五", "0834-1234567"]
    assert [b.cell for b in table.blocks][2:] == [CellRef(1, 2, 1, "姓名"), CellRef(1, 2, 2, "电话")]


@pytest.mark.parametrize("head", [
    "<tr><td colspan=3>2024年度临时救助名单</td></tr><tr><td>姓名</td><td>身份证号</td><td>联系电话</td></tr>",
    "<thead><tr><td>姓名</td><td>身份证号</td><td>联系电话</td></tr></thead>",
], ids=["title-then-td-labels", "thead-of-td"])
def test_a_header_row_of_td_cells_names_the_columns_below_it(head):
    """Below a title row or inside <thead>, a row of <td> labels is the header; a <th> row further
    down heads a section of the list (城南街道), not its columns."""
    page = (f"<html><body><article><p>现将救助情况公示如下。</p><table>{head}<tr><td>王建国</td><td>11010519491231002X</td><td>13812345678</td></tr>"
            "<tr><th colspan=3>城南街道</th></tr><tr><td>李秀英</td><td>110101199003071233</td><td>15051234567</td></tr>"
            "</table></article></body></html>")
    doc = extract_bytes(page.encode("utf-8"), "名单.html")
    (table,) = [p for p in doc.parts if p.kind is PartKind.TABLE]
    cells = {table.text[b.start:b.end]: b.cell for b in table.blocks}
    assert cells["13812345678"].header == "联系电话" and cells["110101199003071233"].header == "身份证号"
    assert cells["姓名"].header is None and cells["李秀英"].header == "姓名"


def test_hidden_elements_fields_and_comments_are_the_hidden_part(doc):
    assert labelled(doc, PartKind.HIDDEN)[:6] == [
        ("隐藏的内部意见", HTML_HIDDEN), ("拟任人选：赵六", HTML_HIDDEN), ("hidden 属性的文字", HTML_HIDDEN),
        ("零字号文字", HTML_HIDDEN), ("token=c2VjcmV0", HTML_HIDDEN_INPUT),
        ("联系人：李四 13800138000", HTML_COMMENT)]       # conditional comments are markup, not content


def test_title_author_keywords_and_link_targets_are_metadata(doc):
    assert blocks(doc, PartKind.METADATA) == [
        "标题：关于某事的通知", "作者：张三", "关键词：通知,公开", "超链接：http://192.168.12.24:8080/eportall/admin"]


@pytest.mark.parametrize("declared, encoding", [
    ('<meta charset="gb2312">', "gbk"),                                       # GBK bytes under a gb2312 label
    ('<meta http-equiv="Content-Type" content="text/html; charset=GBK">', "gb18030"),
    ('<meta charset="big5">', "big5"),
    ('<meta charset="utf-8">', "gbk"),                                        # a wrong label: detected instead
    ("", "gb18030"),                                                          # no label at all
])
def test_charset_from_the_page_verified_against_the_bytes(declared, encoding):
    text = "政府信息公開" if encoding == "big5" else "镕基同志的讲话"
    data = f"<html><head>{declared}</head><body><p>{text}</p></body></html>".encode(encoding)
    assert blocks(extract_bytes(data, "a.html"), PartKind.BODY) == [text]


def test_declared_entities_are_not_expanded():
    data = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "机密机密机密"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<html><body><p>&b;正文</p></body></html>').encode("utf-8")
    doc = extract_bytes(data, "a.xhtml")
    assert "机密" not in "\n".join(p.text for p in doc.parts)
    assert "正文" in blocks(doc, PartKind.BODY)[-1]


def test_html_is_recognised_without_its_extension():
    doc = extract_bytes("<!doctype html><html><body><p>正文</p></body></html>".encode(), "download")
    assert doc.format == "html"


@pytest.mark.parametrize("hiding", [
    '<style>.yc { color: red; display: none }</style><div class="yc">{}</div>',
    '<style>#draft{visibility:hidden}</style><div id="draft">{}</div>',
    '<div aria-hidden="true">{}</div>',
    '<div class="sr-only">{}</div>',
    '<div class="d-none">{}</div>',
])
def test_text_hidden_by_the_pages_own_styles_or_framework_classes_is_hidden(hiding):
    page = ("<html><head>" + hiding.split("<div")[0] + "</head><body><div class='content'>"
            "<p>关于做好2026年春节假期安全生产工作的通知，请各单位认真贯彻落实。</p>"
            + "<div" + hiding.split("<div", 1)[1].replace("{}", "拟调整的人选名单") + "</div></body></html>")
    doc = extract_bytes(page.encode(), "a.html")
    assert ("拟调整的人选名单", HTML_HIDDEN) in labelled(doc, PartKind.HIDDEN)
    assert "拟调整的人选名单" not in blocks(doc, PartKind.BODY)


def test_a_layout_table_holding_the_article_is_not_a_data_table():
    page = ("<html><body><table><tr><td><div class='nav'>首页</div></td></tr><tr><td class='content'>"
            "<p>第一段正文，各单位要认真贯彻落实有关要求并按时报送工作情况。</p><p>第二段正文，请于月底前报送。</p>"
            "<table><tr><th>单位</th></tr><tr><td>某某局</td></tr></table></td></tr></table></body></html>")
    doc = extract_bytes(page.encode(), "a.html")
    assert blocks(doc, PartKind.BODY)[:2] == ["第一段正文，各单位要认真贯彻落实有关要求并按时报送工作情况。", "第二段正文，请于月底前报送。"]
    assert blocks(doc, PartKind.TABLE) == ["单位", "某某局"]
    assert blocks(doc, PartKind.HEADER) == ["首页"]


_FRAGMENT = st.text(alphabet=st.sampled_from("政府信息公开通知内网密码身份证 ，。：<>&\"'-=/0123456789abcXx"), max_size=40)
_WRAPPERS = ("<p>{}</p>", "<div class='nav'>{}</div>", "<!-- {} -->", "<span data-x=\"{}\">正文</span>",
             "<script>var a = \"{}\";</script>", "<div style='display:none'>{}</div>", "<td>{}</td>",
             "<footer>{}</footer>", "<noscript>{}</noscript>")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WRAPPERS), _FRAGMENT), min_size=1, max_size=12))
def test_any_page_extracts_well_formed_and_screens_with_exact_offsets(engine, pieces):
    body = "".join(wrapper.format(html_escape(text)) for wrapper, text in pieces)
    data = f"<html><body><div class='content'><p>关于做好政府信息公开工作的通知。</p>{body}</div></body></html>".encode()
    doc = extract_bytes(data, "a.html")
    assert_well_formed(doc, data)
    report = engine.screen(doc)            # the engine asserts finding.text == part.text[start:end]
    texts = {p.kind: p.text for p in doc.parts}
    for f in report.findings:
        assert texts[f.location.part][f.location.start:f.location.end] == f.text
