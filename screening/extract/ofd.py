"""ofd: OFD (GB/T 33190) documents, 电子公文 and e-invoices.

Parts: the text of every page in reading order, templates included (`body`, `page` set); text
drawn invisibly (`hidden`); annotations with their type and creator (`comment`); DocInfo
metadata and custom data, custom tags, signatures' providers, times and signer names from
their certificates (`metadata`); attachments, screened as documents of their own (`attachment`,
via extract/attachments.py). Pages with images but no text are OCR'd (extract/ocr.py).

Why not a library: ofdkit (0.x, standard-library XML and zip reading of its own, text and
invoice fields only) and easyofd (base64 input, converts to PDF/images, no annotations,
attachments or signatures) neither read behind our zip guards nor give annotations,
attachments, custom tags and signatures; the format is plain XML in a zip, so lxml with the
safe parser of extract/ooxml.py does it in one module.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from screening.errors import UnreadableDocument
from screening.extract import ocr, ofd_text
from screening.extract.attachments import Member, extract_members, member_name
from screening.extract.common import INVISIBLE, Limits, Parts, make_document
from screening.extract.ofd_package import OfdPackage, open_ofd, text_of
from screening.extract.ofd_signature import signatures
from screening.types import Document, PartKind

DOC_INFO = (("Title", "标题"), ("Author", "作者"), ("Subject", "主题"), ("Abstract", "摘要"),
            ("CreationDate", "创建时间"), ("ModDate", "修改时间"), ("DocUsage", "文档类型"),
            ("Creator", "创建程序"), ("CreatorVersion", "创建程序版本"))
ANNOT_TYPES = {"Link": "链接", "Path": "路径", "Highlight": "高亮", "Stamp": "印章", "Watermark": "水印"}


@dataclass
class _Reading:
    """What the walk over one OFD collects (mutable, lives for one extraction)."""

    pkg: OfdPackage
    parts: Parts
    limits: Limits
    scans: ocr.PageOcr
    members: list[Member] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0


def extract(data: bytes, name: str, limits: Limits) -> Document:
    started = time.monotonic()
    pkg = open_ofd(data, limits)
    entry = pkg.resolve("", "OFD.xml")
    root = pkg.xml(entry)
    bodies = [el for el in root if el.tag == "DocBody"] if root is not None else []
    if not bodies:
        raise UnreadableDocument("corrupt", "OFD.xml 中没有文档（DocBody）")
    parts = Parts()
    reading = _Reading(pkg, parts, limits, ocr.PageOcr(limits, parts, started=started))
    for body in bodies:
        _doc_info(body.find("DocInfo"), parts)
        doc_root = pkg.resolve(entry, (body.findtext("DocRoot") or ""))
        document = pkg.xml(doc_root)
        if document is None:
            raise UnreadableDocument("corrupt", f"OFD 文档根（{body.findtext('DocRoot')}）缺失")
        page_ids = _pages(reading, doc_root, document)
        _annotations(pkg, doc_root, document, page_ids, parts)
        _custom_tags(pkg, pkg.resolve(doc_root, document.findtext("CustomTags")), parts)
        _outline(document, page_ids, parts)
        _attachments(reading, pkg.resolve(doc_root, document.findtext("Attachments")))
        signatures(pkg, pkg.resolve(entry, body.findtext("Signatures")), parts[PartKind.METADATA])
    warnings = reading.warnings + reading.scans.warnings() + extract_members(reading.members, parts, limits)
    return make_document(data, name, "ofd", parts, pages=reading.pages, warnings=warnings)


def _doc_info(info, parts: Parts) -> None:
    if info is None:
        return
    meta = parts[PartKind.METADATA]
    for tag, label in DOC_INFO:
        _add(meta, label, info.findtext(tag))
    keywords = "、".join(" ".join(k.text.split()) for k in info.iter("Keyword") if k.text and k.text.strip())
    _add(meta, "关键词", keywords)
    for data in info.iter("CustomData"):
        _add(meta, f"自定义属性“{data.get('Name', '')}”", text_of(data))


def _pages(reading: _Reading, doc_root: str, document) -> dict[str, int]:
    """The pages of one Document.xml (templates included; image-only pages OCR'd); returns
    page ID → page number."""
    pkg = reading.pkg
    templates = {t.get("ID"): pkg.resolve(doc_root, t.get("BaseLoc")) for t in document.iter("TemplatePage")}
    pages_el = document.find("Pages")
    page_list = list(pages_el.iter("Page")) if pages_el is not None else []
    if not page_list:
        raise UnreadableDocument("corrupt", f"OFD 文档（{doc_root}）没有页面")
    if reading.pages + len(page_list) > reading.limits.max_pages:
        raise UnreadableDocument("too_large", f"OFD 共 {reading.pages + len(page_list)} 页，"
                                              f"超过上限 {reading.limits.max_pages} 页")
    page_ids: dict[str, int] = {}
    shared = _resources(pkg, doc_root, _document_res_locs(document))     # parsed once for all pages
    shared_units = _composite_units(shared)
    for i, page_el in enumerate(page_list, reading.pages + 1):
        page_ids[page_el.get("ID", "")] = i
        content = pkg.xml(pkg.resolve(doc_root, page_el.get("BaseLoc")))
        if content is None:
            raise UnreadableDocument("corrupt", f"OFD 第{i}页的内容（{page_el.get('BaseLoc')}）缺失")
        layers = [content.find("Content")]
        layers += [pkg.xml(templates.get(t.get("TemplateID"))) for t in content.iter("Template")]
        own = _resources(pkg, doc_root, [el.text for el in content.iter("PageRes")])
        resources = shared + own
        units = {**shared_units, **_composite_units(own)} if own else shared_units
        runs = [r for layer in layers if layer is not None for r in ofd_text.runs(layer, units)]
        _lines(runs, i, reading.parts, PartKind.BODY)
        if not any(r.text.strip() and not r.invisible for r in runs):
            for image in _page_images(pkg, resources, content):
                reading.scans.page(i, lambda image=image: ocr.open_image(image))
    reading.pages += len(page_list)
    return page_ids


def _attachments(reading: _Reading, index_loc: str | None) -> None:
    index = reading.pkg.xml(index_loc)
    for att in index.iter("Attachment") if index is not None else ():
        file_loc = reading.pkg.resolve(index_loc, att.findtext("FileLoc"))
        name = member_name(att.get("Name") or "", att.get("Format") or "")
        if file_loc is None:
            reading.warnings.append(f"附件“{name}”在 OFD 包中缺失，未能审查")
        else:
            reading.members.append(Member(name, reading.pkg.raw(file_loc)))


def _lines(runs, page: int, parts: Parts, kind: PartKind, label: str = "") -> None:
    for line in ofd_text.lines(runs):
        if line.invisible:
            parts[PartKind.HIDDEN].add(line.text, page=page, label=INVISIBLE)
        else:
            parts[kind].add(line.text, page=page, label=label)


def _page_images(pkg: OfdPackage, resources: list[tuple[str, object]], content) -> list[bytes]:
    """The image files a page draws (ImageObject → MultiMedia resource → file)."""
    refs = {el.get("ResourceID") for el in content.iter("ImageObject")}
    if not refs:
        return []
    found = []
    for res_name, res in resources:
        base = res.get("BaseLoc") or ""
        for media in res.iter("MultiMedia"):
            if media.get("ID") in refs:
                file_name = media.findtext("MediaFile") or ""
                loc = pkg.resolve(res_name, f"{base}/{file_name}" if base else file_name) \
                    or pkg.resolve(res_name, file_name)
                if loc is not None:
                    found.append(pkg.raw(loc))
    return found


def _document_res_locs(document) -> list[str]:
    """The document's public and document resource files (a page may add its own, PageRes)."""
    common = document.find("CommonData")
    return [el.text for el in common.iter("PublicRes", "DocumentRes")] if common is not None else []


def _composite_units(resources: list[tuple[str, object]]) -> dict:
    return {unit.get("ID"): unit for _, res in resources for unit in res.iter("CompositeGraphicUnit")}


def _resources(pkg: OfdPackage, doc_root: str, res_locs: list[str]) -> list[tuple[str, object]]:
    """The resource files named (member name, parsed XML); missing ones left out."""
    out = []
    for res_loc in res_locs:
        res_name = pkg.resolve(doc_root, res_loc)
        res = pkg.xml(res_name)
        if res is not None:
            out.append((res_name, res))
    return out


def _annotations(pkg: OfdPackage, doc_root: str, document, page_ids: dict[str, int], parts: Parts) -> None:
    index_loc = pkg.resolve(doc_root, document.findtext("Annotations"))
    index = pkg.xml(index_loc)
    for page_el in index.iter("Page") if index is not None else ():
        page = page_ids.get(page_el.get("PageID", ""))
        annots = pkg.xml(pkg.resolve(index_loc, page_el.findtext("FileLoc")))
        for annot in annots.iter("Annot") if annots is not None else ():
            kind = ANNOT_TYPES.get(annot.get("Type", ""), annot.get("Type") or "注释")
            creator = " ".join((annot.get("Creator") or "").split())
            label = f"{kind}注释（作者：{creator}）" if creator else f"{kind}注释"
            parts[PartKind.COMMENT].add(" ".join((annot.findtext("Remark") or "").split()), page=page, label=label)
            for param in annot.iter("Parameter"):
                parts[PartKind.COMMENT].add(f"{param.get('Name', '')}：{text_of(param)}", page=page, label=label)
            for appearance in annot.iter("Appearance"):
                for line in ofd_text.lines(list(ofd_text.runs(appearance))):
                    parts[PartKind.COMMENT].add(line.text, page=page, label=label)


def _outline(document, page_ids: dict[str, int], parts: Parts) -> None:
    """Outlines (目录) and bookmarks: titles a reader sees only in a viewer's side panel."""
    for el in document.iter("OutlineElem", "Bookmark"):
        title = el.get("Title") if el.tag == "OutlineElem" else el.get("Name")
        dest = el.find(".//Dest")
        page = page_ids.get(dest.get("PageID", "")) if dest is not None else None
        _add(parts[PartKind.METADATA], "大纲" if el.tag == "OutlineElem" else "书签", title, page=page)


def _custom_tags(pkg: OfdPackage, index_loc: str | None, parts: Parts) -> None:
    index = pkg.xml(index_loc)
    for tag in index.iter("CustomTag") if index is not None else ():
        root = pkg.xml(pkg.resolve(index_loc, tag.findtext("FileLoc")))
        if root is None:
            continue
        values = [text_of(el) if len(el) == 0 else "" for el in root.iter()]
        values += [v for el in root.iter() for v in el.attrib.values()]
        _add(parts[PartKind.METADATA], f"自定义标签（{tag.get('TypeID') or tag.get('NameSpace') or ''}）",
             " ".join(v for v in values if v.strip()))


def _add(meta, label: str, value: str | None, *, page: int | None = None) -> None:
    value = " ".join((value or "").split())
    if value:
        meta.add(f"{label}：{value}", page=page)


