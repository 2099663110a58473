"""The held-back sets stay held back: well-formed, and never part of the corpus the model is fit on
(a passage copied into models/data would make the benchmark's held-back figure a training score)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from screening.model.corpus import load_corpus
from screening.model.features import prepare

ROOT = Path(__file__).resolve().parents[2]
SETS = [ROOT / "models" / "heldout" / "heldout.jsonl", ROOT / "models" / "heldout2" / "heldout.jsonl"]


def test_the_second_held_back_set_passes_its_own_check():
    spec = importlib.util.spec_from_file_location("heldout2_check", ROOT / "models" / "heldout2" / "check.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    assert check.problems() == []


def test_no_held_back_passage_is_in_the_training_corpus():
    corpus = {prepare(p.text) for p in load_corpus(ROOT / "models" / "data")}
    for path in SETS:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert len(rows) >= 80
        leaked = [row["text"] for row in rows if prepare(row["text"]) in corpus and row["label"] != "normal"]
        assert leaked == []
