"""html: the visible text of a page, block by block, each block placed in the article or the
page's frame (html_article), data-table cells with their CellRef, hidden elements apart.

Whitespace is collapsed as a browser does, one block per block-level element (`p`, `div`, `li`,
`h1`…, `br` ends a line). Chrome before the article → `header`, after it → `footer`, region
"chrome". Elements hidden by `hidden`/`aria-hidden`, an inline style, or a class or id the page's
own styles (or the usual frameworks) hide, and hidden form fields → `hidden`. A data table's
header row is decided as in every other format (table.column_headers): `<thead>` or a row of
`<th>` at its top, else a first row of short labels, `<td>` cells as most 公示 pages write it.
"""
from __future__ import annotations

import re

from screening.extract.common import HTML_HIDDEN, HTML_HIDDEN_INPUT, Parts
from screening.extract.html_article import Article, is_chrome_element
from screening.extract.table import Cell, column_headers
from screening.types import REGION_CHROME, CellRef, PartKind

_BLOCK = frozenset((
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p section summary "
    "table tbody thead tfoot tr ul option"
).split())
_CELLS = frozenset(("td", "th"))
_TOP_ROWS = 3               # a title row or two, then the header
_PREFORMATTED = frozenset(("pre", "textarea", "listing", "plaintext", "xmp"))
_DROP = frozenset(("script", "style", "noscript", "template", "head", "iframe", "frame", "object", "embed",
                   "audio", "video", "canvas", "applet"))
_HIDDEN_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|font-size\s*:\s*0+(?:\.0+)?[a-z%]*)\s*(?:!important)?\s*(?:;|$)",
    re.IGNORECASE)
_SPACES = re.compile(r"[ \t\n\r\f]+")
# Classes that hide an element in the common CSS frameworks (Bootstrap, Tailwind, WAI patterns).
HIDING_CLASSES = frozenset(("hidden", "hide", "d-none", "sr-only", "visually-hidden", "invisible", "display-none",
                             "is-hidden", "u-hidden", "screen-reader-text"))
_STYLE_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^\s*([.#])([\w-]+)\s*$")

def collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def hiding_selectors(root) -> frozenset[str]:
    """`.class` and `#id` selectors that the page's own `<style>` blocks hide (display:none …)."""
    found = {f".{name}" for name in HIDING_CLASSES}
    for style in root.iter("style"):
        for selectors, body in _STYLE_RULE.findall(style.text or ""):
            if _HIDDEN_STYLE.search(f";{body.strip()};"):
                for selector in selectors.split(","):
                    match = _SIMPLE_SELECTOR.match(selector)
                    if match:
                        found.add(match.group(1) + match.group(2))
    return frozenset(found)


def _data_table(table, article: Article) -> bool:
    """A table of data, not of layout: no table inside it and no article start inside it."""
    return not any(True for _ in table.iterdescendants("table")) and not any(
        table in root.iterancestors() for root in article.roots)


class _Table:
    def __init__(self, index: int, el) -> None:
        self.index, self.row, self.column = index, 0, 0
        rows, explicit = _grid(el)
        self.unheaded, self.headers = column_headers(rows, explicit)


def _span(el) -> int:
    try:
        return max(1, min(int(el.get("colspan") or 1), 1000))
    except ValueError:
        return 1


def _grid(table) -> tuple[list[list[Cell]], list[bool]]:
    """The table's rows as `table.Cell`s, in the order the walk counts them, and which rows the
    page marks as headers (inside `<thead>`, or every cell a `<th>`), believed at the table's top
    only: a `<th>` row further down heads a section of the list, not its columns."""
    rows, explicit = [], []
    for tr in table.iter("tr"):
        row, column, tags = [], 1, set()
        for td in tr.iter(*_CELLS):
            row.append(Cell(collapse(td.text_content()), column, _span(td)))
            column += row[-1].span
            tags.add(td.tag)
        rows.append(row)
        explicit.append(bool(tags) and (tags == {"th"} or tr.getparent().tag == "thead"))
    return rows, explicit if any(explicit[:_TOP_ROWS]) else []


class Visible:
    """Accumulates inline text into the current block; a block element or <br> ends it."""

    def __init__(self, parts: Parts, article: Article, hiding: frozenset[str]) -> None:
        self.parts = parts
        self.article = article
        self.hiding = hiding
        self.outside = REGION_CHROME if article.roots else ""
        self.regions: dict = {}
        self.seen_article = False
        self._tables: list[_Table | None] = []
        self._table_count = 0
        self._buf: list[str] = []
        self._where: tuple = (PartKind.BODY, "", "", None)
        self._last_cell: dict[PartKind, CellRef | None] = {}

    def region_of(self, el) -> str:
        while el is not None:
            if el in self.regions:
                return self.regions[el]
            el = el.getparent()
        return self.outside

    def _hidden(self, el) -> bool:
        if el.get("hidden") is not None or (el.get("aria-hidden") or "").strip().lower() == "true":
            return True
        if _HIDDEN_STYLE.search(el.get("style") or ""):
            return True
        classes = (el.get("class") or "").split()
        return any(f".{c}" in self.hiding for c in classes) or f"#{el.get('id')}" in self.hiding

    def add(self, text: str | None, where: tuple) -> None:
        if not text:
            return
        if self._buf and self._where != where:
            self.flush()
        self._where = where
        self._buf.append(text)

    def flush(self) -> None:
        text = collapse("".join(self._buf))
        self._buf = []
        if text:
            self._emit(text, self._where)

    def _emit(self, text: str, where: tuple) -> None:
        kind, label, region, cell = where
        if region == REGION_CHROME and kind in (PartKind.BODY, PartKind.TABLE):
            kind = PartKind.FOOTER if self.seen_article else PartKind.HEADER
        elif not region and self.article.roots and kind is not PartKind.HIDDEN:
            self.seen_article = True
        last = self._last_cell.get(kind)
        same_row = cell is not None and last is not None and (last.table, last.row) == (cell.table, cell.row) \
            and last.column != cell.column
        self._last_cell[kind] = cell
        # the cells of one row read across it, tab-joined as in every other table extractor
        self.parts[kind].add(text, label=label, cell=cell, region=region, sep="\t" if same_row else "\n")

    def element(self, el, kind: PartKind, label: str, region: str, cell: CellRef | None = None) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is None:
            return                                   # comments are read separately
        if self.article.starts_here(el):
            region = REGION_CHROME if is_chrome_element(el) else ""
        elif not region and len(el) <= 12 and is_chrome_element(el):
            region = REGION_CHROME
        self.regions[el] = region
        if tag in _DROP:
            return
        if tag == "input":
            if (el.get("type") or "").lower() == "hidden" and (el.get("value") or "").strip():
                self.flush()
                self._emit(f"{el.get('name') or ''}={el.get('value').strip()}",
                           (PartKind.HIDDEN, HTML_HIDDEN_INPUT, region, None))
            return
        hides = kind is not PartKind.HIDDEN and self._hidden(el)
        if hides:
            kind, label = PartKind.HIDDEN, HTML_HIDDEN
        if tag == "table":
            self._table_open(el)
        elif tag == "tr" and self._tables and self._tables[-1]:
            self._tables[-1].row += 1
            self._tables[-1].column = 0
        elif tag in _CELLS and self._tables and self._tables[-1]:
            cell = self._cell(el)
            if kind is PartKind.BODY:
                kind = PartKind.TABLE
        if tag == "br":
            self.flush()
            return
        where = (kind, label, region, cell)
        if tag in _PREFORMATTED:
            self.flush()
            for line in el.text_content().splitlines():
                if line.strip():
                    self._emit(line.rstrip(), where)
            return
        block = hides or tag in _BLOCK or tag in _CELLS
        if block:
            self.flush()
        self.add(el.text, where)
        for child in el:
            self.element(child, kind, label, region, cell)
            self.add(child.tail, where)
        if block:
            self.flush()
        if tag == "table":
            self._tables.pop()

    def _table_open(self, el) -> None:
        if _data_table(el, self.article):
            self._table_count += 1
            self._tables.append(_Table(self._table_count, el))
        else:
            self._tables.append(None)

    def _cell(self, el) -> CellRef:
        table = self._tables[-1]
        column = table.column + 1
        table.column += _span(el)
        row = max(table.row, 1)
        return CellRef(table.index, row, column, table.headers.get(column) if row > table.unheaded else None)
