"""The print view of the review sheet shows where each finding stands in the document as the case
page does (issue 14): a table's cells as an HTML table, the finding highlighted in its own cell,
and the flagged personal data masked as the sheet prints it."""
from __future__ import annotations

import re

import pytest

from tests.tabledocs import table_xlsx
from tests.ui.gongshi import gongshi_rows, id_number, make_gongshi

TABLE = re.compile(r'<table class="doc-table">.*?</table>', re.S)


def _cells(table_html: str) -> list[list[str]]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table_html, re.S)
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in rows]


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_the_print_view_shows_a_table_with_the_finding_in_its_cell(as_user, svc, people, tmp_path, kind):
    if kind == "docx":
        data, name = make_gongshi(tmp_path / "公示.docx", 3), "公示.docx"
    else:
        data, name = table_xlsx(gongshi_rows(3)), "公示.xlsx"
    case = svc.open_case(people["zhang"], title="低保公示", data=data, filename=name)
    html = as_user("li").get(f"/cases/{case.case_id}/print").get_data(as_text=True)

    assert "审查发现在原文中的位置（摘录）" in html
    [table] = TABLE.findall(html)
    rows = _cells(table)
    assert "户主姓名" in rows[0][2] and "身份证号" in rows[0][3]            # the header row, as a header
    assert len(rows) == 4 and all("户主" in r[2] for r in rows[1:])
    for number in (1, 2, 3):
        row = next(r for r in rows if f"户主{number}" in r[2])
        id_cell = row[3]
        assert '<mark class="hl c-personal_info' in id_cell                  # highlighted in its cell
        assert id_number(number)[:6] in id_cell and id_number(number) not in id_cell   # masked
        assert "<mark" not in row[2]                                          # the name cell is not marked
    assert re.search(r'<td class="marked">[^<]*<a class="sev-badge s-high"', table)
    assert all(id_number(n) not in html for n in (1, 2, 3))                  # nowhere on the sheet


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_cell_finding_is_located_by_table_row_and_header_on_the_sheet_and_in_the_api(
        as_user, svc, people, tmp_path, kind):
    """The stored finding keeps its cell (SPEC §3 `table`, `row`, `column`, `header`, `sheet`): the
    review sheet's findings table says "表1 第2行 身份证号", not "表格 第7段", as the report does."""
    from screening.web.sheets import sheet_data

    if kind == "docx":
        data, name = make_gongshi(tmp_path / "公示.docx", 3), "公示.docx"
    else:
        data, name = table_xlsx(gongshi_rows(3)), "公示.xlsx"
    case = svc.open_case(people["zhang"], title="低保公示", data=data, filename=name)
    view = svc.case_view(case.case_id)
    ids = [f for f in view["findings"] if f["rule"] == "pii.id_card"]
    assert len(ids) == 3 and {(f["location"]["row"], f["location"]["header"]) for f in ids} >= {(2, "身份证号")}
    html = as_user("li").get(f"/cases/{case.case_id}/print").get_data(as_text=True)
    findings_table = html.split("审查发现在原文中的位置")[0]
    assert ("第2行" if kind == "docx" else "工作表“") in findings_table
    assert "身份证号" in findings_table and "表格 第" not in findings_table
    assert all(f.location.cell is not None for f in sheet_data(view).findings if f.rule == "pii.id_card")
