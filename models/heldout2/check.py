"""Validate the second held-back set: format, labels, documents, and no keyword-rule material.

Run: python models/heldout2/check.py   (exit status 1 and one line per problem if anything is wrong)
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SET = HERE / "heldout.jsonl"
FIRST = HERE.parent / "heldout" / "heldout.jsonl"
KEYS = {"text", "label", "doc", "style", "provenance"}
LABELS = {"normal", "work_secret", "state_secret", "personal_private"}
MARKS = ("秘密", "机密", "绝密", "涉密", "保密", "内部", "祕密", "機密", "絕密", "內部")  # with the traditional forms
IDENTIFIER = re.compile(r"\d{5,}|https?://|www\.|@|[A-Za-z0-9]{8,}")
ROWS_PER_DOC = (4, 8)
LENGTH = (15, 120)
NEAR = 0.5


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def problems() -> list[str]:
    found: list[str] = []
    rows = []
    for n, line in enumerate(SET.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            found.append(f"line {n}: does not parse ({error})")
            continue
        if set(row) != KEYS:
            found.append(f"line {n}: keys {sorted(row)}")
            continue
        rows.append((n, row))
    docs: list[str] = []
    for n, row in rows:
        text = row["text"]
        if row["label"] not in LABELS:
            found.append(f"line {n}: label {row['label']!r}")
        if row["provenance"] != "written:heldout2":
            found.append(f"line {n}: provenance {row['provenance']!r}")
        if not row["style"]:
            found.append(f"line {n}: no style")
        if not LENGTH[0] <= len(text) <= LENGTH[1]:
            found.append(f"line {n}: {len(text)} characters")
        for mark in MARKS:
            if mark in text:
                found.append(f"line {n}: contains {mark}")
        if IDENTIFIER.search(text):
            found.append(f"line {n}: identifier-like {IDENTIFIER.search(text).group()!r}")
        if not docs or docs[-1] != row["doc"]:
            if row["doc"] in docs:
                found.append(f"line {n}: document {row['doc']} is split")
            docs.append(row["doc"])
            if row["label"] != "normal":
                found.append(f"line {n}: first row of {row['doc']} is not normal")
    expected = [f"h2-{i:02d}" for i in range(1, len(docs) + 1)]
    if docs != expected:
        found.append(f"document ids not contiguous: {docs}")
    for doc in docs:
        size = sum(1 for _, row in rows if row["doc"] == doc)
        if not ROWS_PER_DOC[0] <= size <= ROWS_PER_DOC[1]:
            found.append(f"{doc}: {size} rows")
    texts = [row["text"] for _, row in rows]
    if len(set(texts)) != len(texts):
        found.append("a text occurs twice")
    grams = [bigrams(t) for t in texts]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if jaccard(grams[i], grams[j]) >= NEAR:
                found.append(f"near-duplicates inside the set: {i + 1} and {j + 1}")
    first = [json.loads(line)["text"] for line in FIRST.read_text(encoding="utf-8").splitlines()]
    for i, text in enumerate(texts):
        for other in first:
            if text == other or jaccard(grams[i], bigrams(other)) >= NEAR:
                found.append(f"line {i + 1} is close to a row of models/heldout/heldout.jsonl")
    return found


if __name__ == "__main__":
    listed = problems()
    print("\n".join(listed) or f"ok: {SET.name} passes every check")
    sys.exit(1 if listed else 0)
