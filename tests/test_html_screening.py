"""A web page screened end to end: the article, the page's frame apart, hidden content by what it holds."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.detectors.markup import looks_like_prose
from screening.extract import extract_bytes
from screening.report import dumps, to_text
from screening.types import REGION_CHROME, Category, PartKind, Severity, Source

ID_A = "11010519491231002X"        # GB 11643 check digits valid
ID_B = "440304198506123017"

PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于公布2026年度评审结果的通知</title>
<link rel="canonical" href="https://www.example.gov.cn/zwgk/2026/notice.html">
<script>var applicant = {{"name": "申请人", "idcard": "{ID_B}"}};</script>
</head>
<body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<!-- 二维码微信微博 -->
<!--/enpcontent-->
<div class="article">
<h1>关于公布2026年度评审结果的通知</h1>
<p>各有关单位：根据评审工作安排，现将2026年度项目评审结果予以公布，公示期为五个工作日。</p>
<p>评审工作严格按照评审办法组织实施，评审专家由专家库随机抽取产生，评审过程接受纪检监察部门监督。</p>
<!-- 测试环境管理员账号：admin 密码：Zx9#kLm2q -->
<div style="display:none"><p>经研究，拟对评审排名第一的单位暂缓公布，待领导审定后另行通知。</p></div>
<span data-applicant-id="{ID_A}">申请材料已收悉。</span>
<table><tr><th>单位</th><th>负责人身份证号</th><th>得分</th></tr>
<tr><td>第一评审组</td><td>{ID_A}</td><td>90</td></tr>
<tr><td>第二评审组</td><td>{ID_B}</td><td>88</td></tr></table>
<p>特此通知。</p>
</div>
<div class="footer">主办单位：某某市人民政府办公室 技术支持：信息中心 维护入口 http://10.12.3.4:8080/admin/login.jsp</div>
<div id="qr_container">扫一扫在手机打开当前页</div>
</body></html>"""


@pytest.fixture(scope="module")
def report(engine):
    return engine.screen(extract_bytes(PAGE.encode("utf-8"), "评审结果.html"))


def _found(report, rule_prefix: str, part: PartKind):
    return [f for f in report.findings if f.rule.startswith(rule_prefix) and f.location.part is part]


def test_a_password_in_an_html_comment_is_a_credential_finding_in_the_hidden_part(report):
    (finding,) = _found(report, "cred.", PartKind.HIDDEN)
    assert finding.category is Category.CREDENTIAL and finding.severity is Severity.HIGH
    assert "Zx9#kLm2q" in finding.text and "HTML注释" in finding.message
    assert not [f for f in report.findings if f.rule == "hidden.text" and "Zx9" in f.text]   # folded, not twice


def test_a_deleted_paragraph_in_a_display_none_block_is_a_medium_hidden_finding(report):
    (finding,) = [f for f in report.findings if f.rule == "hidden.text"]
    assert finding.text == "经研究，拟对评审排名第一的单位暂缓公布，待领导审定后另行通知。"
    assert finding.location.part is PartKind.HIDDEN and finding.severity is Severity.MEDIUM
    assert finding.location.region == ""                      # in the article, not the frame


def test_an_intranet_url_in_the_footer_is_found_and_labelled_as_the_page_frame(report):
    (finding,) = _found(report, "net.", PartKind.FOOTER)
    assert finding.text == "http://10.12.3.4:8080/admin/login.jsp"
    assert finding.location.region == REGION_CHROME
    assert finding.location.to_dict()["region"] == "chrome"
    assert "页面框架 页脚" in to_text([report])


def test_a_private_id_in_a_data_attribute_and_in_an_inline_script_is_found_in_the_hidden_part(report):
    ids = {(f.text, f.location.part) for f in report.findings if f.rule == "pii.id_card"}
    hidden = [f for f in report.findings if f.rule == "pii.id_card" and f.location.part is PartKind.HIDDEN]
    assert (ID_A, PartKind.HIDDEN) in ids and (ID_B, PartKind.HIDDEN) in ids
    assert len({f.location.start for f in hidden}) == 2 and all(f.severity is Severity.HIGH for f in hidden)


def test_table_cells_with_an_id_column_carry_row_column_and_header(report):
    cells = sorted((f.location.cell.row, f.location.cell.column, f.location.cell.header, f.text)
                   for f in report.findings if f.rule == "pii.id_card" and f.location.part is PartKind.TABLE)
    assert cells == [(2, 2, "负责人身份证号", ID_A), (3, 2, "负责人身份证号", ID_B)]
    located = [f.location.to_dict() for f in report.findings if f.location.part is PartKind.TABLE]
    assert {"table": 1, "row": 2, "column": 2, "header": "负责人身份证号"}.items() <= located[0].items()


def test_template_comments_are_one_summary_line_not_findings(report):
    assert not [f for f in report.findings if f.location.part is PartKind.HIDDEN and "enpcontent" in f.text]
    assert "页面含 3 段 HTML 注释，其中 1 处有发现（见发现列表）" in report.notes
    assert any(n.startswith("页面框架") for n in report.notes)
    assert '"notes": [' in dumps([report]) and "说明：页面含 3 段 HTML 注释" in to_text([report])


def test_a_page_of_markup_comments_only_passes_with_a_note(engine):
    page = ("<html><body><!-- /enpcontent --><!-- 用来校验该浏览器是否支持HTML5 --><!-- 二维码微信微博 -->"
            "<!-- <div class=\"banner\"><img src=\"/a.jpg\"></div> -->"
            "<p>市人民政府办公室关于做好2026年春节假期安全生产工作的通知已印发，请各单位认真贯彻落实。</p>"
            "</body></html>")
    report = engine.screen(extract_bytes(page.encode(), "a.html"))
    assert report.findings == ()
    assert report.notes == ("页面含 4 段 HTML 注释，未发现敏感内容",)


def test_a_commented_out_paragraph_is_prose_and_a_finding(engine):
    page = ("<html><body><p>关于做好2026年春节假期安全生产工作的通知，请各单位认真贯彻落实有关要求。</p>"
            "<!-- <p>另：第三部分的统计口径与去年相比有所调整，编辑时请核对原表。</p> --></body></html>")
    report = engine.screen(extract_bytes(page.encode(), "a.html"))
    (finding,) = report.findings
    assert finding.rule == "hidden.text" and finding.severity is Severity.MEDIUM
    assert finding.location.part is PartKind.HIDDEN


def test_a_low_rule_finding_out_of_sight_is_raised_to_medium_never_lowered(report):
    hidden = [f for f in report.findings if f.location.part is PartKind.HIDDEN and f.source is Source.RULE]
    assert hidden and all(f.severity.rank >= Severity.MEDIUM.rank for f in hidden)


@pytest.mark.parametrize(("text", "prose"), [
    ("/enpcontent", False),
    ("用来校验该浏览器是否支持HTML5", False),
    ("二维码微信微博", False),
    ("国务院客户端 微博微信 三个链接", False),
    ('<div class="de_bannerS" style="position: relative;"><img src="/a.jpg"></div>', False),
    ("var a = function() { return '加载中'; }", False),
    ("经研究，拟对评审排名第一的单位暂缓公布，待领导审定后另行通知。", True),
    ("<p>另：拟提拔人选名单报请常委会研究后再行公布。</p>", True),
    ("此段待领导审定后再发布", True),
    ("本项目预算资金共计三千二百万元由市级财政全额承担并分三年拨付到位", True),
])
def test_prose_or_markup(text, prose):
    assert looks_like_prose(text) is prose


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_is_never_taken_for_chinese_prose(text):
    assert not looks_like_prose(text)


def test_prose_hidden_in_the_page_frame_is_a_low_site_finding(engine):
    page = ("<html><body><div class='content'><p>关于做好2026年春节假期安全生产工作的通知，请各单位认真贯彻落实。</p>"
            "<p>各单位要加强值班值守，确保节日期间安全稳定，重要情况及时报告。</p></div>"
            "<div class='footer'><div style='display:none'>本栏目改版后原有的信息将陆续迁移，请各单位做好准备。</div>"
            "网站标识码：1234567890</div></body></html>")
    report = engine.screen(extract_bytes(page.encode(), "a.html"))
    (finding,) = [f for f in report.findings if f.rule == "hidden.text"]
    assert finding.severity is Severity.LOW and finding.location.region == REGION_CHROME
