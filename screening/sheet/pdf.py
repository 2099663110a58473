"""docx → PDF with LibreOffice headless, so that the PDF looks like the docx it was made from.

    pdf = docx_to_pdf(render_docx(data))

Each call runs its own `soffice` with a private profile (`-env:UserInstallation=…` in a temporary
folder): concurrent conversions would otherwise fight over one profile and fail. The PDF is PDF/A-2b
(fonts embedded), which suits a sheet that is archived. `SCREENING_SOFFICE` names the program when it
is not on PATH. scripts/system-deps.sh installs LibreOffice and the Noto CJK fonts.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from screening.errors import ScreeningError

DEFAULT_TIMEOUT_S = 120.0
# writer_pdf_Export with SelectPdfVersion 2 = PDF/A-2b (LibreOffice ≥ 7.4 reads the JSON form).
PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


class ConversionError(ScreeningError):
    """LibreOffice is missing, failed, or took too long."""


def find_soffice() -> str:
    """The LibreOffice program, or ConversionError saying how to install it."""
    configured = os.environ.get("SCREENING_SOFFICE")
    if configured:
        if shutil.which(configured) or Path(configured).is_file():
            return configured
        raise ConversionError(f"SCREENING_SOFFICE={configured!r} 不存在")
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError("找不到 LibreOffice（soffice），无法生成 PDF：请运行 scripts/system-deps.sh 安装 "
                          "libreoffice-writer-nogui 和 fonts-noto-cjk，或改为输出 .docx")


def docx_to_pdf(docx: bytes, *, timeout: float = DEFAULT_TIMEOUT_S, name: str = "document.docx") -> bytes:
    """Convert docx bytes to PDF bytes."""
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="screening-soffice-") as tmp:
        work = Path(tmp)
        source = work / (Path(name).stem + ".docx")
        source.write_bytes(docx)
        outdir = work / "out"
        outdir.mkdir()
        command = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                   "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
                   "--convert-to", PDF_FILTER, "--outdir", str(outdir), str(source)]
        env = {**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=work,
                              start_new_session=True) as process:
            try:
                out, err = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                process.communicate()
                raise ConversionError(f"LibreOffice 转换超时（{timeout:g} 秒），已中止") from None
            except BaseException:
                _kill_group(process)
                raise
        result = outdir / (source.stem + ".pdf")
        if process.returncode != 0 or not result.is_file():
            detail = (err or out).decode("utf-8", "replace").strip()[-500:]
            raise ConversionError(f"LibreOffice 转换失败（退出码 {process.returncode}）：{detail or '未生成 PDF'}")
        return result.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    """End the soffice we started and anything it spawned (its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
