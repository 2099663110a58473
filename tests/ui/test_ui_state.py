"""State shown truthfully: after approval the list, the version badge and the sheet say 已审发 and the
公开属性; a quarantined case shows only the incident and the officer's actions, and its printable sheet
is an incident record; the review sheet keeps the findings fixed or redacted in earlier versions."""
from __future__ import annotations

import io

import docx

from tests.ui.conftest import ID_DRAFT, ID_FIXED, MARKED, open_case


def approve(svc, people, cid: int) -> None:
    phone = [f for f in svc.case_view(cid)["findings"] if f["subtype"] == "phone"]
    for f in phone:
        svc.dispose(people["zhang"], cid, f["id"], action="dismissed", reason="办公电话")
    svc.sign(people["zhang"], cid, stage="drafter", decision="approve")
    svc.sign(people["li"], cid, stage="head", decision="approve", opinion="同意")
    svc.sign(people["wang"], cid, stage="leader", decision="approve", opinion="同意公开")


def test_after_approval_list_badge_and_sheet_say_approved(as_user, svc, people):
    case = open_case(svc, people, text=ID_FIXED)
    approve(svc, people, case.case_id)
    zhang = as_user("zhang")
    listing = zhang.get("/cases").get_data(as_text=True)
    assert "已审发</span> · 主动公开" in listing and "需复核" not in listing
    page = zhang.get(f"/cases/{case.case_id}").get_data(as_text=True)
    assert "第 1 版 · 已审发" in page
    sheet = zhang.get(f"/cases/{case.case_id}/print").get_data(as_text=True)
    assert "已审发（第 1 版，主动公开）" in sheet
    data = zhang.get(f"/cases/{case.case_id}/sheet.docx").data
    text = "\n".join(c.text for t in docx.Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells)
    assert "已审发（第 1 版，主动公开）" in text


def test_the_sheet_keeps_what_earlier_versions_fixed_or_redacted(as_user, svc, people):
    case = open_case(svc, people, text=ID_DRAFT)
    cid = case.case_id
    id_finding = next(f for f in svc.case_view(cid)["findings"] if f["subtype"] == "id_card")
    zhang = as_user("zhang")
    zhang.post(f"/cases/{cid}/bulk", {"scope": "selected", "f": [id_finding["id"]], "action": "redact_copy"})
    view = svc.case_view(cid)
    assert view["version"] == 2
    earlier = view["earlier_findings"]
    assert [f["subtype"] for f in earlier] == ["id_card"]
    assert earlier[0]["disposition"]["action"] == "redacted"
    sheet = zhang.get(f"/cases/{cid}/print").get_data(as_text=True)
    assert "此前版本中的审查发现" in sheet and "已在第 2 版（区分处理副本）中遮挡" in sheet
    assert "11010519491231002X" not in sheet           # masked on the sheet as well


def test_a_quarantined_case_shows_the_incident_and_the_officer_closes_it(as_user, svc, people):
    case = open_case(svc, people, text=MARKED, title="内部通报")
    cid = case.case_id
    zhang, sun = as_user("zhang"), as_user("sun")
    page = zhang.get(f"/cases/{cid}").get_data(as_text=True)
    assert 'id="incident"' in page and "待保密员处置" in page
    assert 'id="publicity"' not in page and 'id="sign"' not in page and "下载 docx" not in page
    assert 'id="close-incident"' not in page                       # only the officer closes it
    assert zhang.get(f"/cases/{cid}/sheet.docx").status_code == 409
    record = zhang.get(f"/cases/{cid}/print").get_data(as_text=True)
    assert "涉密文件事件记录" in record and "机密★1年" not in record and "审查意见" not in record   # masked at rest
    assert [t["case_id"] for t in svc.list_todo(people["sun"])] == [cid]
    page = sun.get(f"/cases/{cid}").get_data(as_text=True)
    assert 'id="close-incident"' in page
    sun.post(f"/cases/{cid}/incident", {"note": "已核实来源，删除副本并报告"})
    page = sun.get(f"/cases/{cid}").get_data(as_text=True)
    assert "已处置完毕（孙保密员" in page and 'id="close-incident"' not in page
    assert svc.list_todo(people["sun"]) == []
    assert "保密员关闭泄密事件：已核实来源" in sun.get(f"/cases/{cid}/print").get_data(as_text=True)
