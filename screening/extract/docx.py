"""docx: every story of a WordprocessingML package, with revisions, hidden text and properties.

Parts: body paragraphs in document order (`body`); table cells, nested tables too (`table`);
headers and footers; footnotes and endnotes (`footnote`); comments with their authors
(`comment`); tracked changes (`revision`); vanished, white and ≤1pt text (`hidden`); properties,
revision authors, custom XML data, external links and embedded objects (`metadata`).

Pages: a docx is paginated only when rendered. Where the file records page breaks (Word's
`w:lastRenderedPageBreak` from its last layout, explicit page breaks, page-starting section
breaks), body blocks carry the page counted from them and `Document.pages` is the count;
where it records none, both are None rather than a guess.
"""
from __future__ import annotations

from screening.errors import UnreadableDocument
from screening.extract import docx_more, docx_props, vba
from screening.extract.attachments import extract_members
from screening.extract.common import WARN_ONLY_IMAGES, Limits, Parts, make_document
from screening.extract.docx_style import NO_FILL, W, Styles, prop_val
from screening.extract.docx_text import Walker
from screening.extract.ooxml import Package, open_package
from screening.types import Document, PartKind

_NS = {"w": W[1:-1]}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_HAS_BREAKS = "boolean(.//w:lastRenderedPageBreak | .//w:br[@w:type='page'] | .//w:pageBreakBefore" \
              " | .//w:pPr/w:sectPr)"
_REVISION_TAGS = tuple(W + t for t in ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange",
                                       "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange"))
_NOTE_SEPARATORS = ("separator", "continuationSeparator", "continuationNotice")
_OTHER_FORMATS = (("spreadsheetml", "Excel 表格（.xlsx）"), ("presentationml", "PowerPoint 演示文稿（.pptx）"))
_VISIBLE = (PartKind.BODY, PartKind.TABLE, PartKind.HEADER, PartKind.FOOTER, PartKind.FOOTNOTE)


def extract(data: bytes, name: str, limits: Limits) -> Document:
    pkg = open_package(data, limits)
    main, content_type = pkg.main_part()
    if "wordprocessingml" not in content_type and "ms-word." not in content_type:   # .docm/.dotm: ms-word.*
        what = next((w for key, w in _OTHER_FORMATS if key in content_type), "非 Word 的 Office 文档")
        raise UnreadableDocument("unsupported_format", f"不支持的文件格式：{what}。请提交 docx、PDF、txt 或 html 文件")
    root = pkg.xml(main)
    body = root.find(W + "body") if root is not None else None
    if body is None:
        raise UnreadableDocument("corrupt", "文档主体（w:body）缺失")
    parts = Parts()
    background = root.find(W + "background")
    walker = Walker(parts, Styles(pkg.xml(pkg.rel_target(main, "/styles"))),
                    shaded_page=background is not None and background.get(W + "color") not in NO_FILL)
    if root.xpath(_HAS_BREAKS, namespaces=_NS):
        walker.page = 1
        walker.breaks_after = _page_starting_sections(body)
    walker.blocks(body, PartKind.BODY)
    pages, walker.page = walker.page, None
    roots = [root, *_stories(pkg, main, body, walker)]
    docx_more.extra_bodies(root, walker)
    docx_more.glossary(pkg, main, walker)
    docx_more.charts_and_diagrams(pkg, walker)

    meta = parts[PartKind.METADATA]
    docx_props.properties(pkg, meta)
    docx_props.revision_authors(meta, (el.get(W + "author") for r in roots for el in r.iter(*_REVISION_TAGS)))
    warnings = extract_members(docx_props.package_contents(pkg, meta), parts, limits)
    for label, text in vba.describe(data, pkg.names):     # a .docm's macros: read, never run
        parts[PartKind.HIDDEN].add(text, label=label)
    if not parts.has_text(*_VISIBLE) and any(n.startswith("word/media/") for n in pkg.names):
        warnings.append(WARN_ONLY_IMAGES)
    return make_document(data, name, "docx", parts, pages=pages, warnings=warnings)


def _stories(pkg: Package, main: str, body, walker: Walker) -> list:
    """Headers, footers, footnotes, endnotes and comments; returns their roots."""
    roots = []
    rels = {r.id: r.target for r in pkg.rels(main) if not r.external}
    for kind, tag in ((PartKind.HEADER, "header"), (PartKind.FOOTER, "footer")):
        referenced = [rels.get(el.get(R_ID)) for el in body.iter(W + tag + "Reference")]
        for target in dict.fromkeys([*referenced, *pkg.rel_targets(main, "/" + tag)]):
            story = pkg.xml(target)
            if story is not None:
                walker.blocks(story, kind)
                roots.append(story)
    for suffix, tag in (("/footnotes", "footnote"), ("/endnotes", "endnote")):
        story = pkg.xml(pkg.rel_target(main, suffix))
        if story is None:
            continue
        for note in story.iter(W + tag):
            if note.get(W + "type") not in _NOTE_SEPARATORS:
                walker.blocks(note, PartKind.FOOTNOTE)
        roots.append(story)
    story = pkg.xml(pkg.rel_target(main, "/comments"))
    if story is not None:
        for comment in story.iter(W + "comment"):
            author = (comment.get(W + "author") or "").strip()
            walker.blocks(comment, PartKind.COMMENT, label=f"批注（作者：{author}）" if author else "批注")
        roots.append(story)
    return roots


def _page_starting_sections(body) -> set:
    """Paragraphs that end a section whose successor starts on a new page (w:type other than
    "continuous"; absent means nextPage)."""
    ends = [(p, p.find(f"{W}pPr/{W}sectPr")) for p in body.iter(W + "p")]
    ends = [(p, s) for p, s in ends if s is not None]
    following = [s for _, s in ends[1:]] + [body.find(W + "sectPr")]
    return {p for (p, _), nxt in zip(ends, following) if nxt is None or prop_val(nxt, "type") != "continuous"}
