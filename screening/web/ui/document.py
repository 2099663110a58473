"""The document as the reader sees it, with each finding highlighted in place, cut into screen pages
so a 200-page file never reaches the browser at once. Pure functions of a Document and findings
(dicts with `id`, `category`, `severity`, `location`, `message`); no Flask, no database."""
from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from threading import Lock

from markupsafe import Markup, escape

from screening import labels
from screening.sheet.mask import DEFAULT_POLICY, mask_for_sheet
from screening.types import Block, Category, Document, Part, PartKind, Severity

VISIBLE = (PartKind.BODY, PartKind.TABLE, PartKind.HEADER, PartKind.FOOTER, PartKind.FOOTNOTE,
           PartKind.ATTACHMENT)
HIDDEN = (PartKind.COMMENT, PartKind.REVISION, PartKind.HIDDEN, PartKind.METADATA)
PAGE_CHARS = 6000        # about three printed pages of Chinese text per screen page
PAGE_BLOCKS = 120
_RANK = {"high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True, slots=True)
class Mark:
    id: int | str
    part: str
    start: int
    end: int
    category: str
    severity: str
    title: str

    @classmethod
    def of(cls, f: dict) -> Mark:
        loc = f["location"]
        cat = labels.CATEGORY.get(_category(f["category"]), f["category"])
        sev = labels.SEVERITY.get(_severity(f["severity"]), f["severity"])
        return cls(f["id"], loc["part"], loc["start"], loc["end"], f["category"], f["severity"],
                   f"{cat}（风险{sev}）：{f.get('message', '')}")


def _category(value: str) -> Category | str:
    try:
        return Category(value)
    except ValueError:
        return value


def _severity(value: str) -> Severity | str:
    try:
        return Severity(value)
    except ValueError:
        return value


@dataclass(frozen=True, slots=True)
class Para:
    part: str
    page: int | None          # the page of the original file, where it has pages
    paragraph: int
    html: Markup
    kind: str = "para"


@dataclass(frozen=True, slots=True)
class Gap:
    """Blocks left out of a collapsed view (only the passages with findings are shown)."""

    count: int
    kind: str = "gap"


@dataclass
class TableCell:
    column: int
    html: Markup
    marked: bool = False


@dataclass
class TableRow:
    number: int
    cells: list[TableCell] = field(default_factory=list)
    skipped: int = 0          # rows left out just before this one (collapsed view)

    @property
    def marked(self) -> bool:
        return any(c.marked for c in self.cells)


@dataclass
class TableView:
    """Consecutive cells of one table, shown as a table (from the blocks' CellRef)."""

    part: str
    table: int
    sheet: str | None
    rows: list[TableRow] = field(default_factory=list)
    kind: str = "table"

    @property
    def label(self) -> str:
        return f"{self.sheet}工作表" if self.sheet else f"表{self.table}"

    @property
    def columns(self) -> int:
        return max((max((c.column for c in r.cells), default=0) for r in self.rows), default=0)

    def add(self, row: int, column: int, html: Markup, marked: bool, skipped: int = 0) -> None:
        if not self.rows or self.rows[-1].number != row:
            self.rows.append(TableRow(row, skipped=skipped))
        cells = self.rows[-1].cells
        if cells and cells[-1].column == column:
            cells[-1].html = Markup(f"{cells[-1].html}<br>{html}")
            cells[-1].marked = cells[-1].marked or marked
        else:
            cells.append(TableCell(column, html, marked))

    def grid(self) -> list[tuple[TableRow, list[TableCell | None]]]:
        """Each row with one entry per column (None for a column the row does not have)."""
        width = self.columns
        out = []
        for row in self.rows:
            by_col = {c.column: c for c in row.cells}
            out.append((row, [by_col.get(i) for i in range(1, width + 1)]))
        return out


@dataclass
class Screen:
    number: int
    paras: list = field(default_factory=list)      # Para, TableView and (collapsed) Gap items
    chars: int = 0
    collapsed: bool = False
    total_blocks: int = 0

    @property
    def source_pages(self) -> str:
        pages = sorted({p.page for p in self.paras if p.page is not None})
        if not pages:
            return ""
        return f"原文第 {pages[0]} 页" if len(pages) == 1 else f"原文第 {pages[0]}–{pages[-1]} 页"


@dataclass(frozen=True, slots=True)
class Unit:
    part: Part
    block: Block


def _blocks(part: Part) -> tuple[Block, ...]:
    return part.blocks or (Block(None, 1, 0, len(part.text)),)


def layout(doc: Document, *, page_chars: int = PAGE_CHARS, page_blocks: int = PAGE_BLOCKS
           ) -> list[list[Unit]]:
    """The visible parts' blocks, in order, cut into screen pages at block boundaries."""
    screens: list[list[Unit]] = [[]]
    chars = 0
    for part in doc.parts:
        if part.kind not in VISIBLE:
            continue
        for block in _blocks(part):
            size = block.end - block.start
            if screens[-1] and (chars + size > page_chars or len(screens[-1]) >= page_blocks):
                screens.append([])
                chars = 0
            screens[-1].append(Unit(part, block))
            chars += size
    return screens


def screen_of(screens: Sequence[Sequence[Unit]], part: str, offset: int) -> int:
    """The 1-based screen page holding `offset` of `part` (1 when not in a visible part)."""
    starts: list[tuple[int, int]] = []
    for number, units in enumerate(screens, 1):
        for unit in units:
            if str(unit.part.kind) == part:
                starts.append((unit.block.start, number))
    if not starts:
        return 1
    at = bisect.bisect_right([s for s, _ in starts], offset) - 1
    return starts[max(at, 0)][1]


def highlight(text: str, base: int, marks: Iterable[Mark], *, anchored: set | None = None,
              link: Callable[[Mark], str] | None = None) -> Markup:
    """`text` (which starts at offset `base` of its part) as HTML, each mark's span wrapped in
    <mark>. Overlapping marks split into segments shown with the most severe mark's colour.
    `anchored` collects the ids already given an anchor, so each finding has one `hl-<id>`."""
    end_of_text = base + len(text)
    marks = [m for m in marks if m.start < end_of_text and m.end > base]
    if not marks:
        return Markup(escape(text))
    anchored = anchored if anchored is not None else set()
    cuts = sorted({base, end_of_text, *(max(m.start, base) for m in marks), *(min(m.end, end_of_text) for m in marks)})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a - base:b - base])
        covering = [m for m in marks if m.start <= a and m.end >= b]
        if not covering:
            out.append(piece)
            continue
        top = max(covering, key=lambda m: (_RANK.get(m.severity, 0), -m.start))
        for m in sorted(covering, key=lambda m: m.start):
            if m.id not in anchored:
                anchored.add(m.id)
                href = link(m) if link else f"#f-{m.id}"
                sev = labels.SEVERITY.get(_severity(m.severity), m.severity)
                out.append(f'<a class="sev-badge s-{escape(m.severity)}" id="hl-{escape(str(m.id))}" '
                           f'href="{escape(href)}" title="{escape(m.title)}">{escape(sev)}</a>')
        ids = " ".join(str(m.id) for m in covering)
        out.append(f'<mark class="hl c-{escape(top.category)} s-{escape(top.severity)}" '
                   f'data-f="{escape(ids)}" title="{escape(top.title)}">{piece}</mark>')
    return Markup("".join(str(x) for x in out))


def _marks_by_part(findings: Sequence[dict]) -> dict[str, list[Mark]]:
    by_part: dict[str, list[Mark]] = {}
    for f in findings:
        m = Mark.of(f)
        by_part.setdefault(m.part, []).append(m)
    return by_part


def _has_mark(unit: Unit, by_part: dict[str, list[Mark]]) -> bool:
    block = unit.block
    return any(m.start < max(block.end, block.start + 1) and m.end > block.start
               for m in by_part.get(str(unit.part.kind), ()))


def _render(units: Sequence[Unit | Gap], by_part: dict[str, list[Mark]], screen: Screen,
            link: Callable[[Mark], str] | None) -> Screen:
    """Units as paragraphs, consecutive cells of one table as a TableView; Gap items as they come."""
    anchored: set = set()
    table: TableView | None = None
    skipped = 0
    for unit in units:
        if isinstance(unit, Gap):
            skipped = unit.count
            continue
        part, block = unit.part, unit.block
        text = part.text[block.start:block.end]
        marks = by_part.get(str(part.kind), ())
        html = highlight(text, block.start, marks, anchored=anchored, link=link)
        screen.chars += len(text)
        cell = block.cell
        if cell is None:
            if skipped:
                screen.paras.append(Gap(skipped))
            screen.paras.append(Para(str(part.kind), block.page, block.paragraph, html))
            table, skipped = None, 0
            continue
        if table is None or (table.part, table.table, table.sheet) != (str(part.kind), cell.table, cell.sheet):
            if skipped:
                screen.paras.append(Gap(skipped))
                skipped = 0
            table = TableView(str(part.kind), cell.table, cell.sheet)
            screen.paras.append(table)
        table.add(cell.row, cell.column, html, _has_mark(unit, by_part), skipped)
        skipped = 0
    if skipped:
        screen.paras.append(Gap(skipped))
    return screen


def render_screen(screens: Sequence[Sequence[Unit]], number: int, findings: Sequence[dict], *,
                  link: Callable[[Mark], str] | None = None) -> Screen:
    """Screen page `number` (1-based) with the findings' marks; table cells as tables."""
    number = min(max(number, 1), max(len(screens), 1))
    units = screens[number - 1] if screens else []
    return _render(units, _marks_by_part(findings), Screen(number), link)


def render_passages(screens: Sequence[Sequence[Unit]], findings: Sequence[dict], *, context: int = 1,
                    link: Callable[[Mark], str] | None = None) -> Screen:
    """The whole document collapsed to the passages with findings: each such paragraph with
    `context` paragraphs either side, each table row with a finding together with the table's first
    (header) row; what is left out is counted in Gap items."""
    units = [u for screen in screens for u in screen]
    by_part = _marks_by_part(findings)
    keep: set[int] = set()
    rows: set[tuple] = set()
    for i, unit in enumerate(units):
        if not _has_mark(unit, by_part):
            continue
        cell = unit.block.cell
        if cell is None:
            keep.update(range(max(i - context, 0), min(i + context, len(units) - 1) + 1))
        else:
            key = (str(unit.part.kind), cell.table, cell.sheet)
            rows.update({(*key, cell.row), (*key, 1)})
    for i, unit in enumerate(units):
        cell = unit.block.cell
        if cell is not None and (str(unit.part.kind), cell.table, cell.sheet, cell.row) in rows:
            keep.add(i)
        elif cell is not None:
            keep.discard(i)   # a neighbouring table cell is shown only with its row
    out: list[Unit | Gap] = []
    skipped, last_row = 0, None
    for i, unit in enumerate(units):
        if i in keep:
            if skipped:
                out.append(Gap(skipped))
            out.append(unit)
            skipped, last_row = 0, None
        else:
            cell = unit.block.cell
            row = (id(unit.part), cell.table, cell.row) if cell is not None else None
            if row is None or row != last_row:
                skipped += 1
            last_row = row
    if skipped:
        out.append(Gap(skipped))
    screen = Screen(1, collapsed=True, total_blocks=len(units))
    return _render(out, by_part, screen, link)


def block_count(screens: Sequence[Sequence[Unit]]) -> int:
    return sum(len(s) for s in screens)


def with_cells(findings: Sequence[dict], doc: Document | None) -> list[dict]:
    """The findings with their table cell (table, row, column, header, sheet) filled in from the
    document's blocks where the stored location lacks it."""
    if doc is None:
        return list(findings)
    parts = {str(p.kind): p for p in doc.parts}
    out = []
    for f in findings:
        loc = f["location"]
        part = parts.get(loc["part"])
        if loc.get("row") is None and part is not None:
            block = part.block_at(loc["start"])
            if block is not None and block.cell is not None:
                f = dict(f, location={**loc, **block.cell.to_dict()})
        out.append(f)
    return out


def masked_for_sheet(doc: Document, findings: Sequence[dict]) -> Document:
    """The document with each finding's text masked as the review sheet prints it (personal data,
    credentials): what a printed sheet shows of the document never leaks what the sheet reports.
    Offsets stay where they were (a shorter mask is padded, a longer one cut), so the findings
    still mark the same spans."""
    spans: dict[str, list[dict]] = {}
    for f in findings:
        spans.setdefault(f["location"]["part"], []).append(f)
    parts = []
    for part in doc.parts:
        chars = list(part.text)
        for f in spans.get(str(part.kind), ()):
            start, end = f["location"]["start"], min(f["location"]["end"], len(chars))
            if start >= end:
                continue
            shown = mask_for_sheet(part.text[start:end], f["category"], f.get("subtype"))
            chars[start:end] = (shown + DEFAULT_POLICY.char * (end - start))[:end - start]
        parts.append(replace(part, text="".join(chars)))
    return replace(doc, parts=tuple(parts))


def hidden_parts(doc: Document, findings: Sequence[dict], *, limit: int = 20000) -> list[dict]:
    """The parts a reader does not see (comments, revisions, hidden text, properties), highlighted."""
    marks = [Mark.of(f) for f in findings]
    out = []
    for part in doc.parts:
        if part.kind not in HIDDEN or not part.text.strip():
            continue
        text = part.text[:limit]
        paras = []
        anchored: set = set()
        for block in _blocks(part):
            if block.start >= len(text):
                break
            piece = text[block.start:block.end]
            paras.append({"label": block.label, "html": highlight(
                piece, block.start, [m for m in marks if m.part == str(part.kind)], anchored=anchored)})
        out.append({"kind": str(part.kind), "label": part.label or labels.PART[part.kind],
                    "reason": part.hidden_reason, "paras": paras, "cut": len(part.text) > limit})
    return out


def is_hidden(finding: dict) -> bool:
    return finding["category"] == "hidden" or finding["location"]["part"] in {str(k) for k in HIDDEN}


def group_by_category(findings: Sequence[dict]) -> list[tuple[str, list[dict]]]:
    """Findings grouped by category in SPEC order, most severe first within a group."""
    order = [str(c) for c in Category]
    groups: dict[str, list[dict]] = {}
    for f in findings:
        groups.setdefault(f["category"], []).append(f)
    out = []
    for cat in sorted(groups, key=lambda c: order.index(c) if c in order else 99):
        items = sorted(groups[cat], key=lambda f: (-_RANK.get(f["severity"], 0),
                                                   f["location"]["part"], f["location"]["start"]))
        out.append((cat, items))
    return out


class DocumentCache:
    """Extracted documents by SHA-256, least recently used first out (extraction is the slow step of
    showing a page; the file itself is never cached in clear outside the process)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[str, Document] = OrderedDict()
        self._lock = Lock()

    def get(self, key: str, load: Callable[[], Document]) -> Document:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        doc = load()
        with self._lock:
            self._items[key] = doc
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return doc
