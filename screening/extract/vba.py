"""Macros of a .docm/.xlsm (the `vbaProject.bin` compound file): listed and their source read as
text — never executed. Each module becomes one hidden block: a reader of the published file does
not see macro code, but anyone can open it, and it may hold paths, accounts and passwords.

The source is stored compressed ([MS-OVBA] 2.4.1); the `dir` stream names the module streams and
where their compressed source starts. olefile reads the compound file.
"""
from __future__ import annotations

import io
import struct
import zipfile

LABEL = "宏代码（VBA，未执行）"
_MAX_SOURCE = 1 << 20          # characters of macro source kept per project
_PROJECTCODEPAGE, _PROJECTVERSION, _MODULESTREAMNAME, _MODULEOFFSET, _MODULE_END = 0x03, 0x09, 0x1A, 0x31, 0x2B


def describe(data: bytes, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, text) per macro project member: its module sources, or what is known of it when
    the project cannot be read."""
    found = []
    for member in (n for n in names if n.lower().endswith("vbaproject.bin")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                project = zf.read(member)
            modules = read_modules(project)
        except Exception:  # noqa: BLE001 - a broken macro project is still reported, as unread
            modules = {}
        if not modules:
            found.append((LABEL, f"{LABEL}：文件含宏工程 {member}，其代码未能读取"))
            continue
        budget, before = _MAX_SOURCE, len(found)
        for module, source in modules.items():
            code = "\n".join(line for line in source.splitlines() if not line.startswith("Attribute VB_")).strip()
            if code:
                found.append((f"{LABEL}：模块 {module}", f"宏模块 {module}：{code[:max(budget, 0)]}"))
                budget -= len(code)
        if len(found) == before:
            found.append((LABEL, f"{LABEL}：文件含宏工程 {member}（模块：{'、'.join(modules)}，均无代码）"))
    return found


def read_modules(project: bytes) -> dict[str, str]:
    """Module name → source text of a vbaProject.bin."""
    import olefile

    with olefile.OleFileIO(project) as ole:
        streams = {"/".join(e).lower(): "/".join(e) for e in ole.listdir(streams=True, storages=False)}
        dir_name = next((v for k, v in streams.items() if k.endswith("vba/dir")), None)
        if dir_name is None:
            return {}
        prefix = dir_name[: -len("dir")]
        codepage, modules = _parse_dir(decompress(ole.openstream(dir_name).read()))
        out = {}
        for stream, offset in modules:
            path = streams.get((prefix + stream).lower())
            if path is None:
                continue
            raw = ole.openstream(path).read()
            out[stream] = decompress(raw[offset:]).decode(_codec(codepage), "replace")
        return out


def _codec(codepage: int) -> str:
    name = f"cp{codepage}"
    try:
        "".encode(name)
    except LookupError:
        return "cp936"
    return name


def _parse_dir(data: bytes) -> tuple[int, list[tuple[str, int]]]:
    codepage, modules, stream, offset, pos = 936, [], None, 0, 0
    while pos + 6 <= len(data):
        record, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if record == _PROJECTVERSION:     # its size field says 4, but 6 bytes follow
            size = 6
        body = data[pos:pos + size]
        pos += size
        if record == _PROJECTCODEPAGE and size == 2:
            codepage = struct.unpack("<H", body)[0]
        elif record == _MODULESTREAMNAME:
            stream = body.decode(_codec(codepage), "replace")
        elif record == _MODULEOFFSET and size == 4:
            offset = struct.unpack("<I", body)[0]
        elif record == _MODULE_END and stream is not None:
            modules.append((stream, offset))
            stream, offset = None, 0
    return codepage, modules


def decompress(data: bytes) -> bytes:
    """[MS-OVBA] 2.4.1.3 decompression of a CompressedContainer."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed VBA container")
    out, pos = bytearray(), 1
    while pos + 2 <= len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        if not header & 0x8000:           # an uncompressed chunk: 4096 raw bytes
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        start = len(out)
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                bits = max((len(out) - start - 1).bit_length(), 4)
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + 3
                if offset > len(out) - start:
                    raise ValueError("copy token points before the chunk")
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)
