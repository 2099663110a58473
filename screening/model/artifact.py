"""Where the model lives and how it is read: models/build/ (ignored by git) holds the weights
(a float32 .npy, memory-mapped), the vocabulary and classifier.json; models/MODEL_CARD.md is
rendered from the same metadata. Loading is lazy: an engine checks the metadata when it is
built and maps the weights the first time a passage needs the model."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from screening.errors import ModelError
from screening.model.labels import LABELS

SCHEMA = "screening.model/3"   # 3: one linear model per view, their probabilities averaged


def models_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "models"


@dataclass(frozen=True)
class Paths:
    data: Path
    weights: Path
    vocabulary: Path
    metadata: Path
    card: Path

    @classmethod
    def default(cls, root: Path | None = None) -> "Paths":
        root = root or models_dir()
        build = root / "build"
        return cls(root / "data", build / "weights.npy", build / "vocabulary.txt", build / "classifier.json",
                   root / "MODEL_CARD.md")

    @classmethod
    def beside(cls, data: Path, folder: Path) -> "Paths":
        """Artifacts in `folder` for the corpus in `data` (a candidate model, a test)."""
        return cls(data, folder / "weights.npy", folder / "vocabulary.txt", folder / "classifier.json",
                   folder / "MODEL_CARD.md")

    @property
    def artifacts(self) -> tuple[Path, ...]:
        return self.weights, self.vocabulary, self.metadata, self.card


def read_metadata(paths: Paths) -> dict:
    """The metadata of a built model, checked: present, of this schema, these labels."""
    if not (paths.weights.exists() and paths.vocabulary.exists() and paths.metadata.exists()):
        raise ModelError(f"分类模型不存在（{paths.metadata.parent}）：请先运行 `screening train`（make 会自动构建）")
    try:
        meta = json.loads(paths.metadata.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"分类模型的说明文件已损坏（{paths.metadata}）：请重新运行 `screening train`") from exc
    if meta.get("schema") != SCHEMA:
        raise ModelError(f"分类模型格式为 {meta.get('schema')}，当前程序需要 {SCHEMA}：请重新运行 `screening train`")
    if list(meta.get("labels", ())) != list(LABELS):
        raise ModelError(f"分类模型的类别 {meta.get('labels')} 与预期 {list(LABELS)} 不符")
    return meta


def calibration_rows(calibration: dict[str, list[list[float]]]):
    """The metadata's per-class, per-view Platt pairs as (a, b), each (views × classes,), in the
    weight columns' order: view by view, the classes in LABELS order."""
    import numpy as np

    views = len(calibration[LABELS[0]])
    pairs = [calibration[label][v] for v in range(views) for label in LABELS]
    return np.array(pairs, dtype=np.float64).T


def mean_of_views(probabilities):
    """(n, views × classes) → (n, classes): a passage's probability is the mean of its views'."""
    return probabilities.reshape(len(probabilities), -1, len(LABELS)).mean(axis=1)
