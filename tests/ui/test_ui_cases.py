"""The drafter's self-check and case page, the reviewers' sign-off, the print view and downloads,
through the Flask test client (the browser story is test_ui_browser.py)."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa

from screening.review.models import AuditEvent, Case, Notification
from tests.ui.conftest import ID_DRAFT, ID_FIXED, MARKED, open_case


def cases_count(svc) -> int:
    with svc.db.read() as s:
        return s.execute(sa.select(sa.func.count(Case.id))).scalar_one()


def upload(browser, text: str, name: str = "通报.txt", **fields):
    browser.get("/selfcheck")
    data = {"file": (io.BytesIO(text.encode("utf-8")), name), "mode": "case", **fields}
    return browser.post("/selfcheck", data, content_type="multipart/form-data")


def test_selfcheck_opens_a_case_and_highlights_in_place(as_user, svc):
    zhang = as_user("zhang")
    response = upload(zhang, ID_DRAFT, title="表彰通报")
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    html = zhang.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已开立审查案件（第 1 版）：共 2 项审查发现，其中高风险 1 项" in html
    mark = re.search(r'<mark class="hl c-personal_info s-high"[^>]*>([^<]*)</mark>', html)
    assert mark and mark.group(1) == "11010519491231002X"
    # the side list: grouped by category, message, suggestion, basis code, why
    assert 'id="g-personal_info"' in html and "疑似公民身份号码" in html
    assert "art15" in html and "第十五条" in html and "为什么标记" in html and "校验通过" in html
    assert svc.case_view(case_id)["title"] == "表彰通报"


def test_pasted_text_opens_a_case_too(as_user):
    zhang = as_user("zhang")
    zhang.get("/selfcheck")
    response = zhang.post("/selfcheck", {"text": ID_DRAFT, "mode": "case", "title": "粘贴的通报"})
    assert response.status_code == 302
    html = zhang.get(response.headers["Location"]).get_data(as_text=True)
    assert "11010519491231002X</mark>" in html


def test_quick_check_keeps_nothing(as_user, svc):
    zhang = as_user("zhang")
    zhang.get("/selfcheck")
    before = cases_count(svc)
    response = zhang.post("/selfcheck", {"text": ID_DRAFT, "mode": "check"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "本次检查未保存任何内容" in html
    assert "11010519491231002X</mark>" in html and "以这段文字开立审查案件" in html
    assert cases_count(svc) == before


def test_quick_check_of_a_marked_file_is_reported_not_shown(as_user, svc, people):
    zhang = as_user("zhang")
    zhang.get("/selfcheck")
    response = zhang.post("/selfcheck", {"file": (io.BytesIO(MARKED.encode()), "内部.txt"), "mode": "check"},
                          content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "不予显示" in html and "关于某项工作的内部通报" not in html
    with svc.db.read() as s:
        notices = s.execute(sa.select(Notification).where(Notification.user_id == people["sun"])).scalars().all()
        # the notice names the marking in a masked form only (issue 13: no secrets at rest)
        assert [n.kind for n in notices] == ["quarantine"] and "机****" in notices[0].message
        assert "机密★1年" not in notices[0].message
        assert s.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc())).first()[0] == "selfcheck.marking"
        other = s.execute(sa.select(Notification).where(Notification.user_id == people["feng"])).all()
        assert other == []                                        # the other unit's officer is not told


def test_a_marked_upload_is_quarantined(as_user, svc, people):
    zhang = as_user("zhang")
    response = upload(zhang, MARKED, title="内部通报")
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    html = zhang.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已按涉密文件隔离" in html and "quarantine-banner" in html
    assert "关于某项工作的内部通报" not in html
    officer = as_user("sun").get("/officer/quarantine").get_data(as_text=True)
    assert "机****" in officer and "机密★1年" not in officer and "内部通报" in officer


def test_dismissal_needs_a_reason(as_user, svc, people):
    case = open_case(svc, people)
    finding = svc.case_view(case.case_id)["findings"][1]
    zhang = as_user("zhang")
    zhang.get(f"/cases/{case.case_id}")
    url = f"/cases/{case.case_id}/findings/{finding['id']}/disposition"
    response = zhang.post(url, {"action": "dismissed", "reason": "  ", "next": f"/cases/{case.case_id}"},
                          follow_redirects=True)
    assert "须写明理由" in response.get_data(as_text=True)
    zhang.post(url, {"action": "dismissed", "reason": "单位办公电话"})
    assert svc.case_view(case.case_id)["findings"][1]["disposition"]["reason"] == "单位办公电话"


def test_fixed_is_set_by_a_new_version_and_the_changes_are_shown(as_user, svc, people):
    case = open_case(svc, people)
    phone = next(f for f in svc.case_view(case.case_id)["findings"] if f["subtype"] == "phone")
    zhang = as_user("zhang")
    zhang.get(f"/cases/{case.case_id}")
    zhang.post(f"/cases/{case.case_id}/findings/{phone['id']}/disposition", {"action": "dismissed",
                                                                             "reason": "办公电话"})
    response = zhang.post(f"/cases/{case.case_id}/versions",
                          {"file": (io.BytesIO(ID_FIXED.encode()), "v2.txt")}, content_type="multipart/form-data")
    assert response.status_code == 302
    html = zhang.get(f"/cases/{case.case_id}").get_data(as_text=True)
    changes = html.split('id="changes"')[1].split("</section>")[0]
    new, resolved, carried = changes.split('class="d-')[1:4]
    assert "无" in new and "11010519491231002X" in resolved and "13812345678" in carried
    assert "已修改（不再出现）1 项" in html and "沿用以前的处置 1 项" in html
    old = zhang.get(f"/cases/{case.case_id}?v=1").get_data(as_text=True)
    assert "已在新版本中修改" in old and "非当前版本" in old


def test_publicity_sign_return_and_approve(as_user, svc, people):
    case = open_case(svc, people, text=ID_FIXED)
    cid = case.case_id
    zhang, li, wang = as_user("zhang"), as_user("li"), as_user("wang")
    zhang.get(f"/cases/{cid}")
    phone = svc.case_view(cid)["findings"][0]
    zhang.post(f"/cases/{cid}/publicity", {"attribute": "依申请公开", "reason": ""})
    assert svc.case_view(cid)["public_attribute"]["attribute"] is None        # a reason is needed
    zhang.post(f"/cases/{cid}/publicity", {"attribute": "主动公开", "reason": "电话为办公电话，可以公开"})
    assert svc.case_view(cid)["public_attribute"]["attribute"] == "主动公开"
    zhang.post(f"/cases/{cid}/findings/{phone['id']}/disposition", {"action": "dismissed", "reason": "办公电话"})
    zhang.post(f"/cases/{cid}/sign", {"stage": "drafter", "decision": "approve"})
    assert svc.case_view(cid)["stage"] == "head_review"
    assert "表彰通报" in li.get("/todo").get_data(as_text=True)
    li.get(f"/cases/{cid}")
    li.post(f"/cases/{cid}/sign", {"stage": "head", "decision": "return", "opinion": ""})
    assert svc.case_view(cid)["stage"] == "head_review"                    # an opinion is required
    li.post(f"/cases/{cid}/sign", {"stage": "head", "decision": "approve", "opinion": "同意"})
    wang.get(f"/cases/{cid}")
    wang.post(f"/cases/{cid}/sign", {"stage": "leader", "decision": "approve", "opinion": "同意公开"})
    view = svc.case_view(cid)
    assert view["stage"] == "approved" and [s["stage"] for s in view["signoffs"]] == ["drafter", "head", "leader"]
    html = wang.get(f"/cases/{cid}").get_data(as_text=True)
    assert "同意公开" in html and "王主任" in html and 'id="sign"' not in html


def test_escalation_and_answer(as_user, svc, people):
    case = open_case(svc, people, text=ID_FIXED)
    sun = as_user("sun")
    sun.get(f"/cases/{case.case_id}")
    sun.post(f"/cases/{case.case_id}/escalate", {"question": "电话是否属于个人隐私？"})
    assert svc.case_view(case.case_id)["stage"] == "escalated"
    assert "等待答复" in sun.get(f"/cases/{case.case_id}").get_data(as_text=True)
    sun.post(f"/cases/{case.case_id}/answer", {"answer": "属于办公电话，可以公开"})
    assert svc.case_view(case.case_id)["stage"] == "draft"


def test_the_officer_confirms_findings(as_user, svc, people):
    case = open_case(svc, people)
    finding = svc.case_view(case.case_id)["findings"][0]
    sun = as_user("sun")
    sun.get(f"/cases/{case.case_id}")
    sun.post(f"/cases/{case.case_id}/findings/{finding['id']}/disposition", {"action": "confirmed"})
    assert svc.case_view(case.case_id)["findings"][0]["disposition"]["action"] == "confirmed"


def test_print_view_masks_personal_data(as_user, svc, people):
    case = open_case(svc, people)
    html = as_user("li").get(f"/cases/{case.case_id}/print").get_data(as_text=True)
    assert "政府信息公开保密审查单" in html and "11010519491231002X" not in html
    assert "110105" in html and "身份证号" in html


def test_sheet_docx_download(as_user, svc, people):
    case = open_case(svc, people)
    response = as_user("zhang").get(f"/cases/{case.case_id}/sheet.docx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


def test_sheet_pdf_download(as_user, svc, people):
    case = open_case(svc, people)
    response = as_user("zhang").get(f"/cases/{case.case_id}/sheet.pdf")
    assert response.status_code == 200 and response.data[:5] == b"%PDF-"


def test_original_file_download(as_user, svc, people):
    case = open_case(svc, people)
    response = as_user("wang").get(f"/cases/{case.case_id}/file")
    assert response.data.decode("utf-8") == ID_DRAFT


def test_case_list_filters(as_user, svc, people):
    first = open_case(svc, people, title="有身份证号的通报")
    second = open_case(svc, people, text=ID_FIXED, title="只有电话的通报", who="zhao")
    sun = as_user("sun")
    html = sun.get("/cases?category=personal_info").get_data(as_text=True)
    assert "有身份证号的通报" in html and "只有电话的通报" in html
    html = sun.get("/cases?q=电话").get_data(as_text=True)
    assert "有身份证号的通报" not in html and "只有电话的通报" in html
    with svc.db.read() as s:
        dept2 = s.get(Case, second.case_id).department_id
    html = sun.get(f"/cases?department={dept2}").get_data(as_text=True)
    assert "有身份证号的通报" not in html and "只有电话的通报" in html
    html = sun.get("/cases?stage=approved").get_data(as_text=True)
    assert "没有符合条件的案件" in html
    html = sun.get("/cases?overdue=1").get_data(as_text=True)
    assert "没有符合条件的案件" in html
    assert first.case_id != second.case_id


def test_upload_too_large_is_a_page_not_a_traceback(app, as_user):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    zhang = as_user("zhang")
    zhang.get("/selfcheck")
    response = zhang.post("/selfcheck", {"file": (io.BytesIO(b"x" * 5000), "big.txt"), "mode": "case"},
                          content_type="multipart/form-data")
    assert response.status_code == 413 and "上传的文件过大" in response.get_data(as_text=True)


def test_unreadable_file_is_explained(as_user):
    zhang = as_user("zhang")
    response = upload(zhang, "%PDF-1.7 this is not really a pdf", name="broken.pdf", title="坏文件")
    assert response.status_code == 302
    html = zhang.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert 'class="flash error">PDF 文件' in html


def test_redacted_copy_becomes_the_next_version_in_one_click(as_user, svc, people):
    case = open_case(svc, people)
    findings = svc.case_view(case.case_id)["findings"]
    zhang = as_user("zhang")
    assert 'id="redact-version"' in zhang.get(f"/cases/{case.case_id}").get_data(as_text=True)  # offered at once
    refused = zhang.post(f"/cases/{case.case_id}/redact", {}, follow_redirects=True).get_data(as_text=True)
    assert "没有标记为“区分处理”的审查发现" in refused
    for finding in findings:
        svc.dispose(people["zhang"], case.case_id, finding["id"], action="redacted", reason="区分处理后公开")
    assert 'id="redact-version"' in zhang.get(f"/cases/{case.case_id}").get_data(as_text=True)
    response = zhang.post(f"/cases/{case.case_id}/redact", {})
    assert response.status_code == 302
    view = svc.case_view(case.case_id)
    assert [v["number"] for v in view["versions"]] == [1, 2]
    name, data = svc.get_file(case.case_id)
    text = data.decode("utf-8")
    assert "11010519491231002X" not in text and "13812345678" not in text and "138****5678" in text


def test_the_file_pickers_offer_every_format_the_service_reads(as_user):
    """A drafter browsing for a WPS draft, an Excel 公示, an OFD or a scan finds it in the picker
    (on the self-check page and for a new version on the case page)."""
    zhang = as_user("zhang")
    wanted = {".doc", ".wps", ".docx", ".xls", ".xlsx", ".et", ".csv", ".ofd", ".pdf", ".png", ".jpg", ".odt",
              ".rtf", ".html", ".txt", ".eml"}
    page = zhang.get("/selfcheck").get_data(as_text=True)
    accept = set(re.search(r'<input type="file" id="file" name="file" accept="([^"]+)"', page).group(1).split(","))
    assert wanted <= accept
    case_id = int(upload(zhang, ID_DRAFT, title="表彰通报").headers["Location"].rsplit("/", 1)[1])
    page = zhang.get(f"/cases/{case_id}").get_data(as_text=True)
    accept = set(re.search(r'id="nv-file" name="file" accept="([^"]+)"', page).group(1).split(","))
    assert wanted <= accept
