"""`POST /api/v1/screen` (screen a file or text, store nothing), `POST /api/v1/screen/batch` (several
files, every one accounted for) and `GET /api/v1/clearance`."""
from __future__ import annotations

from flask import current_app, g, request, url_for
from flask_smorest import Blueprint
from werkzeug.datastructures import FileStorage

from screening.web import actions, batch
from screening.web.auth import principal, require_scope
from screening.web.errors import ApiError
from screening.web.http import (answer, form_body, is_multipart, json_body, query_args, request_body, responds,
                                upload_name)
from screening.web.schemas import (Clearance, ClearanceQuery, FileUpload, FileUploads, JobAccepted, Report,
                                   ReportBatch, ScreenText)
from screening.web.state import state

bp = Blueprint("screening_api", __name__, url_prefix="/api/v1", description="筛查与发布前核验（系统 API 密钥可用）")


def run_or_queue(kind: str, payload: dict, *, location=None):
    """Within the request up to SYNC_MAX_BYTES; beyond it, 202 with a job to poll."""
    st = state()
    if actions.payload_size(payload) > current_app.config["SYNC_MAX_BYTES"]:
        job_id = st.jobs.submit(principal().owner, kind, payload)
        poll = url_for("system_api.job", job_id=job_id)
        g.retry_after = 2
        return answer({"id": job_id, "kind": kind, "status": "queued", "poll": poll}, 202, {"Location": poll})
    status, body = actions.run(st, kind, payload)
    headers = location(body) if location is not None and status < 300 else None
    return answer(body, status, headers)


@bp.route("/screen", methods=["POST"])
@request_body(bp, multipart=FileUpload, json=ScreenText,
              description="multipart 上传文件（file 字段），或 JSON {name, text}")
@responds(bp, 200, Report, "审查报告（SPEC §3 reports 中的一项）；不保存任何内容",
          errors=(400, 401, 403, 413, 415, 422, 429))
@bp.alt_response(202, schema=JobAccepted, description="文件较大：已转为后台任务，请轮询 poll 地址", success=True)
@require_scope("screen")
def screen():
    """筛查一个文件或一段文字（不保存）

    文件无法读取时答复 422，正文仍是审查报告（verdict 为 null，error 说明原因）。
    """
    if is_multipart():
        form = form_body(FileUpload)
        upload = form["file"]
        payload = {"name": upload_name(upload), "data": upload.read()}
    elif request.is_json:
        body = json_body(ScreenText)
        payload = {"name": body["name"], "text": body["text"]}
    else:
        raise ApiError(415, "unsupported_media_type",
                       "请求体应为 multipart/form-data（file 字段）或 application/json（{name, text}）")
    return run_or_queue("screen", payload)


@bp.route("/screen/batch", methods=["POST"])
@request_body(bp, multipart=FileUploads, description="multipart，一个或多个 file 字段（每个字段一个文件）")
@responds(bp, 200, ReportBatch, "整批的审查报告（SPEC §3 的完整 JSON：每个文件一项，按上传顺序；无法读取的文件也列出，"
                                "error 说明原因；summary 按结论和格式计数）；不保存任何内容",
          errors=(400, 401, 403, 413, 415, 429))
@bp.alt_response(202, schema=JobAccepted, description="文件较大：已转为后台任务，请轮询 poll 地址", success=True)
@require_scope("screen")
def screen_batch():
    """筛查一批文件（不保存），如同 screening check 检查一个文件夹

    每个上传的文件都有结果：能读取的给出结论和审查发现，不能读取的给出错误代码和原因。
    """
    files = uploads()
    return run_or_queue("screen_batch", {"data": batch.pack(files)})


def uploads() -> list[tuple[str, bytes]]:
    """The `file` fields of a multipart request, in order, each with its cleaned name."""
    if not is_multipart():
        raise ApiError(415, "unsupported_media_type", "请求体应为 multipart/form-data，每个文件放在一个 file 字段")
    files = [f for f in request.files.getlist("file") if isinstance(f, FileStorage)]
    if not files:
        raise ApiError(400, "no_files", "请求中没有文件：每个文件放在一个 file 字段", fields={"file": ["至少一个文件"]})
    most = current_app.config["BATCH_MAX_FILES"]
    if len(files) > most:
        raise ApiError(400, "too_many_files", f"一批最多 {most} 个文件，本次 {len(files)} 个：请分批上传")
    return [(upload_name(f), f.read()) for f in files]


@bp.route("/clearance", methods=["GET"])
@bp.doc(parameters=[{"in": "query", "name": "sha256", "required": True, "description": "待发布文件的 SHA-256（64 位十六进制）",
                     "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
                     "example": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}])
@responds(bp, 200, Clearance, "能否发布：仅对完成全部审核环节（三级，开启保密审核的单位为四级）的那个确切文件版本为 true",
          errors=(400, 401, 403, 422, 429))
@require_scope("clearance")
def clearance():
    """发布前核验：该文件能否公开"""
    args = query_args(ClearanceQuery)
    return answer(state().service.clearance(args["sha256"]).to_dict())
