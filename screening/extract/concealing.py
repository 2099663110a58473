"""When a cell's style shows nothing of what it holds (Excel blank, a click shows it all), for
every workbook reader (xlsx_styles for xlsx/ods, xls.py through xlrd for .xls/.et):

- a number format whose sections are all empty (`;;;` shows nothing; `;;` and `;` show text
  but no number), empty string literals (`"";"";"";""`) counting as empty;
- text in the colour of what lies behind it: white (or near-white) on no fill, or the colour of
  the cell's solid fill.
"""
from __future__ import annotations

from dataclasses import dataclass

WHITE, BLACK = "FFFFFF", "000000"        # a sheet's background; text in the automatic colour
_CLOSE = 0x10                            # per channel: colours a reader cannot tell apart
TEXT_KINDS = ("s", "str", "inlineStr")   # SpreadsheetML cell types holding text


@dataclass(frozen=True, slots=True)
class Concealing:
    """How a cell style hides its cells: `reason` in the reader's words; `numbers_only` when
    text still shows (a format without a text section)."""

    reason: str
    numbers_only: bool = False

    def hides(self, is_text: bool) -> bool:
        return not self.numbers_only or not is_text


def concealing(format_code: str | None, text: str | None, background: str | None) -> Concealing | None:
    """How a style with this number format, text colour ("RRGGBB", None: automatic) and
    background ("RRGGBB", None: unknown, a patterned fill) hides its cells; None when it does not."""
    if format_code and ";" in format_code and not any(s.replace('""', "").strip() for s in format_code.split(";")):
        sections = format_code.count(";")        # LibreOffice writes ;;; as "";"";"";""
        return Concealing(f"自定义格式“{';' * sections}”不显示内容", numbers_only=sections < 3)
    if background is not None and _close(text or BLACK, background):
        return Concealing("字体颜色与单元格底色相同")
    return None


def _close(a: str, b: str) -> bool:
    try:
        return all(abs(int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) <= _CLOSE for i in (0, 2, 4))
    except ValueError:
        return False
