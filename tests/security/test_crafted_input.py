"""Issue 13 item 8: crafted input is answered with a 4xx JSON error, never a 500 — deep JSON, lone
surrogates, ids beyond 64 bits, a NUL in an upload's name, and what gunicorn refuses itself."""
from __future__ import annotations

import io
import json
import socket
from urllib.parse import urlsplit

import pytest

from web_helpers import CLEAN, error_of, open_case

DEEP = 100_000


def post_json(client, url, raw: str, headers):
    return client.post(url, data=raw.encode("utf-8"), headers={**headers, "Content-Type": "application/json"})


@pytest.mark.parametrize("depth", [DEEP, 900])
def test_deeply_nested_json_is_a_client_error(client, org, depth):
    raw = '{"name": "a.txt", "text": ' + "[" * depth + "]" * depth + "}"
    r = post_json(client, "/api/v1/screen", raw, org.auth("key:screen"))
    assert r.status_code in (400, 422), r.status_code
    assert error_of(r)["code"] in ("invalid_json", "invalid_request")


@pytest.mark.parametrize("raw", ['{"name": "a.txt", "text": "联系人\\ud800张三"}',
                                 '{"name": "\\udfff.txt", "text": "正文"}',
                                 '{"name": "a.txt", "text": "正文", "\\ud800": 1}'])
def test_a_lone_surrogate_is_refused(client, org, raw):
    r = post_json(client, "/api/v1/screen", raw, org.auth("key:screen"))
    assert r.status_code == 422, r.status_code
    assert error_of(r)["code"] == "invalid_text" and "Unicode" in error_of(r)["message"]


def test_a_lone_surrogate_in_an_opinion_is_refused(client, org):
    case_id = open_case(client, org.auth("drafter"), text=CLEAN).get_json()["id"]
    r = post_json(client, f"/api/v1/documents/{case_id}/signoffs",
                  '{"stage": "drafter", "decision": "approve", "opinion": "同意\\ud83d"}', org.auth("drafter"))
    assert r.status_code == 422 and error_of(r)["code"] == "invalid_text"
    assert client.get(f"/api/v1/documents/{case_id}", headers=org.auth("drafter")).get_json()["signoffs"] == []


@pytest.mark.parametrize("path", ["/api/v1/documents/{big}", "/api/v1/documents/{big}/sheet.docx",
                                  "/api/v1/documents/1/findings/{big}/disposition"])
def test_an_id_beyond_64_bits_is_not_found(client, org, path):
    url = path.format(big=2**64 + 7)
    r = (client.post(url, json={"action": "confirmed"}, headers=org.auth("drafter")) if url.endswith("disposition")
         else client.get(url, headers=org.auth("key:all")))
    assert r.status_code == 404 and r.is_json, r.status_code


def test_an_id_beyond_64_bits_on_a_page_is_not_found(client, org):
    with client.session_transaction() as sess:
        sess["user_id"] = org.ids["drafter"]
    assert client.get(f"/cases/{2**64}").status_code == 404
    assert client.get(f"/cases/{2**63 - 1}").status_code == 404
    assert client.get(f"/cases/{2**31}").status_code == 404


def test_a_nul_in_an_upload_name_keeps_the_download_working(app, client, org):
    data = {"title": "通知", "file": (io.BytesIO(CLEAN.encode("utf-8")), "通\x00知\x07.txt")}
    r = client.post("/api/v1/documents", data=data, headers=org.auth("drafter"))
    assert r.status_code == 201, r.get_data(as_text=True)
    case_id = r.get_json()["id"]
    name = client.get(f"/api/v1/documents/{case_id}", headers=org.auth("drafter")).get_json()["versions"][0]
    with client.session_transaction() as sess:
        sess["user_id"] = org.ids["drafter"]
    download = client.get(f"/cases/{case_id}/file")
    assert download.status_code == 200 and download.data == CLEAN.encode("utf-8")
    disposition = download.headers["Content-Disposition"]
    assert "\x00" not in disposition and "\n" not in disposition and "X-Evil" not in download.headers
    assert name["sha256"]


def raw_request(base: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("request_bytes,status,code", [
    (b"GET /api/v1/documents/" + b"9" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    (b"GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 431, "headers_too_large"),
    (b"GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: 1\r\n" % i for i in range(200)) + b"\r\n",
     431, "headers_too_large"),
], ids=["414", "431-size", "431-count"])
def test_what_gunicorn_refuses_is_json(live_sqlite, request_bytes, status, code):
    got, headers, body = raw_request(live_sqlite.url, request_bytes)
    assert got == status
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"]["code"] == code
    assert "Server" not in headers
