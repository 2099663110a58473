"""csv / tsv: decoded like a txt (any common Chinese encoding, see txt.py), split into cells by
the standard library's csv reader, one sheet named after the file."""
from __future__ import annotations

import csv
import io
from pathlib import PurePath

from screening.extract.cells import Sheet, Workbook, to_document
from screening.extract.common import Limits
from screening.extract.txt import decode_text
from screening.types import Document

_DELIMITERS = ",\t;|"
_SAMPLE = 64 * 1024


def extract(data: bytes, name: str, limits: Limits) -> Document:
    text = decode_text(data)
    sheet = Sheet(PurePath(name).stem or "csv")
    csv.field_size_limit(max(limits.max_bytes, 1 << 17))
    for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text, name)), 1):
        for c, value in enumerate(row, 1):
            sheet.set(r, c, value)
    return to_document(Workbook(sheets=[sheet]), data, name, "csv")


def _dialect(text: str, name: str) -> type[csv.Dialect] | csv.Dialect:
    if PurePath(name).suffix.lower() == ".tsv":
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(text[:_SAMPLE], delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel
