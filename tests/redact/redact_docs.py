"""Real documents for the redaction tests, generated with python-docx and reportlab.

Every personal value below is flagged by the built-in rules; the docx also carries every kind of
content the sanitizer must remove (comment, tracked changes, hidden text, custom XML, properties,
document variables, an embedded object, a hyperlink), each holding a value of its own.
"""
from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor

NAME = "王建国"
ID_CARD = "11010519491231002X"
PHONE = "13812345678"
HEADER_PHONE = "13987654321"
ADDRESS = "溧阳市南环路18号3幢2单元502室"
BANK = "6228480402564890018"
DELETED_PHONE = "13700001111"      # only in a tracked deletion
INSERTED_TEXT = "（本句为修订时插入）"
COMMENT_PHONE = "13611112222"      # only in a comment
HIDDEN_TEXT = "隐藏备注：内部掌握"
CUSTOM_XML_VALUE = "customxml-13822223333"
PROPERTY_VALUE = "属性备注13533334444"
DOCVAR_VALUE = "docvar-13544445555"
OLE_PAYLOAD = b"OLE-PAYLOAD-13555556666"
MAILTO = "wangjianguo1985@qq.com"

VALUES = (NAME, ID_CARD, PHONE, HEADER_PHONE, ADDRESS, BANK)
SANITIZED = (COMMENT_PHONE, HIDDEN_TEXT, CUSTOM_XML_VALUE, PROPERTY_VALUE, DOCVAR_VALUE, "OLE-PAYLOAD")
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def build_docx() -> bytes:
    doc = Document()
    doc.core_properties.author = "张三"
    doc.core_properties.comments = PROPERTY_VALUE
    doc.core_properties.last_modified_by = "李四"
    title = doc.add_paragraph()
    run = title.add_run("关于2025年度城乡居民医疗救助对象的公示")
    run.bold, run.font.size = True, Pt(16)
    doc.add_paragraph(f"申请人：{NAME}，身份证号{ID_CARD}，联系电话{PHONE}。")
    split = doc.add_paragraph("家住")                       # the address crosses three runs
    bold = split.add_run(ADDRESS[:9])
    bold.bold = True
    red = split.add_run(ADDRESS[9:])
    red.font.color.rgb = RGBColor(0xC0, 0, 0)
    split.add_run("。")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "救助金发放"
    table.cell(0, 1).text = f"补助发放至{BANK}"
    commented = doc.add_paragraph("救助标准按有关规定执行。")
    doc.add_comment(commented.runs, text=f"请核实申请人电话{COMMENT_PHONE}", author="李四", initials="LS")
    tracked = doc.add_paragraph("本公示期为7天")
    tracked._p.append(parse_xml(
        f'<w:ins {W_NS} w:id="91" w:author="张三" w:date="2025-03-01T10:00:00Z">'
        f'<w:r><w:t>{INSERTED_TEXT}</w:t></w:r></w:ins>'))
    tracked._p.append(parse_xml(
        f'<w:del {W_NS} w:id="92" w:author="张三" w:date="2025-03-01T10:00:00Z"><w:r>'
        f'<w:delText xml:space="preserve">，原号码{DELETED_PHONE}</w:delText></w:r></w:del>'))
    tracked.add_run("。")
    hidden = doc.add_paragraph("公示期满无异议的，按程序发放。")
    hidden_run = hidden.add_run(HIDDEN_TEXT)
    hidden_run.font.hidden = True
    _hyperlink(doc, doc.add_paragraph("监督邮箱："), f"mailto:{MAILTO}", "点此发送邮件")
    doc.add_paragraph().add_run()._r.append(parse_xml(
        f'<w:object {W_NS} xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" DrawAspect="Icon" ObjectID="_1"'
        f' r:id="{_ole(doc)}"/></w:object>'))
    doc.sections[0].header.paragraphs[0].text = f"联系电话：{HEADER_PHONE}"
    doc.sections[0].footer.paragraphs[0].text = "某市医疗保障局"
    custom = Part(PackURI("/customXml/item9.xml"), "application/xml",
                  f"<data><applicant>{CUSTOM_XML_VALUE}</applicant></data>".encode(), doc.part.package)
    doc.part.relate_to(custom, RT.CUSTOM_XML)
    settings = doc.settings.element
    settings.append(parse_xml(f'<w:docVars {W_NS}><w:docVar w:name="applicant" w:val="{DOCVAR_VALUE}"/></w:docVars>'))
    out = io.BytesIO()
    doc.save(out)
    return _add_custom_properties(out.getvalue())


def _hyperlink(doc, paragraph, url: str, text: str) -> None:
    rid = doc.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(
        f'<w:hyperlink {W_NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:id="{rid}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>'))


def _ole(doc) -> str:
    part = Part(PackURI("/word/embeddings/oleObject1.bin"), "application/vnd.openxmlformats-officedocument.oleObject",
                OLE_PAYLOAD, doc.part.package)
    return doc.part.relate_to(part, RT.OLE_OBJECT)


def _add_custom_properties(data: bytes) -> bytes:
    """docProps/custom.xml, which python-docx cannot write."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="承办人电话">'
              f'<vt:lpwstr>{PROPERTY_VALUE}</vt:lpwstr></property></Properties>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>')
            elif info.filename == "_rels/.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rIdCustom" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
                                    b'Target="docProps/custom.xml"/></Relationships>')
            dst.writestr(info, body)
        dst.writestr("docProps/custom.xml", custom)
    return out.getvalue()


def docx_members(data: bytes) -> dict[str, str]:
    """Every member of a docx, decompressed, as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i).decode("utf-8", "ignore") for i in zf.infolist()}


def docx_text(data: bytes) -> str:
    """The visible text of every paragraph (body, tables, header, footer), XML tags stripped."""
    members = docx_members(data)
    return "\n".join(re.sub(r"<[^>]+>", "", members[n]) for n in sorted(members)
                     if n.startswith("word/") and n.endswith(".xml"))


# ---------------------------------------------------------------- PDF (reportlab)

PDF_LINES = (
    [f"申请人：{NAME}，身份证号{ID_CARD}，", f"联系电话{PHONE}。"],
    ["第二页：补助发放情况", f"补助发放至{BANK}，", f"再次核对电话{PHONE}。"],
)


def build_pdf(lines=PDF_LINES) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setAuthor("张三")
    pdf.setTitle(f"救助公示 {PHONE}")
    for page in lines:
        y = 760
        for line in page:
            pdf.setFont("STSong-Light", 14)
            pdf.drawString(72, y, line)
            y -= 28
        pdf.showPage()
    pdf.save()
    return out.getvalue()
