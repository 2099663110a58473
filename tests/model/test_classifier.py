"""The classifier: segmentation, training on a small corpus, the shipped model against its card."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from screening.errors import ModelError
from screening.model.artifact import Paths, read_metadata
from screening.model.corpus import by_split, load_corpus
from screening.model.segment import segments
from screening.model.training import train
from screening.pipeline import text_document
from screening.types import Part, PartKind, Source

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = Paths.default()


@pytest.mark.parametrize(("text", "expected"), [
    ("第一句话写在这里。第二句话也在这里！第三句？", ["第一句话写在这里。", "第二句话也在这里！"]),
    ("他说：“开标前请严格保密。”随后会议宣布散会。", ["他说：“开标前请严格保密。”", "随后会议宣布散会。"]),
    ("  前导空格的句子很长一些；\n  第二行的句子也很长  ", ["前导空格的句子很长一些；", "第二行的句子也很长"]),
])
def test_segments_keep_offsets_into_the_original(text, expected):
    part = text_document(text).parts[0]
    assert [part.text[s:e] for s, e in segments(part)] == expected


def test_long_sentences_are_cut_at_a_comma():
    text = "，".join(["这是一个相当长的分句用来测试切分"] * 40) + "。"
    part = Part(PartKind.BODY, text, ())
    spans = list(segments(part))
    assert len(spans) > 1 and all(e - s <= 240 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text


def test_split_is_by_document_and_no_passage_is_in_two_splits():
    passages = load_corpus(ROOT / "models" / "data")
    splits_of_doc: dict[str, set[str]] = {}
    for p in passages:
        splits_of_doc.setdefault(p.doc, set()).add(p.split)
    assert all(len(s) == 1 for s in splits_of_doc.values())
    from screening.model.features import prepare

    seen: dict[str, str] = {}
    for p in passages:
        key = prepare(p.text)
        assert seen.setdefault(key, p.split) == p.split
    assert all(p.split != "test" for p in passages if p.provenance.startswith("template"))


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> Paths:
    """A model trained in the test on a small slice of the real corpus (40 passages per class)."""
    root = tmp_path_factory.mktemp("models")
    (root / "data").mkdir()
    taken: dict[str, int] = {}
    lines = []
    for path in sorted((ROOT / "models" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            label = json.loads(line)["label"]
            if taken.get(label, 0) < 40:
                taken[label] = taken.get(label, 0) + 1
                lines.append(line)
    (root / "data" / "small.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths = Paths.default(root)
    train(paths, cv=False)
    return paths


def test_training_writes_artifact_metadata_and_card(small_model):
    meta = json.loads(small_model.metadata.read_text(encoding="utf-8"))
    assert small_model.weights.exists() and small_model.vocabulary.exists()
    assert set(meta["thresholds"]["low"]) == {"state_secret", "work_secret", "personal_private"}
    card = small_model.card.read_text(encoding="utf-8")
    assert "Confusion matrix" in card and meta["corpus_sha256"][:16] in card


def test_training_is_deterministic(small_model, tmp_path):
    again = Paths.beside(small_model.data, tmp_path)
    train(again, cv=False)
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (small_model.metadata, again.metadata))
    assert first["test"] == second["test"] and first["model_sha256"] == second["model_sha256"]
    assert small_model.card.read_text(encoding="utf-8") == again.card.read_text(encoding="utf-8")


def test_a_model_of_another_format_is_refused(small_model, tmp_path):
    meta = json.loads(small_model.metadata.read_text(encoding="utf-8"))
    meta["schema"] = "screening.model/1"
    other = Paths.beside(small_model.data, tmp_path)
    other.metadata.write_text(json.dumps(meta), encoding="utf-8")
    shutil.copy(small_model.weights, other.weights)
    shutil.copy(small_model.vocabulary, other.vocabulary)
    with pytest.raises(ModelError, match="screening.model/1"):
        read_metadata(other)


def test_a_missing_model_says_how_to_build_it(tmp_path):
    with pytest.raises(ModelError, match="screening train"):
        read_metadata(Paths.beside(tmp_path, tmp_path))


# --- the shipped model (built by `make` before the tests run) -----------------------------

@pytest.fixture(scope="module")
def shipped_meta() -> dict:
    if not SHIPPED.weights.exists():
        pytest.fail("models/build/ is empty: `make test` builds the model with `screening train --if-changed`")
    return json.loads(SHIPPED.metadata.read_text(encoding="utf-8"))


@pytest.mark.parametrize("label", ["state_secret", "work_secret"])
def test_shipped_model_meets_its_targets_at_medium(shipped_meta, label):
    """At medium severity (grouped cross-validation by source document, and the test split). Medium
    is held to a normal-sentence rate a published document can bear (training.MEDIUM_NORMAL_RATE),
    so precision is high and recall is what that rate leaves: more than half of each class."""
    for block in (shipped_meta["grouped_cv"]["medium"], shipped_meta["test_medium"]):
        m = block["per_class"][label]
        assert m["precision"] >= 0.90 and m["recall"] >= 0.50, m


def test_model_card_reports_the_shipped_metrics(shipped_meta):
    card = SHIPPED.card.read_text(encoding="utf-8")
    for block in (shipped_meta["test_medium"], shipped_meta["grouped_cv"]["medium"]):
        for label, m in block["per_class"].items():
            assert f"| `{label}`" in card and f"{m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f}" in card


def test_corpus_is_large_and_balanced_enough():
    counts: dict[str, int] = {}
    for p in load_corpus(ROOT / "models" / "data"):
        counts[p.label] = counts.get(p.label, 0) + 1
    assert counts["normal"] >= 2000 and counts["state_secret"] >= 600 and counts["work_secret"] >= 600, counts
    assert len(by_split(load_corpus(ROOT / "models" / "data"), "test")) > 300


@pytest.mark.parametrize(("text", "category"), [
    ("该部队下月将由城西营区移防至北郊新建基地，具体坐标见附件。", "state_secret"),
    ("经研究，拟提名王某某为副局长人选，名单暂不对外。", "work_secret"),
    pytest.param("本项目标底为5,962万元，开标当日现场拆封。", "work_secret", marks=pytest.mark.xfail(
        strict=True, reason="a known miss since medium admits only 0.25 % of normal sentences "
                            "(training.MEDIUM_NORMAL_RATE); found at the earlier 1 %")),
])
def test_issue_examples_are_flagged_by_the_classifier(full_engine, text, category):
    report = full_engine.screen(text_document(text))
    flagged = [f for f in report.findings
               if f.category == category and (f.source is Source.CLASSIFIER or f.explanation.model_score is not None
                                              or any(r.startswith("classifier.") for r in f.explanation.also))]
    assert flagged, [f.to_dict() for f in report.findings]
    assert any(f.explanation.features for f in flagged) or any(f.explanation.also for f in flagged)


def test_no_classifier_setting_turns_it_off(engine):
    report = engine.screen(text_document("该部队下月将由城西营区移防至北郊新建基地，具体坐标见附件。"))
    assert all(f.source is not Source.CLASSIFIER for f in report.findings)
