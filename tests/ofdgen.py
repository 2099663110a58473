"""Real test documents, generated: OFD (GB/T 33190) packages written member by member with
zipfile, and scanned pages (Pillow, in a CJK font) for the OCR tests.

    make_ofd(pages=[["第一页"], ["身份证号11010519491231002X"]],
             annotations=[(1, "审核意见", "张三")], attachments=[("名单.txt", b"...")],
             author="李四", custom={"起草人": "王五"}, signer="某某局")
    scan_png(["电话：13912345678"])
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from docgen import make_zip

NS = "http://www.ofdspec.org/2016"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'


def _xml(body: str) -> bytes:
    return (_HEAD + body).encode("utf-8")


def _text_objects(lines: Sequence[str], *, first_id: int, y0: float = 30.0, invisible: bool = False) -> str:
    """One TextObject per line, written bottom line first (the reader must restore the order)."""
    objs = []
    for i, line in reversed(list(enumerate(lines))):
        fill = ' Fill="false"' if invisible else ""
        objs.append(f'<ofd:TextObject ID="{first_id + i}" Boundary="25 {y0 + 10 * i} 160 8" Font="1" Size="4"{fill}>'
                    f'<ofd:TextCode X="0" Y="5" DeltaX="g {max(len(line) - 1, 0)} 4">{escape(line)}</ofd:TextCode>'
                    f"</ofd:TextObject>")
    return "".join(objs)


def make_ofd(*, pages: Sequence[Sequence[str]] = (("正文",),), annotations: Sequence[tuple[int, str, str]] = (),
             attachments: Sequence[tuple[str, bytes]] = (), author: str | None = None,
             custom: dict[str, str] | None = None, keywords: Sequence[str] = (), tag: str | None = None,
             invisible: Sequence[str] = (), outline: Sequence[str] = (), scans: Sequence[bytes] = (),
             signer_cert: bytes | None = None, composite: Sequence[str] = ()) -> bytes:
    """An OFD: `pages` of lines; `annotations` (page, remark, creator) with the remark also drawn in
    the annotation's appearance; `attachments` (name, bytes); DocInfo author, custom data and
    keywords; a custom tag's text; `invisible` lines on page 1 drawn with neither fill nor stroke;
    `outline` titles; `scans` pages that are one PNG image each; a signature whose signed value
    holds `signer_cert` (DER); `composite` lines drawn on page 1 through a CompositeGraphicUnit
    resource (a CompositeObject referring to it)."""
    members: dict[str, bytes] = {}
    info = f"<ofd:DocID>0123456789abcdef</ofd:DocID><ofd:CreationDate>2026-12-01</ofd:CreationDate>"
    if author:
        info += f"<ofd:Author>{escape(author)}</ofd:Author>"
    if keywords:
        info += "<ofd:Keywords>" + "".join(f"<ofd:Keyword>{escape(k)}</ofd:Keyword>" for k in keywords) + "</ofd:Keywords>"
    if custom:
        info += "<ofd:CustomDatas>" + "".join(
            f"<ofd:CustomData Name={quoteattr(k)}>{escape(v)}</ofd:CustomData>" for k, v in custom.items()) + "</ofd:CustomDatas>"
    sign = "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>" if signer_cert else ""
    members["OFD.xml"] = _xml(f'<ofd:OFD xmlns:ofd="{NS}" DocType="OFD" Version="1.1"><ofd:DocBody>'
                              f"<ofd:DocInfo>{info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
                              f"{sign}</ofd:DocBody></ofd:OFD>")
    page_refs, media = [], []
    for n, lines in enumerate(pages):
        page_refs.append(f'<ofd:Page ID="{100 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
        hidden = _text_objects(invisible, first_id=900, y0=200, invisible=True) if n == 0 else ""
        if n == 0 and composite:
            hidden += '<ofd:CompositeObject ID="890" Boundary="25 250 160 30" ResourceID="880"/>'
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = _xml(
            f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{10 + n}">'
            f"{_text_objects(lines, first_id=1000 * (n + 1))}{hidden}</ofd:Layer></ofd:Content></ofd:Page>")
    for k, png in enumerate(scans):
        n = len(pages) + k
        page_refs.append(f'<ofd:Page ID="{100 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
        media.append(f'<ofd:MultiMedia ID="{500 + k}" Type="Image"><ofd:MediaFile>scan_{k}.png</ofd:MediaFile></ofd:MultiMedia>')
        members[f"Doc_0/Res/scan_{k}.png"] = png
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = _xml(
            f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{10 + n}">'
            f'<ofd:ImageObject ID="{600 + k}" Boundary="0 0 210 297" CTM="210 0 0 297 0 0" ResourceID="{500 + k}"/>'
            f"</ofd:Layer></ofd:Content></ofd:Page>")
    members["Doc_0/PublicRes.xml"] = _xml(
        f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="宋体"/></ofd:Fonts>'
        + (f"<ofd:MultiMedias>{''.join(media)}</ofd:MultiMedias>" if media else "")
        + (f'<ofd:CompositeGraphicUnits><ofd:CompositeGraphicUnit ID="880" Width="160" Height="30"><ofd:Content>'
           f'<ofd:Layer ID="881">{_text_objects(composite, first_id=870, y0=0)}</ofd:Layer></ofd:Content>'
           f"</ofd:CompositeGraphicUnit></ofd:CompositeGraphicUnits>" if composite else "") + "</ofd:Res>")
    extra = ""
    if annotations:
        extra += "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>"
        by_page: dict[int, list[str]] = {}
        for page, remark, creator in annotations:
            by_page.setdefault(page, []).append(
                f'<ofd:Annot ID="{700 + len(by_page)}" Type="Highlight" Creator={quoteattr(creator)}>'
                f"<ofd:Remark>{escape(remark)}</ofd:Remark><ofd:Appearance Boundary=\"20 20 100 10\">"
                f"{_text_objects([remark], first_id=800)}</ofd:Appearance></ofd:Annot>")
        index = "".join(f'<ofd:Page PageID="{100 + p - 1}"><ofd:FileLoc>Page_{p - 1}/Annotation.xml</ofd:FileLoc></ofd:Page>'
                        for p in by_page)
        members["Doc_0/Annots/Annotations.xml"] = _xml(f'<ofd:Annotations xmlns:ofd="{NS}">{index}</ofd:Annotations>')
        for p, annots in by_page.items():
            members[f"Doc_0/Annots/Page_{p - 1}/Annotation.xml"] = _xml(
                f'<ofd:PageAnnot xmlns:ofd="{NS}">{"".join(annots)}</ofd:PageAnnot>')
    if attachments:
        extra += "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>"
        entries = ""
        for i, (name, data) in enumerate(attachments):
            stem, _, ext = name.rpartition(".")
            entries += (f'<ofd:Attachment ID="{i + 1}" Name={quoteattr(stem)} Format="{ext}" Visible="false">'
                        f"<ofd:FileLoc>file_{i}.{ext}</ofd:FileLoc></ofd:Attachment>")
            members[f"Doc_0/Attachs/file_{i}.{ext}"] = data
        members["Doc_0/Attachs/Attachments.xml"] = _xml(f'<ofd:Attachments xmlns:ofd="{NS}">{entries}</ofd:Attachments>')
    if tag:
        extra += "<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags>"
        members["Doc_0/Tags/CustomTags.xml"] = _xml(
            f'<ofd:CustomTags xmlns:ofd="{NS}"><ofd:CustomTag TypeID="gw"><ofd:FileLoc>Tag_0.xml</ofd:FileLoc>'
            f"</ofd:CustomTag></ofd:CustomTags>")
        members["Doc_0/Tags/Tag_0.xml"] = _xml(f'<gw:GongWen xmlns:gw="urn:test"><gw:NiGaoRen>{escape(tag)}</gw:NiGaoRen></gw:GongWen>')
    if outline:
        extra += "<ofd:Outlines>" + "".join(
            f'<ofd:OutlineElem Title={quoteattr(t)}><ofd:Actions><ofd:Action Event="CLICK"><ofd:Goto>'
            f'<ofd:Dest Type="XYZ" PageID="100"/></ofd:Goto></ofd:Action></ofd:Actions></ofd:OutlineElem>'
            for t in outline) + "</ofd:Outlines>"
    if signer_cert:
        members["Doc_0/Signs/Signatures.xml"] = _xml(
            f'<ofd:Signatures xmlns:ofd="{NS}"><ofd:Signature ID="1" BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml"/></ofd:Signatures>')
        members["Doc_0/Signs/Sign_0/Signature.xml"] = _xml(
            f'<ofd:Signature xmlns:ofd="{NS}"><ofd:SignedInfo><ofd:Provider ProviderName="测试签章" Company="测试厂商"/>'
            f"<ofd:SignatureDateTime>20261201120000</ofd:SignatureDateTime></ofd:SignedInfo>"
            f"<ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue></ofd:Signature>")
        members["Doc_0/Signs/Sign_0/SignedValue.dat"] = b"\x30\x03\x02\x01\x01" + signer_cert + b"\x00" * 16
    members["Doc_0/Document.xml"] = _xml(
        f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>'
        f"</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{''.join(page_refs)}</ofd:Pages>{extra}</ofd:Document>")
    return make_zip(members)


def self_signed_cert(common_name: str, organisation: str) -> bytes:
    """A DER certificate naming a signer, as a seal's signed value carries one."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=365))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(Encoding.DER)


def scan_image(lines: Sequence[str], *, size: tuple[int, int] = (1240, 700), font_size: int = 40):
    """A scanned-looking page (grey paper, black CJK text) as a PIL image."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", size, 245)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(CJK_FONT, font_size)
    for i, line in enumerate(lines):
        draw.text((90, 80 + i * font_size * 3), line, font=font, fill=20)
    return image


def scan_png(lines: Sequence[str], **kwargs) -> bytes:
    buffer = io.BytesIO()
    scan_image(lines, **kwargs).save(buffer, "PNG")
    return buffer.getvalue()
