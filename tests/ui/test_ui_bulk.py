"""Bulk actions on the case page and tables shown as tables: a 100-row 公示 (generated docx) is cleared
by column in one act, every finding audited on its own; 区分处理 + the generated copy unblock the submit."""
from __future__ import annotations

import io
import re

import docx
import sqlalchemy as sa

from screening.review.models import AuditEvent
from tests.ui.gongshi import id_number, make_gongshi

COLUMN = "column:table:1:3"     # 表1 第3列 “身份证号”


def open_gongshi(svc, people, tmp_path, rows: int = 100):
    path = tmp_path / "低保公示.docx"
    data = make_gongshi(path, rows)
    return svc.open_case(people["zhang"], title="低保公示", data=data, filename=path.name)


def dispositions(svc, case_id: int) -> list[dict]:
    with svc.db.read() as s:
        rows = s.execute(sa.select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                     AuditEvent.action == "finding.dispose")).scalars()
        import json
        return [json.loads(e.payload) for e in rows]


def test_the_table_is_a_table_with_findings_in_their_cells(as_user, svc, people, tmp_path):
    case = open_gongshi(svc, people, tmp_path, rows=5)
    html = as_user("zhang").get(f"/cases/{case.case_id}").get_data(as_text=True)
    assert html.count('<table class="doc-table">') == 1
    header = re.search(r'<tr><th scope="row" class="rowno">1</th>(.*?)</tr>', html).group(1)
    assert "户主姓名" in header and "身份证号" in header
    marked = re.findall(r'<td class="marked">(.*?)</td>', html)
    assert len(marked) == 5 and all("mark" in cell for cell in marked)
    assert id_number(3) in "".join(marked)
    assert "表1 第4行 身份证号" in html          # where the third household's ID number is


def test_a_column_cleared_in_one_act_each_finding_audited(as_user, svc, people, tmp_path):
    case = open_gongshi(svc, people, tmp_path)
    zhang = as_user("zhang")
    page = zhang.get(f"/cases/{case.case_id}").get_data(as_text=True)
    assert f'value="{COLUMN}">表格列：表1“身份证号”列（100 项）' in page
    r = zhang.post(f"/cases/{case.case_id}/bulk", {"scope": COLUMN, "action": "redact_copy", "only_open": "1",
                                                 "revisions": "accept"})
    assert r.status_code == 302, r.get_data(as_text=True)
    events = dispositions(svc, case.case_id)
    assert len(events) == 100 and {e["action"] for e in events} == {"redacted"}
    assert len({e["finding_id"] for e in events}) == 100
    view = svc.case_view(case.case_id)
    assert view["version"] == 2
    name, data = svc.get_file(case.case_id)
    text = "\n".join(c.text for t in docx.Document(io.BytesIO(data)).tables for row in t.rows for c in row.cells)
    assert id_number(1) not in text and "户主1" in text
    assert not [f for f in view["findings"] if f["severity"] == "high"]
    r = zhang.post(f"/cases/{case.case_id}/sign", {"stage": "drafter", "decision": "approve"})
    assert svc.case_view(case.case_id)["stage"] == "head_review"
    history = zhang.get(f"/cases/{case.case_id}").get_data(as_text=True)
    assert "张承办</strong> 处置发现：身份证号（区分处理）" in history


def test_marked_redacted_the_submit_generates_the_copy_in_the_same_step(as_user, svc, people, tmp_path):
    case = open_gongshi(svc, people, tmp_path, rows=8)
    zhang = as_user("zhang")
    zhang.post(f"/cases/{case.case_id}/bulk", {"scope": "all", "action": "redacted"})
    plain = zhang.post(f"/cases/{case.case_id}/sign", {"stage": "drafter", "decision": "approve"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已标记区分处理的 8 个高风险审查发现尚未遮挡" in plain
    page = zhang.get(f"/cases/{case.case_id}").get_data(as_text=True)
    assert "生成区分处理副本并提交审核" in page
    zhang.post(f"/cases/{case.case_id}/sign", {"stage": "drafter", "decision": "approve", "redact_first": "1"})
    view = svc.case_view(case.case_id)
    assert view["stage"] == "head_review" and view["version"] == 2
    assert view["signoffs"][-1]["version"] == 2


def test_bulk_dismissal_needs_one_reason_and_records_it_on_each(as_user, svc, people, tmp_path):
    case = open_gongshi(svc, people, tmp_path, rows=4)
    zhang = as_user("zhang")
    refused = zhang.post(f"/cases/{case.case_id}/bulk", {"scope": "category:personal_info", "action": "dismissed"},
                         follow_redirects=True).get_data(as_text=True)
    assert "须写明理由" in refused and dispositions(svc, case.case_id) == []
    zhang.post(f"/cases/{case.case_id}/bulk", {"scope": "category:personal_info", "action": "dismissed",
                                             "reason": "测试数据，非真实身份证号"})
    events = dispositions(svc, case.case_id)
    assert len(events) == 4 and all(e["reason"] == "测试数据，非真实身份证号" for e in events)


def test_ticked_findings_only(as_user, svc, people, tmp_path):
    case = open_gongshi(svc, people, tmp_path, rows=6)
    ids = [f["id"] for f in svc.case_view(case.case_id)["findings"]][:2]
    as_user("zhang").post(f"/cases/{case.case_id}/bulk", {"scope": "selected", "action": "confirmed", "f": ids})
    assert sorted(e["finding_id"] for e in dispositions(svc, case.case_id)) == sorted(ids)


def test_others_cannot_bulk_dispose(as_user, svc, people, tmp_path):
    case = open_gongshi(svc, people, tmp_path, rows=3)
    r = as_user("zhao").post(f"/cases/{case.case_id}/bulk", {"scope": "all", "action": "confirmed"})
    assert r.status_code in (403, 404) and dispositions(svc, case.case_id) == []


def test_a_long_document_collapses_to_the_passages_with_findings(as_user, svc, people):
    lines = [f"第{i}段：本季度社区工作情况良好，群众满意。" for i in range(1, 121)]
    lines[70] = "联系人身份证号 11010519491231002X，请核对。"
    case = svc.open_case(people["zhang"], title="长文件", data="\n".join(lines).encode(), filename="long.txt")
    zhang = as_user("zhang")
    html = zhang.get(f"/cases/{case.case_id}").get_data(as_text=True)
    assert "显示全文" in html and "第70段：" in html and "第72段：" in html and "第69段：" not in html
    assert "第5段：" not in html and "省略" in html
    full = zhang.get(f"/cases/{case.case_id}?all=1").get_data(as_text=True)
    assert "第5段：" in full and "只看有审查发现的内容" in full


def test_title_and_doc_number_come_from_the_document(as_user, svc, tmp_path):
    from tests.ui.gongshi import DOC_NUMBER, TITLE

    path = tmp_path / "公示.docx"
    data = make_gongshi(path, 3)
    zhang = as_user("zhang")
    r = zhang.post("/selfcheck", {"mode": "case", "title": "", "file": (io.BytesIO(data), "公示.docx")},
                   content_type="multipart/form-data")
    case_id = int(r.headers["Location"].rsplit("/", 1)[1])
    view = svc.case_view(case_id)
    assert (view["title"], view["doc_number"]) == (TITLE, DOC_NUMBER)
    r = zhang.post("/selfcheck", {"mode": "case", "title": "自定标题", "doc_number": "",
                                  "file": (io.BytesIO(data + b""), "公示2.docx")}, content_type="multipart/form-data")
    assert svc.case_view(int(r.headers["Location"].rsplit("/", 1)[1]))["title"] == "自定标题"
