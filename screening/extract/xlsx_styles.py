"""Cell styles of an xlsx that hide what a cell holds: Excel shows nothing, a click shows it all.

Two ways, both read from xl/styles.xml once per workbook (a cell then costs one dict lookup):
- a number format whose sections are all empty (`;;;` shows nothing; `;;` and `;` show text
  but no number);
- a font colour that is the cell's background: white (or near-white) text on no fill, or text
  in the colour of the cell's solid fill. Theme colours are resolved through the workbook's
  theme (with their tint), indexed ones through Excel's palette (openpyxl's COLOR_INDEX).
"""
from __future__ import annotations

import colorsys
from dataclasses import dataclass

from openpyxl.styles.colors import COLOR_INDEX

from screening.extract.ooxml import Package

S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_WHITE, _BLACK = "FFFFFF", "000000"      # a sheet's background; text in the automatic colour
_CLOSE = 0x10                            # per channel: colours a reader cannot tell apart
# SpreadsheetML theme indexes 0-3 name lt1, dk1, lt2, dk2: the clrScheme lists dk1, lt1, dk2, lt2.
_THEME_ORDER = (1, 0, 3, 2)
_TEXT_KINDS = ("s", "str", "inlineStr")


@dataclass(frozen=True, slots=True)
class Concealing:
    """How a cell style hides its cells: `reason` in the reader's words; `numbers_only` when
    text still shows (a format without a text section)."""

    reason: str
    numbers_only: bool = False

    def hides(self, kind: str) -> bool:
        return not self.numbers_only or kind not in _TEXT_KINDS


def concealing_styles(pkg: Package, workbook: str) -> dict[str, Concealing]:
    """Cell style index (the `s` attribute of a <c>, as written) → how that style hides its cells."""
    root = pkg.xml(pkg.rel_target(workbook, "/styles"))
    if root is None:
        return {}
    theme = _theme(pkg.xml(pkg.rel_target(workbook, "/theme")))
    formats = {el.get("numFmtId"): el.get("formatCode") or "" for el in root.iter(S + "numFmt")}
    fonts = _children(root, "fonts", "font")
    fills = _children(root, "fills", "fill")
    cell_xfs = root.find(S + "cellXfs")
    out: dict[str, Concealing] = {}
    for index, xf in enumerate(cell_xfs.iterchildren(S + "xf") if cell_xfs is not None else ()):
        font = _at(fonts, xf.get("fontId"))
        text = _colour(font.find(S + "color") if font is not None else None, theme) or _BLACK
        background = _background(_at(fills, xf.get("fillId")), theme)
        empty = _empty_format(formats.get(xf.get("numFmtId")))
        if empty is not None:
            out[str(index)] = Concealing(f"自定义格式“{empty}”不显示内容", numbers_only=empty.count(";") < 3)
        elif background is not None and _close(text, background):
            out[str(index)] = Concealing("字体颜色与单元格底色相同")
    return out


def _children(root, group: str, tag: str) -> list:
    el = root.find(S + group)
    return list(el.iterchildren(S + tag)) if el is not None else []


def _at(items: list, index: str | None):
    try:
        return items[int(index or 0)]
    except (ValueError, IndexError):
        return None


def _empty_format(code: str | None) -> str | None:
    """The format code when every section of it is empty (";;;"), else None."""
    if code is None or ";" not in code:
        return None
    return code if not any(section.strip() for section in code.split(";")) else None


def _background(fill, theme: list[str]) -> str | None:
    """What a reader sees behind the text: the sheet's white without a fill, the colour of a
    solid one; None for a patterned fill (text may show between its dots)."""
    pattern = fill.find(S + "patternFill") if fill is not None else None
    kind = pattern.get("patternType", "none") if pattern is not None else "none"
    if kind == "none":
        return _WHITE if fill is None or fill.find(S + "gradientFill") is None else None
    return _colour(pattern.find(S + "fgColor"), theme) if kind == "solid" else None


def _colour(el, theme: list[str]) -> str | None:
    """"RRGGBB" of a <color>/<fgColor>, None when automatic or unknown."""
    if el is None or el.get("auto") in ("1", "true"):
        return None
    rgb = None
    if el.get("rgb"):
        rgb = el.get("rgb")[-6:].upper()
    elif el.get("indexed", "").isdigit() and int(el.get("indexed")) < len(COLOR_INDEX):
        rgb = COLOR_INDEX[int(el.get("indexed"))][-6:]
    elif el.get("theme", "").isdigit() and int(el.get("theme")) < len(theme):
        rgb = theme[int(el.get("theme"))]
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
        return [_WHITE, _BLACK]           # Office's default: light background, dark text
    colours = []
    for slot in scheme:
        value = next((c.get("lastClr") or c.get("val") for c in slot if c.tag in (_A + "sysClr", _A + "srgbClr")), "")
        colours.append(value.upper() if len(value) == 6 else "")
    order = [*_THEME_ORDER, *range(4, len(colours))]
    return [colours[i] for i in order if i < len(colours)]


def _close(a: str, b: str) -> bool:
    try:
        return all(abs(int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) <= _CLOSE for i in (0, 2, 4))
    except ValueError:
        return False
