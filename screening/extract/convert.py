"""LibreOffice headless conversion (.doc/.wps/.rtf/.odt → docx, .ods/.et → xlsx).

Runs where extraction runs: inside the sandboxed child of `extract_isolated`, so `soffice.bin`
inherits its memory (RLIMIT_AS) and CPU limits and sits in its process group, which the parent
kills on timeout. Each conversion gets its own temporary folder and its own LibreOffice profile,
copied from a template whose settings disable every macro (DisableMacrosExecution, macro security
"very high"); the template is made once per user and machine (a fresh profile makes soffice
restart itself once, which would double every conversion). `soffice.bin` is started directly, not
through its `oosplash` launcher, so that the process a timeout kills is the one doing the work.

Nothing is ever fetched: the machine has no network, and LibreOffice is asked only to convert.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from screening.errors import UnreadableDocument
from screening.extract.sniff import label

FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
# The LibreOffice component each target needs (Debian ships Writer and Calc as separate packages).
COMPONENTS = {"docx": ("libswlo.so", "Writer（文字处理）"), "xlsx": ("libsclo.so", "Calc（电子表格）")}
_RESTART = 81               # soffice's exit status when a fresh profile needs a restart
_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def has_component(target: str) -> bool:
    """Whether the installed LibreOffice can write `target` (its Writer or Calc part is present)."""
    command = soffice()
    if command is None:
        return False
    program = Path(os.path.realpath(command[0])).parent
    return not (program / "soffice.bin").is_file() or (program / COMPONENTS[target][0]).is_file()


def soffice() -> list[str] | None:
    """The command that runs LibreOffice: `soffice.bin` itself where it can be found
    (SCREENING_SOFFICE overrides), else the `soffice` launcher; None when not installed."""
    configured = os.environ.get("SCREENING_SOFFICE")
    launcher = configured or shutil.which("soffice") or shutil.which("libreoffice")
    if not launcher:
        return None
    binary = Path(os.path.realpath(launcher)).with_name("soffice.bin")
    return [str(binary)] if binary.is_file() and not configured else [launcher]


def convert(data: bytes, source: str, target: str, *, timeout_s: float) -> bytes:
    """`data` (a file of format `source`, e.g. "doc") converted to `target` ("docx" or "xlsx")."""
    command = soffice()
    if command is None:
        raise UnreadableDocument("unsupported_format",
                                 f"本机未安装 LibreOffice，无法读取{label(source)}，请另存为 {target} 后再提交")
    if not has_component(target):
        raise UnreadableDocument("unsupported_format",
                                 f"本机 LibreOffice 未安装 {COMPONENTS[target][1]} 组件，无法读取{label(source)}")
    with tempfile.TemporaryDirectory(prefix="screening-convert-") as work:
        root = Path(work)
        profile = root / "profile"
        shutil.copytree(_template(command), profile)
        (root / "in").mkdir()
        source_path = root / "in" / f"input.{source}"
        source_path.write_bytes(data)
        status = _run(command, profile, source_path, root / "out", target, timeout_s)
        if status == _RESTART:   # the copied profile was not settled after all: once more
            status = _run(command, profile, source_path, root / "out", target, timeout_s)
        produced = root / "out" / f"input.{target}"
        if status != 0 or not produced.is_file() or produced.stat().st_size == 0:
            raise UnreadableDocument("corrupt", f"LibreOffice 无法打开该{label(source)}，文件可能已损坏或不完整")
        return produced.read_bytes()


def _run(command: list[str], profile: Path, source: Path, outdir: Path, target: str, timeout_s: float) -> int:
    args = [*command, "--headless", "--invisible", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
            f"-env:UserInstallation={profile.as_uri()}", "--convert-to", FILTERS[target],
            "--outdir", str(outdir), str(source)]
    env = {**os.environ, "SAL_USE_VCLPLUGIN": "svp", "HOME": str(profile.parent)}
    try:
        done = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=env, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise UnreadableDocument("timeout", f"LibreOffice 转换超过 {timeout_s:g} 秒，已中止") from None
    except OSError as exc:
        raise UnreadableDocument("unsupported_format", f"无法启动 LibreOffice（{exc.strerror}）") from None
    return done.returncode


def _template(command: list[str]) -> Path:
    """The settled profile every conversion copies: made once, owned by this user, private."""
    base = Path(tempfile.gettempdir()) / f"screening-lo-profile-{os.getuid()}"
    template = base / "template"
    if template.is_dir() and _private(base):
        return template
    if base.exists() and not _private(base):
        base = Path(tempfile.mkdtemp(prefix="screening-lo-profile-"))
        template = base / "template"
    base.mkdir(mode=0o700, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="new-", dir=base))
    try:
        user = staging / "profile" / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_SETTINGS, encoding="utf-8")
        sample = staging / "settle.txt"
        sample.write_text("settle", encoding="utf-8")
        for _ in range(2):   # the first start of a fresh profile exits with _RESTART
            if _run(command, staging / "profile", sample, staging / "out", "docx", 120) != _RESTART:
                break
        _keep_macro_settings(user / "registrymodifications.xcu")
        try:
            os.rename(staging / "profile", template)
        except OSError:
            pass             # another process made it first
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return template


def _keep_macro_settings(settings: Path) -> None:
    """LibreOffice rewrites the file on exit; make sure the macro settings are still in it."""
    text = settings.read_text(encoding="utf-8") if settings.is_file() else ""
    if "DisableMacrosExecution" not in text or "</oor:items>" not in text:
        settings.write_text(_SETTINGS, encoding="utf-8")


def _private(base: Path) -> bool:
    try:
        st = base.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022
