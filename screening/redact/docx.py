"""docx → docx: the published copy, formatting kept, flagged values masked, the file sanitized.

Sanitizing removes what a reader does not see but can recover: comments (and their anchors),
tracked changes (accepted or rejected, as the drafter chose), hidden text (direct or by style),
custom XML (parts, data bindings, smart tags), document properties (core, app, custom, thumbnail),
document variables, the attached template path, revision-session ids, and embedded objects (OLE
objects, packages, ActiveX controls, alternative-format chunks, macros, the glossary).

Masking then works paragraph by paragraph across runs, so a value split over several runs
(different formatting, a spell-check boundary) is still found; the replacement takes the formatting
of the run where the value starts. A final pass masks any remaining occurrence in every text node and
attribute of every XML part (field codes, alt text, hyperlink targets, chart caches).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from lxml import etree

from screening.redact.items import Matcher, mask_tree
from screening.redact.package import OoxmlPackage, source_of

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class Revisions(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


# Relationship types (by suffix) whose parts never go into the published copy.
DROP_RELATIONSHIPS = (
    "/comments", "/commentsExtended", "/commentsIds", "/commentsExtensible", "/people",
    "/customXml", "/customXmlProps", "/custom-properties", "/metadata/thumbnail", "/thumbnail",
    "/oleObject", "/package", "/control", "/activeXControlBinary", "/vbaProject", "/wordVbaData",
    "/glossaryDocument", "/aFChunk", "/attachedTemplate", "/mailMergeSource", "/mailMergeHeaderSource",
    "/recipientData", "/subDocument",
)
# Parts whose XML holds the document's text (stories).
STORY_TYPES = ("document.main+xml", "header+xml", "footer+xml", "footnotes+xml", "endnotes+xml",
               "document.macroEnabled.main+xml", "template.main+xml")
CHANGE_MARKS = ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblPrExChange", "trPrChange",
                "tcPrChange", "tblGridChange", "numberingChange")
RANGE_MARKS = ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
               "commentRangeStart", "commentRangeEnd", "customXmlInsRangeStart", "customXmlInsRangeEnd",
               "customXmlDelRangeStart", "customXmlDelRangeEnd", "customXmlMoveFromRangeStart",
               "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd")
MARKER_PARENTS = (w("rPr"), w("trPr"), w("numPr"), w("tcPr"), w("pPr"))
EMBEDDED = ("object", "altChunk", "control")
SETTINGS_DROP = ("rsids", "attachedTemplate", "docVars", "trackRevisions", "mailMerge")
CORE_XML = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"/>')
APP_XML = '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'


@dataclass
class DocxRedaction:
    data: bytes
    masked: int = 0                                   # occurrences replaced
    removed: list[str] = field(default_factory=list)  # what sanitizing took out, in Chinese


def redact_docx(data: bytes, matcher: Matcher, *, revisions: Revisions | str = Revisions.ACCEPT) -> DocxRedaction:
    package = OoxmlPackage(data)
    result = DocxRedaction(b"")
    _drop_parts(package, result)
    hidden_styles = _hidden_styles(package.xml("word/styles.xml"))
    for name in _stories(package):
        root = package.xml(name)
        counts = _sanitize_story(root, Revisions(revisions), hidden_styles)
        for what, n in counts.items():
            if n:
                result.removed.append(f"{name}：{what} {n} 处")
        result.masked += _mask_paragraphs(root, matcher)
        _drop_unreferenced(package, name, root)
    _sanitize_settings(package, result)
    _reset_properties(package, result)
    for name in package.xml_members():
        root = package.xml(name)
        for el in root.iter("{*}externalData"):     # charts: the embedded workbook is gone
            el.getparent().remove(el)
        result.masked += mask_tree(root, matcher)
    garbage = package.collect_garbage()
    if garbage:
        result.removed.append("无引用的部件：" + "、".join(sorted(garbage)))
    result.data = package.save()
    return result


def _drop_parts(package: OoxmlPackage, result: DocxRedaction) -> None:
    for rels in [m for m in list(package.members) if m.endswith(".rels")]:
        source = source_of(rels)
        for rel in package.relationships(source):
            if rel.get("Type", "").endswith(DROP_RELATIONSHIPS):
                result.removed.append(f"{rel.get('Type', '').rsplit('/', 1)[-1]}：{rel.get('Target', '')}")
                package.drop_relationship(source, rel)
    for member in list(package.members):
        if member.startswith(("customXml/", "word/embeddings/", "word/activeX/", "word/glossary/")) \
                or member.endswith(("vbaProject.bin", "vbaData.xml")) or member.startswith("docProps/thumbnail"):
            package.drop_part(member)


def _stories(package: OoxmlPackage) -> list[str]:
    return [n for n in package.members if n.endswith(".xml") and package.content_type(n).endswith(STORY_TYPES)]


def _on(el: etree._Element | None) -> bool | None:
    """The value of an OOXML on/off property element (None when absent)."""
    if el is None:
        return None
    return el.get(w("val"), "true").lower() not in ("0", "false", "off")


def _hidden_styles(styles: etree._Element | None) -> frozenset[str]:
    """Ids of styles whose text is hidden (w:vanish), following basedOn."""
    if styles is None:
        return frozenset()
    own, based = {}, {}
    for style in styles.iter(w("style")):
        sid = style.get(w("styleId"), "")
        own[sid] = _on(style.find(f"{w('rPr')}/{w('vanish')}"))
        parent = style.find(w("basedOn"))
        based[sid] = parent.get(w("val")) if parent is not None else None

    def hidden(sid: str | None, depth: int = 0) -> bool:
        if sid is None or sid not in own or depth > 20:
            return False
        return own[sid] if own[sid] is not None else hidden(based[sid], depth + 1)
    return frozenset(sid for sid in own if hidden(sid))


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    index = parent.index(el)
    for child in reversed(list(el)):
        parent.insert(index, child)
    parent.remove(el)


def _remove(el: etree._Element) -> None:
    if el.getparent() is not None:
        el.getparent().remove(el)


def _sanitize_story(root: etree._Element, revisions: Revisions, hidden_styles: frozenset[str]) -> dict[str, int]:
    counts = {"修订痕迹": 0, "批注标记": 0, "隐藏文字": 0, "嵌入对象": 0, "自定义XML标记": 0}
    inserted, deleted = ("ins", "moveTo"), ("del", "moveFrom")
    keep, drop = (inserted, deleted) if revisions is Revisions.ACCEPT else (deleted, inserted)
    for tag in keep + drop:
        for el in list(root.iter(w(tag))):
            counts["修订痕迹"] += 1
            parent = el.getparent()
            if parent is None:
                continue
            if parent.tag in MARKER_PARENTS:         # a mark on a paragraph, row or list number
                if parent.tag == w("trPr") and tag in drop:
                    _remove(parent.getparent())      # the row itself was inserted/deleted
                else:
                    _remove(el)
            elif tag in keep:
                _unwrap(el)
            else:
                _remove(el)
    for tag, new in (("delText", "t"), ("delInstrText", "instrText")):
        for el in list(root.iter(w(tag))):
            el.tag = w(new)
    for tag in CHANGE_MARKS:
        for el in list(root.iter(w(tag))):
            counts["修订痕迹"] += 1
            if revisions is Revisions.REJECT and tag in ("rPrChange", "pPrChange") and len(el):
                _restore_properties(el)
            _remove(el)
    for el in list(root.iter(w("commentReference"))):
        counts["批注标记"] += 1
        run = el.getparent()
        _remove(el)
        if run is not None and run.tag == w("r") and not [c for c in run if c.tag != w("rPr")]:
            _remove(run)
    for tag in RANGE_MARKS:
        for el in list(root.iter(w(tag))):
            if tag.startswith("comment"):
                counts["批注标记"] += 1
            _remove(el)
    for paragraph in list(root.iter(w("p"))):
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        para_hidden = style is not None and style.get(w("val")) in hidden_styles
        for run in _own(paragraph, w("r")):
            direct = _on(run.find(f"{w('rPr')}/{w('vanish')}"))
            rstyle = run.find(f"{w('rPr')}/{w('rStyle')}")
            by_style = rstyle is not None and rstyle.get(w("val")) in hidden_styles
            if direct is True or (direct is None and (by_style or para_hidden)):
                counts["隐藏文字"] += 1
                _remove(run)
    for tag in EMBEDDED:
        for el in list(root.iter(w(tag))):
            counts["嵌入对象"] += 1
            _remove(el)
    for el in list(root.iter("{urn:schemas-microsoft-com:office:office}OLEObject")):
        counts["嵌入对象"] += 1
        _remove(el.getparent() if el.getparent().tag == w("pict") else el)
    for tag in ("customXml", "smartTag"):
        for el in list(root.iter(w(tag))):
            counts["自定义XML标记"] += 1
            pr = el.find(w(tag + "Pr"))
            if pr is not None:
                el.remove(pr)
            _unwrap(el)
    for tag in ("dataBinding", "placeholder"):
        for el in list(root.iter(w(tag))):
            if el.getparent().tag == w("sdtPr"):
                counts["自定义XML标记"] += tag == "dataBinding"
                _remove(el)
    for el in root.iter():
        for attr in [a for a in el.attrib if a.startswith(f"{{{W}}}rsid")]:
            del el.attrib[attr]
    return counts


def _restore_properties(change: etree._Element) -> None:
    """Reject a formatting change: the properties before the change replace the current ones."""
    props, old = change.getparent(), change[0]
    special = (w("rPr"), w("sectPr"), w("pPrChange"), w("rPrChange"), w("ins"), w("del"))
    for child in [c for c in props if c.tag not in special]:
        props.remove(child)
    for index, child in enumerate(c for c in old if c.tag not in special):
        props.insert(index, child)


def _drop_unreferenced(package: OoxmlPackage, name: str, root: etree._Element) -> None:
    """Relationships to images, objects and links that the story no longer refers to."""
    used = {v for el in root.iter() for v in el.attrib.values()}   # r:id, r:embed, o:relid ...
    implicit = ("/styles", "/settings", "/numbering", "/fontTable", "/webSettings", "/theme", "/footnotes",
                "/endnotes", "/stylesWithEffects", "/customizations")
    for rel in package.relationships(name):
        if rel.get("Id") not in used and not rel.get("Type", "").endswith(implicit):
            package.drop_relationship(name, rel)


def _sanitize_settings(package: OoxmlPackage, result: DocxRedaction) -> None:
    settings = package.xml("word/settings.xml")
    if settings is None:
        return
    for tag in SETTINGS_DROP:
        for el in list(settings.iter(w(tag))):
            result.removed.append(f"文档设置：{tag}")
            _remove(el)
    _drop_unreferenced(package, "word/settings.xml", settings)


def _reset_properties(package: OoxmlPackage, result: DocxRedaction) -> None:
    """Core and extended properties are rewritten empty; custom properties are dropped."""
    for name, xml in (("docProps/core.xml", CORE_XML), ("docProps/app.xml", APP_XML)):
        if name in package.members:
            package.set_xml(name, etree.fromstring(xml))
            result.removed.append(f"文档属性：{name}")
    if "docProps/custom.xml" in package.members:
        package.drop_part("docProps/custom.xml")
        result.removed.append("自定义文档属性：docProps/custom.xml")


def _own(paragraph: etree._Element, tag: str) -> list[etree._Element]:
    """The `tag` elements of this paragraph in reading order, not those of paragraphs nested in it
    (text boxes)."""
    out: list[etree._Element] = []
    stack = list(reversed(list(paragraph)))
    while stack:
        el = stack.pop()
        if el.tag == w("p"):
            continue
        if el.tag == tag:
            out.append(el)
            continue
        stack.extend(reversed(list(el)))
    return out


def _mask_paragraphs(root: etree._Element, matcher: Matcher) -> int:
    count = 0
    for paragraph in root.iter(w("p")):
        texts = _own(paragraph, w("t"))
        joined = "".join(t.text or "" for t in texts)
        matches = list(matcher.finditer(joined))
        if not matches:
            continue
        bounds, pos = [], 0
        for t in texts:
            bounds.append((pos, pos + len(t.text or "")))
            pos += len(t.text or "")
        edits: dict[int, list[tuple[int, int, str]]] = {}
        for start, end, item in matches:
            first = True
            for i, (a, b) in enumerate(bounds):
                if b <= start or a >= end or a == b:
                    continue
                edits.setdefault(i, []).append((max(start, a) - a, min(end, b) - a,
                                                item.replacement if first else ""))
                first = False
            count += 1
        for i, changes in edits.items():
            text = texts[i].text or ""
            for s, e, new in sorted(changes, reverse=True):
                text = text[:s] + new + text[e:]
            texts[i].text = text
            texts[i].set(XML_SPACE, "preserve")
    return count
