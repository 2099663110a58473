"""An OFD (GB/T 33190) container: the zip behind the same guards as OOXML, its XML parsed safely.

Members are found the way producers actually write their paths: absolute (`/Doc_0/…`) or
relative to the referring file, in any letter case. Namespaces are dropped on parsing (the
standard's `http://www.ofdspec.org/2016` and the non-standard ones some producers write), so the
walkers match local names only. Nothing here resolves entities or fetches anything.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile

from lxml import etree

from screening.errors import UnreadableDocument
from screening.extract.common import Limits
from screening.extract.ooxml import open_zip, read_member, safe_parser

_EMPTY_PREFIX = re.compile(rb"(</?|\sxmlns):(?=[\s>=/]|[A-Za-z_])")


class OfdPackage:
    def __init__(self, zf: zipfile.ZipFile) -> None:
        self._zf = zf
        self.names = tuple(i.filename for i in zf.infolist() if not i.is_dir())
        self._by_lower = {n.lower(): n for n in self.names}
        self._parser = safe_parser()
        self._lenient = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False,
                                        huge_tree=False, remove_comments=True, remove_pis=True)

    def resolve(self, base: str, loc: str | None) -> str | None:
        """The member named by `loc` (absolute, or relative to the folder of member `base`), if any."""
        loc = (loc or "").strip().replace("\\", "/")
        if not loc:
            return None
        candidates = [loc.lstrip("/")] if loc.startswith("/") else [
            posixpath.join(posixpath.dirname(base), loc), posixpath.join(base.split("/", 1)[0], loc), loc]
        for cand in candidates:
            cand = posixpath.normpath(cand)
            if not cand.startswith("../") and cand.lower() in self._by_lower:
                return self._by_lower[cand.lower()]
        return None

    def raw(self, name: str) -> bytes:
        return read_member(self._zf, name, xml=False)

    def xml(self, name: str | None):
        """The parsed root of an XML member with namespaces removed, or None when absent."""
        if name is None:
            return None
        raw = read_member(self._zf, name)
        try:
            root = etree.fromstring(raw, self._parser)
        except etree.XMLSyntaxError as exc:
            # Producer bugs seen in real files: an empty prefix (`<:eInvoice xmlns:="">`) and
            # undeclared ones (`<ofd:ObjectRef>` without xmlns:ofd). Read those leniently, still
            # without entities or network; anything else broken is refused.
            fixed = _EMPTY_PREFIX.sub(rb"\1", raw)
            if not _only_namespace_errors(fixed):
                raise UnreadableDocument("corrupt", f"OFD 文件内部的 {name} 不是有效的XML：{exc}") from None
            root = etree.fromstring(fixed, self._lenient)
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.startswith("{"):
                el.tag = el.tag.rsplit("}", 1)[1]
        return root


def _only_namespace_errors(raw: bytes) -> bool:
    """Whether the only faults of `raw` are namespace ones (well-formed otherwise)."""
    try:
        etree.fromstring(raw, safe_parser())
    except etree.XMLSyntaxError as exc:
        return all(e.domain_name == "NAMESPACE" for e in exc.error_log)
    return True


def open_ofd(data: bytes, limits: Limits) -> OfdPackage:
    pkg = OfdPackage(open_zip(data, limits))
    if "OFD.xml" not in pkg.names and "ofd.xml" not in pkg._by_lower:
        raise UnreadableDocument("unsupported_format", "压缩包不是 OFD 文档（缺少 OFD.xml）")
    return pkg


def is_ofd(data: bytes) -> bool:
    """Whether a zip holds an OFD entry file (OFD.xml at its root)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any(n.lower() == "ofd.xml" for n in zf.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return False


def text_of(el) -> str:
    """All text under an element, runs of white space folded."""
    return " ".join(" ".join(el.itertext()).split())


def floats(value: str | None, n: int) -> tuple[float, ...] | None:
    """The first n numbers of an attribute such as Boundary="x y w h", or None."""
    try:
        nums = tuple(float(v) for v in (value or "").replace(",", " ").split()[:n])
    except ValueError:
        return None
    return nums if len(nums) == n else None
