"""Spreadsheets: every cell located by sheet, row, column and header; what a workbook hides is read.

The 公示 lists are written with openpyxl in the test and converted by LibreOffice to .xls and
.ods; the ID numbers sit in a hidden column, so a reader of the published file does not see them."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from office import requires_calc, soffice_convert
from shared import THIRDPARTY, require_shared

from screening.extract import extract_bytes, extract_isolated
from screening.pipeline import screen_bytes
from screening.types import PartKind

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
HEADER = ["序号", "姓名", "性别", "身份证号", "家庭住址"]


def gongshi_xlsx(rows: int = 5) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示名单"
    ws.append(["2025年城乡低保对象公示"])
    ws.append(HEADER)
    for i in range(rows):
        ws.append([i + 1, f"王{i}", "女", ID_NUMBER, "某街道某社区"])
    ws.column_dimensions["D"].hidden = True
    ws["B3"].comment = Comment("本人要求不公开", "经办人李四")
    ws["F3"] = '="联系电话"&"' + PHONE + '"'
    inner = wb.create_sheet("内部")
    inner.append(["联系人", "手机"])
    inner.append(["赵六", PHONE])
    inner.sheet_state = "hidden"
    wb.defined_names["审批人"] = DefinedName("审批人", attr_text='"周七"')
    wb.properties.creator = "张三"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def as_xls_and_ods(folder, name: str, xlsx: bytes) -> dict[str, bytes]:
    """{"xlsx": xlsx} and, where LibreOffice Calc is installed, its conversions to .xls and .ods."""
    source = folder / name
    source.write_bytes(xlsx)
    out = {"xlsx": xlsx}
    if not requires_calc.args[0]:
        for target in ("xls", "ods"):
            out[target] = soffice_convert([source], target, folder)[0].read_bytes()
    return out


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    return as_xls_and_ods(tmp_path_factory.mktemp("sheets"), "公示.xlsx", gongshi_xlsx())


def _id_findings(report):
    return [f for f in report.findings if f.rule == "pii.id_card"]


@pytest.mark.parametrize("fmt, name", [
    ("xlsx", "公示.xlsx"),
    pytest.param("xls", "公示.xls", marks=requires_calc),
    pytest.param("xls", "公示.et", marks=requires_calc),
    pytest.param("ods", "公示.ods", marks=requires_calc),
])
def test_an_id_number_in_a_hidden_column_is_found_with_its_cell(books, fmt, name, engine):
    report = screen_bytes(books[fmt], name, engine=engine)
    assert report.document.format == name.rsplit(".", 1)[1]
    found = _id_findings(report)
    assert len(found) == 5
    first = found[0].location.to_dict()
    assert first["part"] == "hidden"
    assert (first["sheet"], first["row"], first["column"], first["header"]) == ("公示名单", 3, 4, "身份证号")
    assert report.verdict == "block"
    hidden_column = [f for f in report.findings if f.rule == "hidden.text" and "隐藏的 D 列" in f.message]
    assert len(hidden_column) == 1          # one structure finding for the column, not one per cell


@pytest.mark.parametrize("fmt", ["xlsx", pytest.param("xls", marks=requires_calc)])
def test_hidden_sheets_comments_names_and_properties(books, fmt, engine):
    report = screen_bytes(books[fmt], f"公示.{fmt}", engine=engine)
    phone = [f for f in report.findings if f.rule.startswith("pii.") and f.text == PHONE
             and f.location.cell is not None and f.location.cell.sheet == "内部"]
    assert phone and phone[0].location.part is PartKind.HIDDEN
    assert (phone[0].location.cell.row, phone[0].location.cell.column, phone[0].location.cell.header) == (2, 2, "手机")
    comment = next(f for f in report.findings if f.rule == "hidden.comment")
    assert "本人要求不公开" in comment.text and comment.location.cell.row == 3 and comment.location.cell.column == 2
    if fmt == "xlsx":   # an .xls written by LibreOffice keeps its author where xlrd does not read it
        assert any(f.rule == "hidden.metadata" and "张三" in f.text for f in report.findings)
    doc = extract_bytes(books[fmt], f"公示.{fmt}")
    metadata = next(p.text for p in doc.parts if p.kind is PartKind.METADATA)
    assert "定义的名称“审批人”" in metadata and "周七" in metadata


def test_a_formula_keeps_its_text_beside_the_value():
    doc = extract_bytes(gongshi_xlsx(), "公示.xlsx")
    metadata = next(p for p in doc.parts if p.kind is PartKind.METADATA)
    assert f'F3 单元格公式：="联系电话"&"{PHONE}"' in metadata.text
    block = next(b for b in metadata.blocks if "F3" in metadata.text[b.start:b.end])
    assert (block.cell.sheet, block.cell.row, block.cell.column) == ("公示名单", 3, 6)


def test_the_text_view_reads_across_a_row():
    doc = extract_bytes(gongshi_xlsx(), "公示.xlsx")
    table = next(p for p in doc.parts if p.kind is PartKind.TABLE)
    assert "序号\t姓名\t性别\t家庭住址\n1\t王0\t女\t某街道某社区" in table.text
    cell = next(b for b in table.blocks if table.text[b.start:b.end] == "王0")
    assert (cell.cell.row, cell.cell.column, cell.cell.header, cell.cell.table) == (3, 2, "姓名", 1)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_cells_are_located_in_any_chinese_encoding(encoding, engine):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerow([1, "王五", "男", ID_NUMBER, "某街道"])
    report = screen_bytes(buffer.getvalue().encode(encoding), "名单.csv", engine=engine)
    assert report.document.format == "csv"
    found = _id_findings(report)[0].location.to_dict()
    assert (found["part"], found["row"], found["column"], found["header"]) == ("table", 2, 4, "身份证号")


def test_a_2000_row_list_is_screened_in_the_sandbox(engine):
    data = gongshi_xlsx(rows=2000)
    doc = extract_isolated(data, "公示.xlsx")
    report = engine.screen(doc)
    assert len(_id_findings(report)) == 2000
    assert _id_findings(report)[-1].location.cell.row == 2002


def test_macros_of_a_real_xlsm_are_hidden_content(engine):
    path = require_shared(THIRDPARTY / "poi" / "test-data__spreadsheet__SimpleMacro.xlsm")
    report = screen_bytes(path.read_bytes(), path.name, engine=engine)
    assert report.document.format == "xlsm"
    macro = next(f for f in report.findings if f.location.part is PartKind.HIDDEN and "Sub TestMacro()" in f.text)
    assert "删除文件中的宏" in macro.suggestion


def _styled_xlsx() -> bytes:
    """A `;;;` number format, white text (theme "背景 1") on no fill and text in its solid fill's
    colour show nothing in Excel; a click shows the cell. White on black and a `;;` format on
    text (it hides numbers only) stay visible."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.styles.colors import Color

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "身份证号", "联系电话", "银行卡号", "备注"])
    ws.append(["王建国", ID_NUMBER, PHONE, "经办人赵六", "城南街道"])
    ws.append(["李秀英", "（未填）", "（未填）", "（未填）", "城北街道"])
    ws["B2"].number_format = ";;;"
    ws["C2"].font = Font(color=Color(theme=0))
    ws["D2"].font = Font(color="FFC00000")
    ws["D2"].fill = PatternFill("solid", fgColor="FFC00000")
    ws["A3"].font = Font(color="FFFFFFFF")
    ws["A3"].fill = PatternFill("solid", fgColor="FF000000")
    ws["E3"].number_format = ";;"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def styled_books(tmp_path_factory):
    return as_xls_and_ods(tmp_path_factory.mktemp("styled"), "名单.xlsx", _styled_xlsx())


@pytest.mark.parametrize("fmt", ["xlsx", pytest.param("xls", marks=requires_calc),
                                 pytest.param("ods", marks=requires_calc)])
def test_cells_a_style_shows_as_nothing_are_hidden_content(styled_books, fmt, engine):
    doc = extract_bytes(styled_books[fmt], f"名单.{fmt}")
    hidden = next(p for p in doc.parts if p.kind is PartKind.HIDDEN)
    cells = {(b.cell.row, b.cell.column): (hidden.text[b.start:b.end], b.label) for b in hidden.blocks}
    expected = {(2, 2): (ID_NUMBER, "工作表“名单” B 列中自定义格式“;;;”不显示内容的单元格"),
                (2, 3): (PHONE, "工作表“名单” C 列中字体颜色与单元格底色相同的单元格"),
                (2, 4): ("经办人赵六", "工作表“名单” D 列中字体颜色与单元格底色相同的单元格")}
    if fmt == "xls":     # LibreOffice writes `;;` into an .xls as `;;;`, which Excel shows as nothing too
        expected[3, 5] = ("城北街道", "工作表“名单” E 列中自定义格式“;;;”不显示内容的单元格")
    assert cells == expected
    table = next(p for p in doc.parts if p.kind is PartKind.TABLE)
    assert "李秀英" in table.text and ID_NUMBER not in table.text
    report = engine.screen(doc)
    found = next(f for f in report.findings if f.rule == "pii.id_card")
    where = found.location.to_dict()
    assert (where["part"], where["sheet"], where["row"], where["column"], where["header"]) == (
        "hidden", "名单", 2, 2, "身份证号")
    assert "自定义格式“;;;”不显示内容" in found.message
    assert any(f.rule == "hidden.text" and f.text == "经办人赵六" and "字体颜色与单元格底色相同" in f.message
               for f in report.findings)


def gongshi_xls() -> bytes:
    """The same 公示 as a BIFF8 .xls written by xlwt (no LibreOffice needed): ID column hidden, a
    hidden sheet with a phone number, a date cell."""
    import datetime

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("公示名单")
    ws.write(0, 0, "2025年城乡低保对象公示")
    for c, text in enumerate(HEADER):
        ws.write(1, c, text)
    for i in range(5):
        for c, value in enumerate([i + 1, f"王{i}", "女", ID_NUMBER, "某街道某社区"]):
            ws.write(2 + i, c, value)
    ws.write(2, 5, datetime.date(2025, 3, 1), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    ws.col(3).hidden = True
    inner = book.add_sheet("内部")
    inner.write(0, 0, "联系人")
    inner.write(0, 1, "手机")
    inner.write(1, 0, "赵六")
    inner.write(1, 1, int(PHONE))                # typed as a number, as people do
    inner.visibility = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["公示.xls", "公示.et"])
def test_an_xls_written_by_xlwt_is_read_by_xlrd_with_its_hidden_column_and_sheet(name, engine):
    report = screen_bytes(gongshi_xls(), name, engine=engine)
    assert report.document.format == name.rsplit(".", 1)[1]
    found = _id_findings(report)
    assert len(found) == 5
    first = found[0].location.to_dict()
    assert (first["part"], first["sheet"], first["row"], first["column"], first["header"]) == (
        "hidden", "公示名单", 3, 4, "身份证号")
    phone = next(f for f in report.findings if f.rule.startswith("pii.") and f.text == PHONE)
    assert phone.location.cell.sheet == "内部" and phone.location.part is PartKind.HIDDEN
    doc = extract_bytes(gongshi_xls(), name)
    table = next(p for p in doc.parts if p.kind is PartKind.TABLE)
    assert "1\t王0\t女\t某街道某社区\t2025-03-01" in table.text


def _margined_book(footer: str) -> openpyxl.Workbook:
    """A sheet 名单 whose printed pages carry a header "内部资料 注意保密" and `footer` on the right."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["序号", "名录"])
    ws.append(["1", "张某"])
    ws.oddHeader.center.text = "内部资料 注意保密"
    ws.oddFooter.right.text = footer
    return wb


def test_printed_headers_footers_and_drop_down_choices_are_read(engine):
    """What the printed sheet carries in its margins (页眉/页脚) and what a drop-down list offers
    (data validation "王建国,李秀英…", seen only on clicking the cell) are screened too."""
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = _margined_book(f"经办人手机{PHONE} 第&P页")
    choices = DataValidation(type="list", formula1=f'"{ID_NUMBER},110101199003071234"')
    wb.active.add_data_validation(choices)
    choices.add("B2:B10")
    buffer = io.BytesIO()
    wb.save(buffer)
    doc = extract_bytes(buffer.getvalue(), "名单.xlsx")
    parts = {p.kind: p for p in doc.parts}
    assert parts[PartKind.HEADER].text == "内部资料 注意保密"
    assert parts[PartKind.FOOTER].text == f"经办人手机{PHONE} 第 页"          # the page number code dropped
    assert ID_NUMBER in parts[PartKind.HIDDEN].text and "下拉列表" in parts[PartKind.HIDDEN].blocks[0].label
    found = {(f.subtype, f.location.part) for f in engine.screen(doc).findings}
    assert ("id_card", PartKind.HIDDEN) in found and ("phone", PartKind.FOOTER) in found


def _margins_xlsx() -> bytes:
    wb = _margined_book(f"经办人身份证号{ID_NUMBER} 第&P页")
    wb.create_sheet("说明").append(["填表说明", "按实填写"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _margins_xlwt() -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("名单")
    for r, row in enumerate([["序号", "名录"], ["1", "张某"]]):
        for c, text in enumerate(row):
            ws.write(r, c, text)
    # xlwt 1.3's header_str/footer_str setters fail on Python 3 for any str (they re-decode it):
    # the attributes they would set, set directly
    ws._Worksheet__header_str = "&C内部资料 注意保密"
    ws._Worksheet__footer_str = f"&R经办人身份证号{ID_NUMBER} 第&P页"
    book.add_sheet("说明").write(0, 0, "填表说明")      # xlwt's own margins: &P and &F, nothing printed as text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def margin_books(tmp_path_factory):
    return {**as_xls_and_ods(tmp_path_factory.mktemp("margins"), "名单.xlsx", _margins_xlsx()),
            "xlwt.xls": _margins_xlwt()}


@pytest.mark.parametrize("made", ["xlwt.xls", pytest.param("xls", marks=requires_calc),
                                  pytest.param("ods", marks=requires_calc)])
def test_printed_headers_and_footers_of_xls_and_ods_are_read(margin_books, made, engine):
    """An ID number in the footer every printed page of an .xls or .ods carries is found there."""
    fmt = made.rpartition(".")[2]
    doc = extract_bytes(margin_books[made], f"名单.{fmt}")
    parts = {p.kind: p for p in doc.parts}
    assert parts[PartKind.HEADER].text == "内部资料 注意保密"
    assert parts[PartKind.FOOTER].text == f"经办人身份证号{ID_NUMBER} 第 页"       # the page number code dropped
    assert parts[PartKind.FOOTER].blocks[0].label == "工作表“名单”打印时的页脚"
    assert len(parts[PartKind.FOOTER].blocks) == 1       # the sheet 说明 prints no text of its own
    found = next(f for f in engine.screen(doc).findings if f.rule == "pii.id_card")
    assert found.location.part is PartKind.FOOTER and found.text == ID_NUMBER
