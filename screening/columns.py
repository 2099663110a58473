"""Columns known by their content: each cell is classified by validators and shape, a column
takes the kind most of its non-empty cells have. A header word raises the confidence (and lets
a shorter column count); its absence lowers nothing, so a list headed "人员" or with no header
at all is typed the same way as one headed "姓名".
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from screening import validators as v
from screening.names import common_word, compact, is_masked_name, person_name


class Kind(StrEnum):
    NAME = "name"
    ID_CARD = "id_card"
    PHONE = "phone"
    BANK_CARD = "bank_card"
    ADDRESS = "address"
    ACCOUNT = "account"
    SECRET = "secret"
    PIN = "pin"


# Header words: a hint, never a requirement.
HEADER_HINTS = {
    Kind.NAME: ("姓名", "名字", "户主", "申请人", "监护人", "家属", "学生", "联系人", "负责人", "收款人", "领款人", "成员",
                "对象", "人员"),
    Kind.ID_CARD: ("身份证", "证件号", "身份号码", "公民身份"),
    Kind.PHONE: ("电话", "手机", "联系方式", "手机号"),
    Kind.BANK_CARD: ("银行", "卡号", "账号", "帐号", "存折", "社保卡"),
    Kind.ADDRESS: ("住址", "地址", "家庭住址", "居住地", "户籍"),
    Kind.ACCOUNT: ("账号", "帐号", "用户名", "登录名", "用户", "账户", "account", "user", "login"),
    Kind.SECRET: ("密码", "口令", "初始密码", "pin", "密钥", "秘钥", "授权码", "secret", "password", "token", "key"),
}
HEADER_HINTS[Kind.PIN] = HEADER_HINTS[Kind.SECRET]

_MASKED_NUMBER = re.compile(r"^[0-9A-Za-z]*[*＊×xX•●]{2,}[0-9A-Za-z*＊×xX•● ]*$")
_ADDRESS_TOKENS = re.compile(r"省|自治区|市|区|县|旗|镇|乡|街道|路|街|大道|巷|弄|胡同|村|组|社区|小区|号|栋|幢|单元|室|楼|苑|花园|新村")
_HOUSE_LEVEL = re.compile(r"\d+\s*(?:号|室|栋|幢|单元|组)|[一二三四五六七八九十]+组\d+号|[一二三四五六七八九十]+组")
_OFFICE_PLACE = re.compile(r"大厦|写字楼|办公|政务|服务中心|政府|公司|委员会|管委会|派出所|医院|学校|银行")
_ACCOUNT = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_.\-]{2,39}|[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,10}|1[3-9]\d{9})$")
_SECRET_CHARS = re.compile(r"^[\x21-\x7e]{4,64}$")
_PIN = re.compile(r"^\d{4,8}$")

_MIN_SHARE = 0.6            # share of non-empty cells that must fit the kind
_MIN_SHARE_HINTED = 0.4     # ... when the header names the kind
_MIN_CELLS = 2
_MIN_DISTINCT = 0.5         # names in a list seldom repeat: 全国, 全国, 全国 … is a scope column


def _classes(s: str) -> int:
    return sum((any(c.islower() for c in s), any(c.isupper() for c in s), any(c.isdigit() for c in s),
                any(not c.isalnum() for c in s)))


def secret_like(s: str) -> bool:
    """A password-like value: printable ASCII without spaces, three character classes or two with
    a symbol, not a mask or placeholder (validators.secret_value)."""
    if not _SECRET_CHARS.match(s) or not v.secret_value(s) or _ACCOUNT.match(s) and _classes(s) < 3:
        return False
    return _classes(s) >= 3 or (_classes(s) == 2 and any(not c.isalnum() for c in s))


def full_address(s: str) -> bool:
    """A residential address down to the house (…号/栋/单元/室, 村…组…号), not an office."""
    return (len(s) >= 6 and len(set(_ADDRESS_TOKENS.findall(s))) >= 2 and bool(_HOUSE_LEVEL.search(s))
            and not _OFFICE_PLACE.search(s))


def fits(kind: Kind, s: str) -> bool:
    """Does the (normalized) cell text fit the kind and need reporting? Masked values never do."""
    if kind is Kind.NAME:
        return person_name(s)
    digits = re.sub(r"[\s\-]", "", s)
    if kind is Kind.ID_CARD:
        return v.gb11643(digits) or v.gb11643_15(digits)
    if kind is Kind.PHONE:
        return v.mobile(digits) or v.landline(digits)
    if kind is Kind.BANK_CARD:
        return v.bank_card(digits)
    if kind is Kind.ADDRESS:
        return full_address(compact(s))
    if kind is Kind.ACCOUNT:
        return bool(_ACCOUNT.match(s))
    if kind is Kind.SECRET:
        return secret_like(s)
    return bool(_PIN.match(s)) and len(set(s)) > 1


def looks(kind: Kind, s: str) -> bool:
    """Does the cell count towards typing the column as `kind`? Masked values count (a list of
    张*明 is a name column), and so do addresses above the house level."""
    if fits(kind, s):
        return True
    if kind is Kind.NAME:
        return is_masked_name(s)
    if kind in (Kind.ID_CARD, Kind.PHONE, Kind.BANK_CARD):
        return bool(_MASKED_NUMBER.match(s.replace(" ", "")))
    if kind is Kind.ADDRESS:
        return len(s) >= 4 and len(set(_ADDRESS_TOKENS.findall(s))) >= 2
    return False


@dataclass(frozen=True, slots=True)
class ColumnType:
    kind: Kind
    share: float            # of the column's data cells that look like the kind
    hinted: bool            # the header names the kind
    confidence: float


_ORDER = (Kind.ID_CARD, Kind.BANK_CARD, Kind.PHONE, Kind.NAME, Kind.ADDRESS, Kind.SECRET, Kind.ACCOUNT, Kind.PIN)


def hinted(kind: Kind, header: str) -> bool:
    h = header.lower()
    return any(word in h for word in HEADER_HINTS[kind])


def _names_vary(texts: Sequence[str]) -> bool:
    """Do the column's values vary as a list of people's names does?"""
    return len(texts) < 4 or len(set(map(compact, texts))) >= _MIN_DISTINCT * len(texts)


def type_column(header: str, texts: Sequence[str]) -> ColumnType | None:
    """The kind of a column from its data cells (normalized texts), or None."""
    texts = [t for t in texts if t.strip()]
    if not texts:
        return None
    for kind in _ORDER:
        hint = hinted(kind, header)
        if len(texts) < (1 if hint else _MIN_CELLS):
            continue
        if kind is Kind.NAME and not _names_vary(texts):
            continue
        share = sum(looks(kind, t) and not (kind is Kind.NAME and common_word(t)) for t in texts) / len(texts)
        if share >= (_MIN_SHARE_HINTED if hint else _MIN_SHARE):
            confidence = min(0.95, 0.55 + 0.35 * share + (0.1 if hint else 0.0))
            return ColumnType(kind, share, hint, confidence)
    return None
