"""Fixtures made by LibreOffice itself: a docx or xlsx written in the test (python-docx, openpyxl)
and converted with `soffice --convert-to` to .doc, .rtf, .odt, .xls or .ods, in a throwaway profile."""
from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

requires_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                      reason="LibreOffice (soffice) is not installed: scripts/system-deps.sh installs it")


def soffice_convert(sources: Sequence[Path], target: str, outdir: Path) -> list[Path]:
    """Convert every source to `target` (an extension: doc, rtf, odt, xls, ods) in one soffice run."""
    profile = outdir / ".profile"
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", target, "--outdir", str(outdir), *map(str, sources)],
                   check=True, capture_output=True, timeout=240)
    out = [outdir / f"{source.stem}.{target}" for source in sources]
    missing = [p.name for p in out if not p.is_file()]
    assert not missing, f"soffice did not write {missing}"
    return out


def _has_calc() -> bool:
    from screening.extract.convert import has_component

    return has_component("xlsx")


requires_calc = pytest.mark.skipif(not _has_calc(), reason="LibreOffice Calc is not installed (libreoffice-calc-nogui:"
                                                           " scripts/system-deps.sh installs it)")
