from __future__ import annotations

from datetime import date, datetime, timezone

from screening.review.enums import (Carrier, Channel, DispositionAction, OpinionKind, PublicAttribute,
                                    sign_stages)
from screening.sheet import EngineVersions, FileInfo, SheetData, SheetDisposition, SheetFinding, StageSignoff
from screening.types import Category, Location, PartKind, Severity, Source, Verdict

PHONE = "13812345678"
ID_CARD = "11010519491231002X"
PASSWORD = "Zx9!secretPW"
SHA = "3f" * 32
UTC = timezone.utc


def case_sheet(*, signed: int = 3, returned: bool = False) -> SheetData:
    """A SheetData filled the way the review layer fills it for a case: findings with dispositions,
    `signed` of the three stages signed."""
    findings = (
        SheetFinding(Category.PERSONAL_INFO, Severity.MEDIUM, PHONE, Location(PartKind.BODY, 1, 3, 40, 51),
                     "疑似手机号码", "pii.mobile", "phone", basis="art15", why="上下文：联系电话",
                     disposition=SheetDisposition(DispositionAction.REDACTED, "公开版遮挡", "李审核",
                                                  datetime(2025, 3, 4, 2, 0, tzinfo=UTC))),
        SheetFinding(Category.PERSONAL_INFO, Severity.HIGH, ID_CARD, Location(PartKind.TABLE, 2, 7, 0, 18),
                     "疑似公民身份号码", "pii.id_card", "id_card", basis="art15",
                     disposition=SheetDisposition(DispositionAction.DISMISSED, "系示例号码，非真实个人", "张承办",
                                                  datetime(2025, 3, 3, 8, 30, tzinfo=UTC))),
        SheetFinding(Category.CREDENTIAL, Severity.HIGH, PASSWORD, Location(PartKind.BODY, 2, 9, 5, 17),
                     "疑似口令", "credential.password", None, basis="art14"),
        SheetFinding(Category.HIDDEN, Severity.MEDIUM, "批注：请核实申请人住址", Location(PartKind.COMMENT, None, 1, 0, 11),
                     "文件含批注", "hidden.comment", None, Source.STRUCTURE, basis="art37"),
        SheetFinding(Category.WORK_SECRET, Severity.MEDIUM, "征求意见稿", Location(PartKind.HEADER, 1, 1, 0, 5),
                     "过程性信息", "work_secret.draft", None, basis="art16.2"),
    )
    people = [("张承办", datetime(2025, 3, 3, 9, 0, tzinfo=UTC)), ("李审核", datetime(2025, 3, 4, 6, 15, tzinfo=UTC)),
              ("王审发", datetime(2025, 3, 5, 1, 45, tzinfo=UTC))]
    reasons = ["个人信息已作区分处理，同意公开", "经审核，不涉及国家秘密和工作秘密", "同意发布"]
    signoffs = []
    for i, stage in enumerate(sign_stages(False)):
        if i < signed:
            signoffs.append(StageSignoff(stage, OpinionKind.AGREE, reasons[i], *people[i],
                                         returned=returned and i == signed - 1))
        else:
            signoffs.append(StageSignoff(stage))
    return SheetData(
        title="关于2025年度城乡居民医疗救助对象的公示", file=FileInfo("救助公示.docx", SHA, 48213, "docx", 3),
        versions=EngineVersions("0.1.0", "rules-20250301", "clf-7c1e"), findings=findings, verdict=Verdict.BLOCK,
        unit="某市医疗保障局", department="待遇保障科", doc_number="某医保发〔2025〕8号", carrier=Carrier.OFFICIAL,
        channels=(Channel.WEBSITE, Channel.BULLETIN), planned_date=date(2025, 3, 10), due_date=date(2025, 3, 28),
        drafter="张承办", formed_on=date(2025, 2, 28), public_attribute=PublicAttribute.PROACTIVE,
        public_basis="art37", public_reason="个人信息遮挡后主动公开", signoffs=tuple(signoffs),
        filled_on=date(2025, 3, 3), case_id=42, version_number=2)
