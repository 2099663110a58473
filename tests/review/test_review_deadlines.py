"""20 working days (条例第二十六条) across 国庆 and 春节 with make-up days, a year without data, the
administrator's schedule files, and the pause while a case is escalated."""
from __future__ import annotations

import json
from datetime import date

import pytest

from screening.review.deadlines import CalendarError, WorkCalendar
from screening.review.errors import Conflict, Invalid
from review_helpers import open_clean, submit


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar(include_package=False)


@pytest.mark.parametrize("formed,due", [
    # 国庆 2026: 中秋 9/25 and 10/1–10/7 off, Sunday 9/20 and Saturday 10/10 are working days
    (date(2026, 9, 18), date(2026, 10, 22)),
    # 春节 2026: 2/15–2/23 off, Saturdays 2/14 and 2/28 are working days
    (date(2026, 2, 6), date(2026, 3, 12)),
    # 元旦 2026: 1/1–1/2 off (1/3 Sat off), Sunday 1/4 a working day
    (date(2025, 12, 31), date(2026, 1, 29)),
    # an ordinary month
    (date(2026, 11, 23), date(2026, 12, 21)),
])
def test_twenty_working_days(cal, formed, due):
    deadline = cal.publication_deadline(formed)
    assert deadline.due == due and deadline.estimated_years == () and deadline.note is None


@pytest.mark.parametrize("day,workday", [
    (date(2026, 9, 20), True), (date(2026, 10, 10), True), (date(2026, 10, 1), False),
    (date(2026, 10, 7), False), (date(2026, 2, 14), True), (date(2026, 2, 23), False),
    (date(2026, 2, 28), True), (date(2026, 11, 21), False), (date(2026, 11, 23), True),
])
def test_holidays_and_make_up_days(cal, day, workday):
    assert cal.is_workday(day) is workday


def test_a_year_without_data_counts_weekends_only_and_says_so(cal):
    assert not cal.known(2027)
    deadline = cal.publication_deadline(date(2026, 12, 15))
    assert deadline.due == date(2027, 1, 12)      # 2027-01-01 counted as a working day
    assert deadline.estimated_years == (2027,)
    assert "2027年" in deadline.note and "周末" in deadline.note


def schedule(year: int, holidays: dict, workdays: dict | None = None, **extra) -> str:
    return json.dumps({"schema": "screening.holidays/1", "year": year, "source": "测试数据",
                       "holidays": holidays, "workdays": workdays or {}, **extra}, ensure_ascii=False)


def test_the_administrator_adds_next_years_schedule(tmp_path):
    (tmp_path / "2027.json").write_text(schedule(2027, {"2027-01-01": "元旦"}), encoding="utf-8")
    cal = WorkCalendar([tmp_path], include_package=False)
    assert cal.known(2027) and not cal.is_workday(date(2027, 1, 1))
    deadline = cal.publication_deadline(date(2026, 12, 15))
    assert deadline.due == date(2027, 1, 13) and deadline.note is None


def test_a_schedule_file_overrides_the_package(tmp_path):
    (tmp_path / "2026.json").write_text(
        schedule(2026, {"2026-11-24": "临时假日"}, {"2026-11-28": "调休上班"}), encoding="utf-8")
    cal = WorkCalendar([tmp_path], include_package=False)
    assert not cal.is_workday(date(2026, 11, 24)) and cal.is_workday(date(2026, 11, 28))
    # the file replaces the whole year: only what it lists counts (10/1 is not in it)
    assert cal.is_workday(date(2026, 10, 1))


def test_the_package_folder_is_read(tmp_path):
    assert WorkCalendar().folders[0].name == "holidays"


@pytest.mark.parametrize("content,message", [
    ("{not json", "无法读取"),
    (json.dumps({"schema": "other", "year": 2027}), "schema"),
    (json.dumps({"schema": "screening.holidays/1"}), "year"),
    (schedule(2027, {"2028-01-01": "元旦"}), "不属于 2027"),
    (schedule(2027, {"2027-13-01": "x"}), "YYYY-MM-DD"),
    (schedule(2027, {"2027-02-06": "春节"}, {"2027-02-06": "上班"}), "既是假日又是调休"),
])
def test_a_bad_schedule_file_fails_loudly_naming_the_file(tmp_path, content, message):
    path = tmp_path / "2027.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalendarError) as error:
        WorkCalendar([tmp_path], include_package=False).is_workday(date(2027, 1, 4))
    assert str(path) in str(error.value) and message in str(error.value)


def test_workdays_between(cal):
    assert cal.workdays_between(date(2026, 11, 24), date(2026, 12, 1)) == 5
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 9)) == 2   # 9/30 and 10/8


# -- on cases (both databases) -----------------------------------------------------------------------

def test_case_due_date_follows_the_public_attribute(svc, org):
    case_id = open_clean(svc, org, formed_on=date(2026, 9, 18))
    view = svc.case_view(case_id)
    assert view["due_date"] == "2026-10-22" and view["due_note"] is None
    svc.set_publicity(org.drafter, case_id, attribute="依申请公开", reason="仅涉及特定申请人")
    assert svc.case_view(case_id)["due_date"] is None
    svc.set_publicity(org.drafter, case_id, attribute="主动公开")
    assert svc.case_view(case_id)["due_date"] == "2026-10-22"


def test_case_in_a_year_without_data_carries_the_note(svc, org):
    case_id = open_clean(svc, org, formed_on=date(2026, 12, 15))
    view = svc.case_view(case_id)
    assert view["due_date"] == "2027-01-12" and "2027年" in view["due_note"]


def test_escalation_pauses_the_clock_and_resumes_where_it_was(svc, org, clock):
    case_id = open_clean(svc, org)                     # formed Monday 2026-11-23
    assert svc.case_view(case_id)["due_date"] == "2026-12-21"
    submit(svc, org, case_id)
    with pytest.raises(Invalid):
        svc.escalate(org.head, case_id, question=" ")
    clock.set(2026, 11, 24, 10)
    svc.escalate(org.head, case_id, question="文中装备名称是否属于国家秘密？")
    view = svc.case_view(case_id)
    assert view["stage"] == "escalated" and view["deadline_paused"]
    with pytest.raises(Conflict) as refused:
        svc.sign(org.head, case_id, stage="head", decision="approve")
    assert "报请" in refused.value.message
    clock.set(2026, 12, 30)                            # past the original due date, but paused
    report = svc.due_report()
    assert [c["case_id"] for c in report["paused"]] == [case_id] and report["overdue"] == []
    clock.set(2026, 12, 1, 15)
    with pytest.raises(Invalid):
        svc.answer_escalation(org.officer, case_id, answer="")
    out = svc.answer_escalation(org.officer, case_id, answer="经市保密局确定，不属于国家秘密")
    assert out == {"stage": "head_review", "due_date": "2026-12-28", "paused_workdays": 5}
    view = svc.case_view(case_id)
    assert view["escalations"][0]["answered_by"] == "sun" and view["escalations"][0]["paused_workdays"] == 5
    svc.sign(org.head, case_id, stage="head", decision="approve")   # resumes where it was


def test_due_report_lists_overdue_and_nearly_due(svc, org, clock):
    late = open_clean(svc, org, formed_on=date(2026, 10, 1))      # due 2026-11-03
    soon = open_clean(svc, org, formed_on=date(2026, 10, 27))     # due 2026-11-24
    later = open_clean(svc, org)                                  # due 2026-12-21
    not_public = open_clean(svc, org, formed_on=date(2026, 1, 5))
    svc.set_publicity(org.drafter, not_public, attribute="依申请公开", reason="涉及特定对象")
    report = svc.due_report(within=3)
    assert [c["case_id"] for c in report["overdue"]] == [late]
    assert report["overdue"][0]["workdays_late"] == 14
    assert [c["case_id"] for c in report["due_soon"]] == [soon]
    assert later not in [c["case_id"] for c in report["due_soon"]]
    assert svc.case_view(late)["overdue"] is True
    assert [t["overdue"] for t in svc.list_todo(org.drafter) if t["case_id"] == late] == [True]
    assert [c["case_id"] for c in svc.overdue()] == [late]
    assert svc.due_report(unit="某县人民政府办公室")["overdue"] == []
    svc.withdraw(org.drafter, late)
    assert svc.due_report()["overdue"] == []


def test_refresh_after_the_administrator_adds_a_schedule(svc, org, tmp_path):
    case_id = open_clean(svc, org, formed_on=date(2026, 12, 15))
    done = open_clean(svc, org, formed_on=date(2026, 12, 15))
    svc.withdraw(org.drafter, done)
    assert svc.refresh_deadlines() == 0
    folder = tmp_path / "holidays"
    folder.mkdir()
    (folder / "2027.json").write_text(schedule(2027, {"2027-01-01": "元旦"}), encoding="utf-8")
    svc.calendar = WorkCalendar([folder], include_package=False)
    assert svc.refresh_deadlines() == 1
    view = svc.case_view(case_id)
    assert view["due_date"] == "2027-01-13" and view["due_note"] is None
    assert svc.history(case_id)[-1]["action"] == "case.deadline"
    assert svc.case_view(done)["due_date"] == "2027-01-12"      # closed cases are left alone
    assert svc.verify_audit().ok
