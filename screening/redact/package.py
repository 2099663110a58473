"""An OOXML package to rewrite: members in, members out, relationships kept consistent.

Removing a part means removing its relationships, its `[Content_Types].xml` override, and every part
that nothing references any more (`collect_garbage`: reachability from the package root), so no
orphaned comment, custom XML item or embedded object stays behind in the zip.
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from screening.errors import UnreadableDocument
from screening.extract.common import Limits
from screening.extract.ooxml import open_package

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CONTENT_TYPES = "[Content_Types].xml"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                         remove_comments=True, remove_pis=True)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)   # no editing time leaks through the zip directory


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def source_of(rels: str) -> str:
    """The part a .rels member belongs to ("" for the package's own _rels/.rels)."""
    folder, base = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), base[:-len(".rels")]) if base != ".rels" else ""


def resolve(source: str, target: str) -> str:
    path = target if target.startswith("/") else posixpath.join("/", posixpath.dirname(source), target)
    return posixpath.normpath(path).lstrip("/")


class OoxmlPackage:
    def __init__(self, data: bytes, limits: Limits | None = None) -> None:
        open_package(data, limits or Limits())   # size, zip-bomb, path and DTD checks (extract layer)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                self.members: dict[str, bytes] = {i.filename: zf.read(i) for i in zf.infolist()
                                                  if not i.is_dir()}
        except (zipfile.BadZipFile, ValueError) as exc:
            raise UnreadableDocument("corrupt", f"压缩结构损坏：{exc}") from None
        self._xml: dict[str, etree._Element] = {}

    # ---- XML members, parsed once and written back on save

    def xml(self, name: str) -> etree._Element | None:
        if name not in self._xml:
            if name not in self.members:
                return None
            try:
                self._xml[name] = etree.fromstring(self.members[name], PARSER)
            except etree.XMLSyntaxError as exc:
                raise UnreadableDocument("corrupt", f"文件内部的 {name} 不是有效的XML：{exc}") from None
        return self._xml[name]

    def set_xml(self, name: str, root: etree._Element) -> None:
        self._xml[name] = root
        self.members.setdefault(name, b"")

    def content_type(self, name: str) -> str:
        root = self.xml(CONTENT_TYPES)
        for el in root.iter(CT_NS + "Override"):
            if el.get("PartName", "").lstrip("/") == name:
                return el.get("ContentType", "")
        ext = name.rsplit(".", 1)[-1].lower()
        for el in root.iter(CT_NS + "Default"):
            if el.get("Extension", "").lower() == ext:
                return el.get("ContentType", "")
        return ""

    def xml_members(self) -> list[str]:
        return [n for n in self.members if n.endswith((".xml", ".rels", ".vml")) or "xml" in self.content_type(n)]

    # ---- relationships

    def relationships(self, source: str) -> list[etree._Element]:
        root = self.xml(rels_name(source))
        return [] if root is None else list(root.iter(REL_NS + "Relationship"))

    def drop_relationship(self, source: str, rel: etree._Element) -> None:
        rel.getparent().remove(rel)

    def drop_part(self, name: str) -> None:
        """Remove a part, its own .rels, its content-type override and the relationships to it."""
        for member in (name, rels_name(name)):
            self.members.pop(member, None)
            self._xml.pop(member, None)
        ct = self.xml(CONTENT_TYPES)
        for el in list(ct.iter(CT_NS + "Override")):
            if el.get("PartName", "").lstrip("/") == name:
                ct.remove(el)
        for rels in [m for m in self.members if m.endswith(".rels")]:
            source = source_of(rels)
            for rel in self.relationships(source):
                if rel.get("TargetMode") != "External" and resolve(source, rel.get("Target", "")) == name:
                    self.drop_relationship(source, rel)

    def collect_garbage(self) -> list[str]:
        """Drop every part no relationship reaches from the package root; returns their names."""
        reached, todo = set(), [""]
        while todo:
            source = todo.pop()
            for rel in self.relationships(source):
                if rel.get("TargetMode") == "External":
                    continue
                target = resolve(source, rel.get("Target", ""))
                if target in self.members and target not in reached:
                    reached.add(target)
                    todo.append(target)
        keep = reached | {CONTENT_TYPES, "_rels/.rels"} | {rels_name(p) for p in reached}
        dropped = [m for m in self.members if m not in keep]
        for member in dropped:
            self.drop_part(member)
        return dropped

    # ---- output

    def save(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            names = [CONTENT_TYPES] + [n for n in self.members if n != CONTENT_TYPES]
            for name in names:
                if name in self._xml:
                    data = etree.tostring(self._xml[name], xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
                else:
                    data = self.members[name]
                info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        return out.getvalue()
