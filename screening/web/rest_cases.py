"""Review cases (SPEC §4): open a case, read it, its review sheet, new versions, dispositions and
sign-offs. Reading works with a system key (`cases:read`) or a person who needs to know; opening a
case and the three acting endpoints need the person's own credential, never a system key."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, url_for
from flask_smorest import Blueprint

from screening.web.auth import principal, require_person, require_scope
from screening.web.errors import ApiError
from screening.web.http import answer, form_body, json_body, request_body, responds, upload_name
from screening.web.rest_screen import run_or_queue
from screening.web.schemas import (Case, DispositionIn, DispositionResult, FileUpload, JobAccepted, OpenCaseForm,
                                   SignoffIn, SignResult, Upload)
from screening.web.state import state

bp = Blueprint("cases_api", __name__, url_prefix="/api/v1", description="保密审查案件（签署须用本人凭据）")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CASE_FIELDS = ("title", "doc_number", "department", "channel", "carrier")


def _location(body: dict) -> dict:
    return {"Location": url_for("cases_api.get_case", case_id=body["id"])}


@bp.route("/documents", methods=["POST"])
@request_body(bp, multipart=OpenCaseForm, description="文件（file）与信息名称（title）、文号、承办部门等")
@responds(bp, 201, Upload, "已为调用的承办人新建案件（第 1 版），并附筛查报告",
          errors=(400, 401, 403, 413, 415, 422, 429))
@bp.alt_response(202, schema=JobAccepted, description="文件较大：已转为后台任务，请轮询 poll 地址", success=True)
@require_person
def open_case():
    """新建审查案件（承办人本人）"""
    form = form_body(OpenCaseForm)
    upload = form["file"]
    fields = {k: form[k] for k in CASE_FIELDS if form.get(k) is not None}
    for key in ("formed_on", "planned_on"):
        if form.get(key) is not None:
            fields[key] = form[key].isoformat()
    payload = {"actor_id": principal().actor_id, "filename": upload_name(upload),
               "data": upload.read(), "fields": fields}
    return run_or_queue("open_case", payload, location=_location)


@bp.route("/documents/<int:case_id>", methods=["GET"])
@responds(bp, 200, Case, "案件：阶段、各版本、当前版本的审查发现及处置、签署、公开属性、最迟公开日",
          errors=(401, 403, 404, 429))
@require_scope("cases:read")
def get_case(case_id: int):
    """查看案件"""
    who = principal()
    return answer(state().service.case_view(case_id, actor_id=who.actor_id, unit_id=who.unit_scope))


def _sheet(case_id: int, fmt: str) -> Response:
    from screening.sheet import ConversionError, render_docx, render_pdf
    from screening.web.sheets import sheet_data

    who = principal()
    case = state().service.case_view(case_id, actor_id=who.actor_id, unit_id=who.unit_scope)
    data = sheet_data(case)
    try:
        content = render_pdf(data) if fmt == "pdf" else render_docx(data)
    except ConversionError as exc:
        raise ApiError(503, "sheet_unavailable", f"无法生成 PDF 审查单：{exc}") from None
    name = f"审查单-{case_id}-第{case['versions'][-1]['number']}版.{fmt}"
    return Response(content, mimetype=PDF if fmt == "pdf" else DOCX, headers={
        "Content-Disposition": f"attachment; filename=sheet-{case_id}.{fmt}; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})


@bp.route("/documents/<int:case_id>/sheet.docx", methods=["GET"])
@responds(bp, 200, None, "审查单（docx）", content_type=DOCX, errors=(401, 403, 404, 429))
@require_scope("cases:read")
def sheet_docx(case_id: int):
    """下载审查单（docx）"""
    return _sheet(case_id, "docx")


@bp.route("/documents/<int:case_id>/sheet.pdf", methods=["GET"])
@responds(bp, 200, None, "审查单（PDF，由 LibreOffice 从 docx 转换）", content_type=PDF,
          errors=(401, 403, 404, 429, 503))
@require_scope("cases:read")
def sheet_pdf(case_id: int):
    """下载审查单（PDF）"""
    return _sheet(case_id, "pdf")


@bp.route("/documents/<int:case_id>/versions", methods=["POST"])
@request_body(bp, multipart=FileUpload, description="修改后的文件（file）")
@responds(bp, 201, Upload, "新版本已筛查；未变化的发现沿用原处置，消失的发现记为已修改",
          errors=(400, 401, 403, 404, 409, 413, 415, 422, 429))
@bp.alt_response(202, schema=JobAccepted, description="文件较大：已转为后台任务，请轮询 poll 地址", success=True)
@require_person
def add_version(case_id: int):
    """上传新版本（承办人本人）"""
    upload = form_body(FileUpload)["file"]
    payload = {"actor_id": principal().actor_id, "case_id": case_id,
               "filename": upload_name(upload), "data": upload.read()}
    return run_or_queue("add_version", payload, location=_location)


@bp.route("/documents/<int:case_id>/redacted-version", methods=["POST"])
@responds(bp, 201, Upload, "区分处理副本（标记为 redacted 的发现已按发布规范遮挡、文件已清理并复查通过）已作为新版本上传",
          errors=(401, 403, 404, 409, 429))
@require_person
def redacted_version(case_id: int):
    """把区分处理副本作为新版本（本人）

    遮挡当前版本中处置为“区分处理”（redacted）的发现，清除批注、修订、隐藏文字和文档属性，
    复查通过后作为下一版本上传；复查仍发现被遮挡内容时答复 409 并说明。
    """
    from screening.review.redaction import redacted_version as make

    upload = make(state().service, principal().actor_id, case_id)
    return answer(upload.to_dict(), 201, _location(upload.to_dict()))


@bp.route("/documents/<int:case_id>/findings/<int:finding_id>/disposition", methods=["POST"])
@request_body(bp, json=DispositionIn, description="dismissed（驳回，须写理由）、confirmed 或 redacted")
@responds(bp, 200, DispositionResult, "处置已记录（同一指纹的发现一并处置）",
          errors=(400, 401, 403, 404, 409, 415, 422, 429))
@require_person
def dispose(case_id: int, finding_id: int):
    """处置审查发现（本人）"""
    body = json_body(DispositionIn)
    result = state().service.dispose(principal().actor_id, case_id, finding_id,
                                     action=body["action"], reason=body["reason"])
    return answer(result)


@bp.route("/documents/<int:case_id>/signoffs", methods=["POST"])
@request_body(bp, json=SignoffIn, description="stage：drafter/head/leader；decision：approve/return")
@responds(bp, 201, SignResult, "已签署；承办人同意即提交审核，单位负责人同意即审发",
          errors=(400, 401, 403, 404, 409, 415, 422, 429))
@require_person
def sign(case_id: int):
    """签署审核环节（本人）

    环节不对或仍有未处置的高风险发现答复 409；不是本人的环节答复 403。
    """
    body = json_body(SignoffIn)
    result = state().service.sign(principal().actor_id, case_id, stage=body["stage"],
                                  decision=body["decision"], opinion=body["opinion"],
                                  opinion_kind=body.get("opinion_kind"))
    return answer(result, 201)
