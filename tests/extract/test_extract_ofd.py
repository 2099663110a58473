"""OFD (GB/T 33190): pages in reading order, annotations, attachments, tags, metadata and
signatures, on packages written in the test and on real files from ofdrw's test suite."""
from __future__ import annotations

import pytest
from docgen import rewrite_zip
from extract_helpers import assert_well_formed, blocks, labelled, pages
from ofdgen import make_ofd, self_signed_cert
from shared import SHARED, require_shared

from screening.errors import UnreadableDocument
from screening.extract import extract_bytes
from screening.extract.common import INVISIBLE
from screening.pipeline import screen_bytes
from screening.types import PartKind

ID = "11010519491231002X"
ID2 = "110101199003074477"
THIRDPARTY_OFD = SHARED / "corpus" / "thirdparty" / "ofd"


def extract(data: bytes, name: str = "公文.ofd"):
    doc = extract_bytes(data, name)
    assert_well_formed(doc, data)
    assert doc.format == "ofd"
    return doc


def findings(report, rule: str):
    return [f for f in report.findings if f.rule == rule]


def test_an_id_number_on_page_2_and_one_in_an_annotation_are_found_with_page_and_part(engine):
    data = make_ofd(pages=[["关于公布名单的通知", "各单位："], ["申请人：张三", f"身份证号：{ID}"]],
                    annotations=[(1, f"核对身份证{ID2}", "审核员")])
    report = screen_bytes(data, "公文.ofd", engine=engine)
    assert report.error is None and report.document.format == "ofd" and report.document.pages == 2
    where = {(f.text, f.location.part.value, f.location.page) for f in findings(report, "pii.id_card")}
    assert (ID, "body", 2) in where
    assert (ID2, "comment", 1) in where
    assert str(report.verdict) == "block"


def test_lines_come_in_reading_order_whatever_order_the_producer_wrote():
    doc = extract(make_ofd(pages=[["第一行", "第二行", "第三行"], ["下一页"]]))
    assert blocks(doc, PartKind.BODY) == ["第一行", "第二行", "第三行", "下一页"]
    assert pages(doc, PartKind.BODY) == [1, 1, 1, 2]
    assert doc.pages == 2


def test_runs_on_one_baseline_join_into_one_line():
    """A producer that writes one glyph per TextObject still yields whole identifiers."""
    body = "".join(
        f'<ofd:TextObject ID="{i + 1}" Boundary="{20 + 4 * i} 40 4 6" Font="1" Size="4">'
        f'<ofd:TextCode X="0" Y="5">{ch}</ofd:TextCode></ofd:TextObject>' for i, ch in reversed(list(enumerate(ID))))
    data = make_ofd(pages=[["占位"]])
    page = ('<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">'
            f'<ofd:Content><ofd:Layer ID="9">{body}</ofd:Layer></ofd:Content></ofd:Page>').encode()
    doc = extract(rewrite_zip(data, {"Doc_0/Pages/Page_0/Content.xml": page}))
    assert blocks(doc, PartKind.BODY) == [ID]


def test_text_drawn_through_a_composite_graphic_unit_is_read_in_place(engine):
    """A CompositeObject draws a reusable resource (a letterhead, a stamp's caption) whose content
    may hold text: it is page text, read where the object stands (below the body here)."""
    data = make_ofd(pages=[["关于公布名单的通知", "各单位："]], composite=["联系人：张三", f"身份证号：{ID}"])
    doc = extract(data)
    assert blocks(doc, PartKind.BODY) == ["关于公布名单的通知", "各单位：", "联系人：张三", f"身份证号：{ID}"]
    report = screen_bytes(data, "公文.ofd", engine=engine)
    assert [(f.location.part.value, f.location.page) for f in findings(report, "pii.id_card")] == [("body", 1)]


def test_annotations_are_comments_with_type_and_creator():
    doc = extract(make_ofd(pages=[["正文"]], annotations=[(1, "此处数字待核实", "李四")]))
    assert ("此处数字待核实", "高亮注释（作者：李四）") in labelled(doc, PartKind.COMMENT)
    assert set(pages(doc, PartKind.COMMENT)) == {1}


def test_invisible_text_is_hidden():
    doc = extract(make_ofd(pages=[["正文"]], invisible=["不可见的内部备注"]))
    assert ("不可见的内部备注", INVISIBLE) in labelled(doc, PartKind.HIDDEN)
    assert "不可见的内部备注" not in blocks(doc, PartKind.BODY)


def test_doc_info_custom_data_keywords_tags_outline_and_signer_are_metadata():
    cert = self_signed_cert("王五", "某某市人民政府办公室")
    doc = extract(make_ofd(pages=[["正文"]], author="李四", custom={"起草人": "赵六"}, keywords=["人事", "任免"],
                           tag="拟稿人孙七", outline=["一、总体要求"], signer_cert=cert))
    meta = blocks(doc, PartKind.METADATA)
    for expected in ("作者：李四", "自定义属性“起草人”：赵六", "关键词：人事、任免", "自定义标签（gw）：拟稿人孙七",
                     "大纲：一、总体要求", "签章提供者：测试签章 测试厂商", "签章人：王五", "签章单位：某某市人民政府办公室"):
        assert expected in meta, expected


def test_signer_and_author_are_reported_as_identifying_properties(engine):
    data = make_ofd(pages=[["正文"]], author="李四", signer_cert=self_signed_cert("王五", "某局"))
    report = screen_bytes(data, "公文.ofd", engine=engine)
    texts = {f.text for f in report.findings if f.rule == "hidden.metadata"}
    assert {"作者：李四", "签章人：王五"} <= texts


def test_an_attachment_is_screened_as_part_of_the_document(engine):
    data = make_ofd(pages=[["正文见附件"]], attachments=[("账号清单.txt", "系统管理员 密码：Abc@123456".encode())])
    report = screen_bytes(data, "公文.ofd", engine=engine)
    located = [f.location for f in report.findings if f.category.value == "credential"]
    assert located and located[0].part is PartKind.ATTACHMENT and located[0].member == "账号清单.txt"
    doc = extract(data)
    assert "附件名称：账号清单.txt" in blocks(doc, PartKind.METADATA)


def test_an_attachment_that_cannot_be_read_never_passes(engine):
    data = make_ofd(pages=[["正文"]], attachments=[("表.docx", b"PK\x03\x04 not really a zip")])
    report = screen_bytes(data, "公文.ofd", engine=engine)
    assert report.error is None and str(report.verdict) != "pass"
    assert any("表.docx" in f.text and f.rule == "extract.incomplete" for f in report.findings)


def test_nested_ofd_attachments_stop_at_the_depth_limit():
    data = make_ofd(pages=[["最内层"]])
    for level in range(5):
        data = make_ofd(pages=[[f"第{level}层"]], attachments=[(f"内层{level}.ofd", data)])
    doc = extract(data)
    assert any("嵌套层数超过上限" in w for w in doc.warnings)
    assert "最内层" not in blocks(doc, PartKind.ATTACHMENT)


@pytest.mark.parametrize("change, code", [
    ({"OFD.xml": None}, "unsupported_format"),
    ({"Doc_0/Document.xml": b"<ofd:Document"}, "corrupt"),
    ({"Doc_0/Document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>'}, "hostile_content"),
    ({"Doc_0/Pages/Page_0/Content.xml": None}, "corrupt"),
])
def test_broken_packages_are_refused_with_a_specific_code(change, code):
    data = make_ofd(pages=[["正文"]])
    for name, content in change.items():
        data = rewrite_zip(data, {name: content})
    with pytest.raises(UnreadableDocument) as err:
        extract_bytes(data, "坏文件.ofd")
    assert err.value.code == code


def test_real_ofd_files_are_read_or_refused_with_a_code():
    folder = require_shared(THIRDPARTY_OFD)
    files = sorted(folder.glob("*.ofd"))
    assert files
    for path in files:
        data = path.read_bytes()
        try:
            doc = extract(data, path.name)
        except UnreadableDocument as exc:
            assert exc.code in {"corrupt", "unsupported_format", "hostile_content", "encrypted"}, (path.name, exc)
            continue
        assert doc.pages and doc.pages >= 1, path.name


def test_real_invoice_with_attachment_signature_and_annotation():
    path = require_shared(THIRDPARTY_OFD / "ofdrw-sign__src__test__resources__v4signed.ofd")
    doc = extract(path.read_bytes(), path.name)
    body = blocks(doc, PartKind.BODY)
    assert body[0] == "发票代码：050001700111" and "纳税人识别号：9150010807MGZHI002" in body
    assert "自定义属性“购买方名称”：科游迈利有限公司" in blocks(doc, PartKind.METADATA)
    members = {b.member for p in doc.parts if p.kind is PartKind.ATTACHMENT for b in p.blocks}
    assert members == {"original_invoice.xml"}
    assert blocks(doc, PartKind.COMMENT) == ["fp.NativeSign：original_invoice"]


def test_real_watermark_annotation_is_read():
    path = require_shared(THIRDPARTY_OFD / "ofdrw-tool__src__test__resources__hello_watermark.ofd")
    doc = extract(path.read_bytes(), path.name)
    assert any("保密资料" in text for text in blocks(doc, PartKind.COMMENT))
