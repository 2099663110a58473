"""Generated 公示 and account lists as real files: docx (python-docx, merged cells too) and PDF
(reportlab platypus tables, ruled or grid-less, the built-in STSong-Light CID font), html, xlsx
(openpyxl) and csv."""
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
              spans: Sequence[tuple[int, int, int, int]] = (), grid: bool = True) -> bytes:
    """A PDF with paragraphs, one ruled table (grid lines; none when not `grid`, as a 公示 laid out
    with spaces or tab stops prints) and more paragraphs.
    `spans`: (row, col, row2, col2) 0-based merged regions (reportlab SPAN)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    style = ParagraphStyle("zh", fontName=FONT, fontSize=10, leading=14)
    story = [Paragraph(t, style) for t in before] + [Spacer(1, 12)]
    lines = [("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))] if grid else []
    table = Table([["" if (r, c) in _covered(spans) else text for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), *lines,
                               *[("SPAN", (c1, r1), (c2, r2)) for r1, c1, r2, c2 in spans]]))
    story += [table, Spacer(1, 12)] + [Paragraph(t, style) for t in after]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    return buffer.getvalue()


def _covered(spans) -> set[tuple[int, int]]:
    return {(r, c) for r1, c1, r2, c2 in spans for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
            if (r, c) != (r1, c1)}


def table_html(rows: Rows, *, before: Sequence[str] = (), after: Sequence[str] = (), th: bool = False) -> bytes:
    """An HTML page with paragraphs, one <table> of `rows` and more paragraphs. Every cell is a
    <td>, as most 公示 pages write even their header row; with `th` the first row's are <th>."""
    from html import escape

    def paragraphs(texts: Sequence[str]) -> str:
        return "".join(f"<p>{escape(t)}</p>" for t in texts)

    def tag(r: int) -> str:
        return "th" if th and r == 0 else "td"

    body = "".join("<tr>" + "".join(f"<{tag(r)}>{escape(c)}</{tag(r)}>" for c in row) + "</tr>"
                   for r, row in enumerate(rows))
    page = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>公示</title></head>'
            f"<body><article>{paragraphs(before)}<table border=\"1\">{body}</table>{paragraphs(after)}"
            f"</article></body></html>")
    return page.encode("utf-8")


def table_xlsx(rows: Rows, *, before: Sequence[str] = (), after: Sequence[str] = ()) -> bytes:
    """A workbook whose one sheet holds `rows` from A1 (openpyxl, every value a string, as a 公示
    typed into Excel keeps IDs and cards as text). `before`/`after` go to a second sheet 说明, so
    that the list's rows and columns are the sheet's own."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    for r, row in enumerate(rows, 1):
        for c, text in enumerate(row, 1):
            cell = sheet.cell(r, c, text)
            cell.number_format = "@"
    if before or after:
        notes = book.create_sheet("说明")
        for r, text in enumerate([*before, *after], 1):
            notes.cell(r, 1, text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_csv(rows: Rows, *, before: Sequence[str] = (), after: Sequence[str] = ()) -> bytes:
    """A UTF-8 csv of `rows` (csv module quoting), a title line `before` above it as such files
    often have, `after` below."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for text in before:
        writer.writerow([text])
    writer.writerows(rows)
    for text in after:
        writer.writerow([text])
    return buffer.getvalue().encode("utf-8")
