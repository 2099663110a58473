"""What a docx carries besides its text: document properties, revision authors, custom XML data
and external links, as metadata blocks `标签：值` (detectors/hidden.py reads the labels), and its
embedded files (OLE objects, embedded workbooks and documents) as attachments."""
from __future__ import annotations

import posixpath
from collections.abc import Iterable

from screening.extract.attachments import Member
from screening.extract.common import PartBuilder
from screening.extract.ooxml import Package

CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
EP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"

CORE_PROPERTIES = (
    (DC + "title", "标题"), (DC + "subject", "主题"), (DC + "creator", "作者"), (CP + "keywords", "关键词"),
    (DC + "description", "备注"), (CP + "lastModifiedBy", "最后修改者"), (CP + "revision", "修订次数"),
    (CP + "category", "类别"), (CP + "contentStatus", "状态"), (DCTERMS + "created", "创建时间"),
    (DCTERMS + "modified", "修改时间"), (CP + "lastPrinted", "最后打印时间"),
)
APP_PROPERTIES = (
    (EP + "Company", "公司"), (EP + "Manager", "管理者"), (EP + "Application", "创建程序"),
    (EP + "Template", "模板"), (EP + "TotalTime", "编辑总时长（分钟）"),
)
_LINK_LABELS = (("/hyperlink", "超链接"), ("/attachedTemplate", "模板路径"), ("/image", "外部图片"))
_EMBEDDED_RELS = ("/oleObject", "/package", "/aFChunk")


def properties(pkg: Package, meta: PartBuilder) -> None:
    """Core, extended (app) and custom properties, in that order."""
    for suffix, table in (("/core-properties", CORE_PROPERTIES), ("/extended-properties", APP_PROPERTIES)):
        root = pkg.xml(pkg.rel_target("", suffix))
        if root is None:
            continue
        for tag, label in table:
            el = root.find(tag)
            _add(meta, label, el.text if el is not None else None)
    root = pkg.xml(pkg.rel_target("", "/custom-properties"))
    if root is not None:
        for prop in root.iter(CUSTOM + "property"):
            _add(meta, f"自定义属性“{prop.get('name', '')}”", " ".join(t.strip() for t in prop.itertext() if t.strip()))


def revision_authors(meta: PartBuilder, authors: Iterable[str]) -> None:
    for author in dict.fromkeys(a for a in authors if a):
        _add(meta, "修订者", author)


def package_contents(pkg: Package, meta: PartBuilder) -> list[Member]:
    """Custom XML data and external link targets as metadata; returns the embedded files."""
    for name in pkg.names:
        base = posixpath.basename(name)
        if name.startswith("customXml/") and base.startswith("item") and not base.startswith("itemProps"):
            root = pkg.xml(name)
            if root is not None:
                _add(meta, f"自定义XML数据（{name}）", " ".join(t.strip() for t in root.itertext() if t.strip()))
    embedded = [n for n in pkg.names if "/embeddings/" in n]
    links: dict[tuple[str, str], None] = {}
    for rels_name in (n for n in pkg.names if n.endswith(".rels")):
        for rel in pkg.rels(_source_of(rels_name)):
            if rel.external:
                label = next((lbl for suffix, lbl in _LINK_LABELS if rel.type.endswith(suffix)), "外部链接")
                links[(label, rel.target)] = None
            elif rel.type.endswith(_EMBEDDED_RELS) and rel.target not in embedded:
                embedded.append(rel.target)
    for label, target in links:
        _add(meta, label, target)
    return [Member(posixpath.basename(name), pkg.raw(name)) for name in embedded if name in pkg.names]


def _add(meta: PartBuilder, label: str, value: str | None) -> None:
    value = " ".join((value or "").split())
    if value:
        meta.add(f"{label}：{value}")


def _source_of(rels_name: str) -> str:
    """"word/_rels/document.xml.rels" → "word/document.xml"; "_rels/.rels" → ""."""
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    base = posixpath.basename(rels_name)[: -len(".rels")]
    return posixpath.join(folder, base) if base else ""
