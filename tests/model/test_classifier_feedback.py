"""`screening train --with-feedback`: retrain with reviewers' labels, keep the old model if worse."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("screening")


def _rows(per_class: int, skip: int = 0) -> list[dict]:
    taken: dict[str, int] = {}
    rows = []
    for path in sorted((ROOT / "models" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            n = taken.get(row["label"], 0)
            taken[row["label"]] = n + 1
            if skip <= n < skip + per_class:
                rows.append(row)
    return rows


def _train(models: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), "train", "--models", str(models), "--no-cv", *extra],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture()
def models(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "small.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in _rows(120)) + "\n", encoding="utf-8")
    assert _train(tmp_path).returncode == 0
    return tmp_path


def test_harmful_feedback_keeps_the_old_model(models, tmp_path):
    before = (models / "build" / "weights.npy").read_bytes()
    wrong = [{"text": r["text"], "label": "normal"} for r in _rows(150, skip=120)
             if r["label"] in ("state_secret", "work_secret")]
    feedback = tmp_path / "wrong.jsonl"
    feedback.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in wrong), encoding="utf-8")
    result = _train(models, "--with-feedback", str(feedback))
    assert result.returncode == 1 and "保留原模型" in result.stdout
    assert (models / "build" / "weights.npy").read_bytes() == before


def test_helpful_feedback_replaces_the_model(models, tmp_path):
    right = [{"text": r["text"], "label": r["label"]} for r in _rows(40, skip=120)]
    feedback = tmp_path / "right.jsonl"
    feedback.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in right), encoding="utf-8")
    result = _train(models, "--with-feedback", str(feedback))
    assert result.returncode == 0, result.stdout + result.stderr
    meta = json.loads((models / "build" / "classifier.json").read_text(encoding="utf-8"))
    assert meta["feedback_passages"] == len(right)
