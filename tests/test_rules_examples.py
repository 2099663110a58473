"""Every rule's `hit` and `miss` examples, through the full normalize → detect → map-back path."""
from __future__ import annotations

import pytest

from screening.pipeline import text_document
from screening.rules import default_rules_dir, load_ruleset, split_example

RULESET = load_ruleset(default_rules_dir())
CASES = [(rule.id, kind, example) for rule in RULESET.rules
         for kind, examples in (("hit", rule.hits), ("miss", rule.misses)) for example in examples]


@pytest.mark.parametrize(("rule_id", "kind", "example"), CASES, ids=[f"{r}-{k}" for r, k, _ in CASES])
def test_rule_example(engine, rule_id, kind, example):
    text, span = split_example(example)
    report = engine.screen(text_document(text))
    own = [f for f in report.findings if f.rule == rule_id or rule_id in f.explanation.also]
    if kind == "miss":
        assert not own, f"{rule_id} flagged {[f.text for f in own]} in a `miss` example"
        return
    spans = [(f.location.start, f.location.end) for f in own]
    assert span in spans, f"{rule_id} expected {text[span[0]:span[1]]!r}, got {[f.text for f in own]}"
