"""The review sheet as docx: the 表格式 structure, the masks, the signature blocks."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from screening.sheet import render_docx
from screening.sheet.docx import BLANK_DATETIME, SERIF

from sheet_cases import ID_CARD, PASSWORD, PHONE, SHA, case_sheet

BASIC_LABELS = ["拟公开信息单位", "信息名称", "文号", "拟公开方式", "拟公开时间", "拟稿人", "公开属性", "公开属性依据",
                "所审文件", "文件大小", "SHA-256", "审查引擎版本", "自动审查结论"]


def _cells(row) -> list[str]:
    out = []
    for cell in row.cells:           # merged cells repeat: keep each once
        if not out or cell.text != out[-1]:
            out.append(cell.text)
    return out


@pytest.fixture(scope="module")
def signed_docx() -> bytes:
    return render_docx(case_sheet(signed=3))


@pytest.fixture(scope="module")
def doc(signed_docx):
    return Document(io.BytesIO(signed_docx))


def test_title_and_six_tables(doc):
    assert doc.paragraphs[0].text == "政府信息公开保密审查单"
    assert "第 42 号" in doc.paragraphs[1].text and "2025年03月03日" in doc.paragraphs[1].text
    assert len(doc.tables) == 6     # basic information, findings, hidden content, three signature blocks


def test_basic_information_table(doc):
    rows = [_cells(r) for r in doc.tables[0].rows]
    assert [r[0] for r in rows] == BASIC_LABELS
    by_label = {r[0]: r[1:] for r in rows}
    assert by_label["拟公开信息单位"] == ["某市医疗保障局", "部门", "待遇保障科"]
    assert by_label["文号"] == ["某医保发〔2025〕8号", "载体形式", "■公文类　□非公文类"]
    assert by_label["拟公开方式"] == ["■政府网站　□报刊　□广播　□电视　■政府公开栏　□其他"]
    assert by_label["拟公开时间"] == ["2025年03月10日", "最迟公开日", "2025年03月28日"]
    assert by_label["拟稿人"] == ["张承办", "形成日期", "2025年02月28日"]
    assert by_label["公开属性"] == ["■主动公开　□依申请公开　□不予公开"]
    assert "第三十七条" in by_label["公开属性依据"][0]
    assert by_label["SHA-256"] == [SHA]
    assert by_label["文件大小"] == ["48,213 字节", "页数（docx）", "3"]
    assert "rules-20250301" in by_label["审查引擎版本"][0] and "clf-7c1e" in by_label["审查引擎版本"][0]
    assert by_label["自动审查结论"][0].startswith("拦截（不得公开）：共 5 项")


def test_findings_table_masks_what_it_reports(doc):
    findings = [_cells(r) for r in doc.tables[1].rows]
    assert findings[0] == ["序号", "类别", "位置", "标记内容及原因", "依据", "处置情况", "处置人及理由"]
    assert len(findings) == 1 + 4
    phone = findings[1]
    assert phone[1] == "个人信息（电话号码）\n（中）" and phone[2] == "正文 第1页 第3段"
    assert phone[3].startswith("138****5678\n疑似手机号码") and phone[4] == "条例第十五条"
    assert phone[5] == "区分处理（遮挡/删除后公开）" and phone[6] == "李审核\n2025-03-04 10:00\n公开版遮挡"
    dismissed = findings[2]
    assert dismissed[3].startswith("110105*********02X") and "系示例号码" in dismissed[6]
    assert findings[3][5] == "待处置"


def test_hidden_content_has_its_own_table(doc):
    rows = [_cells(r) for r in doc.tables[2].rows]
    assert len(rows) == 2 and rows[1][1].startswith("隐藏内容") and rows[1][2] == "批注 第1段"


def test_no_reported_personal_value_or_password_in_the_file(signed_docx):
    with zipfile.ZipFile(io.BytesIO(signed_docx)) as zf:
        everything = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))
    for value in (PHONE, ID_CARD, PASSWORD):
        assert value not in everything


def test_three_signature_blocks_in_order_when_signed(doc):
    blocks = [[_cells(r) for r in t.rows] for t in doc.tables[3:]]
    assert [b[0][0] for b in blocks] == ["承办人初审意见", "承办部门负责人审核意见", "单位负责人审发意见"]
    for block, (name, when) in zip(blocks, [("张承办", "2025年03月03日 17:00"), ("李审核", "2025年03月04日 14:15"),
                                            ("王审发", "2025年03月05日 09:45")]):
        assert block[1] == ["审查意见", "■同意公开　□不予公开　□报请确定"]
        assert block[3] == ["签名", name, "日期时间", when]      # shown in Beijing time


def test_four_signature_blocks_with_the_secrecy_stage():
    """A unit with 保密审核: a fourth block between the head's and the leader's."""
    from dataclasses import replace

    from screening.review.enums import OpinionKind, SignStage
    from screening.sheet import StageSignoff
    from screening.sheet.data import blank_signoffs

    data = case_sheet(signed=0)
    signed = tuple(StageSignoff(s.stage, OpinionKind.AGREE, "经保密审核，同意公开", "孙保密员")
                   if s.stage is SignStage.SECRECY else s for s in blank_signoffs(secrecy=True))
    doc = Document(io.BytesIO(render_docx(replace(data, signoffs=signed))))
    blocks = [[_cells(r) for r in t.rows] for t in doc.tables[3:]]
    assert [b[0][0] for b in blocks] == ["承办人初审意见", "承办部门负责人审核意见", "保密审核意见", "单位负责人审发意见"]
    assert blocks[2][3][:2] == ["签名", "孙保密员"] and blocks[3][3][:2] == ["签名", ""]


def test_unsigned_blocks_are_blank_for_handwriting():
    doc = Document(io.BytesIO(render_docx(case_sheet(signed=1, returned=True))))
    first, head, leader = ([_cells(r) for r in t.rows] for t in doc.tables[3:])
    assert first[1][1].endswith("（已退回承办人修改）")
    for block in (head, leader):
        assert block[1] == ["审查意见", "□同意公开　□不予公开　□报请确定"]
        assert block[2] == ["依据和理由", ""]
        assert block[3] == ["签名", "", "日期时间", BLANK_DATETIME]


def test_fonts_are_noto_cjk(doc):
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == SERIF
    assert doc.core_properties.title == "政府信息公开保密审查单"
