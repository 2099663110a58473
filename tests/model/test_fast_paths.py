"""The classifier's fast paths give exactly what their plain definitions give (hypothesis): the
fold of code points is `normalize.fold`, the word matcher finds what an Aho–Corasick automaton
finds (in its order, the order the features are summed in), sentences are the pieces between end
marks, trimmed, the prose filter counts each character's class, and the figures a document
reports as released are those of its sentences that say so. Scores and reasons are sums
over these, so a reviewer sees the same findings, only sooner."""
from __future__ import annotations

import re

import ahocorasick_rs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.model.context import _RELEASE, _UNRELEASED, released_figures, significant_figures
from screening.model.features import masked_codes
from screening.model.fold import _simplified_table, fold_codes
from screening.model.matcher import WordMatcher
from screening.model.prose import prose_spans
from screening.model.segment import MAX_CHARS, _split_long, segments
from screening.normalize import _simplified_already, fold
from screening.pipeline import text_document
from screening.types import Part, PartKind

SLOW = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
HAN = "机关文件国家秘密工作通知关于发布公开内部资料"
TRADITIONAL = "機關檔案國後於乾麽這個發佈"     # 後於乾麽 are GB 2312 characters OpenCC still changes
BREAKS = "\n\r\x0b\x0c\x1c\x85\u2028\u2029"
OTHER = "０１ＡＢ！ａ 12ab\u3000\u00a0\u2002\t。，@.:/wWあ한Яé" + "\U00020000"
TEXT = st.text(HAN + TRADITIONAL + BREAKS + OTHER, max_size=120)


@pytest.fixture(autouse=True, scope="module")
def _loaded():
    """OpenCC and the tables load once, outside hypothesis' per-example deadline."""
    fold("國")
    fold_codes("國")


@SLOW
@given(TEXT)
def test_the_fold_of_code_points_is_the_normalizers_fold(text):
    assert fold_codes(text).tobytes().decode("utf-32-le") == fold(text)


def test_the_table_of_simplified_characters_is_the_gb2312_test_of_each_character():
    table = _simplified_table()
    differ = [c for c in range(0x10000) if not 0xD800 <= c < 0xE000 and table[c] != _simplified_already(chr(c))]
    assert differ == []


WORDS = st.lists(st.text("机关文件国家秘密", min_size=2, max_size=7), min_size=1, max_size=40, unique=True)


@SLOW
@given(WORDS, st.data())
def test_the_word_matcher_finds_every_occurrence_an_automaton_finds_in_its_order(words, data):
    pieces = st.sampled_from(words) | st.text("机关文件国家秘密。a1 ", max_size=3)
    text = "".join(data.draw(st.lists(pieces, max_size=30)))
    masked, codes = masked_codes(text)
    automaton = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard)
    expected = automaton.find_matches_as_indexes(masked, overlapping=True)
    assert WordMatcher(words).find(masked, codes).tolist() == [list(m) for m in expected]


def test_the_word_matcher_takes_only_words_of_han_characters():
    for words in (["中"], ["中a"], ["中国", ""], ["中国\n中国"]):
        with pytest.raises(ValueError):
            WordMatcher(words)


_END = re.compile(r"[。！？；!?;]+[”’」』）)】]*|\n")


def _cut_and_trimmed(part: Part, min_chars: int) -> list[tuple[int, int]]:
    """The definition: cut each block after every end mark and line break, trim each piece,
    split a long one at a comma, keep what is long enough."""
    def trimmed(s, e):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        return s, e

    text, out = part.text, []
    for lo, hi in [(b.start, b.end) for b in part.blocks] or [(0, len(text))]:
        cuts = [lo] + [m.end() for m in _END.finditer(text, lo, hi)] + [hi]
        for s, e in zip(cuts, cuts[1:]):
            for s2, e2 in _split_long(text, *trimmed(s, e)):
                s2, e2 = trimmed(s2, e2)
                if e2 - s2 >= min_chars:
                    out.append((s2, e2))
    return out


SENTENCES = st.text(HAN + "。！？；!?;”’」）)】，、： \t\u3000\n\r", max_size=2 * MAX_CHARS + 40)


@SLOW
@given(SENTENCES, st.integers(1, 12), st.booleans())
def test_sentences_are_the_trimmed_pieces_between_end_marks(text, min_chars, blocks):
    part = text_document(text).parts[0] if blocks else Part(PartKind.BODY, text, ())
    assert list(segments(part, min_chars)) == _cut_and_trimmed(part, min_chars)


def _counts(text: str) -> dict[str, int]:
    def within(*ranges):
        return sum(any(lo <= ord(c) <= hi for lo, hi in ranges) for c in text)

    return {"cjk": within((0x4E00, 0x9FFF), (0x3400, 0x4DBF)), "kana": within((0x3040, 0x30FF)),
            "hangul": within((0xAC00, 0xD7AF)), "digit": within((0x30, 0x39), (0xFF10, 0xFF19)),
            "letter": within((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x370, 0x52F), (0xFF21, 0xFF3A),
                             (0xFF41, 0xFF5A)),
            "code": sum(c in "{}[]<>=;$\\|`#^~_" for c in text)}


@SLOW
@given(st.text(HAN + "あア한Яéa1１Ａ{}<>=;$_ .@:/w", max_size=60))
def test_the_prose_filter_counts_each_characters_class(text):
    ok, content = prose_spans(text, [0], [len(text)])
    n = _counts(text)
    assert int(content[0]) == n["cjk"] + n["kana"] + n["hangul"] + n["digit"] + n["letter"]
    if "://" not in text and "@" not in text and "www." not in text.lower():   # no address to discount
        assert bool(ok[0]) == (n["cjk"] >= 6 and n["kana"] < 2 and n["hangul"] < 2 and n["letter"] <= n["cjk"]
                               and n["digit"] <= n["cjk"] and n["code"] * 8 <= len(text))


def test_an_address_in_a_sentence_still_keeps_it_from_the_model():
    text = "详情请访问 https://www.example.gov.cn/notice/2025/0001.html 或邮件 office@example.gov.cn"
    assert not prose_spans(text, [0], [len(text)])[0][0]
    assert np.array_equal(prose_spans("经研究，拟提名王某某为副局长人选。", [0], [17])[0], [True])


def _released_by_sentence(whole: str) -> frozenset[str]:
    """The definition: every sentence read for a release word and the absence of a not-yet word."""
    released = frozenset()
    for line in re.split(r"[。！？\n]", whole):
        if _RELEASE.search(line) and not _UNRELEASED.search(line):
            released |= significant_figures(line)
    return released


@SLOW
@given(st.lists(st.sampled_from(["已发布", "公布", "统计公报", "数据显示", "尚未公布", "发布前", "预计", "全市",
                                 "实现产值", "12.5亿元", "3400人", "7%", "2", "。", "！", "？", "\n", "，"]),
                max_size=40))
def test_released_figures_are_those_of_the_sentences_that_say_so(pieces):
    whole = "".join(pieces)
    assert released_figures(whole) == _released_by_sentence(whole)
