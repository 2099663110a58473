"""A document through the model: which sentences are judged, in one batch per part."""
from __future__ import annotations

from collections.abc import Iterator

from screening.model.context import document_context
from screening.model.predict import Model, Scored
from screening.model.prose import content_chars, judgeable
from screening.segment import segments
from screening.types import Document, Part, PartKind

SKIP_PARTS = (PartKind.METADATA,)
MIN_CHARS = 10   # fragments with fewer letters/digits/CJK (a table cell, a heading) are not judged


def candidate_spans(part: Part) -> list[tuple[int, int, int]]:
    """(start, end, content chars) of the part's sentences that are Chinese prose."""
    spans = []
    for start, end in segments(part):
        text = part.text[start:end]
        n = content_chars(text)
        if n >= MIN_CHARS and judgeable(text):
            spans.append((start, end, n))
    return spans


def judge(model_source, doc: Document) -> Iterator[tuple[Part, Scored]]:
    """Every judged sentence with a sensitive label. `model_source` is a Model or a LazyModel
    (whose weights are mapped only when a document has a sentence to judge)."""
    parts = [(part, spans) for part in doc.parts if part.kind not in SKIP_PARTS
             if (spans := candidate_spans(part))]
    if not parts:
        return
    model: Model = getattr(model_source, "model", model_source)
    context = document_context(doc)
    for part, spans in parts:
        starts, ends, content = zip(*spans)
        for scored in model.score(part.text, starts, ends, context, content):
            if scored.label is not None:
                yield part, scored
