"""What `screening serve` runs: gunicorn's threaded worker, answering the requests gunicorn itself
refuses (a request line or a header too long, a malformed request) with the API's JSON error
instead of gunicorn's HTML page, and sending no `Server` banner.

gunicorn refuses a request line over `limit_request_line` with 414 and a header over
`limit_request_field_size` (or more than `limit_request_fields` headers) with 431 before the app is
called; its answers are written by `Worker.handle_error`, which this worker overrides for those
client errors. The banner comes from `gunicorn.http.wsgi.Response.default_headers`; gunicorn has no
setting for it, so the worker process drops that one line when it starts (nothing else changes).
"""
from __future__ import annotations

import json

from gunicorn import util
from gunicorn.http import errors as http_errors
from gunicorn.http import wsgi
from gunicorn.workers.gthread import ThreadWorker

# gunicorn's exception: (status, reason, code, message)
CLIENT_ERRORS: tuple[tuple[type[Exception], int, str, str, str], ...] = (
    (http_errors.LimitRequestLine, 414, "URI Too Long", "uri_too_long", "请求地址过长"),
    (http_errors.LimitRequestHeaders, 431, "Request Header Fields Too Large", "headers_too_large",
     "请求头过大或过多"),
    (http_errors.InvalidRequestLine, 400, "Bad Request", "bad_request", "请求行格式不正确"),
    (http_errors.InvalidRequestMethod, 400, "Bad Request", "bad_request", "请求方法不正确"),
    (http_errors.InvalidHTTPVersion, 400, "Bad Request", "bad_request", "HTTP 版本不受支持"),
    (http_errors.InvalidHeader, 400, "Bad Request", "bad_request", "请求头格式不正确"),
    (http_errors.InvalidHeaderName, 400, "Bad Request", "bad_request", "请求头名称不正确"),
)


def error_bytes(status: int, reason: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode("utf-8")
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n")
    return head.encode("latin-1") + body


def _without_banner(default_headers):
    def headers(self):
        return [h for h in default_headers(self) if not h.startswith("Server:")]
    headers.__wrapped__ = default_headers
    return headers


class ApiErrorsWorker(ThreadWorker):
    def init_process(self) -> None:
        if not hasattr(wsgi.Response.default_headers, "__wrapped__"):
            wsgi.Response.default_headers = _without_banner(wsgi.Response.default_headers)
        super().init_process()

    def handle_error(self, req, client, addr, exc) -> None:
        for kind, status, reason, code, message in CLIENT_ERRORS:
            if isinstance(exc, kind):
                self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
                try:
                    util.write_nonblock(client, error_bytes(status, reason, code, message))
                except OSError:
                    self.log.debug("Failed to send error message.")
                return
        super().handle_error(req, client, addr, exc)
