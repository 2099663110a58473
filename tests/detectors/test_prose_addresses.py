"""A private person's full home address in running prose (a docx 情况说明) is a personal_info
finding at medium; the address of an office — 办公地址, a 政务服务中心, a bureau's 联系地址 — is not."""
from __future__ import annotations

import pytest

from screening.extract import extract_bytes
from screening.types import Category, Severity

from tests.docgen import make_docx

HOMES = [
    ("申请人张某，家住溧阳市社渚镇石桥村三组25号，因病致贫。", "溧阳市社渚镇石桥村三组25号"),
    ("当事人陈某，现住址：溧阳市溧城镇燕山新村12栋3单元301室。", "溧阳市溧城镇燕山新村12栋3单元301室"),
    ("该户居住在溧阳市南渡镇庆丰村五组12号，家庭人口4人。", "溧阳市南渡镇庆丰村五组12号"),
    ("患者现居住在常州市武进区湖塘镇花园新村8幢2单元502室。", "常州市武进区湖塘镇花园新村8幢2单元502室"),
    ("王某某，男，1975年生，住溧阳市上兴镇曹家村三组18号。", "溧阳市上兴镇曹家村三组18号"),
]
OFFICES = [
    "办公地址：溧阳市燕山中路1号市政务服务中心3楼301室。",
    "地址：溧阳市市民广场政务服务中心二楼。",
    "联系地址：溧阳市罗湾路19号溧阳市民政局305室，邮编213300。",
    "通讯地址：溧阳市南大街8号市人社局4楼402室。",
    "受理地点：溧阳市政务服务中心一楼12号窗口。",
    "活动在溧阳市燕山新村社区举行，居民代表参加。",
]


def _personal(engine, text: str):
    document = extract_bytes(make_docx(paragraphs=["关于困难群众临时救助的情况说明", text]), "说明.docx")
    return [f for f in engine.screen(document).findings if f.category is Category.PERSONAL_INFO]


@pytest.mark.parametrize("text,address", HOMES, ids=[a for _, a in HOMES])
def test_a_home_address_in_prose_is_found_whole_at_medium(engine, text, address):
    found = _personal(engine, text)
    assert [(f.subtype, f.text, f.severity) for f in found] == [("address", address, Severity.MEDIUM)]


@pytest.mark.parametrize("text", OFFICES)
def test_an_office_address_is_not_personal_data(engine, text):
    assert _personal(engine, text) == []
