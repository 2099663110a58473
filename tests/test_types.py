"""SPEC §3 additions: cell/sheet/member/box locations and the `hint` flag."""
from __future__ import annotations

import pytest

from screening.types import (Block, Category, CellRef, DocumentInfo, Finding, Location, Part, PartKind, Report,
                             Severity, Source)


def _finding(severity: Severity, hint: bool = False) -> Finding:
    return Finding(rule="model.work_secret", category=Category.WORK_SECRET, subtype=None, severity=severity,
                   source=Source.CLASSIFIER, text="拟于下月调整", location=Location(PartKind.BODY, 1, 1, 0, 6),
                   message="", suggestion="", confidence=0.5, hint=hint)


def test_a_finding_in_a_cell_carries_table_row_column_header_and_sheet():
    cell = CellRef(table=2, row=5, column=3, header="证件号码", sheet="公示名单")
    part = Part(PartKind.TABLE, "张三\t110105194912310021", (Block(None, 1, 0, 2), Block(None, 2, 3, 21, cell=cell)))
    location = Location.within(part, 3, 21)
    out = location.to_dict()
    assert (out["table"], out["row"], out["column"], out["header"], out["sheet"]) == (2, 5, 3, "证件号码", "公示名单")
    assert Location.from_dict(out) == location
    assert "row" not in Location.within(part, 0, 2).to_dict()


def test_member_and_box_are_reported_only_where_they_apply():
    part = Part(PartKind.ATTACHMENT, "账号 admin", (Block(1, 1, 0, 8, member="附件1.xlsx", box=(1.0, 2.0, 30.5, 9.25)),))
    out = Location.within(part, 0, 2).to_dict()
    assert out["member"] == "附件1.xlsx" and out["box"] == [1.0, 2.0, 30.5, 9.2]


def test_hints_do_not_change_the_verdict():
    info = DocumentInfo("a.txt", "0" * 64, "txt", None, 6)
    assert str(Report(info, (_finding(Severity.LOW, hint=True),)).verdict) == "pass"
    assert str(Report(info, (_finding(Severity.LOW),)).verdict) == "review"
    assert _finding(Severity.LOW, hint=True).to_dict()["hint"] is True
    assert "hint" not in _finding(Severity.LOW).to_dict()


def test_only_low_findings_can_be_hints():
    with pytest.raises(ValueError):
        _finding(Severity.MEDIUM, hint=True)


def test_a_block_crosses_the_sandbox_pipe_with_every_field():
    """Blocks travel from the extraction child by pickle: no location field may be lost on the way."""
    import dataclasses
    import pickle

    from screening.types import REGION_CHROME, Block, CellRef

    block = Block(2, 7, 10, 20, "标签", CellRef(1, 3, 2, "身份证号", "名单"), "附件.docx", (1.0, 2.0, 3.0, 4.0),
                  REGION_CHROME)
    assert pickle.loads(pickle.dumps(block)) == block
    assert {f.name for f in dataclasses.fields(Block)} == {
        "page", "paragraph", "start", "end", "label", "cell", "member", "box", "region"}
