"""The custom lexicon (自定义词库): terms a secrecy officer adds to the screening rules, kept in the
database, each with at least one example that must be flagged and one that must not.

A term becomes an ordinary keyword rule (`screening.rules.Rule`, built by the same `parse_rule` that
loads `rules/*.toml`, so the same checks apply) with the id `<category prefix>.lexicon_<id>`, stable for
dispositions and statistics. Before a term is saved its examples run through the full normalize →
detect → map-back path, as `tests/test_rules_examples.py` does for the shipped rules.

`LexiconScreener` wraps an `Engine` (the `Screener` of `screening.review.service`): before each
screening it asks the database for the lexicon's revision (one small query) and, when it changed,
rebuilds the rule set with the lexicon as `load_ruleset(..., extra=...)`, keeping the other detectors
(the classifier is not loaded again). Every gunicorn worker thus picks up a new term on its next
screening. Terms are never deleted, only retired (the audit trail and old findings keep their ids).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from screening.errors import RuleError
from screening.review.db import Database
from screening.review.enums import Role
from screening.review.errors import Forbidden, Invalid, NotFound
from screening.review.models import Base, Unit, User, UTCDateTime
from screening.review.positions import holder
from screening.review.tx import transaction
from screening.rules import HIT_CLOSE, HIT_OPEN, Rule, build_ruleset, parse_rule, split_example
from screening.types import Category, Document, Report, Severity

# The id prefix of each category's rules (as in rules/*.toml; tests/test_rules_schema.py).
PREFIXES = {
    Category.MARKING: "marking", Category.STATE_SECRET: "state", Category.WORK_SECRET: "work",
    Category.PERSONAL_INFO: "pii", Category.CREDENTIAL: "cred", Category.NETWORK: "net",
}
CATEGORIES = tuple(PREFIXES)          # `hidden` comes from the file's structure, not from words
MIN_TERM, MAX_TERM = 2, 50
MAX_EXAMPLES, MAX_EXAMPLE_CHARS = 10, 500
SOURCE = "自定义词库"


class LexiconTerm(Base):
    __tablename__ = "lexicon_terms"
    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(sa.String(100))
    category: Mapped[str] = mapped_column(sa.String(32))
    severity: Mapped[str] = mapped_column(sa.String(16))
    message: Mapped[str] = mapped_column(sa.Text)
    suggestion: Mapped[str] = mapped_column(sa.Text)
    hits: Mapped[list[str]] = mapped_column(sa.JSON)
    misses: Mapped[list[str]] = mapped_column(sa.JSON)
    allow: Mapped[list[str]] = mapped_column(sa.JSON)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def rule_id(self) -> str:
        return rule_id(Category(self.category), self.id)


def rule_id(category: Category, term_id: int | str) -> str:
    return f"{PREFIXES[category]}.lexicon_{term_id}"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# -- a term as entered, and its rule -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TermInput:
    term: str
    category: str
    severity: str
    message: str
    suggestion: str
    hits: tuple[str, ...]
    misses: tuple[str, ...]
    allow: tuple[str, ...] = ()

    @classmethod
    def of(cls, *, term: str, category: str, severity: str, message: str = "", suggestion: str = "",
           hits: Iterable[str] | str = (), misses: Iterable[str] | str = (),
           allow: Iterable[str] | str = ()) -> TermInput:
        """From form fields: examples may come as one text, one example per line."""
        def lines(value: Iterable[str] | str) -> tuple[str, ...]:
            items = value.splitlines() if isinstance(value, str) else list(value)
            return tuple(s.strip() for s in items if s and s.strip())
        return cls(term=(term or "").strip(), category=(category or "").strip(),
                   severity=(severity or "").strip(), message=(message or "").strip(),
                   suggestion=(suggestion or "").strip(), hits=lines(hits), misses=lines(misses),
                   allow=lines(allow))


@dataclass(frozen=True, slots=True)
class Checked:
    """A term that passed validation: its rule (with a provisional id) and what was noticed."""

    rule: Rule
    hits: tuple[str, ...]              # with ⟦…⟧ markers, as stored
    notes: tuple[str, ...] = ()        # e.g. built-in rules that already flag the term


class TermProblems(Exception):
    """Every problem of a term, for the form to show next to its fields."""

    def __init__(self, problems: Sequence[str], fields: Mapping[str, str] | None = None) -> None:
        self.problems = tuple(problems)
        self.fields = dict(fields or {})
        super().__init__("；".join(self.problems))


def mark_hit(example: str, term: str) -> str:
    """An example with the term's first occurrence marked ⟦…⟧ (unless it is marked already)."""
    if HIT_OPEN in example or HIT_CLOSE in example:
        return example
    at = example.find(term)
    if at < 0:
        return example
    return example[:at] + HIT_OPEN + term + HIT_CLOSE + example[at + len(term):]


def build_rule(entry: TermInput, rid: str, hits: Sequence[str] | None = None) -> Rule:
    """The keyword rule of a term; raises RuleError (from the rules loader) when malformed."""
    category = Category(entry.category)
    raw = {"id": rid, "severity": entry.severity, "message": entry.message,
           "suggestion": entry.suggestion, "keywords": [entry.term],
           "hit": [mark_hit(h, entry.term) for h in (hits if hits is not None else entry.hits)],
           "miss": list(entry.misses),
           "description": f"{SOURCE}：{entry.term}"}
    if category is Category.PERSONAL_INFO:
        raw["subtype"] = "other"
    if entry.allow:
        raw["allow"] = [_literal(a) for a in entry.allow]
    return parse_rule(raw, category, SOURCE)


def _literal(text: str) -> str:
    import regex

    return regex.escape(text)


def check_term(entry: TermInput, *, existing: Iterable[str] = (),
               builtin: Iterable[Rule] = ()) -> Checked:
    """Validate a term before it is saved; raise TermProblems listing every problem found."""
    problems: list[str] = []
    fields: dict[str, str] = {}

    def bad(name: str, text: str) -> None:
        problems.append(text)
        fields.setdefault(name, text)

    term = entry.term
    if not MIN_TERM <= len(term) <= MAX_TERM:
        bad("term", f"词语长度应为 {MIN_TERM}–{MAX_TERM} 个字符")
    if any(c.isspace() for c in term) or HIT_OPEN in term or HIT_CLOSE in term:
        bad("term", "词语中不能有空白或 ⟦⟧ 标记")
    if term.isdigit() or term.isascii() and len(term) < 4:
        bad("term", "纯数字或过短的字母词误报太多，请使用更具体的词语")
    if term in set(existing):
        bad("term", f"词库中已有“{term}”")
    try:
        category = Category(entry.category)
        if category not in PREFIXES:
            raise ValueError
    except ValueError:
        bad("category", "请选择类别")
        category = None
    if entry.severity not in {s.value for s in Severity}:
        bad("severity", "请选择风险等级")
    if not entry.hits:
        bad("hits", "至少填写一个应当标记的示例句")
    if not entry.misses:
        bad("misses", "至少填写一个不应标记的示例句（例如该词语的正常用法）")
    for name, items in (("hits", entry.hits), ("misses", entry.misses), ("allow", entry.allow)):
        if len(items) > MAX_EXAMPLES:
            bad(name, f"每项最多 {MAX_EXAMPLES} 条")
        if any(len(i) > MAX_EXAMPLE_CHARS for i in items):
            bad(name, f"每条示例不超过 {MAX_EXAMPLE_CHARS} 个字符")
    hits = tuple(mark_hit(h, term) for h in entry.hits)
    for original, marked in zip(entry.hits, hits, strict=True):
        if HIT_OPEN not in marked:
            bad("hits", f"示例“{original}”中没有出现“{term}”（或用 ⟦⟧ 标出应标记的文字）")
    if problems or category is None:
        raise TermProblems(tuple(problems), fields)
    try:
        rule = build_rule(entry, rule_id(category, "new"), hits)
    except RuleError as exc:
        message = str(exc).split(": ", 2)[-1]
        if "Chinese" in message:
            message = "说明（为什么标记）和处理建议须用中文填写"
        elif "missing" in message:
            message = "请填写说明和处理建议"
        raise TermProblems((message,), {"message": message}) from None
    problems = [p for p in example_problems(rule)]
    if problems:
        raise TermProblems(tuple(problems), {"hits" if "应当" in problems[0] else "misses": problems[0]})
    notes = tuple(f"内置规则 {r.id}（{r.message}）已能标记示例“{split_example(h)[0]}”"
                  for h in hits for r in builtin if _flags(r, split_example(h)[0]))
    return Checked(rule, hits, notes[:3])


def example_problems(rule: Rule) -> list[str]:
    """What is wrong with a rule's examples, run as the engine runs them."""
    problems = []
    for example in rule.hits:
        text, span = split_example(example)
        spans = _spans(rule, text)
        if span not in spans:
            got = "、".join(f"“{text[a:b]}”" for a, b in spans) or "没有标记"
            problems.append(f"应当标记的示例“{text}”：预期标记“{text[span[0]:span[1]]}”，实际{got}")
    for text in rule.misses:
        spans = _spans(rule, text)
        if spans:
            got = "、".join(f"“{text[a:b]}”" for a, b in spans)
            problems.append(f"不应标记的示例“{text}”被标记了{got}：请换一个示例，或填写排除语境")
    return problems


def _spans(rule: Rule, text: str) -> list[tuple[int, int]]:
    from screening.detectors.rules import RuleDetector
    from screening.engine import prepare
    from screening.normalize import normalize
    from screening.pipeline import text_document

    doc = prepare(text_document(text))
    detector = RuleDetector(build_ruleset([rule], "lexicon-check"))
    views = [normalize(part) for part in doc.parts]
    return [(f.location.start, f.location.end) for f in detector.detect(doc, views) if f.rule == rule.id]


def _flags(rule: Rule, text: str) -> bool:
    try:
        return bool(_spans(rule, text))
    except Exception:  # noqa: BLE001 - a note only; the built-in rule set is validated elsewhere
        return False


# -- storage ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TermInfo:
    id: int
    rule_id: str
    term: str
    category: str
    severity: str
    message: str
    suggestion: str
    hits: tuple[str, ...]
    misses: tuple[str, ...]
    allow: tuple[str, ...]
    unit_id: int
    unit: str
    created_by: str
    created_at: datetime
    retired_at: datetime | None

    @classmethod
    def of(cls, row: LexiconTerm) -> TermInfo:
        return cls(row.id, row.rule_id, row.term, row.category, row.severity, row.message,
                   row.suggestion, tuple(row.hits or ()), tuple(row.misses or ()), tuple(row.allow or ()),
                   row.unit_id, row.unit.name, row.created_by.label, row.created_at, row.retired_at)

    def entry(self) -> TermInput:
        return TermInput(self.term, self.category, self.severity, self.message, self.suggestion,
                         self.hits, self.misses, self.allow)


def list_terms(db: Database, *, include_retired: bool = False) -> list[TermInfo]:
    with db.read() as s:
        q = sa.select(LexiconTerm).order_by(LexiconTerm.id)
        if not include_retired:
            q = q.where(LexiconTerm.retired_at.is_(None))
        return [TermInfo.of(t) for t in s.execute(q).scalars()]


def _officer(s, actor_id: int) -> User:
    return holder(s, actor_id, Role.SECRECY_OFFICER, "只有保密员可以维护自定义词库")


def add_term(db: Database, actor_id: int, entry: TermInput, *, builtin: Iterable[Rule] = (),
             now: datetime | None = None) -> tuple[TermInfo, Checked]:
    """Validate and save a term (a secrecy officer's action, audited)."""
    with db.read() as s:
        _officer(s, actor_id)
    existing = [t.term for t in list_terms(db)]
    checked = check_term(entry, existing=existing, builtin=builtin)
    with transaction(db, now or utcnow()) as tx:
        s = tx.session
        user = _officer(s, actor_id)
        if s.execute(sa.select(LexiconTerm.id).where(LexiconTerm.term == entry.term,
                                                     LexiconTerm.retired_at.is_(None))).first():
            raise Invalid("term_exists", f"词库中已有“{entry.term}”")
        row = LexiconTerm(term=entry.term, category=entry.category, severity=entry.severity,
                          message=entry.message, suggestion=entry.suggestion, hits=list(checked.hits),
                          misses=list(entry.misses), allow=list(entry.allow), unit_id=user.unit_id,
                          created_by_id=user.id, created_at=tx.now)
        s.add(row)
        s.flush()
        tx.record("lexicon.add", user, None, term_id=row.id, rule=row.rule_id, term=row.term,
                  category=row.category, severity=row.severity, hits=row.hits, misses=row.misses,
                  allow=row.allow)
        return TermInfo.of(row), checked


def retire_term(db: Database, actor_id: int, term_id: int, *, now: datetime | None = None) -> None:
    """Stop using a term. Only an officer of the unit that added it may do so."""
    with transaction(db, now or utcnow()) as tx:
        s = tx.session
        user = _officer(s, actor_id)
        row = s.get(LexiconTerm, term_id)
        if row is None:
            raise NotFound("no_such_term", f"词库中没有编号为 {term_id} 的词语")
        if row.unit_id != user.unit_id:
            raise Forbidden("forbidden", "只能停用本单位保密员添加的词语")
        if row.retired_at is None:
            row.retired_at, row.retired_by_id = tx.now, user.id
            tx.record("lexicon.retire", user, None, term_id=row.id, rule=row.rule_id, term=row.term)


def lexicon_rules(db: Database) -> list[Rule]:
    """The rules of the active terms (a term that no longer loads is skipped, never fatal)."""
    rules = []
    for info in list_terms(db):
        try:
            rules.append(build_rule(info.entry(), info.rule_id))
        except (RuleError, ValueError):
            continue
    return rules


def revision(db: Database) -> tuple:
    """Changes whenever a term is added or retired."""
    with db.read() as s:
        row = s.execute(sa.select(sa.func.count(LexiconTerm.id), sa.func.max(LexiconTerm.id),
                                  sa.func.max(LexiconTerm.retired_at))).one()
    return tuple(row)


# -- screening with the lexicon ---------------------------------------------------------------------------

class LexiconScreener:
    """An Engine plus the lexicon: the `Screener` the review service and the UI screen with."""

    def __init__(self, base, db: Database, *, rules_for: Callable[[Database], list[Rule]] = lexicon_rules) -> None:
        self.base = base
        self.db = db
        self._rules_for = rules_for
        self._lock = threading.Lock()
        self._revision: tuple | None = None
        self._engine = base

    @property
    def engine(self):
        """The current engine (base rules + lexicon), rebuilt when the lexicon changed."""
        current = revision(self.db)
        if current != self._revision:
            with self._lock:
                if current != self._revision:
                    self._engine = with_extra_rules(self.base, self._rules_for(self.db))
                    self._revision = current
        return self._engine

    @property
    def versions(self) -> Mapping[str, str]:
        return self.engine.versions

    @property
    def ruleset(self):
        return self.engine.ruleset

    def screen(self, doc: Document) -> Report:
        return self.engine.screen(doc)


def with_extra_rules(base, extra: Sequence[Rule]):
    """A copy of `base` (an Engine) whose rule detector also runs `extra`."""
    from screening.detectors.rules import RuleDetector

    if not extra:
        return base
    ruleset = build_ruleset([*base.ruleset.rules, *extra],
                            f"{base.ruleset.version}+lex{len(extra)}.{_digest(extra)}")
    detectors = tuple(RuleDetector(ruleset) if isinstance(d, RuleDetector) else d for d in base.detectors)
    versions = {**base.versions, "rules": ruleset.version}
    return replace(base, detectors=detectors, ruleset=ruleset, versions=versions)


def _digest(rules: Sequence[Rule]) -> str:
    import hashlib

    h = hashlib.sha256()
    for r in rules:
        h.update("\x1f".join((r.id, *r.keywords, r.message, r.severity)).encode() + b"\0")
    return h.hexdigest()[:6]
