"""docx stories Word does not show as running text: ruby annotations, extra bodies, chart data,
the glossary, SmartArt, custom and core properties. Each case plants an ID number where a
reader of the page would not see it and asserts that screening finds it in the right part."""
from __future__ import annotations

import pytest
from docgen import W_NS, make_docx, rewrite_zip

from screening.extract.docx_more import CHART, EXTRA_BODY, GLOSSARY, SMARTART
from screening.extract.docx_text import RUBY
from screening.pipeline import screen_bytes
from screening.types import PartKind

ID = "11010519491231002X"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _in_body(xml: str):
    """Insert WordprocessingML before the body's closing section properties."""
    def edit(old: bytes) -> bytes:
        head, sep, tail = old.decode("utf-8").rpartition("<w:sectPr")
        return (head + xml + sep + tail).encode("utf-8")
    return edit


def _add_rel(target: str, rel_type: str, rid: str = "rId900"):
    def edit(old: bytes) -> bytes:
        rel = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'
        return old.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    return edit


def _ruby() -> dict:
    return {"word/document.xml": _in_body(
        '<w:p><w:r><w:t>申请人</w:t></w:r><w:r><w:ruby><w:rubyPr><w:rubyAlign w:val="center"/></w:rubyPr>'
        f'<w:rt><w:r><w:t>{ID}</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>张三</w:t></w:r></w:rubyBase></w:ruby></w:r></w:p>')}


def _extra_body() -> dict:
    def edit(old: bytes) -> bytes:
        return old.replace(b"</w:document>", f"<w:body><w:p><w:r><w:t>身份证号{ID}</w:t></w:r></w:p></w:body>"
                                              "</w:document>".encode())
    return {"word/document.xml": edit}


def _chart() -> dict:
    chart = (f'<?xml version="1.0" encoding="UTF-8"?><c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}"><c:chart>'
             '<c:title><c:tx><c:rich><a:p><a:r><a:t>申请人统计</a:t></a:r></a:p></c:rich></c:tx></c:title>'
             '<c:plotArea><c:barChart><c:ser><c:tx><c:strRef><c:strCache><c:pt idx="0"><c:v>身份证号</c:v></c:pt>'
             f'</c:strCache></c:strRef></c:tx><c:cat><c:strRef><c:strCache><c:pt idx="0"><c:v>{ID}</c:v></c:pt>'
             '</c:strCache></c:strRef></c:cat><c:val><c:numRef><c:numCache><c:pt idx="0"><c:v>3</c:v></c:pt>'
             '</c:numCache></c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>')
    return {"word/charts/chart1.xml": chart.encode()}


def _glossary() -> dict:
    glossary = (f'<?xml version="1.0" encoding="UTF-8"?><w:glossaryDocument xmlns:w="{W_NS}"><w:docParts><w:docPart>'
                f'<w:docPartPr><w:name w:val="模板"/></w:docPartPr><w:docPartBody><w:p><w:r><w:t>示例：身份证号{ID}</w:t>'
                '</w:r></w:p></w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>')
    return {"word/glossary/document.xml": glossary.encode(),
            "word/_rels/document.xml.rels": _add_rel(
                "glossary/document.xml", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/glossaryDocument")}


def _smartart() -> dict:
    data = (f'<?xml version="1.0" encoding="UTF-8"?><dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/'
            f'drawingml/2006/diagram" xmlns:a="{A_NS}"><dgm:ptLst><dgm:pt modelId="1"><dgm:t><a:p><a:r>'
            f'<a:t>负责人 身份证号{ID}</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>')
    return {"word/diagrams/data1.xml": data.encode()}


def _custom_properties() -> dict:
    custom = ('<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
              'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
              '2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="起草人">'
              f'<vt:lpwstr>张三 {ID}</vt:lpwstr></property></Properties>')
    return {"docProps/custom.xml": custom.encode(),
            "_rels/.rels": _add_rel("docProps/custom.xml",
                                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties")}


def _core_description() -> dict:
    def edit(old: bytes) -> bytes:
        head, _, rest = old.decode("utf-8").partition("<dc:description>")
        _, _, tail = rest.partition("</dc:description>")
        return f"{head}<dc:description>审稿意见：核对{ID}</dc:description>{tail}".encode()
    return {"docProps/core.xml": edit}


@pytest.mark.parametrize("changes, part, label", [
    (_ruby(), PartKind.HIDDEN, RUBY),
    (_extra_body(), PartKind.HIDDEN, EXTRA_BODY),
    (_chart(), PartKind.HIDDEN, CHART.format(name="chart1.xml")),
    (_glossary(), PartKind.HIDDEN, GLOSSARY),
    (_smartart(), PartKind.HIDDEN, SMARTART.format(name="data1.xml")),
    (_custom_properties(), PartKind.METADATA, ""),
    (_core_description(), PartKind.METADATA, ""),
], ids=["ruby", "extra body", "chart", "glossary", "smartart", "custom properties", "core description"])
def test_a_planted_id_number_is_found_in_the_right_part(engine, changes, part, label):
    data = rewrite_zip(make_docx(paragraphs=["正文"]), changes)
    report = screen_bytes(data, "草稿.docx", engine=engine)
    assert report.error is None
    found = [f for f in report.findings if f.rule == "pii.id_card"]
    assert found and found[0].location.part is part and found[0].text == ID
    if label:
        from screening.extract import extract_bytes

        doc = extract_bytes(data, "草稿.docx")
        doc_part = next(p for p in doc.parts if p.kind is part)
        assert label in {b.label for b in doc_part.blocks}


def test_ruby_base_text_stays_whole_in_the_body():
    from screening.extract import extract_bytes

    doc = extract_bytes(rewrite_zip(make_docx(paragraphs=["正文"]), _ruby()), "草稿.docx")
    body = next(p for p in doc.parts if p.kind is PartKind.BODY)
    assert "申请人张三" in body.text.split("\n")
