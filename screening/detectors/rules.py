"""RuleDetector: runs a RuleSet over each part's normalized view and maps hits back."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from screening.normalize import NormalizedView
from screening.rules import REGEX_TIMEOUT_SECONDS, Rule, RuleSet
from screening.types import Document, Explanation, Finding, Location, Source


Occurrence = tuple[int, int, int]      # keyword index, start, end


def _triggered(ruleset: RuleSet, text: str) -> tuple[set[int], dict[int, list[Occurrence]]]:
    """Rules whose keywords occur in `text` (or that need none), and each rule's keyword
    occurrences in text order."""
    rules: set[int] = set(ruleset.always)
    by_rule: dict[int, list[Occurrence]] = {}
    if ruleset.automaton is not None:
        owners = ruleset.keyword_owners
        for occurrence in ruleset.automaton.find_matches_as_indexes(text, overlapping=True):
            for index in owners[occurrence[0]][1]:
                by_rule.setdefault(index, []).append(occurrence)
        rules.update(by_rule)
    for occurrences in by_rule.values():
        occurrences.sort(key=lambda o: (o[1], o[2], o[0]))
    return rules, by_rule


def _windows(text: str, occurrences: list[Occurrence]) -> list[tuple[int, int]]:
    """Where a keyword-gated pattern runs: the line of each of its keywords' occurrences and the
    lines before and after it, merged. Windows end at a line end, so lookaheads see what they
    would see in the whole text (and lookbehinds may look before a window's start)."""
    spans: list[tuple[int, int]] = []
    for _kw_index, start, end in occurrences:
        lo = text.rfind("\n", 0, max(0, text.rfind("\n", 0, start))) + 1
        hi = text.find("\n", text.find("\n", end) + 1) if text.find("\n", end) >= 0 else -1
        hi = len(text) if hi < 0 else hi
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


class RuleDetector:
    name = "rules"

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset

    def detect(self, doc: Document, views: Sequence[NormalizedView]) -> Iterator[Finding]:
        for view in views:
            yield from self.detect_view(view)

    def detect_view(self, view: NormalizedView) -> Iterator[Finding]:
        text = view.text
        rule_indexes, by_rule = _triggered(self.ruleset, text)
        for index in sorted(rule_indexes):
            rule = self.ruleset.rules[index]
            for start, end, pattern, keyword in self._candidates(rule, text, by_rule.get(index, [])):
                finding = self._finding(rule, view, start, end, pattern, keyword)
                if finding is not None:
                    yield finding

    def _candidates(self, rule: Rule, text: str, occurrences: list[Occurrence]):
        if rule.patterns:
            windows = _windows(text, occurrences) if rule.keywords else [(0, len(text))]
            for pattern in rule.patterns:
                for lo, hi in windows:
                    for m in pattern.finditer(text, lo, hi, timeout=REGEX_TIMEOUT_SECONDS):
                        # `hit` may be captured inside a lookaround (the match itself is empty then)
                        group = "hit" if "hit" in pattern.groupindex and m.start("hit") >= 0 else 0
                        if m.end(group) > m.start(group):
                            yield m.start(group), m.end(group), pattern.pattern, None
            return
        owners = self.ruleset.keyword_owners
        for kw_index, start, end in occurrences:
            yield start, end, None, owners[kw_index][0]

    def _finding(self, rule: Rule, view: NormalizedView, start: int, end: int,
                 pattern: str | None, keyword: str | None) -> Finding | None:
        text = view.text
        matched = text[start:end]
        validated = None
        if rule.validate is not None:
            validated = rule.validate(matched)
            if not validated:
                return None
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if rule.allow is not None:
            for m in rule.allow.finditer(text, line_start, line_end, timeout=REGEX_TIMEOUT_SECONDS):
                if m.start() < end and m.end() > start:
                    return None
        lo, hi = max(0, start - rule.window), min(len(text), end + rule.window)
        personal = rule.personal_context is not None and rule.personal_context.search(
            text, lo, hi, timeout=REGEX_TIMEOUT_SECONDS)
        if not personal and rule.anti_context is not None and rule.anti_context.search(
                text, lo, hi, timeout=REGEX_TIMEOUT_SECONDS):
            return None
        context_words: tuple[str, ...] = ()
        if rule.context is not None:
            context_words = tuple(dict.fromkeys(
                m.group(0) for m in rule.context.finditer(text, lo, hi, timeout=REGEX_TIMEOUT_SECONDS)
                if not (m.start() >= start and m.end() <= end)))
            if rule.require_context and not context_words:
                return None
        if personal:
            context_words = tuple(dict.fromkeys(context_words + (personal.group(0),)))
        confidence = min(0.99, rule.confidence + 0.15) if context_words else rule.confidence
        o_start, o_end = view.original_span(start, end)
        part = view.part
        return Finding(
            rule=rule.id, category=rule.category, subtype=rule.subtype, severity=rule.severity,
            source=Source.RULE, text=part.text[o_start:o_end],
            location=Location.within(part, o_start, o_end),
            message=rule.message, suggestion=rule.suggestion, confidence=confidence,
            explanation=Explanation(detector=self.name, pattern=pattern, keyword=keyword,
                                    validator=rule.validator, validated=validated,
                                    context_words=context_words, basis=rule.basis),
            normalized=matched,
        )
