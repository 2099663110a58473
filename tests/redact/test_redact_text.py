"""txt and html → masked text; an html value split by markup cannot be masked and is refused."""
from __future__ import annotations

import pytest

from screening.pipeline import screen_bytes
from screening.redact import RedactionRefused, redact_document
from screening.types import Category

from redact_docs import ADDRESS, ID_CARD, NAME, PHONE

TXT = f"申请人：{NAME}，身份证号{ID_CARD}\r\n联系电话{PHONE}，家住{ADDRESS}。\r\n"


def test_txt_in_gb18030_is_masked_and_written_as_utf8(engine):
    result = redact_document(TXT.encode("gb18030"), "名单.txt", engine=engine)
    text = result.data.decode("utf-8")
    assert text == "申请人：王**，身份证号110105*********02X\r\n联系电话138****5678，家住溧阳市****。\r\n"
    assert result.removed == ("已转为 UTF-8 编码",) and result.ok


def test_a_value_broken_over_a_line_is_still_masked(engine):
    data = "联系电话：138\n1234 5678，请回电。\n".encode()
    report = screen_bytes(data, "a.txt", engine=engine, isolated=False)
    assert not [f for f in report.findings if f.category is Category.PERSONAL_INFO]   # the rules miss it ...
    from screening.redact import RedactionItem, redact

    item = RedactionItem("13812345678", "138****5678", Category.PERSONAL_INFO, "phone")
    assert redact(data, "a.txt", (item,), engine=engine).data.decode() == "联系电话：138****5678，请回电。\n"


HTML = f"""<!DOCTYPE html>
<html><head><meta charset="gbk"><title>公示 {PHONE}</title>
<meta name="author" content="{NAME}"></head>
<body><!-- 内部备注：{ID_CARD} -->
<p>申请人：{NAME}，身份证号{ID_CARD}，联系电话{PHONE}。</p>
<p style="display:none">隐藏段落：内部掌握</p>
<input type="hidden" name="applicant" value="{NAME}">
<p>监督邮箱：<a href="mailto:{PHONE}@139.com">{PHONE}@139.com</a></p>
</body></html>"""


def test_html_is_masked_and_stripped_of_what_a_reader_does_not_see(engine):
    result = redact_document(HTML.encode("gbk"), "公示.html", engine=engine)
    page = result.data.decode("utf-8")
    for value in (PHONE, ID_CARD, NAME, "内部备注", "隐藏段落", 'type="hidden"'):
        assert value not in page
    assert "申请人：王**，身份证号110105*********02X，联系电话138****5678。" in page
    assert '<meta charset="utf-8">' in page and page.startswith("<!DOCTYPE html>")
    assert any("HTML注释" in r for r in result.removed) and any("隐藏元素" in r for r in result.removed)


def test_html_value_split_by_markup_is_refused_with_what_remains(engine):
    data = f"<html><body><p>申请人：{NAME}，联系电话<b>138</b>{PHONE[3:]}。</p></body></html>".encode()
    with pytest.raises(RedactionRefused) as refused:
        redact_document(data, "公示.html", engine=engine)
    result = refused.value.result
    assert not result.ok and [r.item.text for r in result.remaining] == [PHONE]
    assert result.report is not None and any(f.text == PHONE for f in result.report.findings)
    message = str(refused.value)
    assert "仍含有 1 处" in message and "电话号码“138****5678”" in message and "复查仍发现（正文" in message
    assert "王**" in result.data.decode()        # the other values were masked
