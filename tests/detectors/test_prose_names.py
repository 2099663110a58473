"""Names of private persons in running text: a tagger's candidates decided by context, officials
acting in office left alone."""
from __future__ import annotations

import pytest

from screening.extract import extract_bytes
from screening.pipeline import text_document

from tests.docgen import make_docx

PRIVATE = [
    ("村民⟦王建国⟧驾驶摩托车在乡道上与一辆货车相撞。", "村民"),
    ("被告人⟦张伟⟧，男，1985年3月出生，住溧阳市溧城镇。", "被告人"),
    ("患者⟦欧阳娜娜⟧，女，45岁，因胸闷入院。", "患者"),
    ("当晚其妻⟦刘芳⟧赶到现场。", "其妻"),
    ("⟦陈晓明⟧之子在实验小学就读。", "之子"),
    ("信访人⟦赵桂兰⟧反映其子被拖欠工资。", "信访人"),
    ("受害人⟦李秀英⟧，女，1962年出生。", "受害人"),
    ("户主⟦孙德胜⟧家中共有4人。", "户主"),
]
OFFICIAL = [
    "局长王建国主持会议，副局长李强出席。",
    "法定代表人王建国，男，1970年出生。",
    "王建国同志任市水务局副局长。",
    "市管干部任前公示：李秀英，女，1975年出生，拟任市财政局副局长。",
    "经研究，决定对李秀英等10名同志予以表彰。",
    "患者张某，女，45岁。",
    "村民张*明反映情况属实。",
    "人民群众的幸福感不断增强。",
]


def _names(engine, text: str) -> list[str]:
    return [f.text for f in engine.screen(text_document(text)).findings if f.rule == "pii.name_prose"]


@pytest.mark.parametrize(("example", "word"), PRIVATE, ids=[w for _, w in PRIVATE])
def test_a_private_person_named_in_prose_is_found(engine, example, word):
    text = example.replace("⟦", "").replace("⟧", "")
    expected = example[example.index("⟦") + 1:example.index("⟧")]
    report = engine.screen(text_document(text))
    found = [f for f in report.findings if f.rule == "pii.name_prose"]
    assert [f.text for f in found] == [expected]
    assert found[0].location.start == text.index(expected) and word in found[0].explanation.context_words


@pytest.mark.parametrize("text", OFFICIAL)
def test_officials_masked_names_and_common_words_stay_quiet(engine, text):
    assert _names(engine, text) == []


def test_names_in_a_docx_body_keep_their_paragraph(engine):
    data = make_docx(paragraphs=["关于一起道路交通事故的情况通报", "3月5日，村民王建国驾驶摩托车与货车相撞。"])
    report = engine.screen(extract_bytes(data, "report.docx"))
    found = [f for f in report.findings if f.rule == "pii.name_prose"]
    assert [(f.text, f.location.paragraph) for f in found] == [("王建国", 2)]


def test_a_commendation_notice_names_its_people_in_public(engine):
    text = "关于表彰优秀志愿者的通报\n志愿者张三，男，1985年出生，在社区服务中表现突出。"
    assert _names(engine, text) == []
    assert _names(engine, text.replace("关于表彰优秀志愿者的通报", "关于一起纠纷的情况说明")) == ["张三"]
