"""Pure checksum and plausibility checks for identifiers. Each takes the matched text
(separators allowed) and returns True when it is a plausible real identifier."""
from __future__ import annotations

import datetime as _dt
import ipaddress
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
    s = _digits(text)
    if not s.isdigit() or not s:
        return False
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def bank_card(text: str) -> bool:
    """A payment card number: 16–19 digits, a known issuer prefix and a valid Luhn digit."""
    s = _digits(text)
    if not (16 <= len(s) <= 19) or not s.isdigit() or len(set(s)) < 4:
        return False
    if not s.startswith(("62", "4", "5", "3", "60", "9")):
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


_PASSPORT = re.compile(r"(?:[EGDSP]\d{8}|E[A-HJ-NP-Z]\d{7}|[GE]\d{8})")


def passport(text: str) -> bool:
    s = _digits(text)
    return bool(_PASSPORT.fullmatch(s)) and len(set(s[1:])) > 2


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "gb11643": gb11643,
    "gb11643_15": gb11643_15,
    "luhn": luhn,
    "bank_card": bank_card,
    "mobile": mobile,
    "private_ip": private_ip,
    "passport": passport,
}
