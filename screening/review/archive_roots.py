"""The archive folders a re-screen may be started on from the web UI: only below the roots the
operator configured (SCREENING_ARCHIVE_ROOTS, colon-separated absolute paths). A folder is checked
on its real path (every symlink resolved, `..` removed) before anything else is looked at, so a
path outside the roots is refused the same way whether it exists or not; files below the folder
whose real path leaves the roots (symlinks planted in the archive) are not screened. No database,
no Flask: the paths in, the files or a refusal out."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from screening.cli import iter_paths
from screening.review.errors import Forbidden, Invalid

SETTING = "SCREENING_ARCHIVE_ROOTS"


def parse_roots(text: str) -> tuple[str, ...]:
    """`/data/portal:/mnt/archive` -> the absolute roots, in order (empty: none configured).
    A relative entry is a configuration error (ValueError)."""
    roots = tuple(part.strip() for part in text.split(":") if part.strip())
    for root in roots:
        if not os.path.isabs(root):
            raise ValueError(f"{SETTING} 只能列出绝对路径（以 / 开头），而不是 {root!r}")
    return roots


@dataclass(frozen=True, slots=True)
class ArchiveFolder:
    """A folder found inside the roots: its real path, the real paths of its files inside the
    roots (sorted), and how many links below it point out of the roots (left out)."""

    path: Path
    files: tuple[Path, ...]
    outside: int = 0


def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


def archive_folder(raw: str, roots: Sequence[str]) -> ArchiveFolder:
    """The folder `raw` names, with every file below it (as `screening check DIR` reads them), if
    its real path lies below one of `roots`; else Invalid/Forbidden with a message for the officer."""
    if not roots:
        raise Forbidden("archive_roots_unset",
                        "本系统未配置允许复查的档案目录，不能从网页发起已公开档案复查，请联系运维人员配置")
    raw = (raw or "").strip()
    if not raw:
        raise Invalid("folder_required", "请填写要复查的文件夹在服务器上的路径")
    if "\x00" in raw or not os.path.isabs(raw):
        raise Invalid("folder_not_absolute", "请填写服务器上的绝对路径（以 / 开头）")
    allowed = tuple(_real(root) for root in roots)
    path = _real(raw)
    if not _inside(path, allowed):
        raise Invalid("folder_outside_roots", f"该文件夹不在允许复查的档案目录内（允许的目录：{'、'.join(roots)}）；"
                                              "符号链接按其指向的实际位置判断")
    if not path.exists():
        raise Invalid("no_such_folder", f"文件夹不存在：{raw}")
    if not path.is_dir():
        raise Invalid("not_a_folder", f"该路径不是文件夹：{raw}")
    kept: list[Path] = []
    outside = 0
    for file in iter_paths([str(path)]):
        real = _real(file)
        if _inside(real, allowed):
            kept.append(real)
        else:
            outside += 1
    return ArchiveFolder(path, tuple(sorted(set(kept))), outside)
