"""The monthly 保密审查汇总表 as xlsx and docx, from rows built as the review layer would."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from screening.review.enums import Channel, PublicAttribute
from screening.sheet import Summary, SummaryRow, summary_docx, summary_xlsx
from screening.sheet.summary import COLUMNS

ROWS = (
    SummaryRow(date(2025, 3, 20), "关于2025年度城乡居民医疗救助对象的公示", Channel.WEBSITE, PublicAttribute.PROACTIVE,
               "区分处理后公开", "某医保发〔2025〕8号", "张承办", "李审核", "王审发", case_id=42),
    SummaryRow(date(2025, 3, 3), "2025年一季度政府信息公开工作情况", Channel.BULLETIN, PublicAttribute.PROACTIVE,
               "同意公开", "", "赵承办", "钱审核", "孙审发", note="无"),
)


@pytest.fixture
def summary() -> Summary:
    return Summary("某市医疗保障局", "2025-03", ROWS, prepared_by="周保密", prepared_on=date(2025, 4, 2))


def test_rows_are_sorted_by_date_and_titled(summary):
    assert [r.published_on.day for r in summary.rows] == [3, 20]
    assert summary.title == "某市医疗保障局2025年3月政府信息公开保密审查汇总表"


def test_xlsx(summary):
    ws = load_workbook(io.BytesIO(summary_xlsx(summary))).active
    assert ws.title == "2025-03"
    assert ws["A1"].value == summary.title
    assert [c.value for c in ws[2]] == list(COLUMNS)
    first = [c.value for c in ws[3]]
    assert first[0] == 1 and first[1].date() == date(2025, 3, 3)
    assert first[2:] == ["2025年一季度政府信息公开工作情况", "无", "政府公开栏", "主动公开", "赵承办", "钱审核", "孙审发",
                         "同意公开", "无"]
    second = [c.value for c in ws[4]]
    assert second[3] == "某医保发〔2025〕8号" and second[9] == "区分处理后公开" and second[10] == "审查编号 42"
    assert ws["A5"].value.startswith("本月公开信息共 2 条。填报人：周保密")
    assert ws.freeze_panes == "A3" and ws.page_setup.orientation == "landscape"


def test_docx(summary):
    doc = Document(io.BytesIO(summary_docx(summary)))
    assert doc.paragraphs[0].text == summary.title
    (table,) = doc.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == list(COLUMNS)
    assert rows[1][:3] == ["1", "2025-03-03", "2025年一季度政府信息公开工作情况"]
    assert rows[2][6:10] == ["张承办", "李审核", "王审发", "区分处理后公开"]
    assert doc.sections[0].page_width > doc.sections[0].page_height   # landscape
    assert "共 2 条" in doc.paragraphs[-1].text


def test_an_empty_month_still_files_a_table():
    empty = Summary("某市医疗保障局", "2025-02")
    doc = Document(io.BytesIO(summary_docx(empty)))
    assert doc.tables[0].rows[1].cells[0].text == "本月无公开信息。"
    ws = load_workbook(io.BytesIO(summary_xlsx(empty))).active
    assert ws["A3"].value.startswith("本月公开信息共 0 条")


@pytest.mark.parametrize(("month", "rows", "message"), [
    ("2025-3", (), "YYYY-MM"),
    ("2025-13", (), "YYYY-MM"),
    ("2025-04", ROWS, "不在"),
])
def test_summary_validates(month, rows, message):
    with pytest.raises(ValueError, match=message):
        Summary("某单位", month, rows)
