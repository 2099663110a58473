"""Cell styles of an xlsx that hide what a cell holds (`concealing`: a `;;;` format, text in its
background's colour), read from xl/styles.xml once per workbook: a cell then costs one dict
lookup. Theme colours are resolved through the workbook's theme (with their tint), indexed ones
through the workbook's own palette (`indexedColors`) or else Excel's (openpyxl's COLOR_INDEX).
"""
from __future__ import annotations

import colorsys
from dataclasses import dataclass

from openpyxl.styles.colors import COLOR_INDEX

from screening.extract.concealing import BLACK, WHITE, Concealing, concealing
from screening.extract.ooxml import Package

S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# SpreadsheetML theme indexes 0-3 name lt1, dk1, lt2, dk2: the clrScheme lists dk1, lt1, dk2, lt2.
_THEME_ORDER = (1, 0, 3, 2)


def concealing_styles(pkg: Package, workbook: str) -> dict[str, Concealing]:
    """Cell style index (the `s` attribute of a <c>, as written) → how that style hides its cells."""
    root = pkg.xml(pkg.rel_target(workbook, "/styles"))
    if root is None:
        return {}
    palette = [el.get("rgb", "") for el in root.iterfind(f"{S}colors/{S}indexedColors/{S}rgbColor")]
    colours = _Colours(_theme(pkg.xml(pkg.rel_target(workbook, "/theme"))), palette or list(COLOR_INDEX))
    formats = {el.get("numFmtId"): el.get("formatCode") or "" for el in root.iter(S + "numFmt")}
    fonts = _children(root, "fonts", "font")
    fills = _children(root, "fills", "fill")
    cell_xfs = root.find(S + "cellXfs")
    out: dict[str, Concealing] = {}
    for index, xf in enumerate(cell_xfs.iterchildren(S + "xf") if cell_xfs is not None else ()):
        font = _at(fonts, xf.get("fontId"))
        text = _colour(font.find(S + "color") if font is not None else None, colours)
        background = _background(_at(fills, xf.get("fillId")), colours)
        found = concealing(formats.get(xf.get("numFmtId")), text, background)
        if found is not None:
            out[str(index)] = found
    return out


def _children(root, group: str, tag: str) -> list:
    el = root.find(S + group)
    return list(el.iterchildren(S + tag)) if el is not None else []


def _at(items: list, index: str | None):
    try:
        return items[int(index or 0)]
    except (ValueError, IndexError):
        return None


@dataclass(frozen=True, slots=True)
class _Colours:
    theme: list[str]        # "RRGGBB" in SpreadsheetML's theme index order
    indexed: list[str]      # "AARRGGBB", the palette


def _background(fill, colours: _Colours) -> str | None:
    """What a reader sees behind the text: the sheet's white without a fill, the colour of a
    solid one; None for a patterned fill (text may show between its dots)."""
    pattern = fill.find(S + "patternFill") if fill is not None else None
    kind = pattern.get("patternType", "none") if pattern is not None else "none"
    if kind == "none":
        return WHITE if fill is None or fill.find(S + "gradientFill") is None else None
    return _colour(pattern.find(S + "fgColor"), colours) if kind == "solid" else None


def _colour(el, colours: _Colours) -> str | None:
    """"RRGGBB" of a <color>/<fgColor>, None when automatic or unknown."""
    if el is None or el.get("auto") in ("1", "true"):
        return None
    rgb = None
    if el.get("rgb"):
        rgb = el.get("rgb")[-6:].upper()
    elif el.get("indexed", "").isdigit() and int(el.get("indexed")) < len(colours.indexed):
        rgb = colours.indexed[int(el.get("indexed"))][-6:].upper()
    elif el.get("theme", "").isdigit() and int(el.get("theme")) < len(colours.theme):
        rgb = colours.theme[int(el.get("theme"))]
    if rgb is None or len(rgb) != 6:
        return None
    try:
        tint = float(el.get("tint") or 0)
    except ValueError:
        tint = 0.0
    return _tinted(rgb, tint) if tint else rgb


def _tinted(rgb: str, tint: float) -> str:
    """Excel's tint: lightness scaled towards black (tint < 0) or white (tint > 0)."""
    h, lightness, s = colorsys.rgb_to_hls(*(int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)))
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    return "".join(f"{round(v * 255):02X}" for v in colorsys.hls_to_rgb(h, lightness, s))


def _theme(root) -> list[str]:
    """The workbook theme's colours in SpreadsheetML's index order (lt1, dk1, lt2, dk2, accents…)."""
    scheme = root.find(f".//{_A}clrScheme") if root is not None else None
    if scheme is None:
        return [WHITE, BLACK]           # Office's default: light background, dark text
    colours = []
    for slot in scheme:
        value = next((c.get("lastClr") or c.get("val") for c in slot if c.tag in (_A + "sysClr", _A + "srgbClr")), "")
        colours.append(value.upper() if len(value) == 6 else "")
    order = [*_THEME_ORDER, *range(4, len(colours))]
    return [colours[i] for i in order if i < len(colours)]
