"""Engine-level behaviour: verdicts, merging, warnings, purity of the engine modules."""
from __future__ import annotations

import subprocess
import sys

import pytest

from screening.engine import prepare
from screening.merge import merge
from screening.pipeline import text_document
from screening.types import (Block, Category, Document, Explanation, Finding, Location, Part, PartKind, Severity,
                             Source, Verdict)


def test_engine_modules_import_no_web_or_db_framework():
    code = ("import sys, screening.engine, screening.pipeline, screening.report, screening.detectors.rules;"
            "bad = [m for m in ('flask', 'sqlalchemy') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("text", "verdict"), [
    ("市政府办公室关于做好政府信息公开工作的通知。", Verdict.PASS),
    ("申请人身份证号11010519491231002X，请核实。", Verdict.BLOCK),
    ("请登录内网地址192.168.1.20进行填报。", Verdict.REVIEW),
])
def test_verdict_follows_the_most_severe_finding(engine, text, verdict):
    assert engine.screen(text_document(text)).verdict is verdict


def test_an_incomplete_extraction_is_never_a_pass(engine):
    doc = text_document("市政府办公室关于做好政府信息公开工作的通知。")
    doc = Document(doc.name, doc.sha256, "pdf", 3, doc.parts, doc.size, warnings=("PDF第2页无文本层（可能为扫描件）",))
    report = engine.screen(doc)
    assert report.verdict is not Verdict.PASS
    (finding,) = [f for f in report.findings if f.rule == "extract.incomplete"]
    assert "第2页无文本层" in finding.text and finding.location.part is PartKind.METADATA


def test_parts_of_one_kind_are_joined_with_offsets_kept():
    a = Part(PartKind.HEADER, "第一节页眉", (Block(1, 1, 0, 5),))
    b = Part(PartKind.HEADER, "第二节页眉", (Block(2, 1, 0, 5),))
    doc = prepare(Document("x.docx", "0" * 64, "docx", 2, (a, b)))
    (header,) = doc.parts
    assert header.text == "第一节页眉\n第二节页眉"
    assert [header.text[blk.start:blk.end] for blk in header.blocks] == ["第一节页眉", "第二节页眉"]
    assert [blk.paragraph for blk in header.blocks] == [1, 2]


def _finding(rule, start, end, severity=Severity.MEDIUM, source=Source.RULE, category=Category.NETWORK):
    return Finding(rule=rule, category=category, subtype=None, severity=severity, source=source,
                   text="x" * (end - start), location=Location(PartKind.BODY, None, 1, start, end),
                   message=f"{rule} 的说明", suggestion="处理", confidence=0.8, explanation=Explanation(detector="t"))


def test_overlapping_findings_of_one_category_merge_into_the_longest_with_both_reasons():
    url = _finding("net.admin_url", 10, 50)
    ip = _finding("net.private_ipv4", 17, 30)
    (merged,) = merge([ip, url])
    assert merged.rule == "net.admin_url" and merged.explanation.also == ("net.private_ipv4",)


def test_a_more_severe_finding_survives_a_merge():
    low = _finding("a.low", 0, 40, Severity.LOW)
    high = _finding("a.high", 5, 10, Severity.HIGH)
    (merged,) = merge([low, high])
    assert merged.rule == "a.high" and merged.severity is Severity.HIGH


def test_a_classifier_passage_merges_into_the_rule_finding_it_covers():
    rule = _finding("work.bid_base_price", 5, 15, category=Category.WORK_SECRET)
    model = _finding("classifier.work_secret", 0, 40, source=Source.CLASSIFIER, category=Category.WORK_SECRET)
    (merged,) = merge([model, rule])
    assert merged.rule == "work.bid_base_price" and "classifier.work_secret" in merged.explanation.also
    assert "classifier.work_secret 的说明" in merged.message


def test_findings_of_different_categories_are_kept_apart():
    assert len(merge([_finding("a.x", 0, 10), _finding("b.y", 0, 10, category=Category.HIDDEN)])) == 2


def test_json_report_has_exactly_the_spec_keys(engine):
    report = engine.screen(text_document("服务器地址：10.3.1.25，身份证号11010519491231002X")).to_dict()
    assert set(report) == {"document", "verdict", "error", "findings"}
    assert set(report["document"]) == {"name", "sha256", "format", "pages", "chars"}
    spec_keys = {"rule", "category", "subtype", "severity", "source", "text", "location", "message",
                 "suggestion", "confidence"}
    for finding in report["findings"]:
        assert spec_keys <= set(finding)
        assert set(finding["location"]) == {"part", "page", "paragraph", "start", "end"}


def test_each_keyword_occurrence_opens_its_window_whatever_the_order_of_the_keywords(engine):
    """A keyword-gated pattern runs near every occurrence of any of its keywords: here the rule's
    later keyword (考察对象) comes first in the text and its earlier one (拟任) far below it; both
    passages are found (windows were once merged out of text order, losing the first)."""
    filler = "\n".join(f"第{n}项工作按计划推进。" for n in range(20))
    text = ("民主推荐得票排名前三的同志列为考察对象。\n" + filler +
            "\n经党组会议酝酿，拟任人选：王建国（现任办公室主任）。\n")
    found = [f.text for f in engine.screen(text_document(text)).findings if f.rule == "work.candidate_list"]
    assert found == ["考察对象", "拟任人选：王建国（现任办公室主任）"]
