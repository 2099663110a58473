"""The API for the publishing system (SPEC §4) under `/api/v1`: three flask-smorest blueprints
(screening and clearance, cases, system), the OpenAPI document generated from them at
`/api/v1/openapi.json`, and an interactive docs page at `/api/v1/docs` whose Swagger UI assets are
served from the installed `flask-swagger-ui` package (no CDN)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, render_template, send_from_directory, url_for
from flask_smorest import Api

from screening import __version__
from screening.web import rest_cases, rest_screen, rest_system
from screening.web.schemas import Error

DESCRIPTION = """政府信息公开前保密审查服务的接口（供信息公开平台、办公自动化系统调用）。

认证：`Authorization: Bearer <凭据>`。
- 系统 API 密钥（`ssk_…`，`screening apikey create --name … --scopes …`）：按权限范围筛查（screen）、
  查看案件（cases:read）、发布前核验（clearance）；不能代表个人新建案件、上传新版本、处置或签署。
- 个人令牌（`sst_…`，`screening token create --user …` 或个人资料页签发）：代表该用户本人，
  每一步都记在本人名下。也可使用网页登录会话（修改请求须带 `X-CSRFToken` 头）。

错误一律为 JSON：`{"error": {"code": "...", "message": "..."}}`。超过同步上限的文件答复 202，
正文给出任务地址（`/api/v1/jobs/{id}`），轮询至完成。每个密钥、令牌或用户单独限流，超限答复 429。
"""

DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")


class ScreeningApi(Api):
    ERROR_SCHEMA = Error


def blueprints() -> tuple:
    return rest_screen.bp, rest_cases.bp, rest_system.bp


def _swagger_dist() -> Path:
    import flask_swagger_ui

    return Path(flask_swagger_ui.__file__).with_name("dist")


docs = FlaskBlueprint("api_docs", __name__, url_prefix="/api/v1/docs")


@docs.route("/")
def docs_page():
    return _no_frames(Response(render_template("apidocs/docs.html", version=__version__)))


@docs.route("/init.js")
def docs_init():
    spec = url_for("api-docs.openapi_json")
    script = ("window.onload = function () {\n"
              f"  window.ui = SwaggerUIBundle({{url: {spec!r}, dom_id: '#swagger-ui', deepLinking: true,\n"
              "    validatorUrl: null, presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],\n"
              "    layout: 'BaseLayout', persistAuthorization: false});\n};\n")
    return Response(script, mimetype="text/javascript")


@docs.route("/assets/<path:name>")
def docs_asset(name: str):
    return send_from_directory(_swagger_dist(), name, max_age=3600)


def _no_frames(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


def init_api(app: Flask) -> Api:
    app.config.setdefault("API_TITLE", "保密审查服务 API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION, "x-engine-version": __version__},
        "security": [{"bearer": []}],
        "servers": [{"url": "/"}],
    })
    api = ScreeningApi(app)
    api.spec.components.security_scheme("bearer", {
        "type": "http", "scheme": "bearer",
        "description": "系统 API 密钥（ssk_…）或个人令牌（sst_…）"})
    for bp in blueprints():
        api.register_blueprint(bp)
    app.register_blueprint(docs)
    return api
