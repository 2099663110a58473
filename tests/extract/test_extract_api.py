"""The public API of screening.extract, and extraction seen through the whole pipeline."""
from __future__ import annotations

import pytest
from docgen import make_docx, make_pdf

from screening.errors import UnreadableDocument
from screening.extract import EXTRACTORS, SUPPORTED_FORMATS, Limits, extract_bytes, extract_path
from screening.pipeline import screen_path
from screening.types import PartKind


def test_every_supported_format_has_an_extractor():
    assert set(SUPPORTED_FORMATS) == set(EXTRACTORS)


def test_extract_path_reads_the_file(tmp_path):
    path = tmp_path / "草稿.docx"
    data = make_docx(path, paragraphs=["正文"])
    doc = extract_path(path)
    assert (doc.name, doc.size, doc.format) == ("草稿.docx", len(data), "docx")
    assert doc == extract_bytes(data, "草稿.docx")


@pytest.mark.parametrize("make, limits, code", [
    (lambda d: d / "missing.docx", Limits(), "not_found"),
    (lambda d: d, Limits(), "not_found"),                                     # a folder
    (lambda d: (d / "big.txt").write_bytes(b"x" * 4096) and d / "big.txt", Limits(max_bytes=1024), "too_large"),
])
def test_extract_path_checks_before_reading(tmp_path, make, limits, code):
    with pytest.raises(UnreadableDocument) as caught:
        extract_path(make(tmp_path), limits=limits)
    assert caught.value.code == code


def test_limits_must_be_positive():
    with pytest.raises(ValueError):
        Limits(timeout_s=0)


def _findings(report):
    return {(f.rule, f.location.part, f.text) for f in report.findings}


def test_pipeline_a_deleted_id_number_is_found_in_revision(tmp_path, engine):
    path = tmp_path / "申请.docx"
    make_docx(path, paragraphs=[["申请人身份证号", ("del", "11010519491231002X")]], core_author="张三")
    report = screen_path(path, engine=engine)
    assert report.error is None
    found = _findings(report)
    assert ("hidden.revision", PartKind.REVISION, "11010519491231002X") in found
    assert any(rule.startswith("pii.") and part is PartKind.REVISION for rule, part, _ in found)
    assert ("hidden.metadata", PartKind.METADATA, "作者：张三") in found


def test_pipeline_a_scan_never_passes(tmp_path, engine):
    path = tmp_path / "扫描件.pdf"
    make_pdf(path, pages=[], scanned_pages=1)
    report = screen_path(path, engine=engine)
    assert report.error is None and report.verdict is not None and report.verdict != "pass"


def test_pipeline_an_unreadable_file_is_an_error_report(tmp_path, engine):
    path = tmp_path / "旧版.doc"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600))
    report = screen_path(path, engine=engine)
    assert report.verdict is None and report.error.code == "corrupt"
    assert "Word 97-2003 文档" in report.error.message and report.document.format == "doc"


def test_the_readers_to_preload_follow_the_file_names():
    from screening.extract import EXTRACTOR_MODULES, modules_for

    assert modules_for(["通知.txt", "说明.TXT", "附件.md"]) == ("screening.extract.txt",)
    assert modules_for(["表.xlsx", "报告.docx", "页.htm"]) == (
        "screening.extract.docx", "screening.extract.html", "screening.extract.xlsx")
    assert modules_for(["通知.txt", "无扩展名"]) == EXTRACTOR_MODULES     # the content will decide
