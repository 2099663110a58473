"""Request parsing and response documentation shared by the API blueprints.

Bodies are parsed here rather than by webargs so that the status codes are the API's own: 415 for a
body of the wrong media type, 400 for malformed JSON, 422 with the offending fields for a body that
does not fit its schema. The same marshmallow schemas describe the bodies in the OpenAPI document.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, ValidationError
from werkzeug.datastructures import FileStorage

from screening.review.versions import clean_filename
from screening.web.errors import HTTP_ERRORS, ApiError
from screening.web.schemas import Error

JSON = "application/json"
MULTIPART = "multipart/form-data"

ERROR_TEXT = {
    400: "请求有误（缺少或无效的字段、理由等）",
    401: "未认证：缺少、无效或已吊销的 API 密钥/个人令牌",
    403: "无权：API 密钥缺少权限范围、系统密钥不能代表个人，或不是本人的环节",
    404: "不存在（或无权知悉）",
    409: "当前阶段不允许该操作（如环节不对、仍有未处置的高风险发现）",
    413: "上传内容超过大小上限",
    415: "请求的内容类型不受支持",
    422: "请求内容不符合要求，或文件无法读取",
    429: "请求过于频繁（按密钥、令牌或用户限流）",
    503: "依赖的服务暂不可用（如 LibreOffice）",
}


_ZH = {
    "Missing data for required field.": "必填",
    "Field may not be null.": "不能为空",
    "Not a valid string.": "应为字符串",
    "Not a valid date.": "日期格式应为 YYYY-MM-DD",
    "Not a valid URL.": "不是有效的网址",
    "Invalid input type.": "类型不正确",
}


def _fields_message(errors: dict) -> str:
    parts = []
    for name, problem in errors.items():
        if isinstance(problem, dict):
            problem = _fields_message(problem)
        elif isinstance(problem, list):
            problem = "；".join(_ZH.get(str(p), str(p)) for p in problem)
        parts.append(f"{name}：{problem}")
    return "，".join(parts)


def _unencodable(data: Any) -> str | None:
    """The first field (dotted path) holding a string that is not valid Unicode text (a lone
    surrogate such as JSON's "\\ud800"), or None. Iterative: a deep body cannot exhaust the stack."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return path or "_"
        elif isinstance(value, (dict, list)):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    stack.append((path or "_", key))
                stack.append((f"{path}.{key}" if path else str(key), item))
    return None


def _load(schema_cls: type[Schema], data: dict) -> dict:
    bad = _unencodable(data)
    if bad is not None:
        raise ApiError(422, "invalid_text", f"请求内容不符合要求：{bad} 含无效的 Unicode 字符（孤立的代理码位）",
                       fields={bad: ["含无效的 Unicode 字符"]})
    try:
        return schema_cls(unknown=EXCLUDE).load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        raise ApiError(422, "invalid_request", f"请求内容不符合要求：{_fields_message(messages)}",
                       fields=messages) from None


def json_body(schema_cls: type[Schema]) -> dict:
    """The JSON body, validated: 415 unless `application/json`, 400 if malformed, 422 if invalid."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", f"请求体应为 {JSON}")
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise ApiError(400, "invalid_json", "请求体的 JSON 嵌套层数过多") from None
    if data is None:
        raise ApiError(400, "invalid_json", "请求体不是有效的 JSON")
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_request", "请求体应为 JSON 对象")
    return _load(schema_cls, data)


def is_multipart() -> bool:
    return request.mimetype == MULTIPART


def form_body(schema_cls: type[Schema]) -> dict:
    """A multipart form with its `file`, validated (empty optional fields count as absent)."""
    if not is_multipart():
        raise ApiError(415, "unsupported_media_type", f"请求体应为 {MULTIPART}，文件放在 file 字段")
    data: dict[str, Any] = {k: v for k, v in request.form.items() if v.strip() != ""}
    upload = request.files.get("file")
    if isinstance(upload, FileStorage):
        data["file"] = upload
    else:
        data.pop("file", None)
    loaded = _load(schema_cls, data)
    if "file" in loaded and not isinstance(loaded["file"], FileStorage):
        raise ApiError(422, "invalid_request", "file 字段应为上传的文件", fields={"file": ["应为文件"]})
    return loaded


def upload_name(upload: FileStorage) -> str:
    """The uploaded file's own name, without any client-side folder or control characters."""
    return clean_filename(upload.filename)


def query_args(schema_cls: type[Schema]) -> dict:
    return _load(schema_cls, request.args.to_dict())


def answer(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# -- documentation ------------------------------------------------------------------------------------

def request_body(bp: Blueprint, *, json: type[Schema] | None = None,
                 multipart: type[Schema] | None = None, description: str = "") -> Callable:
    content = {}
    if multipart is not None:
        content[MULTIPART] = {"schema": multipart}
    if json is not None:
        content[JSON] = {"schema": json}
    return bp.doc(requestBody={"required": True, "description": description, "content": content})


def responds(bp: Blueprint, status: int, schema: type[Schema] | None, description: str, *,
             errors: tuple[int, ...] = (), content_type: str | None = None,
             headers: dict | None = None) -> Callable:
    """Document the success response and the error statuses of an operation."""
    def decorate(view: Callable) -> Callable:
        for code in errors:
            view = bp.alt_response(code, schema=Error, description=ERROR_TEXT.get(code, HTTP_ERRORS[code][1]))(view)
        if content_type is not None:
            response: dict[str, Any] = {"description": description,
                                        "content": {content_type: {"schema": {"type": "string", "format": "binary"}}}}
            view = bp.doc(responses={str(status): response})(view)
        else:
            view = bp.alt_response(status, schema=schema, description=description, success=True,
                                   headers=headers)(view)
        return view
    return decorate
