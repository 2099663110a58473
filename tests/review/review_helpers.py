"""Helpers of the review tests: a fake extractor and engine (for tests where the engine is not the
subject; tests/review/test_review_real_engine.py uses the real ones), a clock, an organisation."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from screening.errors import UnreadableDocument
from screening.review.service import ReviewService
from screening.types import (Block, Category, Document, Explanation, Finding, Location, Part, PartKind,
                             Report, Severity, Source)

CHINA = timezone(timedelta(hours=8))

# (rule, category, subtype, severity, pattern)
FAKE_RULES = [
    ("marking.classification", Category.MARKING, "level", Severity.HIGH, r"(?:绝密|机密|秘密)★(?:\d+年|长期)"),
    ("marking.copy_number", Category.MARKING, "copy_number", Severity.HIGH, r"份号[:：]\d{6}"),
    ("marking.internal", Category.MARKING, "internal", Severity.HIGH, r"内部资料"),
    ("pii.id_card", Category.PERSONAL_INFO, "id_card", Severity.HIGH, r"(?<!\d)\d{17}[\dX](?!\d)"),
    ("pii.phone", Category.PERSONAL_INFO, "phone", Severity.MEDIUM, r"(?<!\d)1[3-9]\d{9}(?!\d)"),
    ("work_secret.draft", Category.WORK_SECRET, "draft", Severity.MEDIUM, r"征求意见稿"),
    ("state_secret.military", Category.STATE_SECRET, "military", Severity.HIGH, r"部队驻地"),
    ("credential.password", Category.CREDENTIAL, "password", Severity.HIGH, r"密码[:：]\S+"),
]


def fake_extract(data: bytes, name: str) -> Document:
    if data.startswith(b"%CORRUPT"):
        raise UnreadableDocument("corrupt")
    text = data.decode("utf-8")
    blocks, start = [], 0
    for i, line in enumerate(text.split("\n")):
        blocks.append(Block(None, i + 1, start, start + len(line)))
        start += len(line) + 1
    part = Part(PartKind.BODY, text, tuple(blocks))
    return Document(name=name, sha256=hashlib.sha256(data).hexdigest(), format="txt", pages=None,
                    parts=(part,), size=len(data))


class FakeEngine:
    """Regexes over the body; the shape of screening.engine.Engine."""

    versions = {"engine": "fake-1", "rules": "fakerules", "model": "none"}

    def __init__(self) -> None:
        self.screened = 0

    def screen(self, doc: Document) -> Report:
        self.screened += 1
        findings = []
        for part in doc.parts:
            for rule, category, subtype, severity, pattern in FAKE_RULES:
                for m in re.finditer(pattern, part.text):
                    block = part.block_at(m.start())
                    findings.append(Finding(
                        rule=rule, category=category, subtype=subtype, severity=severity,
                        source=Source.RULE, text=m.group(), message=f"疑似{rule}",
                        suggestion="删除或遮挡后再公开", confidence=0.9,
                        location=Location(part.kind, None, block.paragraph if block else None,
                                          m.start(), m.end()),
                        explanation=Explanation(detector="fake", pattern=pattern)))
        return Report(document=doc.info, findings=tuple(findings))


class Clock:
    """A settable clock; starts on Monday 2026-11-23 09:00 in China. Each reading is 1 µs later."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=CHINA).astimezone(timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)
        return self.now

    def set(self, year: int, month: int, day: int, hour: int = 9) -> None:
        self.now = datetime(year, month, day, hour, tzinfo=CHINA).astimezone(timezone.utc)


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent = []

    def send(self, notices) -> None:
        self.sent.extend(notices)


@dataclass
class Org:
    """Unit UNIT with departments DEPT and DEPT2, one person per role (two drafters, two heads);
    a second unit UNIT2."""

    drafter: int
    drafter2: int
    head: int
    head_other_dept: int
    leader: int
    officer: int
    admin: int
    drafter_u2: int
    head_u2: int
    leader_u2: int
    officer_u2: int


UNIT, UNIT2 = "某市人民政府办公室", "某县人民政府办公室"
DEPT, DEPT2 = "政务公开科", "综合科"

CLEAN = "关于做好2026年冬季供暖工作的通知\n各单位：请按要求做好供暖保障工作。\n"
WITH_ID = "关于张三同志的表彰决定\n张三，身份证号110105194912310021，表现突出。\n"
WITH_PHONE = "联系人：王五，电话13812345678。\n"


def open_case(svc: ReviewService, org: Org, text: str = CLEAN, **kw):
    return svc.open_case(kw.pop("actor", org.drafter), title=kw.pop("title", "供暖通知"),
                         data=text.encode(), filename=kw.pop("filename", "draft.txt"), **kw)


def open_clean(svc: ReviewService, org: Org, text: str = CLEAN, **kw) -> int:
    return open_case(svc, org, text, **kw).case_id


def submit(svc: ReviewService, org: Org, case_id: int) -> None:
    svc.sign(org.drafter, case_id, stage="drafter", decision="approve")


def approve_all(svc: ReviewService, org: Org, case_id: int) -> None:
    submit(svc, org, case_id)
    svc.sign(org.head, case_id, stage="head", decision="approve", opinion="同意")
    svc.sign(org.leader, case_id, stage="leader", decision="approve", opinion="同意公开")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
