"""Errors of the API: every one is JSON `{"error": {"code", "message"}}` with its HTTP status (SPEC §4),
never an HTML page and never a traceback.

- `ApiError(status, code, message)`: raised by the web layer (authentication, request format);
- `screening.review.errors.ReviewError`: raised by the review service, carrying code and status;
- werkzeug's HTTPExceptions (404, 405, 413, 429 from Flask-Limiter, ...) on `/api/` paths;
- anything else: logged with its traceback, answered as 500 `internal_error` with an incident number.

Outside `/api/` the HTTP errors keep Flask's own pages (the UI blueprint may handle its own); an
unexpected exception there is still logged and answered without a traceback.
"""
from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from screening.review.errors import ReviewError

log = logging.getLogger("screening.web")

API_PREFIX = "/api/"

# status: (code, message)
HTTP_ERRORS = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "需要身份认证：请在 Authorization 头中提供 Bearer API 密钥或个人令牌"),
    403: ("forbidden", "无权执行该操作"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    409: ("conflict", "当前状态不允许该操作"),
    413: ("too_large", "上传的内容超过大小上限"),
    415: ("unsupported_media_type", "不支持的请求内容类型"),
    422: ("invalid_request", "请求内容无法处理"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "服务器内部错误"),
    503: ("unavailable", "服务暂时不可用，请稍后再试"),
}


class ApiError(Exception):
    """An error the web layer answers with: `status`, a stable `code`, a Chinese `message`."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict | None = None,
                 **extra: object) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
        self.extra = extra


def error_response(status: int, code: str, message: str, *, headers: dict | None = None,
                   **extra: object) -> Response:
    body = {"code": code, "message": message}
    body.update(extra)
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, headers=exc.headers, **exc.extra)


def _review_error(exc: ReviewError) -> Response:
    return error_response(exc.status, exc.code, exc.message)


def _http_error(exc: HTTPException):
    if not is_api_request():
        html = current_app.extensions.get("screening.html_errors")
        return html(exc) if html is not None else exc
    status = exc.code or 500
    code, message = HTTP_ERRORS.get(status, (f"http_{status}", exc.description or ""))
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        if limit:
            message = f"上传的内容超过大小上限（{limit // 1024 // 1024 or 1} MiB）"
    elif status == 429:
        message = f"请求过于频繁（限制：{exc.description}），请稍后再试"
    response = error_response(status, code, message)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):   # raised inside another handler: treat as such
        return _http_error(exc)
    incident = secrets.token_hex(4)
    log.exception("unexpected error %s on %s %s", incident, request.method, request.path)
    if not is_api_request():
        return InternalServerError(f"服务器内部错误（事件编号 {incident}）")
    return error_response(500, "internal_error", f"服务器内部错误（事件编号 {incident}），请联系管理员")


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(ReviewError, _review_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
