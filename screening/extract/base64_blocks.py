"""Long base64 blocks inside a text (a pasted mail, an exported page): decoded and screened as a
file of their own, or reported — never screened as text, whose letters only look like words.

A block is a run of lines that are each pure base64 (at least `MIN_LINE` characters, so a word or
a number is never one) adding up to at least `MIN_CHARS` characters."""
from __future__ import annotations

import base64
import binascii
import re

from screening.extract.common import Limits, Parts
from screening.extract.nested import add_member

MIN_CHARS = 256
MIN_LINE = 40
_LINE = re.compile(r"^\s*[A-Za-z0-9+/]{%d,}={0,2}\s*$" % MIN_LINE)
_TAIL = re.compile(r"^\s*[A-Za-z0-9+/]{1,}={0,2}\s*$")          # the last, shorter line of a block
WARN_UNDECODABLE = "第{first}–{last}行疑似 base64 编码数据，但无法解码，未能审查"


def find_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) 0-based line indices of every base64 block."""
    blocks, i = [], 0
    while i < len(lines):
        if not _LINE.match(lines[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and _LINE.match(lines[j + 1]):
            j += 1
        if j + 1 < len(lines) and _TAIL.match(lines[j + 1]) and lines[j + 1].strip():
            j += 1
        if sum(len(lines[k].strip()) for k in range(i, j + 1)) >= MIN_CHARS:
            blocks.append((i, j))
        i = j + 1
    return blocks


def add_decoded(parts: Parts, lines: list[str], blocks: list[tuple[int, int]], limits: Limits) -> list[str]:
    """Screen each block's decoded bytes as a member file; the warnings for what cannot be read."""
    warnings: list[str] = []
    for first, last in blocks:
        encoded = "".join(line.strip() for line in lines[first:last + 1])
        try:
            data = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except (binascii.Error, ValueError):
            warnings.append(WARN_UNDECODABLE.format(first=first + 1, last=last + 1))
            continue
        warnings += add_member(parts, data, f"第{first + 1}–{last + 1}行的base64数据", limits)
    return warnings
