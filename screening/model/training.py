"""Train, evaluate and write the classifier artifact, its metadata and the model card.

    screening train [--if-changed] [--with-feedback FILE.jsonl]

Deterministic: fixed seeds, single-threaded solvers. The test split is scored once,
for the card; thresholds are chosen on the validation split for a target precision.
"""
from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass
from pathlib import Path

from screening.model.corpus import Passage, by_split, corpus_hash, load_corpus
from screening.model.textmodel import LABELS, SENSITIVE, build_pipeline

TARGET_PRECISION = 0.88
# Real drafts are overwhelmingly publishable; the validation split is not (about half normal).
# The threshold for reporting a passage at medium severity is chosen for the precision a
# reviewer would see on real documents, assuming DEPLOYMENT_PREVALENCE of their sentences are
# sensitive: each normal validation passage is counted as many times as that prior requires.
# Below it, down to the plain threshold, passages are reported at low severity as hints.
DEPLOYMENT_PREVALENCE = 0.01
RANDOM_STATE = 0


def models_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "models"


@dataclass(frozen=True)
class Paths:
    data: Path
    artifact: Path
    metadata: Path
    card: Path

    @classmethod
    def default(cls, root: Path | None = None) -> "Paths":
        root = root or models_dir()
        return cls(root / "data", root / "classifier.joblib", root / "classifier.json", root / "MODEL_CARD.md")


def code_files() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / "textmodel.py", here / "training.py", here / "corpus.py"]


def decide(probabilities, thresholds: dict[str, float]) -> list[str]:
    """Per row: the most probable sensitive class over its threshold, else "normal"."""
    labels = []
    for row in probabilities:
        best, best_p = "normal", 0.0
        for index, label in enumerate(LABELS):
            p = float(row[index])
            if label in thresholds and p >= thresholds[label] and p > best_p:
                best, best_p = label, p
        labels.append(best)
    return labels


def choose_thresholds(probabilities, gold: list[str], target: float = TARGET_PRECISION,
                      normal_weight: float = 1.0) -> dict[str, float]:
    """Per sensitive class, the lowest threshold whose precision on `gold` reaches the target,
    counting each false alarm on a `normal` passage `normal_weight` times."""
    thresholds = {}
    for label in SENSITIVE:
        index = LABELS.index(label)
        chosen = 0.99
        for t in [x / 100 for x in range(30, 100)]:
            predicted = [i for i, row in enumerate(probabilities) if row[index] >= t]
            if len(predicted) < 5:
                break
            hits = sum(gold[i] == label for i in predicted)
            alarms = sum((normal_weight if gold[i] == "normal" else 1) for i in predicted if gold[i] != label)
            if hits / (hits + alarms) >= target:
                chosen = t
                break
        thresholds[label] = chosen
    return thresholds


def normal_weight(gold: list[str], prevalence: float = DEPLOYMENT_PREVALENCE) -> float:
    """How many times a normal passage counts so that the split has the deployment prior."""
    normal = sum(g == "normal" for g in gold)
    sensitive = len(gold) - normal
    return ((1 - prevalence) / prevalence) / (normal / sensitive)


def scores(gold: list[str], predicted: list[str]) -> dict:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    p, r, f, n = precision_recall_fscore_support(gold, predicted, labels=list(LABELS), zero_division=0)
    per_class = {label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                         "f1": round(float(f[i]), 4), "support": int(n[i])} for i, label in enumerate(LABELS)}
    matrix = confusion_matrix(gold, predicted, labels=list(LABELS)).tolist()
    return {"per_class": per_class, "confusion_matrix": matrix, "labels": list(LABELS)}


def cross_validated(passages: list[Passage], folds: int = 5) -> dict:
    """Grouped k-fold macro-F1 on the training split (documents never straddle folds)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    texts = [p.text for p in passages]
    gold = [p.label for p in passages]
    groups = [p.doc for p in passages]
    results = []
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(texts, gold, groups):
        pipe = build_pipeline(RANDOM_STATE).fit([texts[i] for i in train_idx], [gold[i] for i in train_idx])
        predicted = pipe.predict([texts[i] for i in test_idx])
        results.append(f1_score([gold[i] for i in test_idx], predicted, average="macro"))
    return {"folds": folds, "macro_f1_mean": round(sum(results) / len(results), 4),
            "macro_f1_per_fold": [round(x, 4) for x in results]}


def train(paths: Paths, feedback: list[Passage] = (), cv: bool = True) -> dict:
    import joblib
    import sklearn

    started = time.time()
    passages = load_corpus(paths.data)
    train_set = by_split(passages, "train") + list(feedback)
    validation, test = by_split(passages, "validation"), by_split(passages, "test")
    pipeline = build_pipeline(RANDOM_STATE).fit([p.text for p in train_set], [p.label for p in train_set])
    assert list(pipeline.classes_) == list(LABELS), pipeline.classes_
    validation_probabilities = pipeline.predict_proba([p.text for p in validation])
    validation_gold = [p.label for p in validation]
    thresholds = choose_thresholds(validation_probabilities, validation_gold)
    medium = choose_thresholds(validation_probabilities, validation_gold, target=0.9,
                               normal_weight=normal_weight(validation_gold))
    medium = {label: max(medium[label], thresholds[label]) for label in thresholds}
    test_predicted = decide(pipeline.predict_proba([p.text for p in test]), thresholds)
    metadata = {
        "schema": "screening.model/1",
        "labels": list(LABELS),
        "thresholds": thresholds,
        "medium_thresholds": medium,
        "target_precision": TARGET_PRECISION,
        "deployment_prevalence": DEPLOYMENT_PREVALENCE,
        "deployment_normal_weight": round(normal_weight(validation_gold), 1),
        "corpus_sha256": corpus_hash(paths.data, *code_files()),
        "feedback_passages": len(feedback),
        "sizes": {split: len(by_split(passages, split)) for split in ("train", "validation", "test")},
        "class_counts": {label: sum(p.label == label for p in passages) for label in LABELS},
        "validation": scores(validation_gold, decide(validation_probabilities, thresholds)),
        "test": scores([p.label for p in test], test_predicted),
        "test_medium": scores([p.label for p in test], decide(pipeline.predict_proba([p.text for p in test]), medium)),
        "cross_validation": cross_validated(by_split(passages, "train")) if cv else None,
        "versions": {"sklearn": sklearn.__version__, "python": platform.python_version(),
                     "jieba": __import__("jieba").__version__, "joblib": joblib.__version__},
        "random_state": RANDOM_STATE,
    }
    paths.artifact.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, paths.artifact, compress=3)
    metadata["train_seconds"] = round(time.time() - started, 1)
    paths.metadata.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    from screening.model.card import render_card

    paths.card.write_text(render_card(metadata), encoding="utf-8")
    return metadata


def up_to_date(paths: Paths) -> bool:
    import sklearn

    if not (paths.artifact.exists() and paths.metadata.exists()):
        return False
    try:
        meta = json.loads(paths.metadata.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    return (meta.get("corpus_sha256") == corpus_hash(paths.data, *code_files())
            and meta.get("versions", {}).get("sklearn") == sklearn.__version__)
