"""Which passages the model may judge: Chinese prose. A model trained on Chinese prose says
nothing useful about Russian or Japanese text, tables of numbers, code or web addresses."""
from __future__ import annotations

import re

_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|[\w.-]+@[\w.-]+\.\w+", re.IGNORECASE)
_CODE = set("{}[]<>=;$\\|`#^~_")
MIN_CJK = 6


def content_chars(text: str) -> int:
    """Letters, digits and CJK characters: what carries meaning (not punctuation, spaces, table bars)."""
    return sum(ch.isalnum() for ch in text)


def judgeable(text: str) -> bool:
    """True for a passage of Chinese prose: enough CJK characters, no kana or hangul, more CJK
    than Latin/Cyrillic letters and than digits, and not mostly a web address or code."""
    cjk = kana = hangul = other_letters = digits = code = 0
    for ch in text:
        o = ord(ch)
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            cjk += 1
        elif 0x3040 <= o <= 0x30FF:
            kana += 1
        elif 0xAC00 <= o <= 0xD7AF:
            hangul += 1
        elif ch.isdigit():
            digits += 1
        elif ch.isalpha():
            other_letters += 1
        elif ch in _CODE:
            code += 1
    if cjk < MIN_CJK or kana >= 2 or hangul >= 2:
        return False
    if other_letters > cjk or digits > cjk or code * 8 > len(text):
        return False
    url_chars = sum(m.end() - m.start() for m in _URL.finditer(text))
    return url_chars * 3 < len(text)
