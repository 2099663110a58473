"""Rule-library completeness and loader strictness (gitleaks Rule.Validate, datasette test_docs)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from screening.errors import RuleError
from screening.rules import default_rules_dir, load_ruleset
from screening.types import PERSONAL_SUBTYPES, Category

RULESET = load_ruleset(default_rules_dir())


def test_every_category_has_a_rule():
    rule_categories = {r.category for r in RULESET.rules}
    # `hidden` findings come from the structure detector, every other category from rules
    assert set(Category) - {Category.HIDDEN} <= rule_categories


def test_every_personal_subtype_has_a_rule():
    subtypes = {r.subtype for r in RULESET.rules if r.category is Category.PERSONAL_INFO}
    assert set(PERSONAL_SUBTYPES) - {"other"} <= subtypes


def test_id_prefix_matches_file_category():
    prefixes = {"marking": "marking", "state_secret": "state", "work_secret": "work",
                "personal_info": "pii", "credential": "cred", "network": "net"}
    for rule in RULESET.rules:
        assert rule.id.split(".")[0] == prefixes[rule.category], rule.id
        assert Path(rule.source_file).stem == rule.category, rule.id


def test_messages_are_chinese():
    for rule in RULESET.rules:
        assert re.search(r"[\u4e00-\u9fff]", rule.message) and re.search(r"[\u4e00-\u9fff]", rule.suggestion)


BAD_RULES = [
    ("id = 'pii.x'\nseverity = 'high'\nmessage = '消息'\nsuggestion = '建议'\nhit = ['⟦a⟧']\nmiss = ['b']\npattern = '(['",
     "invalid regex"),
    ("id = 'pii.x'\nseverity = 'high'\nmessage = '消息'\nsuggestion = '建议'\nhit = ['⟦a⟧']\nmiss = ['b']\npattern = 'a'\nvalidator = 'nope'",
     "unknown validator"),
    ("id = 'pii.x'\nseverity = 'high'\nmessage = '消息'\nsuggestion = '建议'\nhit = ['⟦a⟧']\npattern = 'a'",
     "missing `miss`"),
    ("id = 'pii.x'\nseverity = 'urgent'\nmessage = '消息'\nsuggestion = '建议'\nhit = ['⟦a⟧']\nmiss = ['b']\npattern = 'a'",
     "severity"),
    ("id = 'pii.x'\nseverity = 'high'\nmessage = 'english'\nsuggestion = '建议'\nhit = ['⟦a⟧']\nmiss = ['b']\npattern = 'a'",
     "Chinese"),
    ("id = 'pii.x'\nseverity = 'high'\nmessage = '消息'\nsuggestion = '建议'\nhit = ['a']\nmiss = ['b']\npattern = 'a'",
     "⟦…⟧"),
]


@pytest.mark.parametrize(("body", "expected"), BAD_RULES, ids=[e for _, e in BAD_RULES])
def test_loader_names_file_and_rule(tmp_path, body, expected):
    (tmp_path / "personal_info.toml").write_text(
        f"schema = 'screening.rules/1'\ncategory = 'personal_info'\n[[rules]]\nsubtype = 'other'\n{body}\n",
        encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_ruleset(tmp_path)
    assert "personal_info.toml" in str(info.value) and expected in str(info.value)


def test_duplicate_ids_are_refused(tmp_path):
    rule = ("[[rules]]\nid = 'net.x'\nseverity = 'low'\nmessage = '消息'\nsuggestion = '建议'\n"
            "hit = ['⟦10.0.0.1⟧']\nmiss = ['b']\npattern = '10'\n")
    (tmp_path / "network.toml").write_text("schema = 'screening.rules/1'\ncategory = 'network'\n" + rule * 2,
                                           encoding="utf-8")
    with pytest.raises(RuleError, match="duplicate"):
        load_ruleset(tmp_path)


def test_a_rule_compiled_when_its_keyword_first_occurs_fires_on_that_document():
    """Start-up parses the patterns but compiles a keyword rule only when a document holds one of
    its keywords: that first document still gets the finding, and rules not triggered stay as text."""
    from screening.detectors.rules import RuleDetector
    from screening.normalize import normalize
    from screening.pipeline import text_document
    from screening.rules import split_example

    ruleset = load_ruleset(default_rules_dir())
    rule, absent = ruleset.by_id["pii.landline_private"], ruleset.by_id["cred.private_key"]
    assert not any(p.is_compiled for p in rule.patterns + absent.patterns)
    text, (start, end) = split_example(rule.hits[0])
    doc = text_document(f"申请表\n{text}\n")
    found = [f for f in RuleDetector(ruleset).detect(doc, [normalize(p) for p in doc.parts]) if f.rule == rule.id]
    assert [f.text for f in found] == [text[start:end + 1]]
    assert all(p.is_compiled for p in rule.patterns)
    assert not any(p.is_compiled for p in absent.patterns)



def test_a_copied_or_pickled_rule_is_the_same_rule_and_still_matches():
    import copy
    import pickle

    rule = load_ruleset(default_rules_dir()).by_id["pii.mobile"]
    for other in (copy.deepcopy(rule), copy.copy(rule), pickle.loads(pickle.dumps(rule))):
        assert other == rule
        assert [p.search("联系电话13912345678").group(0) for p in other.patterns] == ["13912345678"]
