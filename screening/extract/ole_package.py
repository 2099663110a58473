"""What an embedded OLE object wraps: the file a reader opens by double-clicking its icon.

Word, Excel and WPS store an object inserted from a file (插入 → 对象 → 由文件创建: a .txt, a .pdf, a
.zip, another workbook) as a compound file (`word/embeddings/oleObject1.bin`). Its `\\x01Ole10Native`
stream is an OLENativeStream ([MS-OLEDS] 2.3.6) holding the Packager's record of the original file:

    uint32 size · uint16 type · filename\\0 · source path\\0 · uint32 · uint32 · temp path\\0 ·
    uint32 length · the file's bytes · then, in newer packagers, the three paths again in UTF-16
    (uint32 character count each: temp path, filename, source path)

The ANSI names are in the writer's code page (GBK on a Chinese Windows), so the UTF-16 filename is
preferred when present. An object that embeds an OOXML package (`Package` stream) or a PDF
(`CONTENTS`) is that stream. Nothing is executed; an object we cannot unwrap is returned as it was,
and the dispatch then refuses it with its own message (so the parent never passes unread).
Parsed here rather than with oletools: one fixed structure, against a dependency tree that brings
GUI and crypto libraries."""
from __future__ import annotations

import posixpath
import struct

from screening.extract.sniff import OLE2_MAGIC

NATIVE = "\x01Ole10Native"
_WRAPPED_STREAMS = ("Package", "CONTENTS")


def unwrap(name: str, data: bytes) -> tuple[str, bytes]:
    """(the wrapped file's name, its bytes), or (name, data) unchanged when it wraps nothing we know."""
    if not data.startswith(OLE2_MAGIC):
        return name, data
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            if ole.exists(NATIVE):
                return _native(ole.openstream(NATIVE).read()) or (name, data)
            for stream in _WRAPPED_STREAMS:
                if ole.exists(stream):
                    inner = ole.openstream(stream).read()
                    return (posixpath.splitext(name)[0] if inner else name), (inner or data)
    except Exception:  # noqa: BLE001 - a broken object is left for the dispatch to refuse
        return name, data
    return name, data


def _native(stream: bytes) -> tuple[str, bytes] | None:
    try:
        at = 4 + 2                                     # total size, type
        ansi_name, at = _cstring(stream, at)
        _, at = _cstring(stream, at)                   # source path
        at += 8                                        # two unknown uint32
        _, at = _cstring(stream, at)                   # temp path
        (length,) = struct.unpack_from("<I", stream, at)
        at += 4
        if length > len(stream) - at:
            return None
        payload = stream[at:at + length]
        wide = _wide_names(stream, at + length)
    except (struct.error, ValueError):
        return None
    name = (wide[1] if len(wide) > 1 and wide[1] else "") or _decode(ansi_name)
    return posixpath.basename(name.replace("\\", "/")) or "嵌入对象", payload


def _cstring(data: bytes, at: int) -> tuple[bytes, int]:
    end = data.index(b"\x00", at)
    return data[at:end], end + 1


def _wide_names(data: bytes, at: int) -> list[str]:
    names = []
    for _ in range(3):
        if at + 4 > len(data):
            break
        (count,) = struct.unpack_from("<I", data, at)
        at += 4
        if count > (len(data) - at) // 2:
            break
        names.append(data[at:at + 2 * count].decode("utf-16-le", "replace").rstrip("\x00"))
        at += 2 * count
    return names


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")
