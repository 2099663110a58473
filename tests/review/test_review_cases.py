"""A case from upload to approval: findings, dispositions and their carry-over, the 公开属性,
returns, withdrawal, notifications, to-do lists and the case view."""
from __future__ import annotations

from datetime import date

import pytest

from screening.review import memberships
from screening.review.errors import Conflict, Forbidden, Invalid, NotFound, Unreadable
from review_helpers import CLEAN, WITH_ID, WITH_PHONE, approve_all, open_case, open_clean, sha, submit


def findings(svc, case_id, rule=None):
    out = svc.case_view(case_id)["findings"]
    return [f for f in out if rule is None or f["rule"] == rule]


def test_open_case_screens_version_1_and_records_everything(svc, org):
    up = open_case(svc, org, WITH_ID + WITH_PHONE, doc_number="某政办发〔2026〕12号")
    assert (up.stage, up.version, up.report.verdict) == ("draft", 1, "block")
    view = svc.case_view(up.case_id)
    assert view["stage"] == "draft" and view["doc_number"] == "某政办发〔2026〕12号"
    assert view["department"] == "政务公开科" and view["drafter"]["name"] == "zhang"
    [v1] = view["versions"]
    assert v1["sha256"] == sha(WITH_ID + WITH_PHONE) and v1["verdict"] == "block"
    assert v1["screening"] == {"engine": "fake-1", "rules": "fakerules", "model": "none",
                               "at": v1["screening"]["at"], "findings": 2, "error": None, "notes": []}
    rules = sorted(f["rule"] for f in view["findings"])
    assert rules == ["pii.id_card", "pii.phone"]
    f = findings(svc, up.case_id, "pii.id_card")[0]
    assert f["text"] == "110105194912310021" and f["location"]["part"] == "body"
    assert f["basis"] == "art15" and "第十五条" in f["basis_citation"]
    assert f["disposition"] is None and f["version"] == 1
    assert view["public_attribute"]["suggested"]["attribute"] == "不予公开"
    actions = [e["action"] for e in svc.history(up.case_id)]
    assert actions == ["case.open", "version.add"]


def test_full_three_stage_approval(svc, org, notifier):
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    assert svc.case_view(case_id)["stage"] == "head_review"
    svc.sign(org.head, case_id, stage="head", decision="approve", opinion="同意")
    assert svc.case_view(case_id)["stage"] == "leader_review"
    out = svc.sign(org.leader, case_id, stage="leader", decision="approve", opinion="同意公开")
    assert out["stage"] == "approved"
    view = svc.case_view(case_id)
    assert [(s["stage"], s["decision"], s["by"], s["opinion_kind"]) for s in view["signoffs"]] == [
        ("drafter", "approve", "zhang", "同意公开"), ("head", "approve", "li", "同意公开"),
        ("leader", "approve", "wang", "同意公开")]
    assert view["approved_version"] == 1
    assert view["public_attribute"]["attribute"] == "主动公开"   # adopted from the suggestion on submit
    assert view["public_attribute"]["basis"] == "art19"
    kinds = [(n.user_name, n.kind) for n in notifier.sent]
    assert ("li", "todo") in kinds and ("wang", "todo") in kinds and ("zhang", "approved") in kinds
    assert "qian" not in [n.user_name for n in notifier.sent]   # head of another department


def test_high_finding_blocks_submit_until_dismissed_with_reason(svc, org):
    case_id = open_clean(svc, org, WITH_ID)
    with pytest.raises(Conflict) as refused:
        submit(svc, org, case_id)
    assert refused.value.code == "high_findings" and refused.value.status == 409
    assert "未处置" in refused.value.message
    finding = findings(svc, case_id, "pii.id_card")[0]
    with pytest.raises(Invalid) as no_reason:
        svc.dispose(org.drafter, case_id, finding["id"], action="dismissed", reason="  ")
    assert no_reason.value.code == "reason_required"
    svc.dispose(org.drafter, case_id, finding["id"], action="confirmed")
    with pytest.raises(Conflict):      # confirmed sensitive: still blocks
        submit(svc, org, case_id)
    svc.dispose(org.drafter, case_id, finding["id"], action="dismissed", reason="测试数据，非真实身份证号")
    submit(svc, org, case_id)
    assert svc.case_view(case_id)["stage"] == "head_review"


def test_medium_findings_do_not_block(svc, org):
    case_id = open_clean(svc, org, WITH_PHONE)
    submit(svc, org, case_id)
    assert svc.case_view(case_id)["stage"] == "head_review"


@pytest.mark.parametrize("action", ["fixed", "deleted", ""])
def test_dispose_refuses_unknown_or_system_actions(svc, org, action):
    case_id = open_clean(svc, org, WITH_ID)
    finding = findings(svc, case_id)[0]
    with pytest.raises(Invalid):
        svc.dispose(org.drafter, case_id, finding["id"], action=action, reason="x")


def test_dispose_unknown_finding_or_other_case(svc, org):
    a = open_clean(svc, org, WITH_ID)
    b = open_clean(svc, org, WITH_PHONE)
    fb = findings(svc, b)[0]
    with pytest.raises(NotFound):
        svc.dispose(org.drafter, a, fb["id"], action="dismissed", reason="x")
    with pytest.raises(NotFound):
        svc.dispose(org.drafter, a, 999_999, action="dismissed", reason="x")


def test_new_version_fixes_vanished_findings_and_carries_dispositions(svc, org):
    v1 = WITH_ID + WITH_PHONE + "征求意见稿\n"
    case_id = open_clean(svc, org, v1)
    phone = findings(svc, case_id, "pii.phone")[0]
    draft = findings(svc, case_id, "work_secret.draft")[0]
    svc.dispose(org.drafter, case_id, phone["id"], action="dismissed", reason="单位公开的办公电话")
    svc.dispose(org.officer, case_id, draft["id"], action="confirmed", reason="确属过程稿")
    # v2: the ID number is removed, the phone moves to another paragraph, the draft word stays
    v2 = "关于张三同志的表彰决定\n表现突出。\n另：\n" + WITH_PHONE + "征求意见稿\n"
    up = svc.add_version(org.drafter, case_id, data=v2.encode(), filename="draft-v2.txt")
    assert (up.version, up.fixed, up.carried_over) == (2, 1, 2)
    now = {f["rule"]: f for f in findings(svc, case_id)}
    assert set(now) == {"pii.phone", "work_secret.draft"}
    assert now["pii.phone"]["version"] == 2
    assert now["pii.phone"]["disposition"]["action"] == "dismissed"
    assert now["pii.phone"]["disposition"]["version"] == 1          # made on version 1, carried over
    assert now["pii.phone"]["disposition"]["reason"] == "单位公开的办公电话"
    assert now["work_secret.draft"]["disposition"]["by"] == "sun"
    assert now["pii.phone"]["location"] != phone["location"]        # offsets moved, fingerprint did not
    # the ID number of version 1 is marked fixed, by the uploader, automatically
    with svc.db.read() as s:
        from screening.review.models import Finding
        old = s.query(Finding).filter_by(case_id=case_id, version_number=1, rule="pii.id_card").one()
        assert old.disposition.action == "fixed" and old.disposition.automatic
        assert old.disposition.by.name == "zhang"
    submit(svc, org, case_id)   # no high finding left


def test_changed_text_does_not_inherit_a_disposition(svc, org):
    case_id = open_clean(svc, org, WITH_PHONE)
    phone = findings(svc, case_id)[0]
    svc.dispose(org.drafter, case_id, phone["id"], action="dismissed", reason="办公电话")
    up = svc.add_version(org.drafter, case_id, data="联系人：王五，电话13987654321。\n".encode(),
                         filename="v2.txt")
    assert (up.carried_over, up.fixed) == (0, 1)
    assert findings(svc, case_id)[0]["disposition"] is None


def test_finding_that_reappears_after_fixed_needs_a_new_decision(svc, org):
    case_id = open_clean(svc, org, WITH_ID)
    f = findings(svc, case_id)[0]
    svc.dispose(org.drafter, case_id, f["id"], action="dismissed", reason="虚构号码")
    svc.add_version(org.drafter, case_id, data=CLEAN.encode(), filename="v2.txt")
    up = svc.add_version(org.drafter, case_id, data=WITH_ID.encode(), filename="v3.txt")
    assert up.carried_over == 0
    assert findings(svc, case_id)[0]["disposition"] is None


def test_dispose_only_findings_of_the_current_version(svc, org):
    case_id = open_clean(svc, org, WITH_PHONE)
    old = findings(svc, case_id)[0]
    svc.add_version(org.drafter, case_id, data=(WITH_PHONE + "补充\n").encode(), filename="v2.txt")
    with pytest.raises(Conflict) as refused:
        svc.dispose(org.drafter, case_id, old["id"], action="dismissed", reason="x")
    assert refused.value.code == "stale_finding"


def test_same_fingerprint_twice_is_disposed_together(svc, org):
    case_id = open_clean(svc, org, WITH_PHONE + WITH_PHONE)
    first, second = findings(svc, case_id)
    svc.dispose(org.drafter, case_id, first["id"], action="redacted", reason="公开前遮挡")
    assert findings(svc, case_id)[1]["disposition"]["action"] == "redacted"


def test_same_file_again_is_refused(svc, org):
    case_id = open_clean(svc, org)
    with pytest.raises(Conflict) as refused:
        svc.add_version(org.drafter, case_id, data=CLEAN.encode(), filename="again.txt")
    assert refused.value.code == "same_file"


def test_unreadable_upload_creates_nothing(svc, org):
    with pytest.raises(Unreadable) as refused:
        svc.open_case(org.drafter, title="坏文件", data=b"%CORRUPT...", filename="x.docx")
    assert refused.value.code == "corrupt" and refused.value.status == 422
    with pytest.raises(Unreadable):
        svc.open_case(org.drafter, title="空文件", data=b"", filename="x.txt")
    assert svc.list_todo(org.drafter) == []
    assert svc.verify_audit().count == 11      # only the user.add events of the fixture


def test_return_and_resubmit(svc, org, notifier):
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    with pytest.raises(Invalid) as no_opinion:
        svc.sign(org.head, case_id, stage="head", decision="return")
    assert no_opinion.value.code == "opinion_required"
    svc.sign(org.head, case_id, stage="head", decision="return", opinion="第二段表述不妥，请修改")
    assert svc.case_view(case_id)["stage"] == "returned"
    assert ("zhang", "returned") in [(n.user_name, n.kind) for n in notifier.sent]
    svc.add_version(org.drafter, case_id, data=(CLEAN + "已修改。\n").encode(), filename="v2.txt")
    assert svc.case_view(case_id)["stage"] == "draft"
    submit(svc, org, case_id)
    svc.sign(org.head, case_id, stage="head", decision="approve", opinion="同意")
    svc.sign(org.leader, case_id, stage="leader", decision="return", opinion="暂缓公开",
             opinion_kind="不予公开")
    # resubmitting the same version after a leader's return is allowed
    submit(svc, org, case_id)
    svc.sign(org.head, case_id, stage="head", decision="approve")
    svc.sign(org.leader, case_id, stage="leader", decision="approve")
    view = svc.case_view(case_id)
    assert view["stage"] == "approved" and view["round"] == 3 and view["approved_version"] == 2
    assert [s["round"] for s in view["signoffs"]] == [1, 1, 2, 2, 2, 3, 3, 3]


def test_drafter_cannot_return(svc, org):
    case_id = open_clean(svc, org)
    with pytest.raises(Invalid) as refused:
        svc.sign(org.drafter, case_id, stage="drafter", decision="return", opinion="x")
    assert refused.value.code == "invalid_decision"


@pytest.mark.parametrize("field,value", [("stage", "boss"), ("decision", "maybe"), ("opinion_kind", "随便")])
def test_sign_refuses_unknown_values(svc, org, field, value):
    case_id = open_clean(svc, org)
    args = {"stage": "drafter", "decision": "approve", "opinion_kind": None} | {field: value}
    with pytest.raises(Invalid):
        svc.sign(org.drafter, case_id, **args)


def test_withdraw_notifies_and_ends_the_case(svc, org, notifier):
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    svc.withdraw(org.head, case_id, reason="不再公开")
    assert svc.case_view(case_id)["stage"] == "withdrawn"
    assert ("zhang", "withdrawn") in [(n.user_name, n.kind) for n in notifier.sent]
    with pytest.raises(Conflict):
        svc.add_version(org.drafter, case_id, data=b"new", filename="v2.txt")


def test_todo_lists_follow_the_case(svc, org):
    case_id = open_clean(svc, org)
    assert [t["case_id"] for t in svc.list_todo(org.drafter)] == [case_id]
    assert svc.list_todo(org.head) == []
    submit(svc, org, case_id)
    assert [t["case_id"] for t in svc.list_todo(org.head)] == [case_id]
    assert svc.list_todo(org.head_other_dept) == [] and svc.list_todo(org.drafter) == []
    svc.sign(org.head, case_id, stage="head", decision="approve")
    assert [t["action"] for t in svc.list_todo(org.leader)] == ["审发（同意或退回）"]
    assert svc.list_todo(org.leader_u2) == [] and svc.list_todo(org.admin) == []


def test_in_app_notifications_and_mark_read(svc, org):
    case_id = open_clean(svc, org)
    submit(svc, org, case_id)
    [notice] = svc.notifications(org.head, unread_only=True)
    assert notice["case_id"] == case_id and "待您审核" in notice["message"]
    assert svc.mark_read(org.head, [notice["id"]]) == 1
    assert svc.notifications(org.head, unread_only=True) == []
    assert svc.mark_read(org.drafter, [notice["id"]]) == 0     # not theirs


def test_case_view_is_need_to_know(svc, org):
    case_id = open_clean(svc, org)
    for who in (org.drafter, org.head, org.leader, org.officer):
        assert svc.case_view(case_id, actor_id=who)["id"] == case_id
    for who in (org.drafter2, org.head_other_dept, org.admin, org.leader_u2, org.officer_u2):
        with pytest.raises(NotFound):              # as if it did not exist: no ids to enumerate
            svc.case_view(case_id, actor_id=who)
    name, data = svc.get_file(case_id, actor_id=org.head)
    assert (name, data) == ("draft.txt", CLEAN.encode())
    with pytest.raises(NotFound):
        svc.get_file(case_id, actor_id=org.drafter_u2)


def test_open_case_input_checks(svc, org):
    with pytest.raises(Invalid):
        open_case(svc, org, title=" ")
    with pytest.raises(Invalid):
        open_case(svc, org, channel="carrier-pigeon")
    with pytest.raises(Invalid) as no_dept:
        open_case(svc, org, department="不存在的科")
    assert no_dept.value.code == "no_such_department"
    up = open_case(svc, org, department="政务公开科", channel="bulletin", carrier="non_official")
    view = svc.case_view(up.case_id)
    assert (view["department"], view["channel_label"], view["carrier_label"]) == ("政务公开科", "政府公开栏", "非公文类")
    with pytest.raises(NotFound):
        svc.case_view(987_654)


def test_a_drafter_opens_cases_only_in_a_department_they_draft_for(svc, org):
    """A drafter of 政务公开科 cannot send a draft to 综合科's head by naming 综合科; a drafter
    membership in 综合科 (兼任) lets them."""
    with pytest.raises(Forbidden) as other:
        open_case(svc, org, department="综合科")
    assert other.value.code == "not_your_department" and "综合科" in other.value.message
    memberships.add_membership(svc.db, "zhang", "drafter", department="综合科", by=org.admin)
    up = open_case(svc, org, department="综合科")
    assert svc.case_view(up.case_id, actor_id=org.head_other_dept)["department"] == "综合科"


def test_uploaded_files_are_stored_encrypted(svc, org, tmp_path):
    case_id = open_clean(svc, org, WITH_ID)
    files = [p for p in (tmp_path / "instance" / "files").rglob("*") if p.is_file()]
    assert [p.name for p in files] == [sha(WITH_ID)]
    on_disk = files[0].read_bytes()
    assert "110105194912310021".encode() not in on_disk and "表彰决定".encode() not in on_disk
    assert svc.get_file(case_id) == ("draft.txt", WITH_ID.encode())


def test_edit_case_particulars(svc, org):
    case_id = open_clean(svc, org, formed_on=date(2026, 9, 18), planned_on=date(2026, 10, 9))
    out = svc.edit_case(org.drafter, case_id, title="关于冬季供暖的通知（修改）", doc_number="某政办〔2026〕3号",
                        channel="newspaper", formed_on=date(2026, 2, 6))
    assert out == {"changed": ["channel", "doc_number", "formed_on", "title"], "due_date": "2026-03-12"}
    view = svc.case_view(case_id)
    assert (view["title"], view["channel"], view["planned_on"]) == ("关于冬季供暖的通知（修改）", "newspaper",
                                                                    "2026-10-09")
    event = svc.history(case_id)[-1]
    assert event["action"] == "case.edit"
    assert event["payload"]["changes"]["formed_on"] == {"old": "2026-09-18", "new": "2026-02-06"}
    assert svc.edit_case(org.drafter, case_id, title="关于冬季供暖的通知（修改）")["changed"] == []
    for bad in ({"stage": "approved"}, {"title": ""}, {"formed_on": "yesterday"}, {"channel": "x"}):
        with pytest.raises(Invalid):
            svc.edit_case(org.drafter, case_id, **bad)
    with pytest.raises(Forbidden):
        svc.edit_case(org.head, case_id, title="x")
    submit(svc, org, case_id)
    with pytest.raises(Conflict):
        svc.edit_case(org.drafter, case_id, title="x")


def test_monthly_summary_rows(svc, org, clock):
    first = open_clean(svc, org, doc_number="某政办〔2026〕1号", planned_on=date(2026, 11, 30))
    approve_all(svc, org, first)
    second = open_clean(svc, org, WITH_PHONE, title="联系方式公告")
    svc.dispose(org.drafter, second, findings(svc, second)[0]["id"], action="redacted", reason="遮挡")
    approve_all(svc, org, second)
    withdrawn = open_clean(svc, org, title="撤回的")
    approve_all(svc, org, withdrawn)
    svc.withdraw(org.leader, withdrawn)
    clock.set(2026, 12, 1)
    december = open_clean(svc, org, title="十二月")
    approve_all(svc, org, december)
    rows = svc.monthly_summary("某市人民政府办公室", "2026-11")
    assert [r["case_id"] for r in rows] == [first, second]
    assert rows[0] | {"channel": str(rows[0]["channel"]), "public_attribute": str(rows[0]["public_attribute"])} == {
        "published_on": date(2026, 11, 30), "title": "供暖通知", "channel": "website",
        "public_attribute": "主动公开", "outcome": "同意公开", "doc_number": "某政办〔2026〕1号",
        "drafter": "ZHANG", "head": "LI", "leader": "WANG", "secrecy": "", "department": "政务公开科", "case_id": first}
    assert rows[1]["outcome"] == "区分处理后公开" and rows[1]["published_on"] == date(2026, 11, 23)
    assert [r["case_id"] for r in svc.monthly_summary("某市人民政府办公室", "2026-12")] == [december]
    assert svc.monthly_summary("某县人民政府办公室", "2026-11") == []
    with pytest.raises(Invalid):
        svc.monthly_summary("某市人民政府办公室", "2026-13")
    from screening.sheet.summary import SummaryRow
    assert SummaryRow(**rows[0]).cells(1)[2] == "供暖通知"


class FailingEngine:
    versions = {"engine": "fake-1", "rules": "r", "model": "none"}

    def screen(self, doc):
        from screening.types import ErrorInfo, Report
        return Report(document=doc.info, error=ErrorInfo("timeout", "解析超时，已中止"))


def test_a_version_that_could_not_be_screened_cannot_be_approved(svc, org):
    svc.engine = FailingEngine()
    case_id = open_clean(svc, org)
    version = svc.case_view(case_id)["versions"][0]
    assert version["verdict"] is None and version["screening"]["error"]["code"] == "timeout"
    with pytest.raises(Conflict) as refused:
        submit(svc, org, case_id)
    assert refused.value.code == "not_screened"
