"""Generated 公示 and account lists as real files: docx (python-docx, merged cells too) and PDF
(reportlab platypus tables with ruled grids, the built-in STSong-Light CID font)."""
from __future__ import annotations

import io
from collections.abc import Sequence

from tests.docgen import FONT

Rows = Sequence[Sequence[str]]


def table_docx(rows: Rows, *, before: Sequence[str] = (), after: Sequence[str] = (),
               merges: Sequence[tuple[int, int, int, int]] = ()) -> bytes:
    """A docx with paragraphs `before`, one table of `rows` (strings), then `after`.
    `merges`: (row, col, row2, col2), 0-based corners of cells to merge (text kept in the first)."""
    import docx

    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for r1, c1, r2, c2 in merges:
        keep = table.cell(r1, c1).text
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    table.cell(r, c).text = ""
        table.cell(r1, c1).merge(table.cell(r2, c2)).text = keep
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def table_pdf(rows: Rows, *, before: Sequence[str] = (), after: Sequence[str] = (),
              spans: Sequence[tuple[int, int, int, int]] = ()) -> bytes:
    """A PDF with paragraphs, one ruled table (grid lines) and more paragraphs.
    `spans`: (row, col, row2, col2) 0-based merged regions (reportlab SPAN)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    style = ParagraphStyle("zh", fontName=FONT, fontSize=10, leading=14)
    story = [Paragraph(t, style) for t in before] + [Spacer(1, 12)]
    grid = [["" if (r, c) in _covered(spans) else text for c, text in enumerate(row)] for r, row in enumerate(rows)]
    table = Table(grid)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
                               *[("SPAN", (c1, r1), (c2, r2)) for r1, c1, r2, c2 in spans]]))
    story += [table, Spacer(1, 12)] + [Paragraph(t, style) for t in after]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    return buffer.getvalue()


def _covered(spans) -> set[tuple[int, int]]:
    return {(r, c) for r1, c1, r2, c2 in spans for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
            if (r, c) != (r1, c1)}
