"""Declarative rules: load TOML files from a directory, validate them loudly, compile them.

A rule file holds one SPEC category; every `[[rules]]` table is one rule (see STYLE.md §4).
`load_ruleset(dir)` parses, validates every pattern (see LazyPattern: each is compiled when a
document first needs it) and builds one Aho–Corasick automaton over all keywords. Nothing
happens at import time.
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from screening.errors import RuleError
from screening.normalize import normalize_text
from screening.types import PERSONAL_SUBTYPES, Category, Severity
from screening.validators import VALIDATORS

SCHEMA = "screening.rules/1"
HIT_OPEN, HIT_CLOSE = "⟦", "⟧"
REGEX_TIMEOUT_SECONDS = 1.0
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FIELDS = {
    "id", "severity", "message", "suggestion", "hit", "miss", "subtype", "description", "pattern",
    "patterns", "keywords", "validator", "context", "require_context", "anti_context", "personal_context", "window",
    "allow", "confidence", "enabled", "basis",
}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: Category
    severity: Severity
    message: str
    suggestion: str
    hits: tuple[str, ...]
    misses: tuple[str, ...]
    subtype: str | None = None
    description: str = ""
    patterns: tuple[LazyPattern, ...] = ()     # `regex` patterns, compiled on first use
    keywords: tuple[str, ...] = ()             # normalized keywords
    validator: str | None = None
    context: LazyPattern | None = None         # alternation of context words/regexes
    require_context: bool = False
    anti_context: LazyPattern | None = None
    personal_context: LazyPattern | None = None   # overrides anti_context: 个人邮箱 beside 信息公开
    window: int = 40
    allow: LazyPattern | None = None
    confidence: float = 0.8
    basis: str | None = None
    source_file: str = ""

    @property
    def validate(self) -> Callable[[str], bool] | None:
        return VALIDATORS[self.validator] if self.validator else None


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str
    automaton: object | None = None            # ahocorasick_rs.AhoCorasick over `keyword_owners`
    keyword_owners: tuple[tuple[str, tuple[int, ...]], ...] = ()   # keyword → indexes into rules
    always: tuple[int, ...] = ()               # rules with a pattern and no keywords
    by_id: dict[str, Rule] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rules)


def _compile_now(rx: str, where: str):
    import regex

    try:
        return regex.compile(rx, regex.V0)
    except regex.error as exc:
        raise RuleError(f"{where}: invalid regex {rx!r}: {exc}") from exc


_METACHARACTERS = frozenset(".^$*+?{}[]\\|()")


def _valid_for_re(rx: str) -> bool:
    """Does the standard library's parser read `rx`? A fifth of what the `regex` module's compile
    costs; what it refuses (or where it is missing) is compiled by `regex` at once instead."""
    import re
    import warnings

    if _METACHARACTERS.isdisjoint(rx):
        return True                      # a plain word
    parser = getattr(re, "_parser", None)
    if parser is None:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FutureWarning on sets `regex` reads differently
        try:
            parser.parse(rx)
        except (re.error, RecursionError, OverflowError):
            return False
    return True


class LazyPattern:
    """A rule's `regex` pattern, compiled when a document first needs it (a keyword of its rule
    occurs, or a candidate needs its context or allowlist): start-up parses every pattern with
    the standard library's faster parser and compiles only what the screened text uses.
    Behaves as the compiled pattern (finditer, search, groupindex …)."""

    __slots__ = ("pattern", "_where", "_compiled")

    def __init__(self, pattern: str, where: str, compiled=None) -> None:
        self.pattern = pattern
        self._where = where
        self._compiled = compiled

    @classmethod
    def checked(cls, rx: str, where: str) -> LazyPattern:
        """Loud at load time: a pattern the standard parser refuses is compiled (or refused) now."""
        return cls(rx, where, None if _valid_for_re(rx) else _compile_now(rx, where))

    @property
    def compiled(self):
        if self._compiled is None:
            self._compiled = _compile_now(self.pattern, self._where)   # idempotent: no lock needed
        return self._compiled

    @property
    def is_compiled(self) -> bool:
        return self._compiled is not None

    def __getattr__(self, name: str):
        if name.startswith("__"):        # copy's __deepcopy__ … stay this object's, not the pattern's
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __reduce__(self):
        return LazyPattern, (self.pattern, self._where)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


def _compile(rx: str, where: str) -> LazyPattern:
    return LazyPattern.checked(rx, where)


def _alternation(items: Iterable[str], where: str):
    items = [i for i in items if i]
    return _compile("|".join(f"(?:{i})" for i in items), where) if items else None


def _as_list(value, where: str, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: `{name}` must be a string or a list of strings")
    return value


def _is_chinese(text: str) -> bool:
    return bool(text and _CJK.search(text))


def parse_rule(raw: dict, category: Category, source_file: str) -> Rule:
    rule_id = raw.get("id")
    where = f"{source_file}: rule {rule_id!r}"
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z_]+(?:\.[a-z0-9_]+)+", rule_id):
        raise RuleError(f"{where}: `id` must look like 'prefix.name'")
    unknown = set(raw) - _FIELDS
    if unknown:
        raise RuleError(f"{where}: unknown field(s) {sorted(unknown)}")
    for required in ("severity", "message", "suggestion", "hit", "miss"):
        if not raw.get(required):
            raise RuleError(f"{where}: missing `{required}`")
    try:
        severity = Severity(raw["severity"])
    except ValueError:
        raise RuleError(f"{where}: severity must be high, medium or low") from None
    if not (_is_chinese(raw["message"]) and _is_chinese(raw["suggestion"])):
        raise RuleError(f"{where}: `message` and `suggestion` must be in Chinese")
    subtype = raw.get("subtype")
    if category is Category.PERSONAL_INFO and subtype not in PERSONAL_SUBTYPES:
        raise RuleError(f"{where}: personal_info rules need a subtype from {PERSONAL_SUBTYPES}")
    patterns = _as_list(raw.get("pattern"), where, "pattern") + _as_list(raw.get("patterns"), where, "patterns")
    keywords = [normalize_text(k) for k in _as_list(raw.get("keywords"), where, "keywords")]
    if not patterns and not keywords:
        raise RuleError(f"{where}: needs `pattern`/`patterns` or `keywords`")
    validator = raw.get("validator")
    if validator is not None and validator not in VALIDATORS:
        raise RuleError(f"{where}: unknown validator {validator!r} (known: {sorted(VALIDATORS)})")
    confidence = float(raw.get("confidence", 0.8))
    if not 0.0 < confidence <= 1.0:
        raise RuleError(f"{where}: confidence must be in (0, 1]")
    hits = _as_list(raw["hit"], where, "hit")
    for example in hits:
        if example.count(HIT_OPEN) != 1 or example.count(HIT_CLOSE) != 1:
            raise RuleError(f"{where}: every `hit` marks exactly one span with ⟦…⟧: {example!r}")
    context = _as_list(raw.get("context"), where, "context")
    if raw.get("require_context") and not context:
        raise RuleError(f"{where}: `require_context` needs `context`")
    return Rule(
        id=rule_id, category=category, severity=severity, message=raw["message"],
        suggestion=raw["suggestion"], hits=tuple(hits), misses=tuple(_as_list(raw["miss"], where, "miss")),
        subtype=subtype, description=raw.get("description", ""),
        patterns=tuple(_compile(p, where) for p in patterns), keywords=tuple(keywords),
        validator=validator, context=_alternation(context, where),
        require_context=bool(raw.get("require_context", False)),
        anti_context=_alternation(_as_list(raw.get("anti_context"), where, "anti_context"), where),
        personal_context=_alternation(_as_list(raw.get("personal_context"), where, "personal_context"), where),
        window=int(raw.get("window", 40)), allow=_alternation(_as_list(raw.get("allow"), where, "allow"), where),
        confidence=confidence, basis=raw.get("basis"), source_file=source_file,
    )


def parse_file(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path.name}: not valid TOML: {exc}") from exc
    if data.get("schema") != SCHEMA:
        raise RuleError(f"{path.name}: `schema` must be {SCHEMA!r}")
    try:
        category = Category(data.get("category"))
    except ValueError:
        raise RuleError(f"{path.name}: unknown category {data.get('category')!r}") from None
    rules = []
    for raw in data.get("rules", []):
        if raw.get("enabled", True) is False:
            continue
        rule = parse_rule(raw, category, path.name)
        rules.append(rule)
    return rules


def build_ruleset(rules: list[Rule], version: str) -> RuleSet:
    import ahocorasick_rs

    ids = [r.id for r in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuleError(f"duplicate rule ids: {duplicates}")
    owners: dict[str, list[int]] = {}
    for index, rule in enumerate(rules):
        for keyword in rule.keywords:
            owners.setdefault(keyword, []).append(index)
    keyword_owners = tuple((k, tuple(v)) for k, v in owners.items())
    automaton = ahocorasick_rs.AhoCorasick([k for k, _ in keyword_owners]) if keyword_owners else None
    always = tuple(i for i, r in enumerate(rules) if r.patterns and not r.keywords)
    return RuleSet(rules=tuple(rules), version=version, automaton=automaton,
                   keyword_owners=keyword_owners, always=always, by_id={r.id: r for r in rules})


def load_ruleset(*directories: Path, extra: Iterable[Rule] = ()) -> RuleSet:
    """Load every `*.toml` in the directories (later ones may add rules, never redefine)."""
    rules: list[Rule] = []
    digest = hashlib.sha256()
    for directory in directories:
        files = sorted(Path(directory).glob("*.toml"))
        if not files:
            raise RuleError(f"no rule files in {directory}")
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
            rules.extend(parse_file(path))
    extra = list(extra)
    for rule in extra:
        digest.update(rule.id.encode())
    return build_ruleset(rules + extra, digest.hexdigest()[:12])


def default_rules_dir() -> Path:
    """The rule library shipped with the project (rules/ beside the package)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "rules", here / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError("built-in rules directory not found")


def split_example(example: str) -> tuple[str, tuple[int, int] | None]:
    """Strip the ⟦…⟧ markers; return the text and the marked span (None for a miss)."""
    if HIT_OPEN not in example:
        return example, None
    start = example.index(HIT_OPEN)
    end = example.index(HIT_CLOSE) - 1
    return example.replace(HIT_OPEN, "").replace(HIT_CLOSE, ""), (start, end)
