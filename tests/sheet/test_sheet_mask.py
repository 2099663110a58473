"""Masking by the publication norm: tables of (value, masked)."""
from __future__ import annotations

import pytest

from screening.sheet.mask import (MaskPolicy, address_keep_length, mask_address, mask_bank_card, mask_email,
                                  mask_for_sheet, mask_id_card, mask_name, mask_passport, mask_phone, mask_plate,
                                  mask_value)
from screening.types import Category


@pytest.mark.parametrize(("value", "masked"), [
    ("13812341234", "138****1234"),
    ("+86 138-1234-5678", "+86 138-****-5678"),
    ("１３９ １２３４ ５６７８", "１３９ **** ５６７８"),
    ("010-62345678", "010-****5678"),
    ("0519-87654321", "0519-****4321"),
    ("（0551）65123456".replace("（", "(").replace("）", ")"), "(0551)****3456"),
    ("5627731", "***7731"),
])
def test_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(("value", "policy", "masked"), [
    ("11010519491231002X", MaskPolicy(), "110105*********02X"),
    ("11010519491231002X", MaskPolicy(id_keep=(6, 4)), "110105********002X"),
    ("11010519491231002X", MaskPolicy(id_keep=(0, 0)), "*" * 18),
    ("110105491231002", MaskPolicy(), "110105******002"),
    ("１１０１０５１９４９１２３１００２Ｘ", MaskPolicy(), "１１０１０５*********０２Ｘ"),
])
def test_id_card_keeps_first_and_last_as_configured(value, policy, masked):
    assert mask_id_card(value, policy) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("6228480402564890018", "***************0018"),
    ("6222 0212 3456 7894", "**** **** **** 7894"),
])
def test_bank_card_keeps_last_four(value, masked):
    assert mask_bank_card(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("北京市海淀区中关村街道科学院南路2号院3号楼501", "北京市海淀区中关村街道****"),
    ("江苏省溧阳市溧城镇燕山新村12栋301室", "江苏省溧阳市溧城镇****"),
    ("浙江省杭州市余杭区仓前镇文一西路969号", "浙江省杭州市余杭区仓前镇****"),
    ("溧阳市南环路18号3幢2单元502室", "溧阳市****"),
    ("江苏省镇江市京口区正东路街道解放路5号", "江苏省镇江市京口区正东路街道****"),   # 镇江 is a city
    ("海淀区中关村大街超市旁3号", "海淀区****"),                            # 超市 is no level
    ("北京市阳光小区3号楼", "北京市****"),                                # 小区 is no district
    ("肇慶市端州區天寧北路9號2單元603室", "肇慶市端州區****"),
    ("石桥村三组25号", "****"),                                           # nothing to keep
    ("内蒙古自治区呼和浩特市新城区", "内蒙古自治区呼和浩特市新城区"),           # nothing below 区
])
def test_address_only_down_to_township_or_street(value, masked):
    assert mask_address(value) == masked
    assert address_keep_length(value) <= len(value)


@pytest.mark.parametrize(("value", "masked"), [
    ("张三", "张*"), ("张三丰", "张**"), ("欧阳明华", "欧阳**"), ("欧阳", "欧*"), ("陳曉明", "陳**"),
])
def test_name(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(("fn", "value", "masked"), [
    (mask_email, "zhangsan1985@qq.com", "z***@qq.com"),
    (mask_passport, "E12345678", "E1*****78"),
    (mask_plate, "苏D12345", "苏D*****"),
    (mask_plate, "粵B·D12345", "粵B·******"),
])
def test_other_subtypes(fn, value, masked):
    assert fn(value) == masked


def test_non_personal_values_are_replaced_whole():
    assert mask_value("admin/Passw0rd!", Category.CREDENTIAL) == "***"
    assert mask_value("13812341234", Category.PERSONAL_INFO, "phone") == "138****1234"
    assert mask_value("随便什么", Category.PERSONAL_INFO, "unknown_subtype") == "***"


def test_sheet_masks_personal_data_and_credentials_only():
    assert mask_for_sheet("13812341234", Category.PERSONAL_INFO, "phone") == "138****1234"
    assert mask_for_sheet("密码Passw0rd", Category.CREDENTIAL) == "密码********"
    assert mask_for_sheet("机密★1年", Category.MARKING) == "机密★1年"


@pytest.mark.parametrize("bad", [dict(id_keep=(10, 8)), dict(bank_keep_last=-1), dict(char="**")])
def test_policy_validates(bad):
    with pytest.raises(ValueError):
        MaskPolicy(**bad)
