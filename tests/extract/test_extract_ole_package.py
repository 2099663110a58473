"""An object inserted into a Word file from a file (插入 → 对象 → 由文件创建) is an OLE Package: the
file it wraps is screened as an attachment under its own name, so a 账号及密码.txt behind an icon is
found; an object wrapping nothing readable still keeps the document from passing."""
from __future__ import annotations

import io
import struct
import zipfile

import olefile
import pytest
from docgen import make_docx, rewrite_zip
from shared import THIRDPARTY, require_shared

from screening.extract import extract_bytes
from screening.extract.ole_package import NATIVE, unwrap
from screening.pipeline import screen_bytes
from screening.types import PartKind

DRAWING = THIRDPARTY / "poi" / "test-data__document__drawing.docx"   # a real Word file with a Package object
SECRET = "系统管理员账号：admin\n密码：Zx@20240315\n申请人身份证号：11010519491231002X\n".encode("utf-8")


def real_package() -> bytes:
    with zipfile.ZipFile(require_shared(DRAWING)) as zf:
        return zf.read("word/embeddings/oleObject1.bin")


def native(filename: str, payload: bytes, *, wide: bool) -> bytes:
    """An OLENativeStream as the Packager writes it (the ANSI name in GBK, as on a Chinese Windows)."""
    ansi = filename.encode("gbk")
    body = struct.pack("<H", 2) + ansi + b"\0" + b"C:\\\xd7\xca\xc1\xcf\\" + ansi + b"\0" + bytes(8)
    body += b"C:\\Temp\\" + ansi + b"\0" + struct.pack("<I", len(payload)) + payload
    if wide:
        for text in ("C:\\Temp\\" + filename, filename, "C:\\资料\\" + filename):
            body += struct.pack("<I", len(text) + 1) + (text + "\0").encode("utf-16-le")
    return struct.pack("<I", len(body)) + body


def packaged(tmp_path, filename: str, payload: bytes, *, wide: bool = True) -> bytes:
    """The real object with its wrapped file replaced (same stream size: olefile rewrites in place)."""
    path = tmp_path / "oleObject1.bin"
    path.write_bytes(real_package())
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        size = ole.get_size(NATIVE)
        stream = native(filename, payload, wide=wide)
        assert len(stream) <= size
        ole.write_stream(NATIVE, stream + bytes(size - len(stream)))
    return path.read_bytes()


def docx_with(obj: bytes) -> bytes:
    return rewrite_zip(make_docx(paragraphs=["关于系统上线的通知", "账号见附件。"]),
                       {"word/embeddings/oleObject1.bin": obj})


@pytest.mark.parametrize("wide", [True, False], ids=["utf16-names", "gbk-names-only"])
def test_the_wrapped_file_has_its_own_name(tmp_path, wide):
    name, data = unwrap("oleObject1.bin", packaged(tmp_path, "账号及密码.txt", SECRET, wide=wide))
    assert (name, data) == ("账号及密码.txt", SECRET)


def test_a_password_behind_an_icon_is_found_with_the_files_name(engine, tmp_path):
    report = screen_bytes(docx_with(packaged(tmp_path, "账号及密码.txt", SECRET)), "通知.docx", engine=engine)
    assert report.error is None and report.verdict.value == "block"
    assert "cred.account_password" in {f.rule for f in report.findings}
    ids = [f for f in report.findings if f.text == "11010519491231002X"]
    assert ids[0].location.part is PartKind.ATTACHMENT and ids[0].location.member == "账号及密码.txt"


def test_an_object_wrapping_an_unreadable_file_never_passes(engine):
    report = screen_bytes(require_shared(DRAWING).read_bytes(), "drawing.docx", engine=engine)
    assert report.verdict.value != "pass"
    doc = extract_bytes(DRAWING.read_bytes(), "drawing.docx")
    assert any("CorelDRAW.csl" in w for w in doc.warnings)          # named by the file it wraps


def test_an_object_that_is_not_a_package_is_left_as_it_was():
    assert unwrap("x.bin", b"not a compound file") == ("x.bin", b"not a compound file")
    broken = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
    assert unwrap("x.bin", broken) == ("x.bin", broken)


def test_a_file_embedded_in_a_workbook_is_screened_as_its_attachment(engine, tmp_path):
    """xlsx embeddings (a plain file, and an OLE Package object) are read as a docx's are: the ID
    number behind them is found in the attachment, under the embedded file's name."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["系统名称", "说明"])
    wb.active.append(["公文系统", "账号见嵌入的文件"])
    buffer = io.BytesIO()
    wb.save(buffer)
    data = rewrite_zip(buffer.getvalue(), {"xl/embeddings/oleObject1.bin": packaged(tmp_path, "账号及密码.txt", SECRET)})
    doc = extract_bytes(data, "系统清单.xlsx")
    assert all(isinstance(w, str) for w in doc.warnings)
    report = screen_bytes(data, "系统清单.xlsx", engine=engine)
    ids = [f for f in report.findings if f.text == "11010519491231002X"]
    assert report.verdict.value == "block" and ids
    assert ids[0].location.part is PartKind.ATTACHMENT and ids[0].location.member == "账号及密码.txt"
