"""Printed headers and footers of a BIFF8 workbook (.xls, .et): xlrd reads cells, not these.

The Workbook stream (xls.py takes it out of the compound file) is a run of records: type (u16), length (u16), data. The globals'
BOUNDSHEET records name each sheet and give the offset of its substream; a sheet's HEADER
(0x0014) and FOOTER (0x0015) records hold the definition its pages print, an XLUnicodeString
(read with xlrd's own `unpack_unicode`) with the same &-codes as in an xlsx. Charts embedded in
a sheet are substreams of their own (BOF … EOF inside it) and are skipped. An older BIFF (5 or
earlier: codepage strings) or a damaged stream gives what could be read, possibly nothing.
"""
from __future__ import annotations

import struct
from collections.abc import Iterator

_BOF, _EOF, _BOUNDSHEET, _HEADER, _FOOTER = 0x0809, 0x000A, 0x0085, 0x0014, 0x0015
_BIFF8 = 0x0600


def margins(stream: bytes) -> dict[str, list[tuple[bool, str]]]:
    """Sheet name → [(header? else footer, definition as written)], for sheets that have them,
    from the Workbook stream (b"": none)."""
    from xlrd.biffh import unpack_unicode

    out: dict[str, list[tuple[bool, str]]] = {}
    try:
        sheets = []
        for index, (kind, body) in enumerate(_substream(stream, 0)):
            if index == 0 and (kind != _BOF or struct.unpack_from("<H", body)[0] != _BIFF8):
                return {}
            if kind == _BOUNDSHEET:
                sheets.append((struct.unpack_from("<I", body)[0], unpack_unicode(body, 6, lenlen=1)))
        for offset, name in sheets:
            if stream[offset:offset + 2] != struct.pack("<H", _BOF):
                continue        # an offset that points at no sheet
            for kind, body in _substream(stream, offset):
                if kind in (_HEADER, _FOOTER) and body:
                    out.setdefault(name, []).append((kind == _HEADER, unpack_unicode(body, 0)))
    except (struct.error, IndexError, UnicodeDecodeError):
        pass                    # a damaged record: keep what was read before it
    return out


def _substream(stream: bytes, start: int) -> Iterator[tuple[int, bytes]]:
    """The records of the substream beginning at `start` (its BOF first), those of substreams
    nested in it left out, up to its EOF."""
    pos, depth = start, 0
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4:pos + 4 + length]
        pos += 4 + length
        if kind == _BOF:
            depth += 1
        if depth == 1:
            yield kind, body
        if kind == _EOF:
            depth -= 1
            if depth <= 0:
                return
