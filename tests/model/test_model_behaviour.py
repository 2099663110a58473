"""What a reviewer sees from the shipped model: reasons in words, no judgement of foreign-language
or non-prose passages, the document's context, hints, lazy loading and a light start-up."""
from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from screening.model.artifact import Paths
from screening.model.context import document_context
from screening.model.features import featurize
from screening.model.predict import Model
from screening.model.prose import judgeable
from screening.pipeline import text_document
from screening.types import Severity, Source

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def model() -> Model:
    return Model.load(Paths.default())


def _model_findings(engine, text: str, name: str = "text.txt"):
    """The classifier's own findings (before a rule finding on the same text absorbs them)."""
    detector = next(d for d in engine.detectors if d.name == "classifier")
    findings = list(detector.detect(text_document(text, name), ()))
    assert all(f.source is Source.CLASSIFIER for f in findings)
    return findings


@pytest.mark.parametrize("text", [
    "Правительство области рассмотрело вопрос о строительстве новой дороги и утвердило план работ на следующий год.",
    "市の担当者によると、新しい計画は来月の会議で正式に決定される予定です。",
    "2023年 12.5 13.8 14.2 15.0 16.7 18.9 20.1 21.3 22.8 24.0",
    "def load(path): return json.loads(open(path).read())  # 读取配置文件中的参数",
    "详见 https://www.example.gov.cn/zwgk/xxgk/2024/content_123456.html?from=list",
])
def test_foreign_language_and_non_prose_passages_are_not_judged(full_engine, text):
    assert not judgeable(text)
    assert _model_findings(full_engine, text) == []


def test_chinese_prose_is_judged():
    assert judgeable("经研究，拟提名王某某为副局长人选，名单暂不对外。")


@pytest.mark.parametrize("text", [
    "经研究，拟提名王某某为副局长人选，名单暂不对外。",
    "对方要求地价每亩八万元，我方能接受的最低价为每亩十二万元，这个底线谈判时不能透露。",
    "今年前三季度全省工业增加值初步核算增速为3.1%，国家统计局尚未审定发布。",
    "该部队下月将由城西营区移防至北郊新建基地，具体坐标见附件。",
])
def test_reasons_are_words_never_digits_or_fragments(full_engine, text):
    found = _model_findings(full_engine, text)
    assert found, text
    for f in found:
        words = [w for w in f.explanation.features if not w.startswith("文件")]
        assert words, f.message
        for w in words:
            assert re.fullmatch(r"[\u4e00-\u9fff]{2,}", w), w
        assert "主要依据：“" in f.message


def test_a_de_identified_line_is_not_a_finding(full_engine):
    for text in ("救助对象张某某，已审核。", "申请人李某某，材料齐全，经公示无异议，已纳入临时救助。"):
        assert [f for f in _model_findings(full_engine, text) if not f.hint] == []


def test_low_model_findings_are_hints_and_hints_are_low(full_engine):
    text = "\n".join(["县里对这个事情的考虑是先放一放，等下个月再说。", "会议要求各单位抓好落实。",
                      "这个方案大家再看看，有意见会后提。"])
    for f in _model_findings(full_engine, text):
        assert f.hint == (f.severity is Severity.LOW)


SECRET = "对坚持不签约的十七户，由街道逐户摸清家庭情况，下月中旬前再研究是否启动裁决程序。"


def test_the_document_context_moves_the_score(model):
    internal = text_document("城东片区征收工作会议纪要\n" + SECRET, "会议纪要.txt")
    published = text_document("公开属性：主动公开\n城东片区征收工作情况\n" + SECRET, "通报.txt")
    c_internal, c_published = document_context(internal), document_context(published)
    assert c_internal.shift > 0 > c_published.shift
    assert "会议纪要" in c_internal.reason and "主动公开" in c_published.reason
    start = internal.parts[0].text.index(SECRET)
    p_internal = model.score(internal.parts[0].text, [start], [start + len(SECRET)], c_internal, [40])
    start = published.parts[0].text.index(SECRET)
    p_published = model.score(published.parts[0].text, [start], [start + len(SECRET)], c_published, [40])
    score_internal = p_internal[0].score if p_internal else 0.0
    score_published = p_published[0].score if p_published else 0.0
    assert score_internal > score_published


def test_a_figure_released_elsewhere_in_the_document_counts_as_released():
    doc = text_document("据统计，全年粮食总产量达到38.6万吨。\n今年粮食总产量38.6万吨，创历史新高。")
    context = document_context(doc)
    assert context.figures_released("今年粮食总产量38.6万吨，创历史新高。")
    assert not document_context(text_document("初步核算粮食总产量38.6万吨，尚未公布。")).released


@pytest.mark.parametrize("text", ["关于城东片区征收补偿标准，会议明确：住宅补偿按每平方米11200元掌握。\n对外先按10500元谈。",
                                  "ab 12", "尚未公布"])
def test_direct_scoring_equals_the_training_features(model, text):
    starts, ends = [0], [len(text)]
    fast, _ = model.margins(text, starts, ends)
    rows, cols, scale = featurize(text, starts, ends, model.vocabulary)
    slow = np.zeros_like(fast)
    np.add.at(slow, rows, np.asarray(model.weights[cols], dtype=np.float64))
    assert np.allclose(fast, slow * scale[:, None] + model.bias)


def test_run_time_probabilities_are_the_ones_the_thresholds_were_set_on(model):
    """The thresholds are points on training's probabilities (the mean of the character and the word
    view's calibrated ones): screening must read a passage's probability the same way, or a medium
    finding would not mean the recall the card states."""
    import json

    from screening.model.features import passages_matrix
    from screening.model.training import Fitted, calibrated

    meta = json.loads(Paths.default().metadata.read_text(encoding="utf-8"))
    assert len(meta["views"]) == 2 and model.weights.shape[1] == 2 * 4
    texts = ["明年拟纳入改造的小区名单，在常务会议审议之前只在班子成员中传阅。", "今年全市新增城镇就业二点一万人。"]
    expected = calibrated(Fitted(model.weights, model.bias).margins(passages_matrix(texts, model.vocabulary)),
                          meta["calibration"])
    for i, text in enumerate(texts):
        margins, _ = model.margins(text, [0], [len(text)])
        assert np.allclose(1 / (1 + np.exp(-model.logits(margins)[0])), expected[i])


def test_the_model_is_mapped_only_when_a_passage_needs_it():
    from screening.engine import build_engine

    engine = build_engine()
    detector = next(d for d in engine.detectors if d.name == "classifier")
    engine.screen(text_document("a b c\n12 34"))
    assert "model" not in vars(detector.model)
    engine.screen(text_document("各乡镇要组织技术人员对辖区内的集中供水工程开展一次全面排查。"))
    assert "model" in vars(detector.model)


def _modules_after_check(tmp_path, *extra):
    small = tmp_path / "small.txt"
    small.write_text("各乡镇要组织技术人员对辖区内的集中供水工程开展一次全面排查。\n", encoding="utf-8")
    code = ("import sys; from screening.cli import main; main(['check', '--jobs', '1', sys.argv[1], *sys.argv[2:]]);"
            "print(' '.join(sorted(m for m in sys.modules if '.' not in m)))")
    out = subprocess.run([sys.executable, "-c", code, str(small), *extra], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    return set(out.stdout.split("\n")[-2].split())


def test_check_starts_without_the_heavy_libraries(tmp_path):
    loaded = _modules_after_check(tmp_path)
    assert "numpy" in loaded and not loaded & {"sklearn", "jieba", "scipy", "flask", "sqlalchemy"}
    loaded = _modules_after_check(tmp_path, "--no-classifier")
    assert not loaded & {"numpy", "sklearn", "jieba", "scipy", "flask", "sqlalchemy"}
    # a text file needs no reader of other formats in the checking process (the sandbox has them)
    assert not loaded & {"pypdfium2", "pdfplumber", "pdfminer", "rapidocr_onnxruntime", "openpyxl", "xlrd", "docx"}


def test_a_portal_page_is_known_as_published_by_its_header_marks():
    """A portal page's 索 引 号 / 发布日期 block stands after the article, its labels spaced out."""
    from screening.types import Part, PartKind

    body = text_document("中华人民共和国国务院令\n" + "第一条　为了规范专利代理行为，制定本条例。\n" * 200)
    header = Part(kind=PartKind.HEADER, text="索 引 号：\n000014349/2018-00206\n发布日期：\n2018年11月19日",
                  blocks=(), label="页眉")
    page = dataclasses.replace(body, parts=body.parts + (header,))
    assert document_context(body).shift == 0
    context = document_context(page)
    assert context.shift < 0 and "网站发布信息" in context.reason


def test_an_enacted_text_with_numbered_articles_is_known_as_published():
    """A regulation's 第一条、第二条、第三条… is published once in force; a title that says 汇报 is internal."""
    statute = text_document("第一条　为了规范城市供水，制定本办法。\n第二条　本办法适用于本市行政区域。\n"
                            "第三条　供水企业应当公布水价。\n第四条　本办法自公布之日起施行。")
    context = document_context(statute)
    assert context.shift < 0 and "法规规章条文" in context.reason
    report = document_context(text_document("关于城东片区征收进展的汇报\n" + SECRET))
    assert report.shift > 0 and "汇报" in report.reason
