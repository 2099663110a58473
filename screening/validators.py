"""Pure checksum and plausibility checks for identifiers. Each takes the matched text
(separators allowed) and returns True when it is a plausible real identifier."""
from __future__ import annotations

import datetime as _dt
import ipaddress
import math
import re
from collections.abc import Callable

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")

# GB/T 2260 province-level codes (first two digits of the administrative division code).
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _digits(text: str) -> str:
    return _NON_ALNUM.sub("", text).upper()


def _valid_date(year: int, month: int, day: int, *, latest: _dt.date | None = None) -> bool:
    try:
        date = _dt.date(year, month, day)
    except ValueError:
        return False
    return _dt.date(1880, 1, 1) <= date <= (latest or _dt.date.today())


def gb11643_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def gb11643(text: str) -> bool:
    """18-digit citizen ID (GB 11643-1999): region prefix, real birth date, check digit."""
    s = _digits(text)
    if len(s) != 18 or not s[:17].isdigit() or s[:2] not in PROVINCE_CODES:
        return False
    if not _valid_date(int(s[6:10]), int(s[10:12]), int(s[12:14])):
        return False
    return gb11643_check_digit(s[:17]) == s[17]


def gb11643_15(text: str) -> bool:
    """15-digit first-generation ID: region prefix and a real 19YYMMDD birth date."""
    s = _digits(text)
    if len(s) != 15 or not s.isdigit() or s[:2] not in PROVINCE_CODES:
        return False
    return _valid_date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]), latest=_dt.date(1999, 12, 31))


def luhn(text: str) -> bool:
    """Luhn mod-10 (python-stdnum's implementation, separators allowed)."""
    from stdnum import luhn as _luhn

    s = _digits(text)
    return bool(s) and s.isdigit() and _luhn.is_valid(s)


def bank_card(text: str) -> bool:
    """A payment card number: 16–19 digits, a known issuer prefix and a valid Luhn digit."""
    s = _digits(text)
    if not (16 <= len(s) <= 19) or not s.isdigit() or len(set(s)) < 4:
        return False
    if not s.startswith(("62", "4", "5", "3", "60", "9")):
        return False
    if len(s) == 18 and gb11643(s):     # a citizen ID that happens to pass Luhn
        return False
    return luhn(s)


# Mainland mobile number segments (MIIT allocations incl. virtual operators and IoT-free ranges).
_MOBILE_PREFIXES = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149"]
    + [f"15{d}" for d in range(10) if d != 4]
    + ["162", "165", "166", "167"]
    + [f"17{d}" for d in range(10) if d not in (4,)]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in range(10)]
)


def mobile(text: str) -> bool:
    s = _digits(text)
    if s.startswith("86") and len(s) == 13:
        s = s[2:]
    return len(s) == 11 and s.isdigit() and s[:3] in _MOBILE_PREFIXES and len(set(s[3:])) > 1


_INTERNAL_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",   # RFC 1918
    "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10",  # loopback, link-local, carrier-grade NAT
    "::1/128", "fe80::/10", "fc00::/7",                 # IPv6 loopback, link-local, unique-local
))


def private_ip(text: str) -> bool:
    """An internal address: private, loopback, link-local or unique-local (v4 or v6)."""
    candidate = text.strip("[]").split("/", 1)[0].split("%", 1)[0]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return any(address in net for net in _INTERNAL_NETWORKS if net.version == address.version)


# 普通护照 E/G + 8 digits or E + letter + 7 digits; 公务 SE/PE, 外交 DE + 7 digits; the older
# 公务/外交/因公普通 S/D/P + 7 or 8 digits.
_PASSPORT = re.compile(r"[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|(?:SE|PE|DE)\d{7}|[SDP]\d{7,8}")


def passport(text: str) -> bool:
    s = _digits(text)
    return bool(_PASSPORT.fullmatch(s)) and len(set(s[1:])) > 2


# 往来港澳通行证 (C + letter/digit + 7 digits; the older W + 8 digits), 港澳居民来往内地通行证
# (H/M + 8 digits, or + 10 with the renewal count) and 往来台湾通行证 (L/T + 8 digits).
_PERMIT = re.compile(r"C[0-9A-HJ-NP-Z]\d{7}|W\d{8}|[HMK]\d{8}(?:\d{2})?|[LT]\d{8}")


def hk_macau_permit(text: str) -> bool:
    """Exit-entry permit number (港澳/台湾通行证, 回乡证): format and digit variety."""
    s = _digits(text)
    return bool(_PERMIT.fullmatch(s)) and len(set(filter(str.isdigit, s))) > 2


PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"          # I and O are never used
_PLATE = re.compile(
    rf"[{PLATE_PROVINCES}]([{_PLATE_LETTERS}])[·•.\- ]?"
    rf"([{_PLATE_LETTERS}0-9]{{5,6}})([挂学警港澳领使]?)"
)


def plate(text: str) -> bool:
    """Mainland licence plate: province, issuing-office letter, then 5 characters (at most
    two letters), or 6 for new-energy vehicles (D/F first with 4 digits last, or 5 digits then D/F)."""
    m = _PLATE.fullmatch(text.strip())
    if not m:
        return False
    body, suffix = m.group(2), m.group(3)
    if len(body) == 5:
        return sum(ch.isdigit() for ch in body) >= 3 and len(set(body)) > 1
    if suffix:
        return False
    return bool(re.fullmatch(r"[DF][A-HJ-NP-Z0-9]\d{4}|\d{5}[DF]", body))


_AREA_CODE = re.compile(r"010|02\d|0[3-9]\d{2}")


def landline(text: str) -> bool:
    """Mainland landline with its area code: 010/02X + 8 digits or 0XXX + 7–8 digits."""
    s = _digits(text)
    m = _AREA_CODE.match(s)
    if not m:
        return False
    local = s[m.end():]
    if not local.isdigit() or local[0] in "01" or len(set(local)) < 3:
        return False
    return len(local) == 8 if len(m.group()) == 3 else len(local) in (7, 8)


def private_ipv6(text: str) -> bool:
    """An internal IPv6 address (loopback, link-local, unique-local), brackets or zone allowed."""
    return ":" in text and private_ip(text)


_HOST_PORT = re.compile(r"\[?([0-9A-Fa-f:.]+?)\]?\s*(?::|端口号?\s*(?:为|是|[:：])?)\s*(\d{1,5})")


def private_host_port(text: str) -> bool:
    """`<internal address>:<port>` or `<internal address> 端口 <port>` with a valid port number."""
    m = _HOST_PORT.fullmatch(text.strip())
    return bool(m) and private_ip(m.group(1)) and 0 < int(m.group(2)) <= 65535


_MASK = set("*＊×xX•●○□■?？")
PASSWORD_PLACEHOLDERS = frozenset({"null", "none", "empty", "password", "passwd", "your_password",
                                   "yourpassword", "<password>", "changeme"})


def secret_value(text: str) -> bool:
    """A password-like value: 4–64 printable ASCII characters, not a mask (******, xxxx) or a
    placeholder, not a run of one character, and not just a word describing the rule."""
    s = text.strip()
    if not 4 <= len(s) <= 64 or not s.isascii() or not s.isprintable() or " " in s:
        return False
    if set(s) <= _MASK or len(set(s)) < 2:
        return False
    return s.lower() not in PASSWORD_PLACEHOLDERS


def token(text: str) -> bool:
    """A key or token: ≥ 16 characters mixing letters and digits with enough variety
    (Shannon entropy ≥ 3 bits per character), not a mask or a repeated pattern."""
    s = text.strip().strip("\"'")
    if len(s) < 16 or not any(c.isdigit() for c in s) or not any(c.isalpha() for c in s):
        return False
    counts = {c: s.count(c) for c in set(s)}
    entropy = -sum(n / len(s) * math.log2(n / len(s)) for n in counts.values())
    return entropy >= 3.0


# Common Chinese surnames (about 300 single and the usual compound ones), simplified script.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔汤向常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠"
    "荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹"
    "井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰"
    "赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝"
    "智幸奉植衡富尧闭由"
)
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤", "呼延", "百里", "万俟", "澹台", "公冶",
})
# Characters that do not occur in given names but do in the words that stand where a name might.
_NOT_IN_NAME = set(
    "某的了是在与及或等于对从将把被由其该本此各每所者们人员部局厅委办处科室股队会院所站"
    "厂司店社团党府市省县区乡村组号码证件单位名称性别年日时分男女无不详见附表上下"
    "当应须需要能即已未曾并且而就都也还又再请您我你他她它"
    "息述况务格料议诉辩项权益"
)


def chinese_name(text: str) -> bool:
    """A plausible personal name: 2–4 Han characters, a common surname first, no character
    that marks a masked name (某, *), an office, a role word or a function word."""
    s = text.strip()
    if not 2 <= len(s) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in s):
        return False
    given = s[2:] if s[:2] in COMPOUND_SURNAMES else s[1:] if s[0] in SURNAMES else None
    if not given or (len(s) == 4 and s[:2] not in COMPOUND_SURNAMES and len(given) > 2):
        return False
    return not (set(given) & _NOT_IN_NAME)


def student_id(text: str) -> bool:
    """全国学籍号: G (or J) + the pupil's citizen ID number; L + a temporary 18-character number
    with a valid birth date."""
    s = _digits(text)
    if len(s) != 19 or s[0] not in "GJL":
        return False
    return gb11643(s[1:]) or s[0] == "L" and s[1:18].isdigit() and _valid_date(int(s[7:11]), int(s[11:13]), int(s[13:15]))


def disability_card(text: str) -> bool:
    """残疾人证号: the citizen ID number, then the category (1–7) and the grade (1–4)."""
    s = _digits(text)
    return len(s) == 20 and gb11643(s[:18]) and s[18] in "1234567" and s[19] in "1234"


def taiwan_permit(text: str) -> bool:
    """台湾居民来往大陆通行证 (台胞证): 8 digits (since 2015) or 10 digits, some digit variety."""
    s = _digits(text)
    return len(s) in (8, 10) and s.isdigit() and len(set(s)) > 3


def document_number(text: str) -> bool:
    """An account or certificate number after its label (社保卡号, 医保号, 军官证号): 6–20 characters
    with at least 6 digits and some variety, not masked."""
    s = text.strip()
    if any(c in "*＊×•●○□■?？" for c in s):
        return False
    digits = [c for c in s if c.isdigit()]
    return 6 <= len(_digits(s)) <= 20 and len(digits) >= 6 and len(set(digits)) > 2


_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))),
               **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS))
    return "X" if total % 11 == 10 else str(total % 11)


def vin(text: str) -> bool:
    """车架号 (vehicle identification number, GB 16735 / ISO 3779): 17 characters without I, O, Q,
    a valid check digit in position 9, letters and digits both present."""
    s = _digits(text)
    if len(s) != 17 or any(c not in _VIN_VALUES for c in s):
        return False
    return s[8] == vin_check_digit(s) and any(c.isalpha() for c in s) and len(set(s)) > 5


def uscc(text: str) -> bool:
    """统一社会信用代码 (GB 32100, python-stdnum's implementation)."""
    from stdnum.cn import uscc as _uscc

    return _uscc.is_valid(_digits(text))


# Placeholders and references that stand where a secret would: ${DB_PASS}, %(password)s, {{ pwd }},
# <password>, os.environ[...], your_password, a mask.
_REFERENCE = re.compile(r"^(?:\$\{?|%\(|%s$|\{\{?|<|\[|#\{|@@|ENV\[|os\.environ|getenv|process\.env|System\.getenv"
                        r"|(?:self|this|config|settings|conf|cfg|request|params|args|env|options)\.)", re.IGNORECASE)
_PLACEHOLDER_PREFIX = re.compile(r"^(?:your|my|the|enter|input|insert|replace|put|some|new|example|sample|dummy|fake|test)"
                                 r"[_\-.]?(?:pass|pwd|secret|key|token|password)", re.IGNORECASE)
_CALL = re.compile(r"[()]|^[a-z_]+(?:_(?:pass|pwd|password|secret|key|token))$|^[a-z]+(?:[A-Z][a-z]*)*(?:Pass|Pwd|Password|Secret|Key|Token)$")
CONFIG_PLACEHOLDERS = PASSWORD_PLACEHOLDERS | frozenset({
    "secret", "pass", "pwd", "xxx", "xxxx", "changeit", "change_me", "yoursecret", "example", "sample", "dummy",
    "placeholder", "nil", "undefined", "true", "false", "required", "optional", "string", "value", "redacted",
    "hidden", "masked", "encrypted", "default", "secret_key", "api_key", "token", "******", "********"})


def _entropy(s: str) -> float:
    counts = {c: s.count(c) for c in set(s)}
    return -sum(n / len(s) * math.log2(n / len(s)) for n in counts.values())


def config_secret(text: str) -> bool:
    """A literal secret in config or code syntax: 4–128 printable characters, not a placeholder,
    a variable or environment reference, a function call or a mask, with some variety."""
    s = text.strip().strip("\"'")
    if not 4 <= len(s) <= 128 or not s.isascii() or not s.isprintable() or " " in s:
        return False
    if set(s) <= _MASK or s.lower() in CONFIG_PLACEHOLDERS or _REFERENCE.match(s) or _PLACEHOLDER_PREFIX.match(s):
        return False
    return not _CALL.search(s) and _entropy(s) >= 1.5


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "gb11643": gb11643,
    "gb11643_15": gb11643_15,
    "luhn": luhn,
    "bank_card": bank_card,
    "mobile": mobile,
    "landline": landline,
    "private_ip": private_ip,
    "private_ipv6": private_ipv6,
    "private_host_port": private_host_port,
    "passport": passport,
    "hk_macau_permit": hk_macau_permit,
    "plate": plate,
    "secret_value": secret_value,
    "token": token,
    "chinese_name": chinese_name,
    "student_id": student_id,
    "disability_card": disability_card,
    "taiwan_permit": taiwan_permit,
    "document_number": document_number,
    "vin": vin,
    "uscc": uscc,
    "config_secret": config_secret,
}
