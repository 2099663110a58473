"""A document through the model: which sentences are judged, in one batch per part."""
from __future__ import annotations

from collections.abc import Iterator

from screening.model.context import document_context
from screening.model.predict import Model, Scored
from screening.model.prose import prose_spans
from screening.model.segment import segments
from screening.types import Document, Part, PartKind

SKIP_PARTS = (PartKind.METADATA,)
MIN_CHARS = 10   # fragments with fewer letters/digits/CJK (a table cell, a heading) are not judged


def candidate_spans(part: Part) -> tuple[list[int], list[int], list[int]]:
    """(starts, ends, content chars) of the part's sentences that are Chinese prose."""
    spans = list(segments(part))
    if not spans:
        return [], [], []
    starts, ends = zip(*spans)
    ok, content = prose_spans(part.text, starts, ends)
    keep = [i for i in (ok & (content >= MIN_CHARS)).nonzero()[0].tolist()]
    return [starts[i] for i in keep], [ends[i] for i in keep], content[keep].tolist()


def judge(model_source, doc: Document) -> Iterator[tuple[Part, Scored]]:
    """Every judged sentence with a sensitive label. `model_source` is a Model or a LazyModel
    (whose weights are mapped only when a document has a sentence to judge)."""
    parts = [(part, spans) for part in doc.parts if part.kind not in SKIP_PARTS
             if (spans := candidate_spans(part))[0]]
    if not parts:
        return
    model: Model = getattr(model_source, "model", model_source)
    context = document_context(doc)
    for part, (starts, ends, content) in parts:
        yield from ((part, scored) for scored in model.score(part.text, starts, ends, context, content))
