"""Office contacts are not private data; a personal context makes the same shape a finding.
Both directions, in generated documents (docx paragraphs and a docx application form)."""
from __future__ import annotations

import pytest

from screening.extract import extract_bytes
from screening.types import Category

from tests.docgen import make_docx

OFFICE = [
    "本年度报告的电子版可在县人民政府门户网站下载。如对报告有疑问，请联系县政府办公室政务公开科，"
    "电话：0519-87654321，电子邮箱：lyzwgk@163.com。",
    "信息公开咨询电话：13812345678，邮箱：xxgkzx2024@126.com。",
    "值班电话：13912345678（24小时）；值班室邮箱：zbs_ly@126.com",
    "监督电话：15051234567；监督邮箱：jdjb@163.com",
]
PERSONAL = [
    ("申请人的电子邮箱：wang.jianguo1975@163.com，信息公开申请已受理。", "wang.jianguo1975@163.com"),
    ("政务公开办转来来信，本人邮箱li_xiuying@126.com，请回复。", "li_xiuying@126.com"),
    ("信息公开申请表：申请人的手机 13912345678，身份证件见附件。", "13912345678"),
]


def _personal(engine, paragraphs) -> list[str]:
    report = engine.screen(extract_bytes(make_docx(paragraphs=paragraphs), "contacts.docx"))
    return [f.text for f in report.findings if f.category is Category.PERSONAL_INFO]


@pytest.mark.parametrize("text", OFFICE)
def test_office_mailboxes_and_phones_are_not_personal_data(engine, text):
    assert _personal(engine, ["2024年政府信息公开工作年度报告", text]) == []


@pytest.mark.parametrize(("text", "value"), PERSONAL)
def test_a_personal_context_makes_the_same_shape_a_finding(engine, text, value):
    assert value in _personal(engine, ["政府信息公开申请处理情况", text])


def test_an_application_form_table_reports_the_applicants_contacts(engine):
    table = [["项目", "内容"], ["申请人的电子邮箱", "zhao.guilan@163.com"], ["申请人的手机", "18662345678"]]
    report = engine.screen(extract_bytes(make_docx(paragraphs=["政府信息公开申请表"], table=table), "form.docx"))
    found = {f.text: f.location.cell for f in report.findings if f.category is Category.PERSONAL_INFO}
    assert found["zhao.guilan@163.com"].row == 2 and found["18662345678"].column == 2
