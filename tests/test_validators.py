"""Property tests for every checksum and plausibility validator (hypothesis)."""
from __future__ import annotations

import datetime as dt
import ipaddress

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from screening import validators as v

DIGITS = "0123456789"
digits = st.text(DIGITS, min_size=1, max_size=1)


# ---------------------------------------------------------------- GB 11643 citizen IDs

@st.composite
def id18(draw) -> str:
    region = draw(st.sampled_from(sorted(v.PROVINCE_CODES))) + draw(st.text(DIGITS, min_size=4, max_size=4))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date.today()))
    first17 = region + born.strftime("%Y%m%d") + draw(st.text(DIGITS, min_size=3, max_size=3))
    return first17 + v.gb11643_check_digit(first17)


@given(id18())
def test_gb11643_accepts_generated_ids(number):
    assert v.gb11643(number)
    assert v.gb11643(number.lower()) and v.gb11643(f"{number[:6]} {number[6:14]} {number[14:]}")


@given(id18(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_gb11643_rejects_any_single_character_change(number, position, replacement):
    assume(number[position] != replacement and (position == 17 or replacement != "X"))
    assert not v.gb11643(number[:position] + replacement + number[position + 1:])


@given(id18())
def test_gb11643_rejects_unknown_regions_and_future_births(number):
    bad_region = "00" + number[2:17]
    assert not v.gb11643(bad_region + v.gb11643_check_digit(bad_region))
    future = number[:6] + (dt.date.today() + dt.timedelta(days=2)).strftime("%Y%m%d") + number[14:17]
    assert not v.gb11643(future + v.gb11643_check_digit(future))
    assert not v.gb11643(number[:17]) and not v.gb11643(number + "0")


@st.composite
def id15(draw) -> str:
    region = draw(st.sampled_from(sorted(v.PROVINCE_CODES))) + draw(st.text(DIGITS, min_size=4, max_size=4))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(1999, 12, 31)))
    return region + born.strftime("%y%m%d") + draw(st.text(DIGITS, min_size=3, max_size=3))


@given(id15())
def test_gb11643_15_accepts_generated_old_ids(number):
    assert v.gb11643_15(number)


@given(id15(), st.integers(13, 19))
def test_gb11643_15_rejects_impossible_dates_and_regions(number, month):
    assert not v.gb11643_15(number[:8] + str(month) + number[10:])
    assert not v.gb11643_15("00" + number[2:])
    assert not v.gb11643_15(number[:14]) and not v.gb11643_15(number + "1")


# ---------------------------------------------------------------- bank cards (Luhn)

def _luhn_complete(body: str) -> str:
    return next(body + d for d in DIGITS if v.luhn(body + d))


@st.composite
def card(draw) -> str:
    length = draw(st.sampled_from([16, 19]))
    prefix = draw(st.sampled_from(["62", "4", "51", "35", "60"]))
    body = prefix + draw(st.text(DIGITS, min_size=length - 1 - len(prefix), max_size=length - 1 - len(prefix)))
    return _luhn_complete(body)


@given(card())
def test_bank_card_accepts_generated_cards(number):
    assume(len(set(number)) >= 4 and not v.gb11643(number))
    assert v.luhn(number) and v.bank_card(number)
    assert v.bank_card(" ".join(number[i:i + 4] for i in range(0, len(number), 4)))


@given(card(), st.integers(0, 18), digits)
def test_luhn_rejects_any_single_digit_change(number, position, replacement):
    assume(position < len(number) and number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1:]
    assert not v.luhn(changed) and not v.bank_card(changed)


@given(id18())
def test_bank_card_rejects_citizen_ids(number):
    assert not v.bank_card(number)


@given(st.text(DIGITS, min_size=1, max_size=15) | st.text(DIGITS, min_size=20, max_size=30))
def test_bank_card_rejects_wrong_lengths(number):
    assert not v.bank_card(number)


# ---------------------------------------------------------------- telephones

MOBILE_SEGMENTS = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151",
                   "152", "153", "155", "156", "157", "158", "159", "166", "170", "171", "173", "175", "176",
                   "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191",
                   "193", "195", "196", "197", "198", "199"]


@given(st.sampled_from(MOBILE_SEGMENTS), st.text(DIGITS, min_size=8, max_size=8))
def test_mobile_accepts_current_segments_in_any_notation(segment, rest):
    assume(len(set(rest)) > 1)
    number = segment + rest
    assert v.mobile(number) and v.mobile(f"{number[:3]}-{number[3:7]}-{number[7:]}") and v.mobile("+86" + number)


@given(st.sampled_from(["100", "110", "120", "122", "154", "160", "174"]), st.text(DIGITS, min_size=8, max_size=8))
def test_mobile_rejects_unallocated_segments_and_wrong_lengths(segment, rest):
    assert not v.mobile(segment + rest)
    number = "138" + rest
    assert not v.mobile(number + "1") and not v.mobile(number[:10]) and not v.mobile("13800000000")


@st.composite
def landline_number(draw) -> str:
    area = draw(st.sampled_from(["010", "021", "025", "0519", "0578", "0871", "0311"]))
    size = 8 if len(area) == 3 else draw(st.sampled_from([7, 8]))
    local = draw(st.sampled_from("23456789")) + draw(st.text(DIGITS, min_size=size - 1, max_size=size - 1))
    return area + "-" + local


@given(landline_number())
def test_landline_accepts_area_code_and_local_number(number):
    area, local = number.split("-")
    assume(len(set(local)) >= 3)
    assert v.landline(number) and v.landline(area + local) and v.landline(f"({area}){local}")


@given(landline_number(), st.sampled_from("01"))
def test_landline_rejects_local_numbers_starting_with_0_or_1_and_missing_area_codes(number, first):
    area, local = number.split("-")
    assert not v.landline(f"{area}-{first}{local[1:]}")
    assert not v.landline(local) and not v.landline("5627731")


# ---------------------------------------------------------------- network addresses

PRIVATE_V4 = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8")]


@given(st.sampled_from(PRIVATE_V4).flatmap(lambda net: st.ip_addresses(network=net)))
def test_private_ip_accepts_internal_ipv4(address):
    assert v.private_ip(str(address))


@given(st.ip_addresses(v=4) | st.ip_addresses(v=6))
def test_private_ip_rejects_global_addresses(address):
    assume(address.is_global)
    assert not v.private_ip(str(address)) and not v.private_ipv6(str(address))


@given(st.sampled_from(["fd00::/8", "fc00::/7", "fe80::/10", "::1/128"]).flatmap(
    lambda net: st.ip_addresses(network=ipaddress.ip_network(net))))
def test_private_ipv6_accepts_internal_ipv6_also_bracketed_or_zoned(address):
    text = str(address)
    assert v.private_ipv6(text) and v.private_ipv6(f"[{text}]") and v.private_ipv6(text + "%eth0")


@given(st.sampled_from(PRIVATE_V4).flatmap(lambda net: st.ip_addresses(network=net)))
def test_private_ipv6_rejects_ipv4(address):
    assert not v.private_ipv6(str(address))


@given(st.sampled_from(PRIVATE_V4).flatmap(lambda net: st.ip_addresses(network=net)), st.integers(1, 65535))
def test_private_host_port_accepts_internal_address_and_port(address, port):
    assert v.private_host_port(f"{address}:{port}") and v.private_host_port(f"{address} 端口 {port}")
    assert not v.private_host_port(f"{address}:{port + 65535}") and not v.private_host_port(f"{address}:0")


@given(st.ip_addresses(v=4), st.integers(1, 65535))
def test_private_host_port_rejects_public_addresses(address, port):
    assume(address.is_global)
    assert not v.private_host_port(f"{address}:{port}")


# ---------------------------------------------------------------- travel documents and plates

@given(st.sampled_from("EGDSP"), st.text(DIGITS, min_size=8, max_size=8))
def test_passport_accepts_mainland_formats(letter, number):
    assume(len(set(number)) > 2)
    assert v.passport(letter + number) and v.passport((letter + number).lower())


@given(st.sampled_from("ABFHJKLMNQRTUVWXYZ"), st.text(DIGITS, min_size=8, max_size=8))
def test_passport_rejects_other_letters_and_lengths(letter, number):
    assert not v.passport(letter + number) and not v.passport("E" + number[:7]) and not v.passport("E" + number + "1")


@given(st.sampled_from(["C" + c for c in "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"]), st.text(DIGITS, min_size=7, max_size=7))
def test_exit_permit_accepts_hk_macau_permits(prefix, number):
    assume(len(set(number)) > 2)
    assert v.hk_macau_permit(prefix + number)
    assert v.hk_macau_permit("H" + number + "1") and v.hk_macau_permit("M" + number + "123")
    assert v.hk_macau_permit("W" + number + "5") and v.hk_macau_permit("T" + number + "7")


@given(st.sampled_from("ABDEFGJNPQRSUVXYZ"), st.text(DIGITS, min_size=8, max_size=8))
def test_exit_permit_rejects_other_letters(letter, number):
    assert not v.hk_macau_permit(letter + number)


LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@given(st.sampled_from(v.PLATE_PROVINCES), st.sampled_from(LETTERS), st.text(DIGITS, min_size=3, max_size=5),
       st.text(LETTERS + DIGITS, min_size=0, max_size=2))
def test_plate_accepts_ordinary_plates(province, office, numbers, mixed):
    body = (numbers + mixed)[:5]
    assume(len(body) == 5 and sum(c.isdigit() for c in body) >= 3 and len(set(body)) > 1)
    assert v.plate(province + office + body) and v.plate(f"{province}{office}·{body}")


@given(st.sampled_from(v.PLATE_PROVINCES), st.sampled_from(LETTERS), st.sampled_from("DF"), st.text(DIGITS, min_size=5, max_size=5))
def test_plate_accepts_new_energy_plates(province, office, energy, numbers):
    assert v.plate(province + office + energy + numbers)      # small car: D/F first
    assert v.plate(province + office + numbers + energy)      # large vehicle: D/F last


@given(st.sampled_from(v.PLATE_PROVINCES), st.sampled_from("IO"), st.text(DIGITS, min_size=5, max_size=5))
def test_plate_rejects_letters_i_and_o_and_non_provinces(province, office, numbers):
    assert not v.plate(province + office + numbers)
    assert not v.plate("中A" + numbers) and not v.plate(province + "A" + numbers[:4])


# ---------------------------------------------------------------- secrets and names

PRINTABLE = "".join(chr(c) for c in range(0x21, 0x7F))


@given(st.text(PRINTABLE, min_size=4, max_size=64))
def test_secret_value_accepts_printable_values(value):
    assume(len(set(value)) > 1 and not set(value) <= set("*xX?") and value.lower() not in v.PASSWORD_PLACEHOLDERS)
    assert v.secret_value(value)


@given(st.sampled_from(["******", "xxxxxx", "XXXXXXXX", "????"]), st.text("由系统生成", min_size=1, max_size=6))
def test_secret_value_rejects_masks_and_descriptions(mask, words):
    assert not v.secret_value(mask) and not v.secret_value(words) and not v.secret_value("abc")


@given(st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=20, max_size=64))
def test_token_accepts_random_keys(key):
    assume(any(c.isdigit() for c in key) and any(c.isalpha() for c in key) and len(set(key)) >= 12)
    assert v.token(key)


@given(st.sampled_from("ab1"), st.integers(16, 40))
def test_token_rejects_repetitive_or_short_values(char, length):
    assert not v.token(char * length) and not v.token("a1" * (length // 2)) and not v.token("Ab1" * 5)


NAME_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国红玲桂兰志刚平辉鹏飞"


@given(st.sampled_from(sorted(v.SURNAMES)), st.text(NAME_CHARS, min_size=1, max_size=2))
def test_chinese_name_accepts_surname_and_given_name(surname, given_name):
    assert v.chinese_name(surname + given_name)


@given(st.sampled_from(sorted(v.COMPOUND_SURNAMES)), st.text(NAME_CHARS, min_size=1, max_size=2))
def test_chinese_name_accepts_compound_surnames(surname, given_name):
    assert v.chinese_name(surname + given_name)


@given(st.sampled_from(sorted(v.SURNAMES)), st.sampled_from(["某", "某某", "公司", "局", "应当", "等人", "市"]))
def test_chinese_name_rejects_masked_names_and_offices(surname, rest):
    assert not v.chinese_name(surname + rest)


@pytest.mark.parametrize("text", ["单位", "应当", "身份证", "我们", "张", "张三丰四", "Zhang"])
def test_chinese_name_rejects_words_that_stand_where_names_do(text):
    assert not v.chinese_name(text)


def test_every_validator_has_a_property_test():
    tested = {"gb11643", "gb11643_15", "luhn", "bank_card", "mobile", "landline", "private_ip", "private_ipv6",
              "private_host_port", "passport", "hk_macau_permit", "plate", "secret_value", "token", "chinese_name",
              "student_id", "disability_card", "taiwan_permit", "document_number", "vin", "uscc", "config_secret"}
    assert set(v.VALIDATORS) == tested


@settings(max_examples=50)
@given(st.sampled_from(sorted(v.VALIDATORS)), st.text(max_size=40))
def test_validators_never_raise(name, text):
    assert v.VALIDATORS[name](text) in (True, False)


# ---------------------------------------------------------------- cross-checks with python-stdnum

@given(st.text(DIGITS, min_size=17, max_size=17))
def test_gb11643_check_digit_agrees_with_stdnum(first17):
    from stdnum.cn import ric

    assert v.gb11643_check_digit(first17) == ric.calc_check_digit(first17 + "0")


@given(st.text(DIGITS, min_size=2, max_size=19))
def test_luhn_agrees_with_stdnum(number):
    from stdnum import luhn

    assert v.luhn(number) == luhn.is_valid(number)


@given(id18())
def test_ids_stdnum_accepts_are_accepted(number):
    """Whatever python-stdnum accepts (its region table by year) gb11643 accepts too; gb11643 also
    accepts plausible regions missing from that table, so that a real number is never missed."""
    from stdnum.cn import ric

    try:
        accepted = ric.is_valid(number)
    except KeyError:             # stdnum 2.2 raises on a few table entries without a county
        accepted = False
    if accepted:
        assert v.gb11643(number)


@given(st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_uscc_is_stdnums(first17):
    from stdnum.cn import uscc

    number = first17 + uscc.calc_check_digit(first17)
    assert v.uscc(number) == uscc.is_valid(number)
    assert not v.gb11643(number) or number.isdigit()


@given(id18(), st.integers(1, 7), st.integers(1, 4))
def test_disability_card_is_an_id_plus_category_and_grade(number, category, grade):
    assert v.disability_card(f"{number}{category}{grade}")
    assert not v.disability_card(f"{number}{category}5") and not v.disability_card(f"{number}8{grade}")
    assert not v.disability_card(number)


@given(id18())
def test_student_id_is_g_plus_a_citizen_id(number):
    assert v.student_id("G" + number) and v.student_id("J" + number)
    assert not v.student_id("Q" + number) and not v.student_id("G" + number[:17])


VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


@given(st.text(VIN_CHARS, min_size=17, max_size=17))
def test_vin_accepts_exactly_the_right_check_digit(draft):
    assume(any(c.isalpha() for c in draft) and len(set(draft)) > 6)
    right = draft[:8] + v.vin_check_digit(draft) + draft[9:]
    assert v.vin(right)
    wrong = next(c for c in "0123456789X" if c != right[8])
    assert not v.vin(right[:8] + wrong + right[9:])


def test_vin_known_example():
    assert v.vin("1M8GDM9AXKP042788") and not v.vin("1M8GDM9A0KP042788")
    assert not v.vin("1M8GDM9AXKP04278O")    # O is never used


@pytest.mark.parametrize(("number", "valid"), [
    ("SE1234567", True), ("PE7654321", True), ("DE0345678", True), ("E12345678", True), ("EA1234567", True),
    ("G31234567", True), ("S12345678", True), ("EI1234567", False), ("XE1234567", False), ("E1111111", False)])
def test_passport_types(number, valid):
    assert v.passport(number) is valid


@given(st.text(DIGITS, min_size=8, max_size=8) | st.text(DIGITS, min_size=10, max_size=10))
def test_taiwan_permit_is_8_or_10_varied_digits(number):
    assert v.taiwan_permit(number) == (len(set(number)) > 3)
    assert not v.taiwan_permit(number[:7]) and not v.taiwan_permit(number + "1" if len(number) == 10 else "x")


@given(st.text("ABCDEFGHJKLMN", max_size=3), st.text(DIGITS, min_size=6, max_size=15))
def test_document_number_needs_six_varied_digits_and_no_mask(prefix, digits_):
    assume(len(set(digits_)) > 2)
    assert v.document_number(prefix + digits_)
    assert not v.document_number(prefix + digits_[:3] + "****")
    assert not v.document_number(prefix + "11111")


@given(st.text("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%&+-@", min_size=8, max_size=40))
def test_config_secret_accepts_random_literals(value):
    assume(v._entropy(value) >= 1.5 and not v._REFERENCE.match(value) and not v._PLACEHOLDER_PREFIX.match(value)
           and value.lower() not in v.CONFIG_PLACEHOLDERS)
    assert v.config_secret(value) and v.config_secret(f'"{value}"')


@given(st.sampled_from(["${DB_PASS}", "%(password)s", "{{ pwd }}", "<password>", "os.environ", "your_password",
                        "******", "get_secret()", "db_password", "settings.SECRET", "changeme", "aaaaaaa"]))
def test_config_secret_rejects_placeholders_references_and_masks(value):
    assert not v.config_secret(value)
