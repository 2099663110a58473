"""A 低保公示 as a real docx (python-docx): a heading, a 文号 line and a table of N households with
valid, distinct ID numbers — the document of the bulk-action and table tests."""
from __future__ import annotations

from pathlib import Path

from screening.validators import gb11643_check_digit
from tests.docgen import make_docx

TITLE = "关于2026年第四季度城乡最低生活保障对象的公示"
DOC_NUMBER = "某民发〔2026〕12号"


def id_number(i: int) -> str:
    first17 = f"110105{1950 + i % 50:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return first17 + gb11643_check_digit(first17)


def gongshi_rows(n: int) -> list[list[str]]:
    return [["序号", "户主姓名", "身份证号", "保障金额（元）"]] + [
        [str(i), f"户主{i}", id_number(i), str(600 + i)] for i in range(1, n + 1)]


def make_gongshi(path: str | Path, n: int = 100) -> bytes:
    return make_docx(path, paragraphs=[TITLE, DOC_NUMBER, "经审核，以下对象符合最低生活保障条件，现予公示。"],
                     table=gongshi_rows(n))
