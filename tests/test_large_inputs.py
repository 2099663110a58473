"""The two inputs that used to hang or be refused: a 50 MB text file that is one line, and a docx
of a million short paragraphs (repetitive XML compresses several hundred to one)."""
from __future__ import annotations

import io
import time
import zipfile

import pytest
from docgen import docx_zip_bomb, make_docx, rewrite_zip

from screening.errors import UnreadableDocument
from screening.extract import Limits, extract_bytes
from screening.extract.ooxml import open_package
from screening.pipeline import screen_bytes

ID = "11010519491231002X"


def test_a_50_mb_text_file_of_one_line_is_screened_in_linear_time(engine):
    """Keywords every kilobyte on one line: each used to rescan the line back to its start."""
    filler = ("根据工作安排，现将有关事项通知如下，请各单位认真落实，按时报送材料。" * 14 + "联系电话见附件。").encode()
    data = filler * (50_000_000 // len(filler)) + f"申请人身份证号{ID}".encode()
    assert len(data) > 49_000_000 and b"\n" not in data
    started = time.monotonic()
    report = screen_bytes(data, "一行.txt", engine=engine)
    elapsed = time.monotonic() - started
    assert report.error is None, report.error
    (finding,) = [f for f in report.findings if f.rule == "pii.id_card"]
    assert finding.text == ID and finding.location.paragraph == 1
    assert elapsed < Limits().timeout_s * 2, elapsed


def _paragraphs_docx(count: int) -> bytes:
    base = make_docx(paragraphs=["占位"])
    xml = zipfile.ZipFile(io.BytesIO(base)).read("word/document.xml").decode()
    head, _, tail = xml.partition("<w:body>")
    body = "<w:p><w:r><w:t>各单位要按时报送。</w:t></w:r></w:p>" * count
    body += f"<w:p><w:r><w:t>身份证号{ID}</w:t></w:r></w:p>"
    return rewrite_zip(base, {"word/document.xml": (head + "<w:body>" + body + tail[tail.find("<w:sectPr"):]).encode()})


def _ratio(data: bytes) -> float:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
    return info.file_size / info.compress_size


def test_a_million_short_paragraphs_is_no_zip_bomb():
    data = _paragraphs_docx(1_000_000)
    assert _ratio(data) > 300
    pkg = open_package(data, Limits())           # refused as zip_bomb before: 60 MB at 340:1
    assert pkg.xml("word/document.xml") is not None


def test_a_docx_of_repetitive_paragraphs_is_screened_end_to_end(engine):
    data = _paragraphs_docx(100_000)
    assert _ratio(data) > 300
    report = screen_bytes(data, "名单.docx", engine=engine)
    assert report.error is None, report.error
    assert [f.text for f in report.findings if f.rule == "pii.id_card"] == [ID]


def test_a_large_member_that_expands_a_thousandfold_is_still_a_zip_bomb():
    with pytest.raises(UnreadableDocument) as err:
        extract_bytes(docx_zip_bomb(100), "炸弹.docx")
    assert err.value.code == "zip_bomb"
