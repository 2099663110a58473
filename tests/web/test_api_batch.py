"""POST /api/v1/screen/batch: several files in one request, each accounted for in order (screened, or
refused with its code), the summary counting them, as `screening check DIR --format json` does."""
from __future__ import annotations

import io

import openpyxl
import pytest
from docgen import make_docx

from web_helpers import CLEAN, ID_NUMBER, error_of, poll_job

PHONE = "13812345678"


def xlsx_list() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "联系电话"])
    ws.append([1, "张三", PHONE])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def batch(*files):
    return {"file": [(io.BytesIO(data), name) for name, data in files]}


FILES = (
    ("表彰通报.docx", make_docx(paragraphs=[f"志愿者张三（身份证号 {ID_NUMBER}）表现突出。"])),
    ("通知.txt", CLEAN.encode("utf-8")),
    ("损坏.docx", b"PK\x03\x04 not really a zip"),
    ("名单.xlsx", xlsx_list()),
    ("通知.txt", CLEAN.encode("utf-8")),          # the same name twice: two files, two reports
)


def test_every_file_of_a_batch_is_accounted_for_in_order(client, org):
    r = client.post("/api/v1/screen/batch", data=batch(*FILES), headers=org.auth("key:screen"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["schema"] == "screening.report/1"
    reports = body["reports"]
    assert [x["document"]["name"] for x in reports] == [name for name, _ in FILES]
    assert [x["verdict"] for x in reports] == ["block", "pass", None, reports[3]["verdict"], "pass"]
    assert [f["text"] for f in reports[0]["findings"] if f["rule"] == "pii.id_card"] == [ID_NUMBER]
    assert reports[2]["error"]["code"] and reports[2]["findings"] == []
    phone = [f for f in reports[3]["findings"] if f["text"] == PHONE]
    assert phone and phone[0]["location"]["sheet"] and phone[0]["location"]["row"] == 2
    summary = body["summary"]
    assert summary["files"] == 5 and summary["by_outcome"]["refused"] == 1
    assert summary["by_format"]["docx"] == {"block": 1, "refused": 1}
    assert sum(summary["errors"].values()) == 1


def test_a_large_batch_becomes_a_job_with_the_same_answer(app_config, request):
    app_config["SYNC_MAX_BYTES"] = 64
    client, org = request.getfixturevalue("client"), request.getfixturevalue("org")
    r = client.post("/api/v1/screen/batch", data=batch(*FILES[:3]), headers=org.auth("key:screen"))
    assert r.status_code == 202 and r.get_json()["kind"] == "screen_batch"
    view = poll_job(lambda url: client.get(url, headers=org.auth("key:screen")), r.get_json()["poll"])
    assert view["status"] == "succeeded" and view["result_status"] == 200
    assert [x["document"]["name"] for x in view["result"]["reports"]] == ["表彰通报.docx", "通知.txt", "损坏.docx"]
    assert view["result"]["summary"]["files"] == 3


@pytest.mark.parametrize("kwargs,status,code", [
    (dict(data={"note": "没有文件"}, content_type="multipart/form-data"), 400, "no_files"),
    (dict(json={"name": "a.txt", "text": "x"}), 415, "unsupported_media_type"),
])
def test_a_batch_without_files_is_refused(client, org, kwargs, status, code):
    r = client.post("/api/v1/screen/batch", headers=org.auth("key:screen"), **kwargs)
    assert r.status_code == status and error_of(r)["code"] == code


def test_a_batch_has_a_most_files_setting(app_config, request):
    app_config["BATCH_MAX_FILES"] = 2
    client, org = request.getfixturevalue("client"), request.getfixturevalue("org")
    r = client.post("/api/v1/screen/batch", data=batch(*FILES[:3]), headers=org.auth("key:screen"))
    assert r.status_code == 400 and error_of(r)["code"] == "too_many_files" and "最多 2 个" in error_of(r)["message"]


def test_a_batch_needs_the_screen_scope(client, org):
    r = client.post("/api/v1/screen/batch", data=batch(*FILES[:1]), headers=org.auth("key:read"))
    assert r.status_code == 403
