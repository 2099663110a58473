"""Names of private persons in running text: a tagger's candidates decided by context, officials
acting in office left alone."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

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


# The tagger reads only the sentences that the one whole-text scan marks and, in them, only the
# windows where some span would be accepted as a name: the findings must be those of tagging every
# window of every sentence.
_PIECES = ["村民", "申请人", "其妻", "之子", "，男，", "（女，", "1985年3月出生", "45岁", "身份证", "住址", "驾驶", "家住",
           "王建国", "欧阳娜娜", "张伟", "李秀英", "赵", "桂兰", "王　芳", "·", " ", "局长", "同志", "主持", "表彰",
           "的", "和", "反映", "工作", "全国", "高度", "方案", "。", "；", "\n", "，", "：", "13912345678", "A"]


def _tag_every_window(detector, text: str) -> list[tuple[int, int]]:
    from screening.detectors import prose_names as p

    found = []
    for lo, hi in p._sentences(text):
        sentence = text[lo:hi]
        windows = p._windows(sentence)
        if not windows or p._OFFICIAL_ACT.search(sentence):
            continue
        spans = dict.fromkeys((a + s, a + e) for a, b in windows
                              for s, e in p._candidates(detector._tagger(), sentence[a:b], detector._given))
        found += [(lo + s, lo + e) for s, e in spans if detector._accepted(sentence, s, e)]
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40))
@example(["村民", "·", "张伟", "。"])          # a name found from the padding before it
@example(["其妻", "王　芳", "；", "户主", "欧阳娜娜", "家住", "住址"])
def test_tagging_only_where_a_name_could_be_found_finds_what_tagging_everything_finds(pieces):
    from screening.detectors.prose_names import ProseNameDetector
    from screening.normalize import normalize

    view = normalize(text_document("".join(pieces)).parts[0])
    detector = ProseNameDetector()
    got = [(f.location.start, f.location.end) for f in detector.detect_view(view)]
    assert got == [view.original_span(s, e) for s, e in _tag_every_window(detector, view.text)]
