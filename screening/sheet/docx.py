"""Render a SheetData as the review sheet (审查单) in docx: the 表格式 form agencies already use.

    data = SheetData.from_report(report, versions=engine.versions)
    Path("审查单.docx").write_bytes(render_docx(data))

Layout: the title, 编号 and 填表日期; the basic-information table (单位/部门, 信息名称, 文号, 载体形式,
拟公开方式, 拟公开时间, 最迟公开日, 拟稿人, 形成日期, 公开属性 and its basis, the file, the engine);
the findings table; the hidden-content table; the three signature blocks in order. Every run uses a
Noto CJK family (fonts-noto-cjk) so that Word, LibreOffice and the PDF made from it look alike.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from screening import labels
from screening.review.basis import BASES
from screening.review.enums import Carrier, Channel, OpinionKind, PublicAttribute
from screening.sheet.data import SHEET_TITLE, SheetData, SheetFinding, StageSignoff
from screening.types import Severity

SERIF = "Noto Serif CJK SC"     # body text (宋体-like)
SANS = "Noto Sans CJK SC"       # titles and labels (黑体-like)
CHECKED, UNCHECKED = "■", "□"   # both are in the Noto CJK fonts (☑ is not)
CHINA_TZ = timezone(timedelta(hours=8), "北京时间")
BLANK = "＿" * 8
BLANK_DATE = "　　　　年　　月　　日"
BLANK_DATETIME = "　　年　月　日　时　分"
LABEL_FILL = "EDEDED"
REGULATION_SHORT = "条例"


def render_docx(data: SheetData) -> bytes:
    doc = new_document()
    _setup(doc, data)
    _title(doc, data)
    _basic_table(doc, data)
    _heading(doc, "一、审查发现")
    _findings_table(doc, data.visible_findings, data, empty="未发现需要处置的内容。")
    _heading(doc, "二、隐藏内容（批注、修订痕迹、隐藏文字、文档属性等）")
    _findings_table(doc, data.hidden_findings, data, empty="未发现隐藏内容。")
    if data.notes:
        _heading(doc, "说明（已审查、无需处置的内容）")
        for note in data.notes:
            _run(doc.add_paragraph(), f"· {note}", size=10.5)
    if data.earlier:
        _heading(doc, "此前版本中的审查发现（已在新版本中修改或已区分处理）")
        _findings_table(doc, data.earlier, data, empty="无。")
    _heading(doc, "三、审查意见")
    _signoff_table(doc, data.signoffs)
    _note(doc, f"注：“{REGULATION_SHORT}”指《中华人民共和国政府信息公开条例》。个人信息和账号密码在本单中已按"
               "公开规范遮挡。本单与所审文件以 SHA-256 值对应，文件内容有任何改动须重新审查。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- formatting helpers

def set_fonts(rpr_owner, family: str) -> None:
    """Set all four font slots (ascii, hAnsi, eastAsia, cs) of a run or style to one family."""
    fonts = rpr_owner.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), family)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _setup(doc, data: SheetData) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    set_fonts(normal.element, SERIF)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    # The East-Asian language tag makes LibreOffice and Word pick CJK punctuation and line breaking.
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = SHEET_TITLE, "保密审查系统", ""
    props.comments = props.keywords = props.subject = ""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, f"{SHEET_TITLE}　文件 SHA-256：{data.file.sha256[:16]}…　第 ", size=8)
    _field(footer, "PAGE", size=8)
    _run(footer, " 页 共 ", size=8)
    _field(footer, "NUMPAGES", size=8)
    _run(footer, " 页", size=8)


def _run(paragraph, text: str, *, bold: bool = False, size: float | None = None, family: str = SERIF,
         color: str | None = None):
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    set_fonts(run._r, family)
    return run


def _field(paragraph, code: str, size: float) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {code} ")
    paragraph._p.append(fld)
    run = _run(paragraph, "1", size=size)
    fld.append(run._r)   # the cached result, shown until the field is updated


def _paragraph(cell, text: str, **kw):
    """A paragraph in a table cell: the cell's own empty first paragraph, then new ones."""
    paragraphs = cell.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].runs:
        paragraph = paragraphs[0]
    else:
        paragraph = cell.add_paragraph()
    _run(paragraph, text, **kw)
    return paragraph


def _title(doc, data: SheetData) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(6)
    _run(p, SHEET_TITLE, bold=True, size=18, family=SANS)
    meta = doc.add_paragraph()
    meta.paragraph_format.space_after = Pt(4)
    number = f"第 {data.case_id} 号" if data.case_id is not None else "（单次审查，未立案）"
    if data.version_number is not None:
        number += f"　第 {data.version_number} 版"
    _run(meta, f"审查编号：{number}", size=10)
    _run(meta, "　　　　填表日期：" + (_date(data.filled_on) if data.filled_on else BLANK_DATE), size=10)


def _heading(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(10)
    p.paragraph_format.space_after = Pt(4)
    p.paragraph_format.keep_with_next = True
    _run(p, text, bold=True, size=12, family=SANS)


def _note(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    _run(p, text, size=8.5, color="444444")


def _table(doc, widths_cm: Sequence[float], rows: int = 0):
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.style = doc.styles["Table Grid"]
    table.autofit = False   # w:tblLayout fixed: the grid below is what every renderer uses
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    table._widths = [Cm(w) for w in widths_cm]
    return table


def _add_row(table, height_cm: float | None = None):
    row = table.add_row()
    for cell, width in zip(row.cells, table._widths):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if height_cm:
        row.height = Cm(height_cm)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)
    return row


def _shade(cell, fill: str = LABEL_FILL) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(
        shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
        "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _label(cell, text: str, *, center: bool = True) -> None:
    p = _paragraph(cell, text, bold=True, family=SANS, size=10)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _shade(cell)


def _value(cell, text: str, *, size: float = 10.5, family: str = SERIF, bold: bool = False) -> None:
    lines = text.split("\n") if text else [""]
    for line in lines:
        _paragraph(cell, line, size=size, family=family, bold=bold)


def _merge(row, start: int, end: int):
    return row.cells[start].merge(row.cells[end])


def _boxes(options: Sequence[tuple[object, str]], selected) -> str:
    return "　".join(f"{CHECKED if value in selected else UNCHECKED}{label}" for value, label in options)


def _date(day: date | None) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日" if day else ""


def _datetime(at: datetime | None) -> str:
    if at is None:
        return ""
    if at.tzinfo is not None:
        at = at.astimezone(CHINA_TZ)
    return f"{at.year}年{at.month:02d}月{at.day:02d}日 {at.hour:02d}:{at.minute:02d}"


def _short_datetime(at: datetime | None) -> str:
    if at is None:
        return ""
    if at.tzinfo is not None:
        at = at.astimezone(CHINA_TZ)
    return at.strftime("%Y-%m-%d %H:%M")


def _or_blank(text: str) -> str:
    return text if text.strip() else BLANK


# ---------------------------------------------------------------- the three parts of the form

MAIN_WIDTHS = (2.9, 5.1, 2.9, 5.1)


def _pair_row(table, left: tuple[str, str], right: tuple[str, str] | None = None, *,
              value_size: float = 10.5, family: str = SERIF, height: float | None = 0.8) -> None:
    row = _add_row(table, height)
    _label(row.cells[0], left[0])
    if right is None:
        _value(_merge(row, 1, 3), left[1], size=value_size, family=family)
        return
    _value(row.cells[1], left[1], size=value_size, family=family)
    _label(row.cells[2], right[0])
    _value(row.cells[3], right[1], size=value_size, family=family)


def _basic_table(doc, data: SheetData) -> None:
    table = _table(doc, MAIN_WIDTHS)
    _pair_row(table, ("拟公开信息单位", _or_blank(data.unit)), ("部门", _or_blank(data.department)))
    _pair_row(table, ("信息名称", data.title))
    carrier = _boxes([(c, c.label) for c in Carrier], {data.carrier} if data.carrier else set())
    _pair_row(table, ("文号", data.doc_number or "无"), ("载体形式", carrier))
    channels = _boxes([(c, c.label) for c in Channel], set(data.channels))
    if Channel.OTHER in data.channels and data.channel_other:
        channels += f"（{data.channel_other}）"
    _pair_row(table, ("拟公开方式", channels))
    due = _date(data.due_date) or BLANK
    if data.due_note:
        due += f"\n（{data.due_note}）"
    _pair_row(table, ("拟公开时间", _date(data.planned_date) or BLANK), ("最迟公开日", due))
    _pair_row(table, ("拟稿人", _or_blank(data.drafter)), ("形成日期", _date(data.formed_on) or BLANK))
    attribute = _boxes([(a, a.value) for a in PublicAttribute],
                       {data.public_attribute} if data.public_attribute else set())
    if data.public_suggested:
        attribute += "（系统建议，待承办人确认）"
    _pair_row(table, ("公开属性", attribute))
    basis = data.public_basis_text
    if data.public_reason:
        basis = f"{basis}\n{data.public_reason}" if basis else data.public_reason
    _pair_row(table, ("公开属性依据", _or_blank(basis)), value_size=9.5)
    _pair_row(table, ("所审文件", data.file.name))
    size = f"{data.file.size:,} 字节" if data.file.size is not None else "—"
    pages = str(data.file.pages) if data.file.pages is not None else "—"
    _pair_row(table, ("文件大小", size), (f"页数（{data.file.format or '—'}）", pages))
    _pair_row(table, ("SHA-256", data.file.sha256), value_size=8.5, family=SANS)
    _pair_row(table, ("审查引擎版本", data.versions.text), value_size=9)
    counts = data.counts()
    verdict = labels.VERDICT[data.verdict] if data.verdict else "—"
    summary = (f"{verdict}：共 {len(data.findings)} 项，其中高 {counts[Severity.HIGH]} 项、"
               f"中 {counts[Severity.MEDIUM]} 项、低 {counts[Severity.LOW]} 项")
    _pair_row(table, ("自动审查结论", summary))
    if data.status:
        _pair_row(table, ("办理状态", data.status))


FINDING_WIDTHS = (1.1, 2.3, 2.2, 3.4, 2.0, 2.0, 3.0)
FINDING_HEADERS = ("序号", "类别", "位置", "标记内容及原因", "依据", "处置情况", "处置人及理由")


def _findings_table(doc, findings: Sequence[SheetFinding], data: SheetData, *, empty: str) -> None:
    if not findings:
        p = doc.add_paragraph()
        _run(p, empty, size=10.5)
        return
    table = _table(doc, FINDING_WIDTHS)
    header = _add_row(table, 0.7)
    for cell, text in zip(header.cells, FINDING_HEADERS):
        _label(cell, text)
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))   # repeated on every page
    for number, finding in enumerate(findings, 1):
        row = _add_row(table)
        _value(row.cells[0], str(number), size=9)
        row.cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _value(row.cells[1], f"{finding.category_label}\n（{labels.SEVERITY[finding.severity]}）", size=9)
        _value(row.cells[2], finding.where, size=9)
        cell = row.cells[3]
        _value(cell, finding.shown_text(data.mask_policy), size=9, bold=True)
        reason = "；".join(x for x in (finding.message, finding.why) if x)
        if reason:
            _paragraph(cell, reason, size=8, color="444444")
        basis = BASES.get(finding.basis)
        _value(row.cells[4], f"{REGULATION_SHORT}{basis.article}" if basis else (finding.basis or "—"), size=9)
        disposition = finding.disposition
        _value(row.cells[5], disposition.action.label if disposition else "待处置", size=9)
        if disposition:
            lines = (disposition.by, _short_datetime(disposition.at), disposition.reason)
            _value(row.cells[6], "\n".join(x for x in lines if x) or "—", size=8)
        else:
            _value(row.cells[6], "", size=8.5)


def _signoff_table(doc, signoffs: Sequence[StageSignoff]) -> None:
    """One table per stage, each kept on one page (keep-with-next on all but its last row)."""
    for signoff in signoffs:
        table = _table(doc, MAIN_WIDTHS)
        head = _add_row(table, 0.7)
        cell = _merge(head, 0, 3)
        _label(cell, signoff.heading, center=False)
        row = _add_row(table, 0.8)
        _label(row.cells[0], "审查意见")
        opinion = _boxes([(o, o.value) for o in OpinionKind], {signoff.opinion} if signoff.opinion else set())
        if signoff.returned:
            opinion += "　（已退回承办人修改）"
        _value(_merge(row, 1, 3), opinion)
        row = _add_row(table, 0.8 if signoff.reason else 2.4)   # room to write by hand
        _label(row.cells[0], "依据和理由")
        _value(_merge(row, 1, 3), signoff.reason)
        row = _add_row(table, 0.9)
        _label(row.cells[0], "签名")
        _value(row.cells[1], signoff.name)
        _label(row.cells[2], "日期时间")
        _value(row.cells[3], _datetime(signoff.at) if signoff.at else BLANK_DATETIME)
        for row in table.rows[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        spacer = doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(4)
