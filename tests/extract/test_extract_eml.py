"""Input that is not a document: a MIME mail and long base64 blocks are decoded, their parts
screened as attachments, or refused with a clear code — never screened as base64 text."""
from __future__ import annotations

import base64
import os
from email.message import EmailMessage

import pytest
from extract_helpers import blocks

from screening.errors import UnreadableDocument
from screening.extract import extract_bytes
from screening.extract.sniff import sniff
from screening.types import PartKind, Verdict
from tests.docgen import make_docx

ID = "11010519491231002X"


def _mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "办公室 <office@example.gov.cn>"
    msg["To"] = "信息公开科 <gk@example.gov.cn>"
    msg["Subject"] = "转发：评审名单（请审核后公开）"
    msg.set_content("各位同事：\n附件是评审名单和系统说明，请审核。\n")
    msg.add_alternative("<html><body><p>各位同事：</p><p>附件是评审名单和系统说明，请审核。</p></body></html>",
                        subtype="html")
    msg.add_attachment(make_docx(paragraphs=[f"申请人身份证号{ID}"], deletions=["拟不予公开的理由"]),
                       maintype="application", subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename="评审名单.docx")
    msg.add_attachment("系统入口：http://10.12.3.4:8080/admin/login.jsp\n".encode(), maintype="text",
                       subtype="plain", filename="说明.txt")
    return msg.as_bytes()


@pytest.fixture(scope="module")
def mail_report(engine):
    return engine.screen(extract_bytes(_mail(), "转发.eml"))


def test_a_mail_is_recognised_by_its_headers_without_the_eml_name():
    assert sniff(_mail(), "message") == "eml"
    assert sniff("普通文本\nMIME-Version: 1.0\n".encode(), "a.txt") == "txt"


def test_headers_are_metadata_and_the_plain_body_is_the_body():
    doc = extract_bytes(_mail(), "转发.eml")
    assert doc.format == "eml"
    assert "主题：转发：评审名单（请审核后公开）" in blocks(doc, PartKind.METADATA)
    assert blocks(doc, PartKind.BODY) == ["各位同事：", "附件是评审名单和系统说明，请审核。"]


def test_attachments_are_screened_with_their_own_format_and_named(mail_report):
    found = {(f.rule, f.location.part, f.location.member) for f in mail_report.findings}
    assert ("pii.id_card", PartKind.ATTACHMENT, "评审名单.docx") in found
    assert ("net.admin_url", PartKind.ATTACHMENT, "说明.txt") in found
    assert ("hidden.revision", PartKind.REVISION, "评审名单.docx") in found    # a member's hidden text stays hidden
    assert mail_report.verdict is Verdict.BLOCK


def test_no_finding_is_on_base64_text(mail_report):
    assert not [f for f in mail_report.findings if f.text.isascii() and len(f.text) > 30 and "/" not in f.text]


def test_an_attachment_that_cannot_be_read_means_the_mail_never_passes(engine):
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "office@example.gov.cn", "图片"
    msg.set_content("见附件。")
    msg.add_attachment(b"\x89PNG\r\n\x1a\n" + os.urandom(64), maintype="image", subtype="png", filename="扫描件.png")
    report = engine.screen(extract_bytes(msg.as_bytes(), "a.eml"))
    assert report.verdict is not Verdict.PASS
    assert any("扫描件.png" in f.text and f.rule == "extract.incomplete" for f in report.findings)


def test_a_file_named_eml_that_is_no_mail_is_refused():
    with pytest.raises(UnreadableDocument) as caught:
        extract_bytes("这不是邮件，只是一段文字。".encode(), "a.eml")
    assert caught.value.code == "corrupt"


def _wrapped(data: bytes) -> str:
    encoded = base64.b64encode(data).decode()
    return "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))


def test_a_base64_block_in_a_text_is_decoded_and_screened_as_an_attachment(engine):
    inner = ("内部通讯录\n" + f"张三 身份证号 {ID}\n" * 12).encode()
    text = f"请查收以下数据：\n{_wrapped(inner)}\n以上。"
    report = engine.screen(extract_bytes(text.encode(), "导出.txt"))
    ids = [f for f in report.findings if f.rule == "pii.id_card"]
    assert ids and all(f.location.part is PartKind.ATTACHMENT for f in ids)
    assert ids[0].location.member == f"第2–{1 + len(_wrapped(inner).splitlines())}行的base64数据"
    assert not [f for f in report.findings if f.location.part is PartKind.BODY]


def test_undecodable_base64_lines_are_reported_never_read_as_text(engine):
    noise = _wrapped(os.urandom(600))
    report = engine.screen(extract_bytes(f"附：\n{noise}\n".encode(), "a.txt"))
    assert report.verdict is not Verdict.PASS
    assert not [f for f in report.findings if f.location.part is PartKind.BODY]
    assert any(f.rule == "extract.incomplete" and "base64" in f.text for f in report.findings)


def test_an_html_only_mail_is_read_whole_with_no_page_frame():
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "office@example.gov.cn", "通知"
    msg.set_content("<html><body><div class='nav'>导航</div><p>请于周五前报送材料，逾期不再受理。</p>"
                    "<!-- 内部备注：名单另发 --></body></html>", subtype="html")
    doc = extract_bytes(msg.as_bytes(), "a.eml")
    assert blocks(doc, PartKind.BODY) == ["导航", "请于周五前报送材料，逾期不再受理。"]
    assert "内部备注：名单另发" in blocks(doc, PartKind.HIDDEN)
    assert all(not b.region for p in doc.parts for b in p.blocks)
