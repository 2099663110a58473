"""Tables kept as tables in docx and PDF extraction: one block per cell with its CellRef (table,
row, column, header), merged cells at their first column, a row read across as one line."""
from __future__ import annotations

import pytest

from screening.extract import extract_bytes
from screening.types import CellRef, PartKind

from tests.docgen import make_docx
from tests.tabledocs import table_docx, table_pdf

ROWS = [["2024年第三季度低保对象名册", "", "", ""],
        ["序", "名录", "证照", "居所"],
        ["1", "王建国", "11010519491231002X", "燕山新村12栋3单元301室"],
        ["2", "欧阳娜娜", "110105194912310021", "石桥村三组25号"]]
MAKERS = {"docx": lambda rows, **kw: table_docx(rows, merges=[(0, 0, 0, 3)], **kw),
          "pdf": lambda rows, **kw: table_pdf(rows, spans=[(0, 0, 0, 3)], **kw)}


def cells(doc) -> dict[str, CellRef]:
    part = next(p for p in doc.parts if p.kind is PartKind.TABLE)
    return {part.text[b.start:b.end]: b.cell for b in part.blocks}


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_each_cell_knows_table_row_column_and_header(fmt):
    doc = extract_bytes(MAKERS[fmt](ROWS, before=["关于低保对象的公示"], after=["特此公示。"]), f"list.{fmt}")
    found = cells(doc)
    assert found["王建国"] == CellRef(1, 3, 2, "名录")
    assert found["11010519491231002X"] == CellRef(1, 3, 3, "证照")
    assert found["石桥村三组25号"] == CellRef(1, 4, 4, "居所")
    assert found["名录"] == CellRef(1, 2, 2, None)                # a header cell names no header
    assert found["2024年第三季度低保对象名册"] == CellRef(1, 1, 1, None)   # the merged title row


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_the_table_text_reads_across_a_row_and_is_not_repeated_in_the_body(fmt):
    doc = extract_bytes(MAKERS[fmt](ROWS, before=["关于低保对象的公示"], after=["特此公示。"]), f"list.{fmt}")
    table = next(p for p in doc.parts if p.kind is PartKind.TABLE).text
    assert "1\t王建国\t11010519491231002X\t燕山新村12栋3单元301室" in table.split("\n")
    body = next(p for p in doc.parts if p.kind is PartKind.BODY).text
    assert "关于低保对象的公示" in body and "特此公示" in body and "王建国" not in body


def test_docx_vertical_and_horizontal_merges_keep_the_grid_columns():
    rows = [["户主", "成员", "证照", "备注"],
            ["李大山", "李小河", "11010519491231002X", "低保"],
            ["", "王秀英", "110105194912310021", ""]]
    doc = extract_bytes(table_docx(rows, merges=[(1, 0, 2, 0), (1, 3, 2, 3)]), "family.docx")
    found = cells(doc)
    assert found["李大山"] == CellRef(1, 2, 1, "户主")
    assert found["王秀英"] == CellRef(1, 3, 2, "成员")            # beside the merged cell, column kept
    assert found["110105194912310021"] == CellRef(1, 3, 3, "证照")


def test_a_table_without_header_row_gives_no_header():
    rows = [["王建国", "11010519491231002X", "13812345678"], ["李秀英", "110105194912310021", "13912345678"]]
    found = cells(extract_bytes(table_docx(rows), "plain.docx"))
    assert found["王建国"] == CellRef(1, 1, 1, None) and found["13912345678"] == CellRef(1, 2, 3, None)


def test_docx_nested_tables_are_tables_of_their_own():
    doc = extract_bytes(make_docx(table=[["外层", [["内层甲", "内层乙"], ["1", "2"]]], ["a", "b"]]), "n.docx")
    found = cells(doc)
    assert found["外层"].table != found["内层乙"].table
    assert (found["内层乙"].row, found["内层乙"].column) == (1, 2)
