"""Real files from other projects' test suites (../shared/corpus/thirdparty, see its SOURCES.md):
every Word, WPS, RTF, OpenDocument and Excel file there is screened or refused with a specific
code — no crash, no hang — and a file LibreOffice itself can read is never refused.

The files read in-process (docx, xlsx, xls …) are all screened; of those that go through
LibreOffice (.doc, .wps, .rtf, .odt, .ods) a deterministic sample of SAMPLE, the same on every run,
unless SCREENING_CORPUS_ALL=1 (a LibreOffice start costs seconds)."""
from __future__ import annotations

import hashlib
import os
import subprocess

import pytest
from office import requires_soffice
from shared import THIRDPARTY

from screening.errors import UnreadableDocument
from screening.extract import Limits
from screening.pipeline import screen_bytes

WORD = (".doc", ".dot", ".wps", ".rtf", ".odt", ".docm", ".docx", ".dotx")
SHEETS = (".xls", ".xlsx", ".xlsm", ".et", ".ods")
VIA_LIBREOFFICE = (".doc", ".dot", ".wps", ".rtf", ".odt", ".ods")
SAMPLE = 5
LIMITS = Limits(timeout_s=90)
# Refusals that are policy, not a failure to read: a password no reader gets past; a DTD or entity
# in an OOXML part (Word itself refuses one; entities expand without bound or fetch files); a zip bomb.
BY_POLICY = ("encrypted", "hostile_content", "zip_bomb")


def _corpus() -> list:
    if not THIRDPARTY.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{THIRDPARTY} is absent: the shared corpus is read "
                                                                  "in place and not shipped with the project"))]
    files = sorted(p for p in THIRDPARTY.rglob("*") if p.is_file() and p.suffix.lower() in WORD + SHEETS)
    slow = sorted((p for p in files if p.suffix.lower() in VIA_LIBREOFFICE),
                  key=lambda p: hashlib.sha256(p.name.encode()).hexdigest())
    keep = set(slow if os.environ.get("SCREENING_CORPUS_ALL") else slow[:SAMPLE])
    chosen = [p for p in files if p.suffix.lower() not in VIA_LIBREOFFICE or p in keep]
    return [pytest.param(p, id=p.name.rsplit("__", 1)[-1]) for p in chosen]


def _libreoffice_reads(path, tmp_path) -> str:
    """The text LibreOffice gets out of the file (its own reading is the reference), "" if none."""
    target = "csv" if path.suffix.lower() in SHEETS else "txt:Text (encoded):UTF8"
    source = tmp_path / f"input{path.suffix.lower()}"
    source.write_bytes(path.read_bytes())
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--convert-to", target, "--outdir", str(tmp_path / "out"), str(source)],
                   capture_output=True, timeout=240, check=False)
    produced = list((tmp_path / "out").glob("input.*"))
    return produced[0].read_text("utf-8-sig", "replace") if produced else ""


@requires_soffice
@pytest.mark.parametrize("path", _corpus())
def test_screened_or_refused_with_a_specific_code(path, engine, tmp_path):
    report = screen_bytes(path.read_bytes(), path.name, engine=engine, limits=LIMITS)
    if report.error is None:
        assert report.verdict is not None
        assert report.document.chars > 0 or report.findings     # something was read, or why not was said
        return
    code = report.error.code
    assert code in UnreadableDocument.CODES and code != "timeout", report.error
    assert any("\u4e00" <= ch <= "\u9fff" for ch in report.error.message)
    if code == "unsupported_format" and "未安装" in report.error.message:
        pytest.skip(f"this machine lacks a LibreOffice component: {report.error.message}")
    if code in BY_POLICY:
        return
    text = _libreoffice_reads(path, tmp_path)
    assert not text.strip(), f"LibreOffice reads {len(text)} characters of {path.name}, we refused it: {report.error}"
