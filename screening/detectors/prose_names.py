"""ProseNameDetector: names of private persons in running text.

Candidates come from a real tagger (jieba.posseg, tags nr/nrfg/nrt, a surname split from its
given name joined again) and must pass the surname model (screening.names). A candidate is a
*private person* when the sentence gives it a private context near the name — relations and
events (其妻, 之子, 驾驶, 被告人, 患者, 受害人, 户主, 村民, 信访人 …), personal descriptions (男/女,
出生, 住址, 身份证) — and no official capacity: a post or role beside the name (局长王某某, 法定代表人)
or an official act in the sentence (主持, 任前公示, 表彰 …).

The tagger runs only on sentences that hold a private-context word (one literal scan of the text
finds them), and there only on the windows in which some span would be accepted as a name if the
tagger offered it (acceptance depends on the sentence alone), so the cost on ordinary documents is
about one scan; jieba is imported on first use.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from screening.names import OFFICIAL_NOTICE, person_name, surname_of, word_frequency
from screening.validators import COMPOUND_SURNAMES, SURNAMES
from screening.name_context import AFTER, FOLLOW, ROLES
from screening.normalize import NormalizedView
from screening.types import Category, Document, Explanation, Finding, Location, PartKind, Severity, Source

# ... and the personal descriptions of a record: ，男，1985年出生，住…, 身份证号…
_DESCRIPTION = r"(?:出生|生于|\d{1,3}\s*岁|身份证|公民身份号码|住址)"
_DESCRIPTION_WORDS = ("出生", "生于", "岁", "身份证", "公民身份号码", "住址")   # one of them in each
_ROLE_BEFORE = re.compile("(?:" + "|".join(ROLES) + r")[:：]?\s*$")
_AFTER = re.compile(r"^\s*(?:" + "|".join(AFTER) + r")|^\s*[（(，,、]\s*[男女]\s*[，,、）)]|^[^。；;\n]{0,14}?" + _DESCRIPTION)
_ROLE_WORDS = re.compile("|".join(ROLES))
# (led by a lookahead for the characters its alternatives start with: the same matches, found
# without trying every alternative at every position)
_MARKS = re.compile("(?=[" + "".join(sorted({w[0] for w in AFTER})) + r"（(，,、出生\d身公住])(?:"
                    + "|".join(AFTER) + r"|[（(，,、]\s*[男女]\s*[，,、）)]|" + _DESCRIPTION + ")")
# The tagger (its HMM pass is most of the cost) reads only a window around each context word: a
# name stands right after a role word, or at most 20 characters before a description.
_ROLE_WINDOW = (2, 7)
_MARK_WINDOW = (20, 2)
# What a name stands right before: a kin word (之子), or the start of a record's description
# (，男， / （女， / ，1985年3月出生).
_BEFORE_MARK = re.compile(r"之子|之女|之妻|之夫|之父|之母|[（(，,]\s*[男女]\s*[，,、）)]|[，,]\s*\d{4}\s*年(?:\d{1,2}\s*月)?(?:\d{1,2}\s*日)?\s*(?:出生|生)")
_ROLE_AT = re.compile("(?:" + "|".join(sorted(ROLES, key=len, reverse=True)) + r")[:：]?\s*")
_OFFICIAL_ACT = re.compile(
    r"主持|出席|讲话|致辞|调研|视察|指出|强调|部署|批示|任前公示|拟任|拟提拔|任命|免去|聘任|表彰|嘉奖|授予|当选|法定代表人"
    r"|发布会|新闻|记者|通讯员|签发|审核|审定|会见|会谈|率队|带队|慰问|看望|走访")
_POST = re.compile(
    r"(?:局长|处长|科长|主任|书记|县长|市长|区长|镇长|乡长|部长|厅长|主席|委员|院长|所长|站长|校长|经理|董事长|总裁|队长|组长"
    r"|干部|科员|同志|代表|负责人|联系人|经办人|承办人|法定代表人|法人|律师|法官|检察官|审判长|审判员|书记员|警官|民警|医生|教授"
    r"|老师|专家|记者|编辑|作者|院士)")
_POST_BEFORE = re.compile(_POST.pattern + r"[:：]?\s*$")
_POST_AFTER = re.compile(r"\s*" + _POST.pattern)
_WELL_KNOWN = 50             # jieba frequency from which a "name" is a common word or a public figure
# Words of which every _ROLE_WORDS or _MARKS match holds one (a mark holds an AFTER word, 男/女 or a
# description's word): a plain alternation of literals, which the re engine scans fast.
_CONTEXT_WORD = re.compile("|".join(sorted(set(ROLES + AFTER + ("男", "女") + _DESCRIPTION_WORDS), key=len, reverse=True)))
_PAD = re.compile(r"[\s\u3000·•]")   # what screening.names.compact drops inside a name
# Where a name may start (a surname, a compound surname's first character, padding), and the run of
# Han and padding characters a name is made of.
_NAME_START = re.compile("[" + "".join(sorted(SURNAMES | {c[0] for c in COMPOUND_SURNAMES})) + r"\s\u3000·•]")
_NAME_RUN = re.compile(r"[\u4e00-\u9fff\s\u3000·•]{2,}")
_NAME_MEMO = 200_000         # spans whose person_name is remembered, at most
_LONGEST_NAME = 5            # characters of a candidate span at most (a compound surname and three given)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_FUNCTION_TAGS = frozenset({"c", "d", "p", "v", "vn", "vd", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "m", "q", "f",
                            "ad", "t", "y", "e", "o", "a", "b", "zg", "df", "mq"})
_TITLE = 120                 # characters at the start of the body read as the document's title
_GIVEN_MIN = 3               # uses in jieba's names from which a character counts as a given-name character
_TAGS = ("nr", "nrfg", "nrt")


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() - start > 1:
            yield start, m.end()
        start = m.end()
    if len(text) - start > 1:
        yield start, len(text)


def _marked_sentences(text: str) -> Iterator[tuple[int, int]]:
    """The sentences (as _sentences cuts them) that may hold a private-context word (_windows),
    found by one scan of the whole text for the literals one of which such a word holds: a
    sentence is skipped only when no literal starts in it."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    pos = 0
    while True:
        m = _CONTEXT_WORD.search(text, pos)
        if m is None:
            return
        i = bisect.bisect_right(ends, m.start())
        lo, hi = ends[i - 1] if i else 0, ends[i] if i < len(ends) else len(text)
        if hi - lo > 1:
            yield lo, hi
        pos = hi


def _role_before(sentence: str, start: int) -> str | None:
    """The private role word right before a name starting at `start` (村民, 患者：), if one is."""
    m = _ROLE_BEFORE.search(sentence[max(0, start - 8):start])
    return m.group(0) if m else None


def _after(sentence: str, end: int) -> str | None:
    """What follows a name ending at `end` and makes it a private person's (之子, ，男，, a description)."""
    m = _AFTER.search(sentence[end:end + 24])
    return m.group(0) if m else None


def _windows(sentence: str) -> list[tuple[int, int]]:
    """Merged windows around the sentence's private-context words."""
    spans = sorted([(max(0, m.start() - _ROLE_WINDOW[0]), m.end() + _ROLE_WINDOW[1]) for m in _ROLE_WORDS.finditer(sentence)]
                   + [(max(0, m.start() - _MARK_WINDOW[0]), m.end() + _MARK_WINDOW[1]) for m in _MARKS.finditer(sentence)])
    out: list[tuple[int, int]] = []
    for lo, hi in spans:
        hi = min(len(sentence), hi)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _candidates(cut, sentence: str, given: dict[str, int]) -> Iterator[tuple[int, int]]:
    """Spans of name candidates in the sentence: the name right after a private role word (its
    length chosen by where the sentence goes on), tagged names, and a surname tagged apart from
    the given name that follows it (欧阳 + 娜娜)."""
    tokens, pos = [], 0
    for word, flag in cut(sentence):
        tokens.append((pos, word, flag))
        pos += len(word)
    words_at = {start: word for start, word, _ in tokens}
    flags_at = {start: flag for start, _, flag in tokens}
    taken: list[tuple[int, int]] = []
    for m in _ROLE_AT.finditer(sentence):
        if m.end() not in words_at or not _may_start_name(words_at[m.end()], flags_at[m.end()]):
            continue                  # the role word ends inside a word (其父母), or no name follows
        span = _after_role(sentence, m.end(), words_at, given)
        if span:
            taken.append(span)
    for m in _BEFORE_MARK.finditer(sentence):
        span = _before_kin(sentence, m.start(), words_at)
        if span and span not in taken:
            taken.append(span)
    yield from taken
    i = 0
    while i < len(tokens):
        start, word, flag = tokens[i]
        span = None
        alone = flag in _TAGS and person_name(word)
        if not alone and i + 1 < len(tokens) and word == surname_of(word):
            _, nxt, nflag = tokens[i + 1]
            if (flag.startswith("nr") or nflag.startswith("nr")) and len(nxt) <= 2 and person_name(word + nxt):
                span = (start, start + len(word) + len(nxt))
                i += 1
        elif alone:
            span = (start, start + len(word))
        if span and not any(a < span[1] and span[0] < b for a, b in taken):
            yield span
        i += 1


def _may_start_name(word: str, flag: str) -> bool:
    """Can the tagger's word at a role word's end begin a name? Not a function word (和, 都, 来)
    and not a common word of its own (毕业) unless the tagger calls it a name or it is a surname."""
    if flag.startswith("nr") or word in COMPOUND_SURNAMES:
        return True
    if flag in _FUNCTION_TAGS or len(word) >= 3:      # 任何一方, 安全意识: words, not names
        return False
    return len(word) == 1 or word_frequency(word) < _WELL_KNOWN


def _after_role(sentence: str, start: int, words_at: dict[int, str], given: dict[str, int]) -> tuple[int, int] | None:
    """The name right after a role word (村民王建国驾驶…): the first length (3, 2, 4 characters; one
    more for a compound surname) that makes a name and after which the sentence goes on naturally:
    punctuation or a word that follows names (strong), or the tagger's next word (weak; a third
    given character must then be one that given names use)."""
    surname = surname_of(sentence[start:start + 2])
    if not surname:
        return None
    for length in (3, 2, 4):
        end = start + length + len(surname) - 1
        if end > len(sentence) or not person_name(sentence[start:end]):
            continue
        rest = sentence[end:]
        strong = not rest or not _HAN.match(rest) or rest.startswith(tuple(w for w in FOLLOW if len(w) > 1))
        nxt = words_at.get(end)
        weak = rest.startswith(FOLLOW) or nxt is not None and len(nxt) >= 2
        if strong or weak and (length != 3 or given.get(sentence[end - 1], 0) >= _GIVEN_MIN):
            return start, end
    return None


def _before_kin(sentence: str, end: int, words_at: dict[int, str]) -> tuple[int, int] | None:
    """The name right before 之子 or a description (，男，): the longest (3, 2, 4) that starts a word."""
    for length in (3, 2, 4):
        start = end - length
        if start < 0 or not person_name(sentence[start:end]) or surname_of(sentence[start:end]) != \
                sentence[start:start + len(surname_of(sentence[start:end]))]:
            continue
        if start == 0 or not _HAN.match(sentence[start - 1]) or start in words_at:
            return start, end
    return None


def given_name_chars() -> dict[str, int]:
    """How often each character stands in a given name among the three-character names of jieba's
    dictionary (its nr entries with a known surname)."""
    import jieba.posseg

    counts: dict[str, int] = {}
    for word, tag in jieba.posseg.dt.word_tag_tab.items():
        if tag == "nr" and len(word) == 3 and surname_of(word) == word[0]:
            for ch in word[1:]:
                counts[ch] = counts.get(ch, 0) + 1
    return counts


class ProseNameDetector:
    name = "prose_names"
    kinds = (PartKind.BODY, PartKind.TABLE, PartKind.FOOTNOTE, PartKind.COMMENT, PartKind.REVISION,
             PartKind.HIDDEN, PartKind.ATTACHMENT)

    def __init__(self) -> None:
        self._cut = None
        self._given: dict[str, int] = {}
        self._names: dict[str, bool] = {}   # person_name of the spans seen (pure), at most _NAME_MEMO

    def _tagger(self):
        if self._cut is None:
            import jieba.posseg

            self._cut = jieba.posseg.cut
            self._given = given_name_chars()
        return self._cut

    def detect(self, doc: Document, views: Sequence[NormalizedView]) -> Iterator[Finding]:
        title = next((v.text[:_TITLE] for v in views if v.part.kind is PartKind.BODY), "")
        if OFFICIAL_NOTICE.search(title):
            return                    # a 表彰 or 任前公示 notice names its people in public
        for view in views:
            if view.part.kind in self.kinds:
                yield from self.detect_view(view)

    def detect_view(self, view: NormalizedView) -> Iterator[Finding]:
        text = view.text
        for lo, hi in _marked_sentences(text):
            sentence = text[lo:hi]
            windows = _windows(sentence)
            if not windows or _OFFICIAL_ACT.search(sentence):
                continue
            # the tagger reads only the windows in which some span would be a finding if it were
            # a candidate: whether a span is one depends on the sentence alone, not on the tagger
            windows = [w for w in windows if self._any_acceptable(sentence, *w)]
            spans = dict.fromkeys((a + s, a + e) for a, b in windows
                                  for s, e in _candidates(self._tagger(), sentence[a:b], self._given))
            for start, end in spans:
                words = self._accepted(sentence, start, end)
                if words:
                    yield self._finding(view, lo + start, lo + end, words)

    def _accepted(self, sentence: str, start: int, end: int) -> tuple[str, ...]:
        """The context words that make a candidate span a private person's name (none: not one)."""
        words = self._context(sentence, start, end)
        if not words or self._in_office(sentence, start, end) or self._well_known(sentence[start:end]):
            return ()
        return words

    def _any_acceptable(self, sentence: str, lo: int, hi: int) -> bool:
        """Is any span of sentence[lo:hi] that could be a candidate (a person's name: 2 to 5 Han or
        padding characters from a surname, or from a padding space) accepted? When none is,
        tagging the window cannot yield a finding. (bool(_accepted), with its two context tests
        asked once per start and per end.)"""
        names = self._names
        if len(names) > _NAME_MEMO:
            names.clear()
        after: dict[int, bool] = {}
        for first in _NAME_START.finditer(sentence, lo, hi - 1):
            start = first.start()
            if first.group() not in SURNAMES and sentence[start:start + 2] not in COMPOUND_SURNAMES \
                    and not _PAD.match(first.group()):
                continue
            run = _NAME_RUN.match(sentence, start, min(hi, start + _LONGEST_NAME))
            if run is None:
                continue
            before = None
            for end in range(start + 2, run.end() + 1):
                span = sentence[start:end]
                name = names.get(span)
                if name is None:
                    name = names[span] = person_name(span)
                if not name:
                    continue
                if before is None:
                    before = _role_before(sentence, start) is not None
                if not before:
                    if end not in after:
                        after[end] = _after(sentence, end) is not None
                    if not after[end]:
                        continue
                if not self._in_office(sentence, start, end) and not self._well_known(span):
                    return True
        return False

    @staticmethod
    def _context(sentence: str, start: int, end: int) -> tuple[str, ...]:
        words = []
        if (before := _role_before(sentence, start)) is not None:
            words.append(before.strip("：: "))
        if (after := _after(sentence, end)) is not None:
            words.append(after.strip("（(，,、）) "))
        return tuple(words)

    def _well_known(self, name: str) -> bool:
        """A common word or a famous person's name by jieba's word frequency (its dictionary tags
        every such word nr, so the tag cannot tell): not a private name."""
        return word_frequency(name) >= _WELL_KNOWN

    @staticmethod
    def _in_office(sentence: str, start: int, end: int) -> bool:
        """A post or role right before or after the name: 局长王某某, 王某某同志, 法定代表人王某."""
        return bool(_POST_BEFORE.search(sentence, max(0, start - 8), start) or _POST_AFTER.match(sentence, end, end + 6))

    def _finding(self, view: NormalizedView, start: int, end: int, words: tuple[str, ...]) -> Finding:
        o_start, o_end = view.original_span(start, end)
        part = view.part
        return Finding(
            rule="pii.name_prose", category=Category.PERSONAL_INFO, subtype="name", severity=Severity.MEDIUM,
            source=Source.RULE, text=part.text[o_start:o_end], location=Location.within(part, o_start, o_end),
            message="正文中出现私人姓名（上下文表明为普通个人，而非履行职务的公职人员）",
            suggestion="以“张某”“张某某”等方式隐去姓名，依法须公开的除外",
            confidence=min(0.9, 0.6 + 0.1 * len(words)),
            explanation=Explanation(detector=self.name, context_words=words, features=("词性标注：人名",)),
            normalized=view.text[start:end])
