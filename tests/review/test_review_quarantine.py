"""A file with a classification marking is not kept: only hash, size, uploader, time and the
markings seen remain; the secrecy officers of the unit are notified."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from screening.review.errors import Conflict, ReviewError
from screening.review.models import Base, Version
from screening.review.quarantine import is_classification_marking
from screening.types import Category, Explanation, Finding, Location, PartKind, Severity, Source
from review_helpers import CLEAN, FakeEngine, open_case, open_clean, sha

SECRET_WORDS = "某型号装备ZQX-7731试验参数"
MARKED = f"机密★1年\n关于{SECRET_WORDS}的通报\n联系人身份证号110105194912310021\n"


def leaks(database, root: Path, needle: str) -> list[str]:
    """Where `needle` occurs: any file under `root` (store, SQLite files), any row of any table."""
    raw = needle.encode("utf-8")
    found = [str(p) for p in root.rglob("*") if p.is_file() and raw in p.read_bytes()]
    with database.read() as s:
        for table in Base.metadata.sorted_tables:
            for row in s.execute(sa.select(table)):
                if needle in repr(tuple(row)):
                    found.append(f"{table.name}: {row}")
    return found


def test_marked_upload_is_quarantined_and_not_kept(svc, org, tmp_path, notifier, database):
    up = open_case(svc, org, MARKED, title="装备通报", filename="通报.txt")
    assert up.quarantined and up.stage == "quarantined"
    # the uploader still sees what was found
    assert {f.rule for f in up.report.findings} == {"marking.classification", "pii.id_card"}
    [marking] = up.markings                      # kept: the rule, fingerprint and a masked form only
    assert (marking["rule"], marking["text"]) == ("marking.classification", "机****")
    assert len(marking["fingerprint"]) == 64

    view = svc.case_view(up.case_id)
    [v1] = view["versions"]
    assert v1["quarantined"] and v1["sha256"] == sha(MARKED) and v1["size"] == len(MARKED.encode())
    assert v1["filename"] == "" and v1["uploaded_by"] == "zhang"
    assert [f["rule"] for f in view["findings"]] == ["marking.classification"]
    assert [p for p in (tmp_path / "instance" / "files").rglob("*") if p.is_file()] == []
    with pytest.raises(ReviewError):
        svc.get_file(up.case_id)

    for needle in (SECRET_WORDS, "110105194912310021", "通报.txt"):
        assert leaks(database, tmp_path, needle) == [], needle

    officers = [(n.user_name, n.kind) for n in notifier.sent]
    assert officers == [("sun", "quarantine")]
    assert "机****" in notifier.sent[0].message and sha(MARKED) in notifier.sent[0].message
    assert "机密★1年" not in notifier.sent[0].message
    assert [t["action"] for t in svc.list_todo(org.officer)] == ["按泄密事件处置涉密文件"]
    assert svc.notifications(org.officer_u2) == []
    event = svc.history(up.case_id)[-1]
    assert event["action"] == "version.quarantine" and event["payload"]["sha256"] == sha(MARKED)


def test_marked_new_version_quarantines_the_case_but_keeps_the_clean_version(svc, org, tmp_path, database):
    case_id = open_clean(svc, org)
    up = svc.add_version(org.drafter, case_id, data=MARKED.encode(), filename="v2.txt")
    assert up.quarantined and svc.case_view(case_id)["stage"] == "quarantined"
    assert svc.get_file(case_id, 1)[1] == CLEAN.encode()
    assert leaks(database, tmp_path, SECRET_WORDS) == []
    for act in (lambda: svc.sign(org.drafter, case_id, stage="drafter", decision="approve"),
                lambda: svc.add_version(org.drafter, case_id, data=b"x", filename="x.txt"),
                lambda: svc.withdraw(org.drafter, case_id)):
        with pytest.raises(Conflict):
            act()
    assert svc.clearance(sha(MARKED)).publishable is False
    assert "隔离" in svc.clearance(sha(MARKED)).reason


def test_copy_number_marking_also_quarantines(svc, org):
    up = open_case(svc, org, "份号：000123\n正文\n")
    assert up.quarantined


def test_internal_marking_is_a_finding_not_an_incident(svc, org):
    up = open_case(svc, org, "内部资料\n注意保存\n")
    assert not up.quarantined and up.stage == "draft" and up.report.verdict == "block"


class StricterEngine(FakeEngine):
    """Newer rules that recognise a marking the old ones missed."""

    def screen(self, doc):
        report = super().screen(doc)
        text = doc.parts[0].text
        at = text.find("★")
        if at < 0:
            return report
        extra = Finding(rule="marking.classification.star", category=Category.MARKING, subtype="level",
                        severity=Severity.HIGH, source=Source.RULE, text="★", message="密级标志",
                        suggestion="不得公开", confidence=0.9,
                        location=Location(PartKind.BODY, None, 1, at, at + 1),
                        explanation=Explanation(detector="fake"))
        return type(report)(document=report.document, findings=report.findings + (extra,))


def test_quarantine_purges_a_copy_stored_earlier(svc, org, tmp_path, database):
    text = "★ 特别提示\n" + CLEAN
    old_case = open_clean(svc, org, text)
    assert svc.store.exists(sha(text))
    svc.engine = StricterEngine()
    up = open_case(svc, org, text, title="同一文件")
    assert up.quarantined
    assert not svc.store.exists(sha(text))
    with database.read() as s:
        old = s.execute(sa.select(Version).where(Version.case_id == old_case)).scalar_one()
        assert old.quarantined and old.storage_key is None
    assert svc.clearance(sha(text)).publishable is False
    assert svc.history(old_case)[-1]["action"] == "version.purge"


def marking(rule: str, category=Category.MARKING, severity=Severity.HIGH) -> Finding:
    return Finding(rule=rule, category=category, subtype="level", severity=severity, source=Source.RULE,
                   text="机密", message="m", suggestion="s", confidence=0.9,
                   location=Location(PartKind.BODY, None, 1, 0, 2))


@pytest.mark.parametrize("finding,expected", [
    (marking("marking.classification"), True),
    (marking("marking.classification.star_period"), True),
    (marking("marking.copy_number"), True),
    (marking("marking.classification", severity=Severity.MEDIUM), False),
    (marking("marking.internal"), False),
    (marking("marking.work_secret"), False),
    (marking("state_secret.classification", category=Category.STATE_SECRET), False),
])
def test_classification_marking_predicate(finding, expected):
    assert is_classification_marking(finding) is expected
