"""WordprocessingML text, as a reader sees it: paragraphs, tables, runs and their formatting.

`Walker.blocks(element, kind)` walks block-level content (paragraphs, tables, content controls)
into `Parts`. Per paragraph, the text a reader sees goes to `kind`; deleted revisions only to
`revision`; inserted revisions to both; `w:vanish` text only to `hidden`; white or ≤1pt text to
`hidden` and also stays where it stands. Text boxes and WordArt follow their paragraph.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from screening.extract.common import DELETED, INSERTED, INVISIBLE, VANISHED, Parts
from screening.extract.docx_style import W, Fmt, Styles, on, prop_val, shaded
from screening.types import CellRef, PartKind

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
M_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
V_TEXTPATH = "{urn:schemas-microsoft-com:vml}textpath"

_INSERTED_TAGS = (W + "ins", W + "moveTo")
_DELETED_TAGS = (W + "del", W + "moveFrom")
_TEXT_TAGS = (W + "t", W + "delText")
_GRAPHIC_TAGS = (W + "drawing", W + "pict", W + "object", MC + "AlternateContent")
_SKIP = frozenset(W + t for t in ("pPr", "rPr", "sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "sdtPr",
                                  "sdtEndPr", "customXmlPr", "fldData")) | {MC + "Fallback"}


class _Side:
    """Contiguous runs of one label within a paragraph (deleted text, hidden text)."""

    def __init__(self) -> None:
        self.segments: list[tuple[str, int | None, list[str]]] = []
        self._open: str | None = None

    def add(self, label: str | None, text: str, page: int | None) -> None:
        if label is None:
            self._open = None
        elif label == self._open:
            self.segments[-1][2].append(text)
        else:
            self._open = label
            self.segments.append((label, page, [text]))


@dataclass
class _Para:
    visible: list[str] = field(default_factory=list)
    page: int | None = None
    revision: _Side = field(default_factory=_Side)
    hidden: _Side = field(default_factory=_Side)
    boxes: list = field(default_factory=list)
    wordart: list[str] = field(default_factory=list)


class Walker:
    """Walks WordprocessingML into `parts`. `page` is None where the file records no page
    breaks; otherwise it counts Word's last-rendered and explicit page breaks."""

    def __init__(self, parts: Parts, styles: Styles, *, shaded_page: bool = False) -> None:
        self.parts = parts
        self.styles = styles
        self.shaded_page = shaded_page
        self.page: int | None = None
        self._pending_break = False
        self.breaks_after: set = set()    # paragraphs that end a section starting on a new page
        self.tables = 0                    # tables seen so far (CellRef.table is 1-based)
        self.cell: CellRef | None = None   # the table cell being walked

    def page_break(self) -> None:
        self._pending_break = True

    def blocks(self, container, kind: PartKind, *, label: str = "", is_shaded: bool = False) -> None:
        for child in container:
            if child.tag == W + "p":
                self.paragraph(child, kind, label, is_shaded)
            elif child.tag == W + "tbl":
                self.table(child, PartKind.TABLE if kind is PartKind.BODY else kind, label, is_shaded)
            elif child.tag not in _SKIP and isinstance(child.tag, str):
                self.blocks(child, kind, label=label, is_shaded=is_shaded)  # sdt, customXml, ...

    def table(self, tbl, kind: PartKind, label: str, is_shaded: bool) -> None:
        """Each cell's paragraphs carry its CellRef: table, row, column and the first row's text as
        the column header (a nested table's cells carry their own)."""
        is_shaded = is_shaded or shaded(tbl.find(W + "tblPr"))
        self.tables += 1
        number, outer, headers = self.tables, self.cell, []
        for r, row in enumerate(_descendants(tbl, W + "tr", stop=W + "tbl"), 1):
            for c, cell in enumerate(_descendants(row, W + "tc", stop=W + "tbl"), 1):
                if r == 1:
                    headers.append(_cell_text(cell))
                header = headers[c - 1] if r > 1 and c <= len(headers) and headers[c - 1] else None
                self.cell = CellRef(number, r, c, header)
                self.blocks(cell, kind, label=label, is_shaded=is_shaded or shaded(cell.find(W + "tcPr")))
        self.cell = outer

    def paragraph(self, p, kind: PartKind, label: str, is_shaded: bool) -> None:
        ppr = p.find(W + "pPr")
        if ppr is not None and on(ppr.find(W + "pageBreakBefore")):
            self.page_break()
        para = _Para()
        base = self.styles.fmt(prop_val(ppr, "pStyle"), None, is_shaded or self.shaded_page or shaded(ppr))
        self._inline(p, para, base, prop_val(ppr, "pStyle"), False, False)
        self.parts[kind].add("".join(para.visible), page=para.page, label=label, cell=self.cell)
        for side, part in ((para.revision, PartKind.REVISION), (para.hidden, PartKind.HIDDEN)):
            for seg_label, page, texts in side.segments:
                self.parts[part].add("".join(texts), page=page, label=seg_label)
        for art in para.wordart:
            self.parts[kind].add(art, page=para.page, label=label)
        for box in para.boxes:
            self.blocks(box, kind, label=label)
        if p in self.breaks_after:
            self.page_break()

    def _inline(self, el, para: _Para, base: Fmt, pstyle, deleted: bool, inserted: bool) -> None:
        for child in el:
            tag = child.tag
            if tag == W + "r":
                self._run(child, para, base, pstyle, deleted, inserted)
            elif tag in _INSERTED_TAGS:
                self._inline(child, para, base, pstyle, deleted, True)
            elif tag in _DELETED_TAGS:
                self._inline(child, para, base, pstyle, True, inserted)
            elif tag == M_T:
                self._emit(para, child.text or "", base, deleted, inserted)
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")  # the first choice; its fallback repeats it
                if choice is not None:
                    self._inline(choice, para, base, pstyle, deleted, inserted)
            elif tag not in _SKIP and isinstance(tag, str):
                self._inline(child, para, base, pstyle, deleted, inserted)  # hyperlink, sdt, fldSimple, math

    def _run(self, r, para: _Para, base: Fmt, pstyle, deleted: bool, inserted: bool) -> None:
        rpr = r.find(W + "rPr")
        rstyle = prop_val(rpr, "rStyle")
        fmt = (self.styles.fmt(pstyle, rstyle, base.shaded) if rstyle else base).apply(rpr)
        for child in r:
            tag = child.tag
            if tag in _TEXT_TAGS:
                text = child.text or ""
            elif tag in (W + "tab", W + "ptab"):
                text = "\t"
            elif tag == W + "br":
                if child.get(W + "type") == "page":
                    self.page_break()
                    continue
                text = "\n"
            elif tag == W + "cr":
                text = "\n"
            elif tag == W + "noBreakHyphen":
                text = "-"
            elif tag == W + "lastRenderedPageBreak":
                self.page_break()
                continue
            elif tag in _GRAPHIC_TAGS:
                self._graphics(child, para)
                continue
            else:
                continue
            self._emit(para, text, fmt, deleted, inserted)

    def _emit(self, para: _Para, text: str, fmt: Fmt, deleted: bool, inserted: bool) -> None:
        if not text:
            return
        visible = not deleted and not fmt.vanish
        if visible and text.strip() and para.page is None and self.page is not None:
            if self._pending_break:
                self.page += 1
                self._pending_break = False
            para.page = self.page
        page = para.page if para.page is not None else self.page
        if visible:
            para.visible.append(text)
        para.revision.add(DELETED if deleted else INSERTED if inserted else None, text, page)
        hidden = None if deleted else VANISHED if fmt.vanish else INVISIBLE if fmt.invisible else None
        para.hidden.add(hidden, text, page)

    def _graphics(self, el, para: _Para) -> None:
        """Text boxes and WordArt inside a drawing; the compatibility fallback copy is skipped."""
        for child in el:
            if child.tag == MC + "Fallback" or not isinstance(child.tag, str):
                continue
            if child.tag == W + "txbxContent":
                para.boxes.append(child)
            elif child.tag == V_TEXTPATH:
                if (child.get("string") or "").strip():
                    para.wordart.append(child.get("string"))
            else:
                self._graphics(child, para)


def _cell_text(cell) -> str:
    """A header cell's visible text, short (deleted revisions left out)."""
    texts = [t.text or "" for t in cell.iter(W + "t")]
    return " ".join("".join(texts).split())[:40]


def _descendants(el, tag: str, *, stop: str):
    """Children with `tag`, looking through wrappers (sdt, customXml) but not into `stop`."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag != stop and child.tag not in _SKIP and isinstance(child.tag, str):
            yield from _descendants(child, tag, stop=stop)
