"""Word-processing formats read through LibreOffice (.doc .wps .rtf .odt) and the OOXML variants
read directly (.docm .dotx): what a docx reports, they report, under their real format's name."""
from __future__ import annotations

import pytest
from docgen import make_docx, rewrite_zip
from office import requires_soffice, soffice_convert
from shared import THIRDPARTY, require_shared

from screening.errors import UnreadableDocument
from screening.extract import extract_bytes, extract_isolated
from screening.pipeline import screen_bytes
from screening.types import PartKind

ID_NUMBER = "11010519491231002X"

pytestmark = requires_soffice


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    """One docx with a tracked deletion of an ID number, a comment and an author, as .doc, .rtf and .odt."""
    folder = tmp_path_factory.mktemp("legacy")
    source = folder / "申请.docx"
    make_docx(source, paragraphs=["关于低保申请的复函", ["申请人身份证号", ("del", ID_NUMBER)]],
              comments=[("复函", "请核实申请人住址", "赵六")], core_author="张三")
    return {target: soffice_convert([source], target, folder)[0].read_bytes() for target in ("doc", "rtf", "odt")}


def _texts(doc, kind):
    return [p.text for p in doc.parts if p.kind is kind]


@pytest.mark.parametrize("fmt, name", [("doc", "申请.doc"), ("doc", "申请.wps"), ("rtf", "申请.rtf"), ("odt", "申请.odt")])
def test_a_tracked_deletion_survives_the_conversion(drafts, fmt, name, engine):
    data = drafts[fmt]
    doc = extract_isolated(data, name)
    assert doc.format == name.rsplit(".", 1)[1]
    assert doc.size == len(data)
    assert any("关于低保申请的复函" in t for t in _texts(doc, PartKind.BODY))
    report = screen_bytes(data, name, engine=engine)
    deleted = [f for f in report.findings if f.location.part is PartKind.REVISION and f.text == ID_NUMBER]
    assert "pii.id_card" in {f.rule for f in deleted}
    assert report.verdict == "block"
    assert next(f for f in deleted if f.rule == "pii.id_card").location.paragraph == 1
    assert report.document.format == doc.format


@pytest.mark.parametrize("fmt", ["doc", "odt"])
def test_comments_and_the_author_are_reported(drafts, fmt, engine):
    report = screen_bytes(drafts[fmt], f"申请.{fmt}", engine=engine)
    comments = [f for f in report.findings if f.rule == "hidden.comment"]
    assert comments and "请核实申请人住址" in comments[0].text
    assert any(f.rule == "hidden.metadata" and "张三" in f.text for f in report.findings)
    assert not any("LibreOffice" in f.text for f in report.findings)   # what only the converter wrote


def test_a_corrupt_doc_is_refused_as_corrupt(drafts):
    data = bytearray(drafts["doc"])
    half = len(data) // 2
    data[512:half] = bytes(half - 512)          # the header survives, the streams do not
    with pytest.raises(UnreadableDocument) as caught:
        extract_isolated(bytes(data), "损坏.doc")
    assert caught.value.code == "corrupt"
    assert "Word 97-2003 文档" in caught.value.message


def test_docm_and_dotx_are_read_as_word_documents():
    data = make_docx(paragraphs=[f"身份证号{ID_NUMBER}"])
    types = "[Content_Types].xml"
    for fmt, content_type in (("docm", b"application/vnd.ms-word.document.macroEnabled.main+xml"),
                              ("dotx", b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")):
        variant = rewrite_zip(data, {types: lambda x, ct=content_type: x.replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", ct)})
        doc = extract_bytes(variant, f"草稿.{fmt}")
        assert doc.format == fmt
        assert ID_NUMBER in doc.parts[0].text


def test_a_broken_docm_is_named_as_a_macro_enabled_word_document():
    with pytest.raises(UnreadableDocument) as caught:
        extract_bytes(make_docx(paragraphs=["正文"])[:400], "宏.docm")
    assert caught.value.code == "corrupt" and "启用宏的 Word 文档" in caught.value.message


def test_macros_of_a_real_docm_are_hidden_content_never_run(engine):
    path = require_shared(THIRDPARTY / "poi" / "test-data__document__SimpleMacro.docm")
    report = screen_bytes(path.read_bytes(), path.name, engine=engine)
    assert report.document.format == "docm"
    macro = [f for f in report.findings if f.location.part is PartKind.HIDDEN and "宏" in f.message]
    assert macro and "Sub TestMacro()" in macro[0].text
    assert report.verdict != "pass"


def test_every_conversion_runs_with_macros_disabled(drafts):
    """The profile each conversion copies is what LibreOffice wrote back after starting with it:
    the macro settings survived, so no document macro (an OnLoad handler …) can run."""
    from screening.extract.convert import _template, soffice

    settings = (_template(soffice()) / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert '<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value>' in settings
    assert '<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value>' in settings
