"""Jobs of large documents, a system's webhook, and who is calling."""
from __future__ import annotations

from flask import current_app, g
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from screening.web import webhook_urls
from screening.web.auth import principal, require_scope, require_system
from screening.web.errors import ApiError
from screening.web.http import answer, json_body, request_body, responds
from screening.web.schemas import Job, Webhook, WebhookIn, WhoAmI
from screening.web.state import state

bp = Blueprint("system_api", __name__, url_prefix="/api/v1", description="后台任务、Webhook 与当前身份")


@bp.route("/jobs/<job_id>", methods=["GET"])
@responds(bp, 200, Job, "任务状态；完成后 result_status 与 result 即同步调用本应得到的状态码与正文",
          errors=(401, 404, 429))
@require_scope()
def job(job_id: str):
    """查询后台任务"""
    view = state().jobs.get(principal().owner, job_id)
    if view is None:
        raise ApiError(404, "no_such_job", "任务不存在、已过期，或不是由您提交的")
    if view["status"] in ("queued", "running"):
        g.retry_after = 2
    return answer(view)


@bp.route("/whoami", methods=["GET"])
@responds(bp, 200, WhoAmI, "当前调用者：系统 API 密钥（及其权限范围）、个人令牌或网页会话的用户",
          errors=(401, 429))
@require_scope()
def whoami():
    """当前身份"""
    who = principal()
    body = who.to_dict()
    if who.kind == "session":
        body["csrf_token"] = generate_csrf()
    return answer(body)


def _hook_view(hook: dict, *, with_secret: bool = False) -> dict:
    view = {"url": hook["url"], "events": hook["events"]}
    if with_secret:
        view["secret"] = hook["secret"]
    return view


@bp.route("/webhook", methods=["GET"])
@responds(bp, 200, Webhook, "本系统登记的 Webhook", errors=(401, 403, 404, 429))
@require_system("cases:read")
def get_webhook():
    """查看本系统的 Webhook"""
    hook = state().webhooks.registry.get(principal().key.id)
    if hook is None:
        raise ApiError(404, "no_webhook", "本系统尚未登记 Webhook")
    return answer(_hook_view(hook))


@bp.route("/webhook", methods=["PUT"])
@request_body(bp, json=WebhookIn, description="接收案件审发（case.approved）与退回（case.returned）通知的地址")
@responds(bp, 200, Webhook, "已登记；secret（HMAC-SHA256 签名密钥）仅此一次返回",
          errors=(400, 401, 403, 415, 422, 429))
@require_system("cases:write")
def put_webhook():
    """登记或更换本系统的 Webhook"""
    body = json_body(WebhookIn)
    key = principal().key
    try:
        webhook_urls.check(body["url"], state().webhooks.dispatcher.policy)
    except webhook_urls.RefusedUrl as exc:
        raise ApiError(422, "webhook_url_refused", f"该 Webhook 地址不予登记：{exc}") from None
    hook = state().webhooks.registry.set(key.id, key.name, body["url"])
    current_app.logger.info("webhook registered for key %s: %s", key.name, body["url"])
    return answer(_hook_view(hook, with_secret=True))


@bp.route("/webhook", methods=["DELETE"])
@responds(bp, 204, None, "已删除", errors=(401, 403, 404, 429))
@require_system("cases:write")
def delete_webhook():
    """删除本系统的 Webhook"""
    key = principal().key
    if not state().webhooks.registry.delete(key.id, key.name):
        raise ApiError(404, "no_webhook", "本系统尚未登记 Webhook")
    return "", 204
