"""txt: the encodings Chinese offices use, told apart on real text; one block per line."""
from __future__ import annotations

import codecs

import pytest
from tests.shared import SEEDS, require_shared
from extract_helpers import assert_well_formed, blocks
from hypothesis import given
from hypothesis import strategies as st

from screening.errors import UnreadableDocument
from screening.extract import extract_bytes, extract_path
from screening.extract.txt import decode_text
from screening.types import PartKind

SIMPLIFIED = "会理县人民政府办公室关于进一步提升政府信息公开工作水平的通知\n各乡（镇）人民政府、县级各部门："
TRADITIONAL = "肇慶市人民政府辦公室印發2010年全市政務公開工作要點的通知\n肇府辦〔2010〕31號"

ENCODED = [
    ("utf-8", SIMPLIFIED, SIMPLIFIED.encode("utf-8")),
    ("utf-8 with BOM", SIMPLIFIED, codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8")),
    ("gb18030", SIMPLIFIED, SIMPLIFIED.encode("gb18030")),
    ("gbk", SIMPLIFIED, SIMPLIFIED.encode("gbk")),
    ("gb18030 traditional", TRADITIONAL, TRADITIONAL.encode("gb18030")),
    ("big5", TRADITIONAL, TRADITIONAL.encode("big5")),
    ("utf-16 LE with BOM", SIMPLIFIED, SIMPLIFIED.encode("utf-16")),
    ("utf-16 BE with BOM", TRADITIONAL, codecs.BOM_UTF16_BE + TRADITIONAL.encode("utf-16-be")),
    ("utf-16 LE without BOM", SIMPLIFIED, SIMPLIFIED.encode("utf-16-le")),
    ("utf-16 BE without BOM", TRADITIONAL, TRADITIONAL.encode("utf-16-be")),
]


@pytest.mark.parametrize("text, data", [c[1:] for c in ENCODED], ids=[c[0] for c in ENCODED])
def test_each_encoding_decodes_to_the_text(text, data):
    doc = extract_bytes(data, "公开稿.txt")
    assert_well_formed(doc, data)
    assert blocks(doc, PartKind.BODY) == text.split("\n")


# Short real lines (titles, 文号, headings from the seeds): too little text for statistics
# alone, but their characters are common in one script and odd in the other reading.
SHORT = ["印發2010年全市政務公開工作要點的通知", "市政府辦公室", "關於進一步做好政府資訊公開", "政府信息公开",
         "会理府办发〔2016〕107号", "宽城区政府信息公开工作制度", "附件：账号及密码", "機密★1年", "第一章 总则"]


def _encodable(texts, encodings):
    for text in texts:
        for encoding in encodings:
            try:
                yield pytest.param(text, text.encode(encoding), id=f"{encoding}-{text}")
            except UnicodeEncodeError:
                pass                                    # Big5 has no simplified-only characters


@pytest.mark.parametrize("text, data", list(_encodable(SHORT, ["gb18030", "big5", "utf-16-le"])))
def test_short_real_lines(text, data):
    assert decode_text(data) == text


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")) or ["absent"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "cp950", "utf-16"])   # cp950: Big5 as Windows writes it
def test_the_seeds_read_in_place_in_every_encoding(seed, encoding):
    path = require_shared(SEEDS / seed)
    text = path.read_text(encoding="utf-8")
    data = text.encode(encoding, errors="ignore")       # Big5 lacks some characters; drop them
    assert decode_text(data) == data.decode(encoding)
    if encoding == "utf-8":
        doc = extract_path(path)
        assert_well_formed(doc, data)
        assert doc.parts[0].text == text.rstrip("\n").replace("\r\n", "\n")


@pytest.mark.parametrize("data, lines", [
    (b"a\r\nb\rc\nd", ["a", "b", "c", "d"]),
    (b"first\n\n\nlast\n", ["first", "", "", "last"]),        # block N is line N
    (b"\n\nonly the third", ["", "", "only the third"]),
])
def test_one_block_per_line_blank_lines_kept(data, lines):
    doc = extract_bytes(data, "a.txt")
    assert blocks(doc, PartKind.BODY) == lines
    assert [b.paragraph for b in doc.parts[0].blocks] == list(range(1, len(lines) + 1))


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=20),
                min_size=1, max_size=10).filter(lambda ls: any(line.strip() for line in ls)))
def test_any_utf8_lines_round_trip(lines):
    text = "\n".join(lines)
    try:
        doc = extract_bytes(text.encode("utf-8"), "a.txt")
    except UnreadableDocument as exc:          # control characters: not a text file
        assert exc.code == "encoding"
        return
    assert blocks(doc, PartKind.BODY) == text.removesuffix("\n").split("\n")   # a final newline ends a line


def test_binary_content_is_an_encoding_error():
    with pytest.raises(UnreadableDocument) as caught:
        extract_bytes(bytes(range(256)) * 8, "a.txt")
    assert caught.value.code == "encoding"


def test_a_guessed_encoding_keeps_every_character():
    """An ASCII file with a control character is no text file: refused, not read with the control
    character silently dropped (which would move every offset after it)."""
    with pytest.raises(UnreadableDocument) as caught:
        extract_bytes("0\x0f".encode("utf-8"), "a.txt")
    assert caught.value.code == "encoding"
