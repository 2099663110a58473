"""The monthly 保密审查汇总表: every item a unit published in a month, as xlsx and docx.

    rows = [SummaryRow(published_on=..., title=..., ...), ...]     # the review layer reads them from the DB
    Path("汇总表.xlsx").write_bytes(summary_xlsx(Summary("某市生态环境局", "2025-03", rows)))
    Path("汇总表.docx").write_bytes(summary_docx(Summary("某市生态环境局", "2025-03", rows)))
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from screening.review.enums import Channel, PublicAttribute

COLUMNS = ("序号", "公开日期", "信息名称", "文号", "公开方式", "公开属性", "承办人", "承办部门负责人",
           "单位负责人", "审查结果", "备注")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class SummaryRow:
    published_on: date                        # 公开日期
    title: str                                # 信息名称
    channel: Channel | str                    # 公开方式 (a Channel, or free text)
    public_attribute: PublicAttribute | str   # 公开属性
    outcome: str                              # 审查结果, e.g. 同意公开 / 区分处理后公开
    doc_number: str = ""                      # 文号
    drafter: str = ""                         # 承办人（初审）
    head: str = ""                            # 承办部门负责人（审核）
    leader: str = ""                          # 单位负责人（审发）
    secrecy: str = ""                         # 保密员（保密审核）, where the unit has the fourth stage: in 备注
    department: str = ""
    case_id: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("SummaryRow.title is required")

    @property
    def channel_label(self) -> str:
        return self.channel.label if isinstance(self.channel, Channel) else str(self.channel)

    def cells(self, number: int) -> tuple[str, ...]:
        note = self.note or (f"审查编号 {self.case_id}" if self.case_id is not None else "")
        if self.secrecy:
            note = "；".join(filter(None, (f"保密审核：{self.secrecy}", note)))
        return (str(number), self.published_on.isoformat(), self.title, self.doc_number or "无", self.channel_label,
                str(self.public_attribute), self.drafter, self.head, self.leader, self.outcome, note)


@dataclass(frozen=True, slots=True)
class Summary:
    unit: str
    month: str                                # "YYYY-MM"
    rows: Sequence[SummaryRow] = ()          # stored sorted, as a tuple
    prepared_by: str = ""                     # 填报人
    prepared_on: date | None = None           # 填报日期
    # the month's cases that were not (or not yet) published, beside the published ones:
    # returned (退回), blocked (筛查拦截), escalated (报请确定), quarantined (隔离): distinct cases each
    others: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        if not _MONTH.match(self.month):
            raise ValueError(f"Summary.month must be YYYY-MM, got {self.month!r}")
        object.__setattr__(self, "rows", tuple(sorted(self.rows, key=lambda r: (r.published_on, r.title))))
        for row in self.rows:
            if (row.published_on.year, row.published_on.month) != self.period:
                raise ValueError(f"{row.title}: 公开日期 {row.published_on} 不在 {self.month_label}")

    @property
    def period(self) -> tuple[int, int]:
        year, month = self.month.split("-")
        return int(year), int(month)

    @property
    def month_label(self) -> str:
        year, month = self.period
        return f"{year}年{month}月"

    @property
    def title(self) -> str:
        return f"{self.unit}{self.month_label}政府信息公开保密审查汇总表"

    @property
    def footer(self) -> str:
        prepared = self.prepared_on.isoformat() if self.prepared_on else ""
        others = "、".join(f"{label} {n} 件" for label, n in self.others)
        beside = f"另：{others}。" if others else ""
        return f"本月公开信息共 {len(self.rows)} 条。{beside}填报人：{self.prepared_by}　填报日期：{prepared}"


XLSX_WIDTHS = (6, 12, 36, 20, 12, 12, 10, 14, 10, 16, 18)
FONT = "Noto Sans CJK SC"


def summary_xlsx(summary: Summary) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = summary.month
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    last = get_column_letter(len(COLUMNS))
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = summary.title
    ws["A1"].font = Font(name=FONT, size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    for col, (name, width) in enumerate(zip(COLUMNS, XLSX_WIDTHS), 1):
        cell = ws.cell(row=2, column=col, value=name)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor="EDEDED")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    for number, row in enumerate(summary.rows, 1):
        values = row.cells(number)
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=number + 2, column=col)
            if col == 2:
                cell.value, cell.number_format = row.published_on, "yyyy-mm-dd"
            elif col == 1:
                cell.value = number
            else:
                cell.value = value
            cell.font = Font(name=FONT)
            cell.alignment = Alignment(vertical="center", wrap_text=True,
                                       horizontal="center" if col in (1, 2, 5, 6, 7, 8, 9) else "left")
            cell.border = border
    foot = len(summary.rows) + 3
    ws.merge_cells(f"A{foot}:{last}{foot}")
    ws[f"A{foot}"] = summary.footer
    ws[f"A{foot}"].font = Font(name=FONT)
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.creator = "保密审查系统"
    wb.properties.title = summary.title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


DOCX_WIDTHS = (1.0, 2.2, 5.6, 3.2, 1.9, 1.9, 1.6, 1.9, 1.6, 2.4, 2.4)   # cm, landscape A4


def summary_docx(summary: Summary) -> bytes:
    from docx import Document as new_document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Pt

    from screening.sheet.docx import SANS, SERIF, set_fonts

    doc = new_document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(9)
    set_fonts(normal.element, SERIF)
    doc.core_properties.title, doc.core_properties.author = summary.title, "保密审查系统"
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(summary.title)
    run.bold, run.font.size = True, Pt(15)
    set_fonts(run._r, SANS)
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall("{*}gridCol"), DOCX_WIDTHS):
        col.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w", str(int(Cm(width).twips)))
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, name, width in zip(header.cells, COLUMNS, DOCX_WIDTHS):
        cell.width = Cm(width)
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        set_fonts(run._r, SANS)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, row in enumerate(summary.rows, 1):
        cells = table.add_row().cells
        for cell, value, width in zip(cells, row.cells(number), DOCX_WIDTHS):
            cell.width = Cm(width)
            cell.paragraphs[0].add_run(value)
    if not summary.rows:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.paragraphs[0].add_run("本月无公开信息。")
    foot = doc.add_paragraph()
    foot.paragraph_format.space_before = Pt(6)
    foot.add_run(summary.footer)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
