"""A batch of uploaded files (API `POST /api/v1/screen/batch`, the self-check's several files) as one
value: packed into one uncompressed zip whose members are named `0001/原名…` in the order sent, so
that a batch job needs one stored blob like any other job, names may repeat, and every file comes
back out in order. The zip is written here and read only here; it is never a user's file."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from screening.pipeline import screen_bytes
from screening.template import report_template_once
from screening.types import Report


def pack(files: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for number, (name, data) in enumerate(files, 1):
            archive.writestr(f"{number:04d}/{name}", data)
    return buffer.getvalue()


def unpack(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename.split("/", 1)[1], archive.read(info)) for info in archive.infolist()]


def screen_files(files: Sequence[tuple[str, bytes]], engine) -> list[Report]:
    """Every file screened (a refused one reports its error), a site's template reported once,
    as `screening check` does for a folder."""
    return report_template_once([screen_bytes(data, name, engine=engine) for name, data in files])
