"""RuleDetector: runs a RuleSet over each part's normalized view and maps hits back."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from screening.normalize import NormalizedView
from screening.rules import REGEX_TIMEOUT_SECONDS, Rule, RuleSet
from screening.types import Document, Explanation, Finding, Location, Source

WINDOW = 4000      # characters either side of a keyword that a keyword-gated pattern looks at, at most
ALLOW_REACH = 300  # characters either side of a match that its rule's allowlist looks at, at most (the line)
CHUNK = 200_000    # characters one regex call scans (each call has its own timeout)
OVERLAP = 500      # context a match and its lookarounds may need across a chunk boundary


def _triggered(ruleset: RuleSet, text: str) -> tuple[set[int], dict[int, list[tuple[int, int, int]]]]:
    """Rules whose keywords occur in `text`, and per rule the occurrences of its keywords
    (keyword index, start, end) in text order."""
    rules: set[int] = set(ruleset.always)
    by_rule: dict[int, list[tuple[int, int, int]]] = {}
    if ruleset.automaton is not None:
        owners = ruleset.keyword_owners
        for kw_index, start, end in ruleset.automaton.find_matches_as_indexes(text, overlapping=True):
            for rule in owners[kw_index][1]:
                by_rule.setdefault(rule, []).append((kw_index, start, end))
        rules.update(by_rule)
    for found in by_rule.values():
        found.sort(key=lambda o: o[1])
    return rules, by_rule


def _windows(text: str, occurrences) -> list[tuple[int, int]]:
    """Where a keyword-gated pattern runs: the line of each of its keywords' occurrences and the
    lines before and after it, merged, but never more than WINDOW chars either side of the
    keyword (a file that is one 50 MB line must not make every occurrence scan the whole line).
    Windows end at a line end where the line is not that long, so lookaheads see what they would
    see in the whole text (and lookbehinds may look before a window's start)."""
    spans: list[tuple[int, int]] = []
    for _, start, end in occurrences:
        if spans and start <= spans[-1][1]:
            # Overlaps the window so far: extend it to the next line end past it, searching only
            # text not yet covered (occurrences on one long line cost linear time, not quadratic).
            lo, cur = spans[-1]
            if end + WINDOW > cur:
                ceiling = min(len(text), end + WINDOW)
                after = text.find("\n", cur + 1 if text.startswith("\n", cur) else cur, ceiling)
                spans[-1] = (lo, max(cur, after if after >= 0 else ceiling))
            continue
        floor, ceiling = max(0, start - WINDOW), min(len(text), end + WINDOW)
        before = text.rfind("\n", floor, start)          # the end of the line before
        before = text.rfind("\n", floor, before) if before >= 0 else -1
        lo = before + 1 if before >= 0 else floor
        after = text.find("\n", end, ceiling)              # the end of this line
        after = text.find("\n", after + 1, ceiling) if after >= 0 else -1
        hi = after if after >= 0 else ceiling
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


def _chunks(lo: int, hi: int):
    """A long window in pieces of CHUNK characters, so that each regex call has its own timeout:
    (pos, endpos, accept_from, accept_to). Pieces overlap by 2 × OVERLAP; a match is taken from
    the piece in which it starts before the midpoint of the overlap, where it and its context
    (up to OVERLAP characters) lie wholly inside the piece."""
    pos = lo
    accept_from = lo
    while True:
        endpos = min(hi, pos + CHUNK)
        if endpos >= hi:
            yield pos, hi, accept_from, hi
            return
        boundary = endpos - OVERLAP
        yield pos, endpos, accept_from, boundary
        pos, accept_from = boundary - OVERLAP, boundary


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

    def _candidates(self, rule: Rule, text: str, occurrences):
        if rule.patterns:
            windows = _windows(text, occurrences) if rule.keywords else [(0, len(text))]
            for lazy in rule.patterns:
                pattern = lazy.compiled
                source, has_hit = pattern.pattern, "hit" in pattern.groupindex
                for lo, hi in windows:
                    for pos, endpos, accept_from, accept_to in _chunks(lo, hi):
                        # collected first: the timeout counts from the call, and what the caller
                        # does with each match between two steps of the iterator must not count
                        for m in list(pattern.finditer(text, pos, endpos, timeout=REGEX_TIMEOUT_SECONDS)):
                            if not accept_from <= m.start() < accept_to:
                                continue
                            # `hit` may be captured inside a lookaround (the match itself is empty then)
                            group = "hit" if has_hit and m.start("hit") >= 0 else 0
                            start, end = m.span(group)
                            if end > start:
                                yield start, end, source, None
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
        floor, ceiling = max(0, start - ALLOW_REACH), min(len(text), end + ALLOW_REACH)
        line_start = text.rfind("\n", floor, start) + 1 or floor       # the line, up to ALLOW_REACH either side
        line_end = text.find("\n", end, ceiling)
        line_end = ceiling if line_end < 0 else line_end
        if rule.allow is not None:
            for m in rule.allow.compiled.finditer(text, line_start, line_end, timeout=REGEX_TIMEOUT_SECONDS):
                if m.start() < end and m.end() > start:
                    return None
        lo, hi = max(0, start - rule.window), min(len(text), end + rule.window)
        personal = rule.personal_context is not None and rule.personal_context.compiled.search(
            text, lo, hi, timeout=REGEX_TIMEOUT_SECONDS)
        if not personal and rule.anti_context is not None and rule.anti_context.compiled.search(
                text, lo, hi, timeout=REGEX_TIMEOUT_SECONDS):
            return None
        context_words: tuple[str, ...] = ()
        if rule.context is not None:
            context_words = tuple(dict.fromkeys(
                m.group(0) for m in rule.context.compiled.finditer(text, lo, hi, timeout=REGEX_TIMEOUT_SECONDS)
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
