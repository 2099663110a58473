"""txt: decode in whatever encoding Chinese offices use, one block per line.

Order of evidence: a byte-order mark; strict UTF-8 (multi-byte UTF-8 is almost never valid by
accident; plain ASCII full of control characters may be BOM-less UTF-16); the NUL pattern of
BOM-less UTF-16 with Latin text; then the legacy candidates GB18030, Big5 (cp950, Big5-HKSCS)
and BOM-less UTF-16, scored by how much of the decoded text is common Chinese; charset-normalizer
only for what is none of these, and only if its answer reads as text.
"""
from __future__ import annotations

import codecs
import re
from functools import lru_cache

from screening.errors import UnreadableDocument
from screening.extract import base64_blocks
from screening.extract.common import Limits, Parts, make_document
from screening.types import Document, PartKind

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_LEGACY = ("gb18030", "cp950", "big5hkscs")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SAMPLE = 20_000        # characters scored per candidate
_MIN_SCORE = 0.6        # share of common Chinese among the scored characters
_MIN_SCORE_UTF16 = 0.9
# Punctuation, full-width forms, arrows, enclosed numbers (①), shapes and symbols (★ ■ ●): they
# tell no encoding apart. Box drawing (U+2500…) is left out: it is what Big5 read as GBK looks like.
_NEUTRAL = ((0x00A0, 0x00FF), (0x2000, 0x206F), (0x2190, 0x24FF), (0x25A0, 0x27BF), (0x3000, 0x303F),
            (0xFF00, 0xFFEF))


def extract(data: bytes, name: str, limits: Limits) -> Document:
    text = decode_text(data)
    if text.endswith(("\r\n", "\n", "\r")):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    parts = Parts(keep_blank=True)          # block N is line N
    body = parts[PartKind.BODY]
    lines = _LINE_BREAK.split(text)
    encoded = base64_blocks.find_blocks(lines)
    masked = {i for first, last in encoded for i in range(first, last + 1)}
    for i, line in enumerate(lines):
        body.add("" if i in masked else line)      # a base64 block is screened decoded, not as text
    warnings = base64_blocks.add_decoded(parts, lines, encoded, limits) if encoded else []
    return make_document(data, name, "txt", parts, warnings=warnings)


def decode_text(data: bytes) -> str:
    """The text of `data`, or UnreadableDocument("encoding")."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise UnreadableDocument("encoding", f"文件以 {encoding} 字节顺序标记开头，但内容不是有效的 {encoding} 文本") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not text.isascii() or _looks_like_text(text):
            return text         # control characters in plain ASCII: may be BOM-less UTF-16 of CJK
    head = data[:4096]
    if max(head[0::2].count(0), head[1::2].count(0)) > max(3, len(head) // 10):
        return _utf16_by_nuls(data)
    candidates = [(e, _MIN_SCORE) for e in _LEGACY]
    if len(data) % 2 == 0:  # random code points are common hanzi 40% of the time: ask for more
        candidates += [("utf-16-le", _MIN_SCORE_UTF16), ("utf-16-be", _MIN_SCORE_UTF16)]
    best, best_score = None, 0.0
    for encoding, minimum in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = chinese_score(text)
        if score >= minimum and score > best_score:
            best, best_score = text, score
    if best is not None:
        return best
    return _charset_normalizer(data)


def _utf16_by_nuls(data: bytes) -> str:
    """Latin text in UTF-16 has a NUL in every other byte: odd positions for LE, even for BE."""
    head = data[:4096]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    for encoding in (("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise UnreadableDocument("encoding", "文件含有空字节，既不是 UTF-16 文本也不是其他可识别的文本（可能是二进制文件）")


def _charset_normalizer(data: bytes) -> str:
    from charset_normalizer import from_bytes  # lazily: only for files that are no Chinese encoding

    for match in from_bytes(data):
        if match.encoding.startswith(("utf_16", "utf_32")):
            continue            # BOM-less UTF-16 was judged above; its guesses here are noise
        text = str(match)
        if text and _faithful(text, match.encoding, data) and _looks_like_text(text):
            return text
    raise UnreadableDocument("encoding", "无法识别文本编码（不是 UTF-8、UTF-16、GB18030/GBK 或 Big5），请另存为 UTF-8 后再提交")


def _faithful(text: str, encoding: str, data: bytes) -> bool:
    """Does `text` encode back to exactly `data`? (A guess that drops or replaces characters would
    move every offset after them.)"""
    try:
        return text.encode(encoding) == data
    except (LookupError, UnicodeError):
        return False


def _looks_like_text(text: str) -> bool:
    sample = text[:_SAMPLE]
    controls = sum(1 for c in sample if c < " " and c not in "\t\n\r\f\v")
    return controls <= len(sample) * 0.01 and "\ufffd" not in sample


@lru_cache(maxsize=1)
def _common_chinese() -> frozenset[str]:
    """GB 2312 level-1 hanzi (the 3,755 most used Simplified characters) and the 5,401
    frequently used characters of Big5 (Traditional): common text in either script."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if (lead, trail) < (0xC6, 0x7F):
                try:
                    chars.add(bytes((lead, trail)).decode("cp950"))
                except UnicodeDecodeError:
                    pass
    return frozenset(chars)


def chinese_score(text: str) -> float:
    """Share of common Chinese characters among the characters that tell encodings apart
    (ASCII, punctuation and full-width forms are neutral; rare hanzi, kana, Hangul, box
    drawing, private use and control characters count against)."""
    common = _common_chinese()
    good = bad = 0
    for ch in text[:_SAMPLE]:
        if ch in common:
            good += 1
            continue
        o = ord(ch)
        if o < 0x80:
            if o < 0x20 and ch not in "\t\n\r\f":
                bad += 1
        elif not any(lo <= o <= hi for lo, hi in _NEUTRAL):
            bad += 1
    return good / (good + bad) if good + bad else 0.0
