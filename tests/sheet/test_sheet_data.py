"""SheetData: filled from a report (one-off check) or field by field (a case)."""
from __future__ import annotations

from datetime import date

import pytest

from screening.pipeline import text_document
from screening.review.enums import DispositionAction, PublicAttribute, SignStage, sign_stages
from screening.sheet import EngineVersions, FileInfo, SheetData, SheetDisposition, StageSignoff, sheet_findings
from screening.types import Category, PartKind

from sheet_cases import ID_CARD, PASSWORD, PHONE, SHA, case_sheet

TEXT = ("申请人：王建国，身份证号11010519491231002X，联系电话13812345678。\n"
        "请登录内网地址192.168.1.20进行填报。")


def test_from_report_fills_findings_basis_and_suggested_attribute(engine):
    report = engine.screen(text_document(TEXT, "公示.txt"))
    data = SheetData.from_report(report, versions=engine.versions, size=123, unit="某市民政局",
                                 filled_on=date(2025, 3, 1))
    assert data.title == "公示" and data.unit == "某市民政局" and data.file.size == 123
    assert data.file.sha256 == report.document.sha256
    assert data.versions.engine == engine.versions["engine"] and data.versions.rules == engine.versions["rules"]
    assert len(data.findings) == len(report.findings) > 0
    by_category = {f.category: f for f in data.findings}
    assert by_category[Category.PERSONAL_INFO].basis == "art15"
    assert all(f.disposition is None for f in data.findings)
    assert data.public_suggested and data.public_attribute is PublicAttribute.NOT_PUBLIC
    assert [s.stage for s in data.signoffs] == list(sign_stages(False)) and not any(s.signed for s in data.signoffs)


def test_from_report_refuses_an_unreadable_document(engine):
    from screening.types import DocumentInfo, ErrorInfo, Report

    report = Report(DocumentInfo("x.pdf", "", "pdf", None, 0), error=ErrorInfo("encrypted", "文件已加密"))
    with pytest.raises(ValueError, match="unreadable"):
        SheetData.from_report(report, versions=engine.versions)


def test_shown_text_masks_personal_data_and_credentials():
    shown = {f.rule: f.shown_text() for f in case_sheet().findings}
    assert shown["pii.mobile"] == "138****5678"
    assert shown["pii.id_card"] == "110105*********02X"
    assert PASSWORD not in shown["credential.password"] and shown["credential.password"].startswith("Zx")
    assert shown["work_secret.draft"] == "征求意见稿"


def test_hidden_findings_have_their_own_block():
    data = case_sheet()
    assert [f.rule for f in data.hidden_findings] == ["hidden.comment"]
    assert all(not f.hidden for f in data.visible_findings)
    assert data.hidden_findings[0].location.part is PartKind.COMMENT


def test_dispositions_are_looked_up_by_fingerprint(engine):
    report = engine.screen(text_document(TEXT))
    target = next(f for f in report.findings if f.text == PHONE)
    decided = {target.fingerprint(): SheetDisposition(DispositionAction.REDACTED, "遮挡", "李审核")}
    rows = sheet_findings(report.findings, decided)
    assert [r.disposition is not None for r in rows] == [f is target for f in report.findings]


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(title=" "), "title"),
    (dict(signoffs=(StageSignoff(SignStage.HEAD),)), "three"),
    (dict(signoffs=tuple(StageSignoff(s) for s in (SignStage.DRAFTER, SignStage.SECRECY, SignStage.HEAD,
                                                   SignStage.LEADER))), "three"),
])
def test_sheet_data_validates(kwargs, message):
    base = dict(title="标题", file=FileInfo("a.txt", SHA), versions=EngineVersions("0.1", "r1"))
    with pytest.raises(ValueError, match=message):
        SheetData(**{**base, **kwargs})


def test_file_info_and_disposition_validate():
    with pytest.raises(ValueError, match="sha256"):
        FileInfo("a.txt", "XYZ")
    with pytest.raises(ValueError, match="reason"):
        SheetDisposition(DispositionAction.DISMISSED, " ")


def test_engine_versions_from_mapping():
    versions = EngineVersions.from_mapping({"engine": "0.1.0", "rules": "r1", "model": "none"})
    assert versions.text == "审查引擎 0.1.0；规则库 r1；分类模型 未使用"
    assert ID_CARD not in versions.text


def test_sheet_and_redact_import_no_web_or_db_framework():
    """The sheet and the redacted copy are built from plain values: no Flask, no SQLAlchemy."""
    import subprocess
    import sys

    code = ("import sys, screening.sheet, screening.redact, screening.sheet_cli;"
            "bad = [m for m in ('flask', 'sqlalchemy') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_why_is_the_same_from_a_finding_and_from_its_stored_form(engine):
    from screening.sheet.data import explain, explain_stored

    for finding in engine.screen(text_document(TEXT)).findings:
        stored = finding.to_dict()
        assert explain_stored(stored["source"], stored["explanation"]) == explain(finding)
