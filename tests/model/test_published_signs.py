"""The signs by which a document shows it is published (screening.model.genre), as a reviewer sees
them: a passage the model would flag in an internal notice is quiet in a document that is marked,
named or shaped as published, and stays flagged in an issued document that shows no such sign."""
from __future__ import annotations

import pytest

from screening.extract import extract_bytes
from screening.model.context import INTERNAL_SHIFT, PUBLISHED_SHIFT, document_context
from screening.pipeline import text_document
from screening.types import Severity
from tests.docgen import make_docx

# Authored for these tests (not taken from any corpus): a passage the shipped model flags at medium
# in a document with no context, and one it is surer of.
PASSAGE = "该路段事故认定的事实是否清楚、证据是否充分，由上级部门复核。"
SURER = "对坚持不签约的十七户，由街道逐户摸清家庭情况，下月中旬前再研究是否启动裁决程序。"
ISSUED_HEAD = ["某市人民政府办公室关于进一步规范", "道路交通事故处理工作的通知", "某政办发〔2025〕12号",
               "各区人民政府，市政府各部门："]
ISSUED_TAIL = ["某市人民政府办公室", "2025年3月18日"]


def _medium(full_engine, document) -> list[str]:
    detector = next(d for d in full_engine.detectors if d.name == "classifier")
    return [f.text for f in detector.detect(document, ()) if f.severity.rank >= Severity.MEDIUM.rank]


def _docx(paragraphs) -> object:
    return extract_bytes(make_docx(paragraphs=paragraphs), "通知.docx")


def test_an_issued_notice_noted_for_publication_is_not_flagged(full_engine):
    plain = _docx(ISSUED_HEAD + [PASSAGE] + ISSUED_TAIL)
    noted = _docx(ISSUED_HEAD + [PASSAGE] + ISSUED_TAIL + ["（此件公开发布）"])
    assert _medium(full_engine, plain) == [PASSAGE]       # an issued form alone is no sign of publication
    assert _medium(full_engine, noted) == []
    assert "此件公开发布" in document_context(noted).reason


def test_the_edited_released_text_of_a_letter_counts_as_published():
    context = document_context(text_document("\n".join(ISSUED_HEAD + [PASSAGE] + ISSUED_TAIL + ["（本文有删减）"])))
    assert context.shift == PUBLISHED_SHIFT and "本文有删减" in context.reason


def test_an_internal_note_outweighs_a_published_title():
    context = document_context(text_document("某市公共资源交易管理办法\n" + PASSAGE + "\n（此件不公开）"))
    assert context.shift == INTERNAL_SHIFT and "此件不公开" in context.reason


def test_a_draft_of_a_published_genre_is_not_yet_published(full_engine):
    draft = text_document("某市人民政府关于同意设立城北物流园区的批复（代拟稿）\n" + PASSAGE)
    assert document_context(draft).shift == INTERNAL_SHIFT and "代拟稿" in document_context(draft).reason
    assert _medium(full_engine, draft) == [PASSAGE]


@pytest.mark.parametrize("head,genre", [
    (["某市人民政府关于同意设立", "城北物流园区的", "批　复", "某政函〔2025〕15号", "某区人民政府："], "批复"),
    (["某市生态环境局", "行政处罚决定书", "某环罚决字〔2025〕3号", "当事人：某某化工有限公司"], "处罚决定书"),
    (["某市人民政府办公室", "关于市十六届人大三次会议第125号建议的答复", "某政办函〔2025〕40号", "张某某代表："],
     "建议的答复"),
])
def test_an_issued_documents_title_is_read_over_its_wrapped_letter_spaced_lines(full_engine, head, genre):
    document = _docx(head + [PASSAGE])
    context = document_context(document)
    assert context.shift < 0 and genre in context.reason
    assert _medium(full_engine, document) == []


def test_a_document_headed_by_its_issuers_mark_is_named_by_the_title_under_its_number(full_engine):
    """GB/T 9704: 发文机关标志, then the 文号 (with 签发人 on a report upward), then the title, then 主送."""
    request = _docx(["某县人民政府文件", "某政〔2025〕9号　　签发人：王某某", "某县人民政府关于城东片区",
                     "房屋征收有关问题的请示", "市人民政府：", SURER])
    context = document_context(request)
    assert context.shift == INTERNAL_SHIFT and "请示" in context.reason
    reply = _docx(["某市人民政府文件", "某政函〔2025〕15号", "某市人民政府关于同意设立城北物流园区的批复",
                   "某区人民政府：", PASSAGE])
    assert "批复" in document_context(reply).reason and _medium(full_engine, reply) == []


def test_a_report_delivered_to_an_assembly_of_delegates_is_published(full_engine):
    delivered = text_document("各位代表：\n现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协各位委员提出意见。\n" + PASSAGE)
    internal = text_document("同志们：\n现在，我代表局党组作年度工作报告。\n" + PASSAGE)
    assert "代表大会" in document_context(delivered).reason
    assert _medium(full_engine, delivered) == []
    assert document_context(internal).shift == 0 and _medium(full_engine, internal) == [PASSAGE]


def test_an_internal_paper_about_a_congress_is_not_taken_for_a_report_to_it(full_engine):
    paper = text_document("关于做好县第十五次党代表大会安全保卫工作的安排\n为确保大会胜利开幕，重要情况及时向大会秘书处报告。\n"
                          + SURER)
    assert document_context(paper).shift == 0 and _medium(full_engine, paper) == [SURER]


def test_a_reply_giving_views_on_a_draft_is_internal_a_reply_that_decides_is_published():
    views = document_context(text_document("关于对《城东片区征收补偿方案（征求意见稿）》意见的复函\n" + PASSAGE))
    decides = document_context(text_document("关于同意调整城东片区控制性详细规划的复函\n" + PASSAGE))
    assert views.shift > 0 and decides.shift < 0


def test_a_normative_documents_closing_clause_is_a_sign_a_work_plans_is_not(full_engine):
    norm = text_document("关于城区停车收费的若干措施\n" + PASSAGE + "\n本办法由市发展改革委负责解释。")
    plan = text_document("关于城区停车收费的若干措施\n" + PASSAGE + "\n本方案自印发之日起实施。")
    assert "规范性文件" in document_context(norm).reason and _medium(full_engine, norm) == []
    assert document_context(plan).shift == 0 and _medium(full_engine, plan) == [PASSAGE]


def test_signs_of_different_kinds_add_up(full_engine):
    """A passage the model is sure of survives one sign of publication, not a genre and a form together."""
    one = text_document("关于城东片区房屋征收工作的通知\n" + SURER + "\n（此件公开发布）")
    two = text_document("某市国有土地上房屋征收与补偿实施办法\n" + SURER + "\n本办法自2026年1月1日起施行。")
    assert document_context(one).shift == PUBLISHED_SHIFT
    assert document_context(two).shift == 2 * PUBLISHED_SHIFT
    assert _medium(full_engine, one) == [SURER]
    assert _medium(full_engine, two) == []


def test_a_mark_is_a_declaration_and_never_adds_to_other_signs(full_engine):
    """A draft is screened before it is published, and its 公开属性 or 附注 is what the drafter declares:
    a secret passage under a wrong （此件公开发布） on a 办法 keeps the weight of the genre alone."""
    marked = text_document("某市国有土地上房屋征收与补偿实施办法\n" + SURER + "\n（此件公开发布）")
    assert document_context(marked).shift == PUBLISHED_SHIFT
    assert "公开发布类" in document_context(marked).reason and "附注" not in document_context(marked).reason
    assert _medium(full_engine, marked) == [SURER]
