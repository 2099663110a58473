"""Title and 文号 taken from the top of a document, as the defaults of a new case."""
from __future__ import annotations

import pytest

from screening.pipeline import text_document
from screening.web.ui.docmeta import document_defaults


@pytest.mark.parametrize("text,title,number", [
    ("某县人民政府办公室\n某府办〔2026〕12号\n关于做好冬季安全生产工作的通知\n各乡镇：\n现将有关事项通知如下。",
     "关于做好冬季安全生产工作的通知", "某府办〔2026〕12号"),
    ("2026年第四季度低保对象公示\n经审核，以下对象符合条件。", "2026年第四季度低保对象公示", None),
    ("机密★1年\n某某工作方案\n一、总体要求。", "某某工作方案", None),
    ("各单位：\n请于本周五前报送材料。", None, None),
    ("市财政局文件\n市财〔 2025 〕第 7 号\n关于下达资金的批复", "关于下达资金的批复", "市财〔2025〕第7号"),
])
def test_defaults(text, title, number):
    assert document_defaults(text_document(text, "x.txt")) == (title, number)
