"""What a redacted copy removes: RedactionItems (a flagged value and its published form), and how
they are found again in any text.

The masking works on values, not offsets: each item's text is searched everywhere in the copy
(body, tables, headers, footers, footnotes, text boxes), with any whitespace allowed between its
characters, so a value that occurs twice, or is split by a space or a line break, goes everywhere.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import regex

from screening.sheet.mask import DEFAULT_POLICY, MaskPolicy, mask_value
from screening.types import Category, Finding

# Categories a one-off `screening redact` masks by default: 区分处理 of personal data (第三十七条).
DEFAULT_CATEGORIES = (Category.PERSONAL_INFO,)
_MIN_LENGTH = 2          # single characters are never searched for: they would match everywhere


@dataclass(frozen=True, slots=True)
class RedactionItem:
    text: str                     # the flagged value, as it appears in the document
    replacement: str              # its published form (mask.py)
    category: Category
    subtype: str | None = None
    rule: str = ""

    def __post_init__(self) -> None:
        if len(self.key) < _MIN_LENGTH:
            raise ValueError(f"redaction item too short to search for: {self.text!r}")
        if self.replacement and self.key in "".join(self.replacement.split()):
            raise ValueError(f"the replacement of {self.text!r} still contains it")

    @property
    def key(self) -> str:
        """The value without whitespace: what is searched for."""
        return "".join(self.text.split())

    def kept_ends(self) -> tuple[int, int]:
        """How many characters at the start and at the end of `key` the published form shows as they
        are (138****5678 keeps 3 and 4): a box over a rendered page covers only the rest."""
        key, shown = self.key, "".join(self.replacement.split())
        lead = 0
        while lead < min(len(key), len(shown)) and key[lead] == shown[lead]:
            lead += 1
        trail = 0
        while trail < min(len(key), len(shown)) - lead and key[-1 - trail] == shown[-1 - trail]:
            trail += 1
        if lead + trail >= len(key):          # nothing would be covered: cover it all
            return 0, 0
        return lead, trail

    @classmethod
    def from_finding(cls, finding: Finding, policy: MaskPolicy = DEFAULT_POLICY) -> RedactionItem:
        return cls(text=finding.text, replacement=mask_value(finding.text, finding.category, finding.subtype, policy),
                   category=finding.category, subtype=finding.subtype, rule=finding.rule)


def items_from_findings(findings: Iterable[Finding], *, categories: Iterable[Category | str] = DEFAULT_CATEGORIES,
                        policy: MaskPolicy = DEFAULT_POLICY) -> tuple[RedactionItem, ...]:
    """One item per distinct value among the findings of the given categories (longest first, so a
    value is masked before any shorter value inside it)."""
    wanted = {Category(c) for c in categories}
    seen: dict[str, RedactionItem] = {}
    for finding in findings:
        if finding.category not in wanted:
            continue
        key = "".join(finding.text.split())
        if len(key) >= _MIN_LENGTH and key not in seen:
            seen[key] = RedactionItem.from_finding(finding, policy)
    return tuple(sorted(seen.values(), key=lambda item: -len(item.key)))


class Matcher:
    """Finds the items in a text: one alternation, longest value first, whitespace-tolerant."""

    def __init__(self, items: Iterable[RedactionItem]) -> None:
        self.items = tuple(sorted(items, key=lambda item: -len(item.key)))
        self._by_key = {item.key: item for item in self.items}
        if self.items:
            alternatives = (r"\s*".join(regex.escape(c) for c in item.key) for item in self.items)
            self._pattern = regex.compile("|".join(f"(?:{a})" for a in alternatives))
        else:
            self._pattern = None

    def finditer(self, text: str) -> Iterable[tuple[int, int, RedactionItem]]:
        """(start, end, item) of every non-overlapping occurrence, left to right."""
        if self._pattern is None:
            return
        for m in self._pattern.finditer(text, timeout=10):
            key = "".join(m.group(0).split())
            yield m.start(), m.end(), self._by_key[key]

    def sub(self, text: str) -> tuple[str, int]:
        """The text with every occurrence replaced by its item's replacement, and the count."""
        out, pos, count = [], 0, 0
        for start, end, item in self.finditer(text):
            out.append(text[pos:start])
            out.append(item.replacement)
            pos, count = end, count + 1
        out.append(text[pos:])
        return "".join(out), count

    def search(self, text: str) -> list[RedactionItem]:
        """The distinct items that occur in the text."""
        found: dict[str, RedactionItem] = {}
        for _, _, item in self.finditer(text):
            found.setdefault(item.key, item)
        return list(found.values())


def mask_tree(root, matcher: Matcher) -> int:
    """Mask every text node, tail and attribute value of an lxml tree; return how many values."""
    count = 0
    for el in root.iter():
        if isinstance(el.tag, str):
            if el.text:
                el.text, n = matcher.sub(el.text)
                count += n
            for key, value in el.attrib.items():
                new, n = matcher.sub(value)
                if n:
                    el.set(key, new)
                    count += n
        if el.tail:
            el.tail, n = matcher.sub(el.tail)
            count += n
    return count
