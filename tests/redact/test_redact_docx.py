"""docx → docx: values masked in place with formatting kept; everything a reader cannot see removed."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from lxml import etree

from screening.pipeline import screen_bytes
from screening.redact import RedactionItem, RedactOptions, Revisions, redact, redact_document
from screening.types import Category

from redact_docs import (ADDRESS, BANK, COMMENT_PHONE, DELETED_PHONE, HEADER_PHONE, ID_CARD, INSERTED_TEXT, MAILTO,
                         NAME, PHONE, SANITIZED, VALUES, build_docx, docx_members, docx_text)

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


@pytest.fixture(scope="module")
def original() -> bytes:
    return build_docx()


@pytest.fixture(scope="module")
def redacted(original, engine):
    report = screen_bytes(original, "救助公示.docx", engine=engine)
    return {mode: redact_document(original, "救助公示.docx", report=report, engine=engine,
                                  options=RedactOptions(revisions=mode))
            for mode in Revisions}


def test_the_original_is_flagged_everywhere(original, engine):
    texts = {f.text for f in screen_bytes(original, "救助公示.docx", engine=engine).findings}
    assert set(VALUES) | {COMMENT_PHONE, DELETED_PHONE, MAILTO} <= texts


@pytest.mark.parametrize("mode", list(Revisions))
def test_no_original_value_is_left_in_any_part(redacted, mode):
    members = docx_members(redacted[mode].data)
    for name, content in members.items():
        for value in VALUES + SANITIZED + (COMMENT_PHONE, DELETED_PHONE, MAILTO):
            assert value not in content, f"{value} in {name}"


@pytest.mark.parametrize("mode", list(Revisions))
def test_values_are_masked_by_the_publication_norm(redacted, mode):
    text = docx_text(redacted[mode].data)
    for masked in ("申请人：王**", "110105*********02X", "138****5678", "家住溧阳市****。", "***************0018",
                   "联系电话：139****4321"):
        assert masked in text, masked


def test_formatting_is_kept(redacted):
    doc = Document(io.BytesIO(redacted[Revisions.ACCEPT].data))
    title = doc.paragraphs[0].runs[0]
    assert title.bold and title.font.size.pt == 16
    address = next(p for p in doc.paragraphs if p.text.startswith("家住"))
    assert [(r.text, r.bold) for r in address.runs] == [("家住", None), ("溧阳市****", True), ("", None), ("。", None)]
    assert doc.tables[0].cell(0, 1).text == "补助发放至***************0018"


def test_tracked_changes_accepted_or_rejected_as_chosen(redacted):
    accepted = Document(io.BytesIO(redacted[Revisions.ACCEPT].data))
    rejected = Document(io.BytesIO(redacted[Revisions.REJECT].data))
    line = lambda doc: next(p.text for p in doc.paragraphs if p.text.startswith("本公示期"))  # noqa: E731
    assert line(accepted) == f"本公示期为7天{INSERTED_TEXT}。"
    assert line(rejected) == "本公示期为7天，原号码137****1111。"
    for result in redacted.values():
        document = docx_members(result.data)["word/document.xml"]
        assert not re.search(r"<w:(ins|del|delText|moveFrom|moveTo|rPrChange|pPrChange)\b", document)


@pytest.mark.parametrize("mode", list(Revisions))
def test_comments_hidden_text_custom_xml_properties_and_objects_are_removed(redacted, mode):
    members = docx_members(redacted[mode].data)
    names = set(members)
    assert not any(n.startswith(("customXml/", "word/embeddings/")) or "comments" in n for n in names)
    assert not {"docProps/custom.xml", "docProps/thumbnail.jpeg", "word/people.xml"} & names
    document = members["word/document.xml"]
    for tag in ("commentReference", "commentRangeStart", "vanish", "object", "OLEObject", "customXml"):
        assert f":{tag}" not in document, tag
    assert "rsid" not in document and "docVars" not in members["word/settings.xml"]
    core = etree.fromstring(members["docProps/core.xml"].encode())
    assert len(core) == 0                                   # no author, last editor, dates, comments
    assert "张三" not in members["docProps/core.xml"] + members["docProps/app.xml"]
    assert "custom-properties" not in members["_rels/.rels"]
    removed = " ".join(redacted[mode].removed)
    for what in ("comments", "customXml", "oleObject", "隐藏文字", "修订痕迹", "docVars", "custom.xml"):
        assert what in removed


@pytest.mark.parametrize("mode", list(Revisions))
def test_package_stays_consistent(redacted, mode):
    """Every r:id in a story resolves, every internal target exists, every override names a part."""
    data = redacted[mode].data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        for rels in (n for n in names if n.endswith(".rels")):
            folder = rels.replace("_rels/", "").rsplit("/", 1)[0] if "/" in rels.replace("_rels/", "") else ""
            root = etree.fromstring(zf.read(rels))
            ids = {el.get("Id") for el in root.iter(PKG_REL)}
            for el in root.iter(PKG_REL):
                if el.get("TargetMode") != "External":
                    target = el.get("Target").lstrip("/") if el.get("Target").startswith("/") else \
                        "/".join(p for p in f"{folder}/{el.get('Target')}".split("/") if p)
                    assert target in names, (rels, target)
            story = rels.replace("_rels/", "").removesuffix(".rels")
            if story in names and story.endswith(".xml"):
                used = set(re.findall(rf'\br:(?:id|embed|link)="([^"]+)"', zf.read(story).decode()))
                assert used <= ids, (story, used - ids)
        types = etree.fromstring(zf.read("[Content_Types].xml"))
        for override in types.iter("{*}Override"):
            assert override.get("PartName").lstrip("/") in names
    Document(io.BytesIO(data))       # and python-docx still opens it


def test_the_copy_is_screened_again_and_nothing_redacted_remains(redacted):
    for result in redacted.values():
        assert result.ok and result.report is not None and result.report.error is None
        assert not [f for f in result.report.findings if f.category is Category.PERSONAL_INFO]
        assert result.masked >= len(VALUES)


def test_hidden_text_by_style_is_removed(engine):
    doc = Document()
    style = doc.styles.add_style("内部备注", 2)          # a character style that hides its text
    style.font.hidden = True
    paragraph = doc.add_paragraph("正文可见。")
    paragraph.add_run("按样式隐藏的备注", style="内部备注")
    out = io.BytesIO()
    doc.save(out)
    result = redact(out.getvalue(), "a.docx", (), engine=engine)
    assert "按样式隐藏的备注" not in docx_text(result.data) and "正文可见。" in docx_text(result.data)


def test_a_value_split_over_runs_and_a_text_box_is_found(engine):
    doc = Document()
    paragraph = doc.add_paragraph("联系电话")
    for piece in ("138", "1234", "5678"):
        paragraph.add_run(piece).italic = True
    out = io.BytesIO()
    doc.save(out)
    item = RedactionItem(PHONE, "138****5678", Category.PERSONAL_INFO, "phone")
    result = redact(out.getvalue(), "a.docx", (item,), engine=engine)
    runs = Document(io.BytesIO(result.data)).paragraphs[0].runs
    assert "".join(r.text for r in runs) == "联系电话138****5678" and runs[1].italic
    assert ID_CARD not in docx_text(result.data) and BANK not in docx_text(result.data)
    assert NAME and ADDRESS and HEADER_PHONE    # (the shared values are exercised above)
