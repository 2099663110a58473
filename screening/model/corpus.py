"""The labelled passage corpus (models/data/*.jsonl): loading, checking and the fixed split.

The split is by source document (`doc`), from a hash of the doc id, so passages of one
document never straddle train and test, and the split does not move when passages are
added to other documents. Template-made passages never enter the test split.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from screening.model.features import prepare
from screening.model.labels import LABELS

KEYS = {"text", "label", "doc", "style", "provenance"}
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    label: str
    doc: str
    style: str
    provenance: str
    split: str


class CorpusError(ValueError):
    pass


def split_of(doc: str, provenance: str) -> str:
    bucket = int(hashlib.sha256(doc.encode("utf-8")).hexdigest()[:8], 16) % 100
    split = "train" if bucket < 70 else "validation" if bucket < 85 else "test"
    if split == "test" and provenance.startswith("template"):
        return "train"
    return split


def data_files(directory: Path) -> list[Path]:
    return sorted(Path(directory).glob("*.jsonl"))


def corpus_hash(directory: Path, *extra: Path) -> str:
    digest = hashlib.sha256()
    for path in [*data_files(directory), *extra]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_corpus(directory: Path) -> list[Passage]:
    """Every passage, checked; exact duplicates (after folding) are kept once, first seen."""
    passages: list[Passage] = []
    seen: dict[str, str] = {}
    for path in data_files(directory):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: invalid JSON: {exc}") from exc
            if set(row) != KEYS:
                raise CorpusError(f"{where}: keys must be {sorted(KEYS)}, got {sorted(row)}")
            if row["label"] not in LABELS:
                raise CorpusError(f"{where}: unknown label {row['label']!r}")
            key = prepare(row["text"])
            if not key or key in seen:
                continue
            split = split_of(row["doc"], row["provenance"])
            seen[key] = split
            passages.append(Passage(row["text"], row["label"], row["doc"], row["style"], row["provenance"], split))
    if not passages:
        raise CorpusError(f"no passages in {directory}")
    return passages


def by_split(passages: list[Passage], split: str) -> list[Passage]:
    return [p for p in passages if p.split == split]
