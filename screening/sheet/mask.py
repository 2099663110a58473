"""Masking by the publication norm (政府信息公开中个人信息的遮挡规范).

Pure functions on strings, shared by the review sheet (which must not leak what it reports) and the
redacted copy (区分处理):

| subtype     | example in                      | example out               |
|-------------|---------------------------------|---------------------------|
| phone       | 13812341234 / 010-62345678      | 138****1234 / 010-****5678 |
| id_card     | 11010519491231002X              | 110105*********02X (first 6, last 3: `MaskPolicy.id_keep`) |
| bank_card   | 6222 0212 3456 7890             | **** **** **** 7890       |
| address     | 北京市海淀区中关村街道科学院南路2号 | 北京市海淀区中关村街道****   |
| name        | 张三 / 欧阳明华                   | 张* / 欧阳**               |
| email       | zhangsan@example.com            | z***@example.com          |
| passport    | E12345678                       | E1*****78                 |
| plate       | 京A12345                        | 京A*****                  |

Separators (spaces, hyphens) are kept where the value keeps its length, so a masked value still
reads as the kind of thing it was. Anything not personal data that must go is replaced whole by
`MaskPolicy.other`.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from screening.types import Category

# Two-character surnames: keep both characters of 欧阳明华 → 欧阳**.
COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
    "令狐", "端木", "申屠", "独孤", "南宫", "西门", "轩辕", "呼延", "万俟", "闻人", "澹台", "公冶",
    "太史", "钟离", "赫连", "鲜于", "百里", "东郭", "司空", "拓跋", "完颜",
))

# Administrative levels of a Chinese address, from the top. The masked address keeps everything up to
# the 乡镇/街道 level (or the lowest level found above it) and hides the rest.
_LEVELS = (
    re.compile(r"(?:特别行政[区區]|特別行政區|自治[区區]|省)"),
    re.compile(r"(?:自治州|地[区區]|盟|市)"),
    re.compile(r"(?:(?<![小社园校景片厂营])[区區]|自治[县縣]|[县縣]|旗|市)"),
    re.compile(r"(?:街道办事处|街道辦事處|街道|[镇鎮]|[乡鄉]|苏木|蘇木)"),
)
_LEVEL_WINDOW = 12   # a level name is at most this many characters after the previous one


@dataclass(frozen=True, slots=True)
class MaskPolicy:
    """How much of each kind of value stays visible (configurable per unit)."""

    id_keep: tuple[int, int] = (6, 3)       # 公民身份号码: first and last characters kept
    bank_keep_last: int = 4
    passport_keep: tuple[int, int] = (2, 2)
    char: str = "*"
    address_tail: str = "****"
    other: str = "***"                      # non-personal items are replaced whole

    def __post_init__(self) -> None:
        if min(*self.id_keep, self.bank_keep_last, *self.passport_keep) < 0:
            raise ValueError("MaskPolicy: counts of kept characters cannot be negative")
        if sum(self.id_keep) >= 18:
            raise ValueError("MaskPolicy.id_keep must hide at least one of the 18 characters")
        if len(self.char) != 1:
            raise ValueError("MaskPolicy.char must be one character")


DEFAULT_POLICY = MaskPolicy()


def _mask_keeping(text: str, is_secret: Callable[[str], bool], keep_first: int, keep_last: int,
                  char: str) -> str:
    """Replace the characters for which `is_secret` holds, except the first `keep_first` and the last
    `keep_last` of them; every other character (separators) stays where it is."""
    positions = [i for i, c in enumerate(text) if is_secret(c)]
    if len(positions) <= keep_first + keep_last:
        keep_first, keep_last = 0, 0   # too short to keep anything safely
    hidden = set(positions[keep_first:len(positions) - keep_last])
    return "".join(char if i in hidden else c for i, c in enumerate(text))


def _alnum(c: str) -> bool:
    """A Latin letter or digit, ASCII or full-width (never a Chinese character)."""
    c = unicodedata.normalize("NFKC", c)
    return c.isascii() and c.isalnum()


def _digit(c: str) -> bool:
    return c.isdigit()


def mask_phone(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """Mobile: first 3 and last 4 digits (138****1234, with +86 kept); landline: area code and last 4."""
    plain = unicodedata.normalize("NFKC", "".join(c for c in text if c.isdigit()))
    prefix = ""
    m = re.match(r"^\s*(\+?86[\s-]?|0086[\s-]?)", unicodedata.normalize("NFKC", text))
    if m and len(plain) > 11:
        prefix, text = text[:m.end()], text[m.end():]
        plain = unicodedata.normalize("NFKC", "".join(c for c in text if c.isdigit()))
    if len(plain) == 11 and plain.startswith("1"):
        return prefix + _mask_keeping(text, _digit, 3, 4, policy.char)
    area = re.match(r"^\s*(?:\(0\d{2,3}\)\s*|0\d{2,3}[\s-])", text)
    if area:
        head, rest = text[:area.end()], text[area.end():]
        return prefix + head + _mask_keeping(rest, _digit, 0, 4, policy.char)
    return prefix + _mask_keeping(text, _digit, 0, 4, policy.char)


def mask_id_card(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    first, last = policy.id_keep
    return _mask_keeping(text, _alnum, first, last, policy.char)


def mask_bank_card(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    return _mask_keeping(text, _digit, 0, policy.bank_keep_last, policy.char)


def mask_passport(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    first, last = policy.passport_keep
    return _mask_keeping(text, _alnum, first, last, policy.char)


def mask_email(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    local, at, domain = text.partition("@")
    if not at:
        return _mask_keeping(text, lambda c: not c.isspace(), 1, 0, policy.char)
    return (local[:1] + policy.char * 3 if local else "") + at + domain


def mask_name(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """张三 → 张*, 张三丰 → 张**, 欧阳明华 → 欧阳**; Latin names keep their first letter."""
    stripped = text.strip()
    if not stripped:
        return text
    keep = 2 if stripped[:2] in COMPOUND_SURNAMES and len(stripped) > 2 else 1
    lead = text[:len(text) - len(text.lstrip())]
    return lead + stripped[:keep] + "".join(policy.char if not c.isspace() and c not in "·•." else c
                                            for c in stripped[keep:])


def mask_plate(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """京A12345 → 京A*****: the issuing province and authority stay, the number goes."""
    body = text.strip()
    return body[:2] + "".join(policy.char if _alnum(c) else c for c in body[2:])


def address_keep_length(text: str) -> int:
    """How many leading characters of an address stay: up to the 乡镇/街道 level, or the lowest level
    found above it; 0 when no administrative level can be recognised."""
    pos, level = 0, 0
    while level < len(_LEVELS):
        # The earliest level name ahead wins (so 超市 in a street name never outranks 海淀区); a name
        # needs at least one character before it (镇江市 is a city, not a town called "").
        found = [(m.start(), i, m) for i in range(level, len(_LEVELS))
                 if (m := _LEVELS[i].search(text, pos + 1, min(len(text), pos + 1 + _LEVEL_WINDOW)))]
        if not found:
            break
        _, i, m = min(found, key=lambda t: (t[0], t[1]))
        pos, level = m.end(), i + 1
    return pos


def mask_address(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    keep = address_keep_length(text)
    if keep >= len(text.rstrip()):
        return text
    return text[:keep] + policy.address_tail


def mask_other(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    return policy.other


MASKERS: dict[str, Callable[[str, MaskPolicy], str]] = {
    "phone": mask_phone,
    "id_card": mask_id_card,
    "bank_card": mask_bank_card,
    "passport": mask_passport,
    "email": mask_email,
    "name": mask_name,
    "plate": mask_plate,
    "address": mask_address,
    "other": mask_other,
}


def mask_value(text: str, category: Category | str, subtype: str | None = None,
               policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """The published form of one flagged value: personal data by its subtype, anything else whole."""
    if Category(category) is Category.PERSONAL_INFO:
        return MASKERS.get(subtype or "other", mask_other)(text, policy)
    return policy.other


def needs_mask_in_sheet(category: Category | str) -> bool:
    """The review sheet prints flagged text, except what would leak through the sheet itself:
    personal data and credentials."""
    return Category(category) in (Category.PERSONAL_INFO, Category.CREDENTIAL)


def mask_for_sheet(text: str, category: Category | str, subtype: str | None = None,
                   policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """The flagged text as the sheet prints it: personal data by the norm, a credential with only its
    first two characters visible, anything else unchanged."""
    category = Category(category)
    if category is Category.PERSONAL_INFO:
        return mask_value(text, category, subtype, policy)
    if category is Category.CREDENTIAL:
        return _mask_keeping(text, lambda c: not c.isspace(), 2, 0, policy.char)
    return text
