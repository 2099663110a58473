"""An OOXML package, checked before anything parses it.

`open_package` fails closed: too many members, too much uncompressed data, a suspicious
compression ratio of a large member (`zip_bomb`; repetitive XML — a million short paragraphs —
compresses 600:1 and more, so the ratio counts only above `Limits.zip_ratio_floor` and the
uncompressed sizes are what bound the work), member names that escape the package or encrypted members
(`hostile_content`, `encrypted`), and any DTD in any XML part (`hostile_content`: entities can
expand without bound or silently drop paragraph text). Only then are the XML parts parsed,
with a parser that resolves no entity and fetches nothing.
"""
from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from screening.errors import UnreadableDocument
from screening.extract.common import Limits

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "/officeDocument"        # the suffix of the main part's relationship type
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 20
_EOCD = b"PK\x05\x06"

_STRICT = (
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
)


def safe_parser() -> etree.XMLParser:
    """A parser that resolves no entity, loads no DTD and fetches nothing (one per package:
    lxml serialises threads that share a parser)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


@dataclass(frozen=True, slots=True)
class Rel:
    id: str
    type: str
    target: str        # a member name for internal targets, the raw target for external ones
    external: bool


class Package:
    """The checked members of one OOXML zip; XML members are read and DTD-checked up front."""

    def __init__(self, names: tuple[str, ...], xml: dict[str, bytes], content_types: dict[str, str],
                 zf: zipfile.ZipFile | None = None) -> None:
        self.names = names
        self._zf = zf
        self._xml = xml
        self.content_types = content_types   # member name → content type (overrides and defaults)
        self._parser = safe_parser()

    def xml(self, name: str | None):
        """The parsed root of an XML member, or None when absent."""
        if name is None or name not in self._xml:
            return None
        raw = self._xml[name]
        for strict, transitional in _STRICT:  # ISO 29500 Strict names → the Transitional ones we walk
            raw = raw.replace(strict, transitional)
        try:
            return etree.fromstring(raw, self._parser)
        except etree.XMLSyntaxError as exc:
            raise UnreadableDocument("corrupt", f"文件内部的 {name} 不是有效的XML：{exc}") from None

    def raw(self, name: str) -> bytes:
        """The bytes of a (non-XML) member, e.g. an embedded file."""
        if self._zf is None or name not in self.names:
            raise UnreadableDocument("corrupt", f"文件内部缺少 {name}")
        return read_member(self._zf, name, xml=False)

    def rels(self, source: str) -> list[Rel]:
        """The relationships of member `source` ("" for the package itself)."""
        folder, base = posixpath.split(source)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if root is None:
            return []
        found = []
        for el in root.iter(REL_NS + "Relationship"):
            target, external = el.get("Target", ""), el.get("TargetMode") == "External"
            if not external:
                path = target if target.startswith("/") else posixpath.join("/", folder, target)
                target = posixpath.normpath(path).lstrip("/")
            found.append(Rel(el.get("Id", ""), el.get("Type", ""), target, external))
        return found

    def rel_targets(self, source: str, type_suffix: str) -> list[str]:
        return [r.target for r in self.rels(source) if not r.external and r.type.endswith(type_suffix)]

    def rel_target(self, source: str, type_suffix: str) -> str | None:
        """The first internal target of that relationship type, if any."""
        return next(iter(self.rel_targets(source, type_suffix)), None)

    def main_part(self) -> tuple[str, str]:
        """(member name, content type) of the main document part."""
        for target in self.rel_targets("", OFFICE_DOCUMENT):
            if target in self._xml:
                return target, self.content_types.get(target, "")
        raise UnreadableDocument("unsupported_format", "压缩包不是 Office Open XML 文档（没有主文档部件）")


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip container with its directory checked (member count, names, encryption, sizes):
    shared by every zip-based format (OOXML, OFD)."""
    _check_directory_size(data, limits)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise UnreadableDocument("corrupt", f"压缩结构损坏：{exc}") from None
    _check_members(infos, len(data), limits)
    return zf


def open_package(data: bytes, limits: Limits) -> Package:
    zf = open_zip(data, limits)
    names = tuple(i.filename for i in zf.infolist())
    raw_ct = read_member(zf, "[Content_Types].xml") if "[Content_Types].xml" in names else None
    if raw_ct is None:
        raise UnreadableDocument("unsupported_format", "压缩包不是 Office Open XML 文档（缺少 [Content_Types].xml）")
    content_types = _content_types(raw_ct, names)
    xml = {}
    for name in names:
        if name.endswith(_XML_SUFFIXES) or "xml" in content_types.get(name, ""):
            xml[name] = raw_ct if name == "[Content_Types].xml" else read_member(zf, name)
    return Package(names, xml, content_types, zf)


def _check_directory_size(data: bytes, limits: Limits) -> None:
    """Refuse a central directory with too many entries before zipfile builds an object for each."""
    pos = data.rfind(_EOCD, max(0, len(data) - 65557))
    if pos >= 0 and pos + 22 <= len(data):
        (entries,) = struct.unpack_from("<H", data, pos + 10)
        if entries > limits.zip_max_members:
            raise UnreadableDocument("zip_bomb", f"压缩包含 {entries} 个成员，超过上限 {limits.zip_max_members}")


def _check_members(infos: list[zipfile.ZipInfo], packed: int, limits: Limits) -> None:
    if len(infos) > limits.zip_max_members:
        raise UnreadableDocument("zip_bomb", f"压缩包含 {len(infos)} 个成员，超过上限 {limits.zip_max_members}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith("/") or "\\" in name or ".." in parts or ":" in parts[0] or "\x00" in name:
            raise UnreadableDocument("hostile_content", f"压缩包成员路径异常：{name!r}")
        if name in seen:
            raise UnreadableDocument("hostile_content", f"压缩包中有重名成员：{name!r}")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise UnreadableDocument("encrypted", f"压缩包成员 {name} 已加密")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.zip_ratio_floor and ratio > limits.zip_max_ratio:
            raise UnreadableDocument("zip_bomb", f"成员 {name} 压缩比 {ratio:.0f}:1，超过上限 {limits.zip_max_ratio:.0f}:1")
    if total > limits.zip_max_total:
        raise UnreadableDocument("zip_bomb", f"解压后共 {total} 字节，超过上限 {limits.zip_max_total} 字节")
    if total > limits.zip_ratio_floor and total / max(packed, 1) > limits.zip_max_ratio:
        raise UnreadableDocument("zip_bomb", f"整体压缩比 {total / max(packed, 1):.0f}:1，超过上限 {limits.zip_max_ratio:.0f}:1")


def read_member(zf: zipfile.ZipFile, name: str, *, xml: bool = True) -> bytes:
    """Read a member in bounded chunks (zipfile stops at the declared size, which was checked;
    a member that lies about its size fails its CRC) and, for an XML member, refuse any DTD in it."""
    out = bytearray()
    try:
        with zf.open(name) as member:
            while chunk := member.read(_CHUNK):
                out += chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        raise UnreadableDocument("corrupt", f"无法解压 {name}：{exc}") from None
    if not xml:
        return bytes(out)
    head = bytes(out)
    if b"\x00" in head[:4]:  # UTF-16 XML: look at it without the NULs
        head = head.replace(b"\x00", b"")
    if _DTD.search(head):
        raise UnreadableDocument("hostile_content", f"{name} 含有 DOCTYPE/ENTITY 声明，已拒绝解析")
    return bytes(out)


def _content_types(raw: bytes, names: tuple[str, ...]) -> dict[str, str]:
    try:
        root = etree.fromstring(raw, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocument("corrupt", f"[Content_Types].xml 不是有效的XML：{exc}") from None
    defaults = {el.get("Extension", "").lower(): el.get("ContentType", "") for el in root.iter(CT_NS + "Default")}
    overrides = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "") for el in root.iter(CT_NS + "Override")}
    types = {}
    for name in names:
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if name in overrides or ext in defaults:
            types[name] = overrides.get(name) or defaults[ext]
    return types
