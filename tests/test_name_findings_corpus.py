"""Name findings on real published documents (../shared/corpus/public and the portal pages'
article texts, read in place): a published document names officials, authors and public figures,
never a private person, so every name finding there is a false alarm. Bound: 0.1 per document."""
from __future__ import annotations

from pathlib import Path

import pytest

from screening.pipeline import text_document

from tests.shared import PORTAL_CORPUS, PUBLIC_CORPUS, require_shared

MAX_NAME_FINDINGS_PER_DOCUMENT = 0.1


@pytest.mark.parametrize("corpus", [PUBLIC_CORPUS, PORTAL_CORPUS], ids=["public", "portal"])
def test_name_findings_per_published_document_stay_under_the_bound(engine, corpus: Path):
    files = sorted(require_shared(corpus).glob("*.txt"))
    assert len(files) >= 20, f"expected the corpus documents in {corpus}, found {len(files)}"
    names = []
    for path in files:
        report = engine.screen(text_document(path.read_text("utf-8"), path.name))
        names += [(path.name, f.rule, f.text) for f in report.findings if f.subtype == "name"]
    rate = len(names) / len(files)
    assert rate <= MAX_NAME_FINDINGS_PER_DOCUMENT, f"{len(names)} name findings on {len(files)} documents: {names[:20]}"
