"""Every passport and travel-permit type, with its label, is a personal_info finding in a generated
docx; the same number after a word that is no such label (编号, 批次, 型号 …) is not."""
from __future__ import annotations

import pytest

from screening.extract import extract_bytes
from screening.types import Category

from tests.docgen import make_docx

# (label, number, the same number's context without a permit or passport)
DOCUMENTS = [
    ("往来港澳通行证号码：", "C23456789", "设备编号"),
    ("港澳通行证：", "CB2345678", "序列号"),
    ("往来港澳通行证号码为", "W12345678", "批次"),
    ("回乡证号码：", "H1234567801", "订单号"),
    ("回乡证：", "M23456789", "型号"),
    ("港澳居民来往内地通行证号码", "H12345678", "零件"),
    ("台胞证号码：", "08123456", "编码"),
    ("台胞证：", "0312345678", "编码"),
    ("台湾通行证号码：", "L23456789", "台湾地区来料编号"),
    ("大陆居民往来台湾通行证号码：", "T12345678", "物料"),
    ("护照号码：", "E23456789", "发票号码"),
    ("护照号：", "EA2345678", "序列号"),
    ("护照号码：", "EZ1234567", "序列号"),
    ("护照：", "G23456789", "合同"),
    ("公务护照号码：", "SE2345678", "文号"),
    ("公务普通护照：", "PE2345678", "零件"),
    ("外交护照：", "DE2345678", "批号"),
]


def _personal(engine, text: str) -> list[str]:
    document = extract_bytes(make_docx(paragraphs=["出境人员情况登记", text]), "登记.docx")
    return [f.text for f in engine.screen(document).findings if f.category is Category.PERSONAL_INFO]


@pytest.mark.parametrize("label,number,other", DOCUMENTS, ids=[n for _, n, _ in DOCUMENTS])
def test_a_labelled_number_is_found_and_an_unlabelled_one_is_not(engine, label, number, other):
    assert _personal(engine, f"{label}{number}。") == [number]
    assert _personal(engine, f"{other}{number}已入库。") == []
