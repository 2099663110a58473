"""Run formatting that decides whether a reader can see WordprocessingML text: w:vanish,
colour against the background (run, paragraph, cell or page shading), font size; resolved
through styles.xml (document defaults, paragraph style chain, character style chain)."""
from __future__ import annotations

from dataclasses import dataclass, replace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
VAL = W + "val"
_OFF = ("0", "false", "off", "none")
NO_FILL = (None, "", "auto", "FFFFFF", "ffffff")
_NO_HIGHLIGHT = (None, "", "none", "white")
_WHITE_THEME = ("background1", "light1")


def on(el) -> bool:
    """A WordprocessingML on/off property that is present (absent w:val means on)."""
    return el is not None and el.get(VAL, "true").lower() not in _OFF


def shaded(props) -> bool:
    """Does this pPr/rPr/tcPr/tblPr give the text a coloured background?"""
    if props is None:
        return False
    shd, highlight = props.find(W + "shd"), props.find(W + "highlight")
    return (shd is not None and shd.get(W + "fill") not in NO_FILL) or \
        (highlight is not None and highlight.get(VAL) not in _NO_HIGHLIGHT)


@dataclass(frozen=True, slots=True)
class Fmt:
    """The run properties that decide whether a reader can see the text."""

    vanish: bool = False
    color: str | None = None     # "RRGGBB" or "auto"
    size: int | None = None      # half-points
    shaded: bool = False         # a coloured background under the text (run, paragraph, cell, page)

    def apply(self, rpr) -> Fmt:
        if rpr is None:
            return self
        changes: dict = {}
        vanish = rpr.find(W + "vanish")
        if vanish is None:
            vanish = rpr.find(W + "specVanish")
        if vanish is not None:
            changes["vanish"] = on(vanish)
        color = rpr.find(W + "color")
        if color is not None:
            val = color.get(VAL)
            changes["color"] = val or ("FFFFFF" if color.get(W + "themeColor") in _WHITE_THEME else None)
        size = rpr.find(W + "sz")
        if size is not None and (size.get(VAL) or "").isdigit():
            changes["size"] = int(size.get(VAL))
        if shaded(rpr):
            changes["shaded"] = True
        return replace(self, **changes) if changes else self

    @property
    def invisible(self) -> bool:
        if self.size is not None and self.size <= 2:
            return True
        return not self.shaded and _near_white(self.color)


def _near_white(color: str | None) -> bool:
    if not color or len(color) != 6:
        return False
    try:
        return all(int(color[i:i + 2], 16) >= 0xF0 for i in (0, 2, 4))
    except ValueError:
        return False


class Styles:
    """Run formatting from styles.xml: document defaults, then the paragraph style chain,
    then the character style chain (each `w:basedOn` ancestor first)."""

    def __init__(self, root) -> None:
        self._rpr: dict[str, tuple[str | None, object]] = {}
        self._default_para: str | None = None
        self._cache: dict[tuple[str | None, str | None, bool], Fmt] = {}
        self.default = Fmt()
        if root is None:
            return
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.default = Fmt().apply(defaults)
        for style in root.iter(W + "style"):
            sid = style.get(W + "styleId")
            based = style.find(W + "basedOn")
            self._rpr[sid] = (based.get(VAL) if based is not None else None, style.find(W + "rPr"))
            if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true", "on"):
                self._default_para = sid

    def _chain(self, sid: str | None) -> list:
        chain, seen = [], set()
        while sid and sid in self._rpr and sid not in seen:
            seen.add(sid)
            based, rpr = self._rpr[sid]
            chain.append(rpr)
            sid = based
        return chain[::-1]

    def fmt(self, pstyle: str | None, rstyle: str | None, is_shaded: bool) -> Fmt:
        key = (pstyle, rstyle, is_shaded)
        if key not in self._cache:
            fmt = replace(self.default, shaded=is_shaded) if is_shaded else self.default
            for rpr in self._chain(pstyle or self._default_para) + self._chain(rstyle):
                fmt = fmt.apply(rpr)
            self._cache[key] = fmt
        return self._cache[key]


def prop_val(props, tag: str) -> str | None:
    el = props.find(W + tag) if props is not None else None
    return el.get(VAL) if el is not None else None
