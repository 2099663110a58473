"""Marshmallow schemas of the API: the request bodies it parses and the responses it documents. The
OpenAPI document (`/api/v1/openapi.json`) is generated from these by flask-smorest/apispec, and the
contract test validates real responses against it. Responses are documented, not filtered: the
views answer the review layer's dicts, and every schema allows further (additive) fields."""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from screening.review.enums import Carrier, Channel, Decision, OpinionKind, SignStage, Stage
from screening.types import Category, PartKind, Severity, Source

NULL = {"allow_none": True}


def _values(enum: type) -> list[str]:
    return [str(v.value) for v in enum]


def _one_of(enum: type, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(_values(enum)), **kwargs)


class Open(Schema):
    """A response schema: further fields may be added later (SPEC: change only by adding)."""

    class Meta:
        unknown = INCLUDE


# -- errors ------------------------------------------------------------------------------------------

class ErrorBody(Open):
    code = fields.String(required=True, metadata={"example": "wrong_stage"})
    message = fields.String(required=True)


class Error(Open):
    error = fields.Nested(ErrorBody, required=True)


# -- the report (SPEC §3) -----------------------------------------------------------------------------

class DocumentInfo(Open):
    name = fields.String(required=True)
    sha256 = fields.String(required=True)
    format = fields.String(required=True)
    pages = fields.Integer(**NULL)
    chars = fields.Integer()


class Location(Open):
    part = _one_of(PartKind, required=True)
    page = fields.Integer(**NULL)
    paragraph = fields.Integer(**NULL)
    start = fields.Integer(**NULL)
    end = fields.Integer(**NULL)
    region = fields.String(validate=validate.OneOf(["chrome"]),
                           metadata={"description": "chrome: the web page's frame (页面框架), not its article"})


class Finding(Open):
    rule = fields.String(required=True)
    category = _one_of(Category, required=True)
    subtype = fields.String(**NULL)
    severity = _one_of(Severity, required=True)
    source = _one_of(Source, required=True)
    text = fields.String(required=True)
    location = fields.Nested(Location, required=True)
    message = fields.String(required=True)
    suggestion = fields.String(required=True)
    confidence = fields.Float(required=True)
    explanation = fields.Dict(**NULL)
    fingerprint = fields.String()


class Report(Open):
    document = fields.Nested(DocumentInfo, required=True)
    verdict = fields.String(validate=validate.OneOf(["block", "review", "pass"]), required=True, **NULL)
    error = fields.Nested(ErrorBody, required=True, **NULL)
    findings = fields.List(fields.Nested(Finding), required=True)
    notes = fields.List(fields.String(), metadata={"description": "what was screened and held nothing to report"})


class ReportBatch(Open):
    """SPEC §3's whole JSON report, as `screening check --format json` prints it for a folder."""
    schema = fields.String(required=True, metadata={"example": "screening.report/1"})
    reports = fields.List(fields.Nested(Report), required=True,
                          metadata={"description": "one per file, in the order sent; a refused file has its error"})
    summary = fields.Dict(required=True, metadata={"description": "files, by_outcome, by_format, errors"})


class FileUploads(Schema):
    file = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}), required=True,
                       metadata={"description": "one or more files, each in a `file` field"})


# -- cases (SPEC §4) ----------------------------------------------------------------------------------

class Upload(Open):
    id = fields.Integer(required=True)
    stage = _one_of(Stage, required=True)
    version = fields.Integer(required=True)
    report = fields.Nested(Report, required=True)
    quarantined = fields.Boolean()
    carried_over = fields.Integer()
    fixed = fields.Integer()


class Disposition(Open):
    action = fields.String(required=True)
    reason = fields.String(required=True)
    by = fields.String(required=True)
    at = fields.String(required=True)


class CaseFinding(Finding):
    id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    disposition = fields.Nested(Disposition, required=True, **NULL)


class CaseVersion(Open):
    number = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    verdict = fields.String(required=True, **NULL)


class Signoff(Open):
    stage = _one_of(SignStage, required=True)
    decision = _one_of(Decision, required=True)
    by = fields.String(required=True)
    at = fields.String(required=True)
    opinion = fields.String(required=True)


class Case(Open):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    stage = _one_of(Stage, required=True)
    versions = fields.List(fields.Nested(CaseVersion), required=True)
    findings = fields.List(fields.Nested(CaseFinding), required=True)
    notes = fields.List(fields.String(), metadata={"description": "the current version's report notes"})
    signoffs = fields.List(fields.Nested(Signoff), required=True)
    sign_stages = fields.List(_one_of(SignStage), metadata={
        "description": "the stages this case passes, in order: drafter, head, leader — or, where the unit "
                       "has switched on the fourth stage, drafter, head, secrecy (保密审核), leader"})
    public_attribute = fields.Dict(required=True)
    due_date = fields.String(required=True, **NULL, metadata={"format": "date"})


class Clearance(Open):
    publishable = fields.Boolean(required=True)
    document = fields.Integer(required=True, **NULL)
    reason = fields.String(required=True)
    version = fields.Integer(**NULL)


class DispositionResult(Disposition):
    finding_id = fields.Integer(required=True)


class SignResult(Open):
    stage = _one_of(Stage, required=True)
    signoff = fields.Nested(Signoff, required=True)


# -- requests -----------------------------------------------------------------------------------------

class ScreenText(Schema):
    name = fields.String(load_default="text.txt", validate=validate.Length(min=1, max=255),
                         metadata={"example": "通知.txt"})
    text = fields.String(required=True, validate=validate.Length(max=20_000_000),
                         metadata={"example": "申请人身份证号11010519491231002X"})


class FileUpload(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class OpenCaseForm(FileUpload):
    title = fields.String(required=True, validate=validate.Length(min=1, max=500),
                          metadata={"description": "信息名称"})
    doc_number = fields.String(validate=validate.Length(max=200), metadata={"description": "文号"})
    department = fields.String(validate=validate.Length(max=200),
                               metadata={"description": "承办部门（默认：承办人所在部门）"})
    channel = fields.String(validate=validate.OneOf(_values(Channel)), metadata={"description": "拟公开方式"})
    carrier = fields.String(validate=validate.OneOf(_values(Carrier)), metadata={"description": "载体形式"})
    formed_on = fields.Date(metadata={"description": "形成日期（默认：今天）"})
    planned_on = fields.Date(metadata={"description": "拟公开时间"})


class DispositionIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(["dismissed", "confirmed", "redacted"]))
    reason = fields.String(load_default="", validate=validate.Length(max=5000),
                           metadata={"description": "驳回（dismissed）时必填"})


class SignoffIn(Schema):
    stage = fields.String(required=True, validate=validate.OneOf(_values(SignStage)))
    decision = fields.String(required=True, validate=validate.OneOf(_values(Decision)))
    opinion = fields.String(load_default="", validate=validate.Length(max=5000),
                            metadata={"description": "意见；退回（return）时必填"})
    opinion_kind = fields.String(validate=validate.OneOf(_values(OpinionKind)), **NULL,
                                 metadata={"description": "审查单上的意见类型（默认按公开属性）"})


class ClearanceQuery(Schema):
    sha256 = fields.String(required=True, metadata={"description": "文件的 SHA-256（64 位十六进制）"})


class WebhookIn(Schema):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False,
                     validate=validate.Length(max=2000))


# -- jobs, webhooks, identity -------------------------------------------------------------------------

class JobAccepted(Open):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    poll = fields.String(required=True)


class Job(Open):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["queued", "running", "succeeded", "failed"]))
    result_status = fields.Integer(required=True, **NULL)
    result = fields.Dict(required=True, **NULL)


class Webhook(Open):
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    secret = fields.String(metadata={"description": "HMAC-SHA256 签名密钥，仅在设置时返回一次"})


class WhoAmI(Open):
    kind = fields.String(required=True, validate=validate.OneOf(["api_key", "token", "session"]))
    user = fields.Dict(required=True, **NULL)
    key = fields.Dict(required=True, **NULL)
    csrf_token = fields.String(metadata={"description": "网页会话调用时：修改请求须在 X-CSRFToken 头中携带"})
