"""Chinese personal names by their shape: the surname model, masked forms, and the words that stand
where a name might but are organisations, places, titles or products.

Pure functions over (normalized, Simplified) text; the tables detector and the prose-name
detector both decide with them. `person_name` is stricter than the `chinese_name` validator the
label rules use: it also refuses words ending like an organisation, a place or a title.
"""
from __future__ import annotations

import re

from screening.validators import COMPOUND_SURNAMES, SURNAMES, chinese_name

_SPACES = re.compile(r"[\s\u3000·•]+")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_MASK_CHARS = "*＊×xX○〇□■●?？"
# 张*明, 张**, 张某, 张某某, 欧阳*, 张×明 — a surname, then a mask, perhaps the last given character.
_MASKED = re.compile(rf"^(?:{'|'.join(sorted(COMPOUND_SURNAMES))}|[{''.join(sorted(SURNAMES))}])"
                     rf"(?:某{{1,2}}|[{re.escape(_MASK_CHARS)}]{{1,3}}[\u4e00-\u9fff]?|[\u4e00-\u9fff][{re.escape(_MASK_CHARS)}]{{1,2}})$")
# Endings of organisations, places, titles, kin terms and products: "王家村", "李庄镇", "张局长", "红星牌".
_NOT_NAME_END = re.compile(
    r"(?:局|厅|委|办|院|所|站|队|部|处|科|股|组|社|会|校|馆|厂|场|店|行|司|团|府|中心|公司|集团|银行|医院|学校"
    r"|省|市|区|县|镇|乡|村|屯|街|路|巷|州"
    r"|长|总理|总统|主任|书记|经理|主席|委员|干部|老师|教师|医生|护士|律师|同志|先生|女士|师傅|老板|阿姨|大爷|大妈|奶奶|爷爷|家属"
    r"|牌|号|型|款|系列|机|器|车|剂|片|药|酒|类|费|额|数|率|量|期|年|日|时|分)$")


_COMMON = 1000          # jieba frequency from which a two-character "name" is an ordinary word (全国, 高度)


def word_frequency(word: str) -> int:
    """jieba's dictionary frequency of `word` (0 when it is no word); the dictionary is loaded on
    first use (its FREQ table is empty until then)."""
    import jieba

    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(word) or 0


def common_word(text: str) -> bool:
    """An ordinary word that merely starts with a surname (全国, 高度, 方案): jieba's dictionary
    frequency, which no private name reaches."""
    return word_frequency(compact(text)) >= _COMMON


def compact(text: str) -> str:
    """A cell or span without the spaces used to pad two-character names ("王　芳")."""
    return _SPACES.sub("", text.strip())


def is_masked_name(text: str) -> bool:
    """张*明, 张某, 张某某, 欧阳**: a name already hidden (never a finding)."""
    return bool(_MASKED.match(compact(text)))


def person_name(text: str) -> bool:
    """A plausible unmasked personal name: surname model (compound surnames included), 1–3 given
    characters, and not shaped like an organisation, place, title or product."""
    s = compact(text)
    if not _HAN.fullmatch(s or "-") or is_masked_name(s):
        return False
    compound = s[:2] in COMPOUND_SURNAMES
    given = len(s) - (2 if compound else 1)
    if not 1 <= given <= 3 or (not compound and s[0] not in SURNAMES):
        return False
    if given == 3 and not compound:
        # four characters on a single surname: only as a double surname (张王小明 is rare, 范徐丽泰)
        if s[1] not in SURNAMES:
            return False
    if given <= 2 and not chinese_name(s):
        return False
    return not _NOT_NAME_END.search(s)


def surname_of(text: str) -> str:
    """The surname a text starts with ('' when it starts with none)."""
    s = compact(text)
    return s[:2] if s[:2] in COMPOUND_SURNAMES else s[:1] if s[:1] in SURNAMES else ""


# Lists and notices of officials or honourees acting in office (public by law): 任前公示, 表彰 …
OFFICIAL_NOTICE = re.compile(
    r"任前公示|拟任|拟提拔|拟晋升|干部公示|表彰|先进个人|先进工作者|优秀共产党员|优秀党务工作者|劳动模范|荣誉称号"
    r"|获奖|嘉奖|通报表扬|当选|拟录用|拟聘用|录用人员|聘用人员|人大代表|政协委员")
