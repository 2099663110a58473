"""The monthly 保密审查汇总表 exported from the recorded cases (xlsx and docx, CLI)."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import openpyxl

from screening.review import provisioning
from screening.review.db import Database, upgrade
from screening.review.monthly import monthly_summary, previous_month, render
from tests.review.review_helpers import approve_all, open_clean

UNIT = "某市人民政府办公室"


def test_previous_month():
    assert (previous_month("2026-01"), previous_month("2026-11")) == ("2025-12", "2026-10")


def test_items_published_in_the_month_with_their_signers(svc, org, clock, database):
    late = open_clean(svc, org, title="十一月审发、十二月公开", planned_on=date(2026, 12, 2))
    approve_all(svc, org, late)
    on_time = open_clean(svc, org, title="供暖通知", doc_number="某政办〔2026〕1号")
    approve_all(svc, org, on_time)
    november, december = (monthly_summary(database, UNIT, m) for m in ("2026-11", "2026-12"))
    assert [r.title for r in november.rows] == ["供暖通知"]
    assert [r.title for r in december.rows] == ["十一月审发、十二月公开"]
    sheet = openpyxl.load_workbook(io.BytesIO(render(november, "xlsx")[0])).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "供暖通知" in values and "某政办〔2026〕1号" in values and {"ZHANG", "LI", "WANG"} <= set(values)
    table_text = "".join(cell.text for t in docx.Document(io.BytesIO(render(november, "docx")[0])).tables
                         for row in t.rows for cell in row.cells)
    assert "供暖通知" in table_text


def test_the_summary_counts_returned_blocked_escalated_and_quarantined_beside_published(svc, org, database):
    from tests.review.review_helpers import WITH_ID

    published = open_clean(svc, org, title="供暖通知")
    approve_all(svc, org, published)
    returned = open_clean(svc, org, title="退回的通知")
    svc.sign(org.drafter, returned, stage="drafter", decision="approve")
    svc.sign(org.head, returned, stage="head", decision="return", opinion="请修改")
    blocked = svc.open_case(org.drafter, title="含身份证号", data=WITH_ID.encode(), filename="a.txt")
    svc.escalate(org.officer, blocked.case_id, question="是否涉密？")
    svc.open_case(org.drafter, title="内部通报", data="机密★1年\n内部通报".encode(), filename="m.txt")
    november = monthly_summary(database, UNIT, "2026-11")
    assert [r.title for r in november.rows] == ["供暖通知"]
    assert dict(november.others) == {"退回": 1, "筛查拦截": 1, "报请确定": 1, "隔离": 1}
    assert "本月公开信息共 1 条。另：退回 1 件、筛查拦截 1 件、报请确定 1 件、隔离 1 件。" in november.footer


def test_summary_command_writes_the_file(tmp_path: Path):
    instance = tmp_path / "instance"
    env = {**os.environ, "SCREENING_INSTANCE": str(instance), "PYTHONWARNINGS": "ignore"}
    env.pop("DATABASE_URL", None)
    script = Path(sys.executable).with_name("screening")
    assert subprocess.run([str(script), "init"], env=env, capture_output=True).returncode == 0
    db = Database.from_url(f"sqlite:///{instance / 'screening.db'}")
    try:
        upgrade(db.engine)
        provisioning.add_user(db, "zhang", role="drafter", unit=UNIT, department="政务公开科")
    finally:
        db.dispose()
    out = tmp_path / "汇总表.xlsx"
    result = subprocess.run([str(script), "summary", "--unit", UNIT, "--month", "2026-11", "-o", str(out)],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "2026年11月政府信息公开保密审查汇总表" in result.stdout and out.stat().st_size > 0
    bad = subprocess.run([str(script), "summary", "--unit", UNIT, "--month", "2026-11", "-o", str(tmp_path / "x.pdf")],
                         env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "xlsx" in bad.stderr
