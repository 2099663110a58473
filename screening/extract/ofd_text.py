"""The text of an OFD page in reading order.

An OFD page is a set of positioned glyph runs (`TextObject` › `TextCode`), in whatever order the
producer wrote them (an e-invoice's fields come in any order, some producers write one glyph per
object). Each run is placed on the page (its object's Boundary origin, CTM and the code's X/Y),
runs sharing a baseline are joined left to right into one line, and lines are read top to
bottom. A run with neither fill nor stroke, or fully transparent, is invisible on the page.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from screening.extract.ofd_package import floats

_CONTAINERS = frozenset({"Content", "Layer", "PageBlock"})
_MAX_COMPOSITE_DEPTH = 8      # a composite unit may draw others; a unit drawing itself is cut off


@dataclass(frozen=True, slots=True)
class Run:
    x: float
    y: float          # the baseline, millimetres from the top of the page
    end: float        # where the run's last glyph ends
    size: float
    text: str
    invisible: bool


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    invisible: bool
    box: tuple[float, float, float, float]


def runs(container, units: Mapping[str, object] | None = None, depth: int = 0) -> Iterator[Run]:
    """The text runs of a page (or template, or annotation appearance) in document order. A
    `CompositeObject` draws a `CompositeGraphicUnit` resource (`units`, by ID: its Content may hold
    text, e.g. a letterhead or a stamp's caption reused on every page) at the object's Boundary."""
    for el in container:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "TextObject":
            yield from _object_runs(el)
        elif tag in _CONTAINERS or tag == "Appearance":
            yield from runs(el, units, depth)
        elif tag == "CompositeObject" and units and depth < _MAX_COMPOSITE_DEPTH:
            unit = units.get(el.get("ResourceID") or "")
            content = unit.find("Content") if unit is not None else None
            if content is not None:
                left, top = (floats(el.get("Boundary"), 4) or (0.0, 0.0, 0.0, 0.0))[:2]
                for run in runs(content, units, depth + 1):
                    yield replace(run, x=run.x + left, y=run.y + top, end=run.end + left)
    return


def image_count(container) -> int:
    return sum(1 for el in container.iter("ImageObject"))


def _object_runs(obj) -> Iterator[Run]:
    box = floats(obj.get("Boundary"), 4) or (0.0, 0.0, 0.0, 0.0)
    a, b, c, d, e, f = floats(obj.get("CTM"), 6) or (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    size = (floats(obj.get("Size"), 1) or (3.5,))[0]
    invisible = (obj.get("Fill", "true") == "false" and obj.get("Stroke", "false") == "false") \
        or obj.get("Alpha") == "0"
    x = y = 0.0
    for code in obj.iter("TextCode"):
        text = code.text or ""
        x = (floats(code.get("X"), 1) or (x,))[0]
        y = (floats(code.get("Y"), 1) or (y,))[0]
        if not text.strip():
            continue
        width = _advance(code.get("DeltaX"), len(text), size)
        px, py = a * x + c * y + e, b * x + d * y + f
        scale = max(abs(a), abs(d), 1e-6)
        yield Run(box[0] + px, box[1] + py, box[0] + px + width * scale, size * scale, text, invisible)


def _advance(delta_x: str | None, chars: int, size: float) -> float:
    """Width of a run: its DeltaX offsets (with the `g count value` shorthand) plus one glyph."""
    tokens = (delta_x or "").split()
    deltas: list[float] = []
    i = 0
    try:
        while i < len(tokens) and len(deltas) < chars - 1:
            if tokens[i] == "g" and i + 2 < len(tokens):
                deltas += [float(tokens[i + 2])] * min(int(tokens[i + 1]), chars)
                i += 3
            else:
                deltas.append(float(tokens[i]))
                i += 1
    except ValueError:
        deltas = []
    deltas = deltas[: chars - 1]
    deltas += [size] * (chars - 1 - len(deltas))
    return sum(deltas) + size


def lines(page_runs: list[Run]) -> list[Line]:
    """Runs grouped by baseline (within half a glyph), each line left to right, lines top down;
    a gap wider than a glyph becomes a space."""
    ordered = sorted(page_runs, key=lambda r: (r.y, r.x))
    groups: list[list[Run]] = []
    for run in ordered:
        if groups and abs(run.y - groups[-1][0].y) <= max(0.5 * min(run.size, groups[-1][0].size), 0.3) \
                and run.invisible == groups[-1][0].invisible:
            groups[-1].append(run)
        else:
            groups.append([run])
    out = []
    for group in groups:
        group.sort(key=lambda r: r.x)
        text, prev = "", None
        for run in group:
            if prev is not None and run.x - prev.end > prev.size:
                text += " "
            text += run.text
            prev = run
        box = (min(r.x for r in group), min(r.y - r.size for r in group),
               max(r.end for r in group), max(r.y for r in group))
        out.append(Line(text, group[0].invisible, box))
    out.sort(key=lambda ln: (ln.box[3], ln.box[0]))
    return out
