"""The web service: the API for the publishing system (`/api/v1`, this package's `rest*` modules) and
the UI (`screening.web.ui`, registered at `/` when present) on one Flask app.

    app = create_app()                                   # configuration from the environment (settings.py)
    app = create_app({"TESTING": True, "DATABASE_URL": ..., "INSTANCE": ...})   # tests override keys

`create_app` builds, once per app: one ReviewService (with the webhook notifier), one Engine
(`cached_engine`), the job runner (local threads, or RQ when `REDIS_URL` is set), rate limits (per key,
token or user; in Redis when configured, else in memory), CSRF protection for the UI's forms (the
API blueprints are exempt: they authenticate by bearer credential, and session calls to them carry
`X-CSRFToken`), session cookies HttpOnly, SameSite=Lax and Secure when `PREFER_HTTPS`. Views reach
these as `screening.web.state.state()`.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from screening.review import accounts
from screening.review.config import ReviewConfig, load_or_create_key_file
from screening.review.lexicon import LexiconScreener
from screening.review.service import ReviewService
from screening.web import actions, errors, rest, settings
from screening.web.auth import rate_key
from screening.web.headers import SessionInterface, security_headers
from screening.review.sealing import Sealer
from screening.web.durable_jobs import DurableJobs
from screening.web.jobs import RQJobs
from screening.web.state import EXTENSION, WebState
from screening.web.webhook_urls import Policy
from screening.web.webhooks import FILE as WEBHOOK_FILE
from screening.web.webhooks import SEAL_PURPOSE, Dispatcher, Registry, WebhookNotifier, Webhooks

SESSION_KEY_FILE = "session.key"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    config = settings.from_env()
    config.update(test_config or {})
    instance = Path(config["INSTANCE"]).absolute()
    config["INSTANCE"] = str(instance)
    config["DATABASE_URL"] = settings.database_url(config)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_or_create_key_file(instance / SESSION_KEY_FILE)
    https = bool(config.get("PREFER_HTTPS"))
    for key, value in {
        "SESSION_COOKIE_NAME": "screening_session", "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax", "SESSION_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "RATELIMIT_HEADERS_ENABLED": True, "JSON_AS_ASCII": False,
    }.items():
        config.setdefault(key, value)

    app = Flask(__name__, instance_path=str(instance))
    app.url_map.converters["int"] = RowId
    app.config.from_mapping(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    app.session_interface = SessionInterface()
    app.extensions[EXTENSION] = _build_state(app)
    app.after_request(security_headers)
    app.after_request(_api_headers)   # before the limiter's: after_request functions run last-first
    csrf = CSRFProtect(app)
    limiter = Limiter(rate_key, app=app, storage_uri=config.get("REDIS_URL") or "memory://",
                      key_prefix="screening-rl", default_limits=[])
    app.extensions[EXTENSION].limiter = limiter
    rest.init_api(app)
    api_limit = limiter.shared_limit(lambda: current_app.config["RATE_LIMIT"], scope="api")
    for bp in rest.blueprints():
        csrf.exempt(bp)
        api_limit(bp)           # one budget per key, token or user across every endpoint
    errors.register(app)    # after flask-smorest's own handlers, which it replaces
    _register_ui(app)
    _limit_login(app, limiter)
    return app


def _limit_login(app: Flask, limiter: Limiter) -> None:
    """Failed logins are limited per client address (`LOGIN_RATE_LIMIT`), never by locking the
    account: a successful login costs nothing, and the refusal is the same whatever the name."""
    view = app.view_functions.get("ui.login")
    if view is None:
        return
    app.view_functions["ui.login"] = limiter.limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=lambda: f"login:{request.remote_addr}",
        methods=["POST"], deduct_when=lambda response: response.status_code == 401,
        error_message="登录失败次数过多，请稍后再试")(view)


class RowId(IntegerConverter):
    """`<int:…>` in every route: a database id, an INTEGER column on PostgreSQL, so at most 2³¹−1 (a
    larger one is a 404, not an OverflowError or out-of-range error of the database driver)."""

    def __init__(self, url_map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _build_state(app: Flask) -> WebState:
    cfg = app.config
    review = ReviewConfig(instance=Path(cfg["INSTANCE"]), database_url=cfg["DATABASE_URL"],
                          secret_key=cfg.get("STORAGE_KEY"), storage=cfg["STORAGE"])
    engine = cfg.get("ENGINE")
    if engine is None:
        from screening.engine import Settings, cached_engine

        engine = cached_engine(Settings(classifier=bool(cfg["CLASSIFIER"])))

    def live_keys() -> set[int]:
        return {k.id for k in accounts.list_api_keys(service.db) if k.allows("cases:read")}

    def describe(case_id: int) -> dict:
        case = service.case_view(case_id)
        current = case["versions"][-1]
        return {"stage": case["stage"], "title": case["title"], "version": current["number"],
                "sha256": current["sha256"], "approved_version": case["approved_version"],
                "unit_id": service.case_unit(case_id)}

    notifier = WebhookNotifier(None)  # type: ignore[arg-type]
    service = ReviewService.from_config(review, engine, notifier=notifier)
    registry = Registry(service.db, Sealer(review.storage_key(), SEAL_PURPOSE))
    webhooks = Webhooks(registry,
                        Dispatcher(attempts=cfg["WEBHOOK_ATTEMPTS"], backoff=cfg["WEBHOOK_BACKOFF"],
                                   timeout=cfg["WEBHOOK_TIMEOUT"],
                                   policy=Policy.from_config(cfg, cfg.get("WEBHOOK_RESOLVE"))),
                        live_keys=live_keys, describe=describe)
    notifier.webhooks = webhooks
    # the custom lexicon everywhere: requests, and jobs run by `screening worker` (which never
    # serves a request)
    service.engine = LexiconScreener(engine, service.db)
    st = WebState(service=service, engine=service.engine, jobs=None, webhooks=webhooks)  # type: ignore[arg-type]
    if cfg.get("REDIS_URL"):
        st.jobs = RQJobs(cfg["REDIS_URL"], Sealer(review.storage_key()), ttl=int(cfg["JOB_TTL"]),
                         timeout=int(cfg["JOB_TIMEOUT"]))
    else:
        st.jobs = DurableJobs(service.db, service.store, lambda kind, payload: actions.run_caught(st, kind, payload),
                              workers=int(cfg["JOB_WORKERS"]))
    _tidy_at_start(st, Path(cfg["INSTANCE"]), review.storage_key())
    return st


def _tidy_at_start(st: WebState, instance: Path, key: bytes) -> None:
    """Before serving: seal what an older version left in the clear (`reseal`), move a legacy
    webhooks.json into the database, and remove what a crash left in the file store. Skipped on a
    database not migrated yet (`screening init` comes first, and reseals too)."""
    import sqlalchemy as sa

    from screening.review.reseal import reseal

    log = logging.getLogger("screening.web")
    try:
        reseal(st.service.db, key)
    except Exception as exc:  # noqa: BLE001 - e.g. not migrated yet, or another key: serve anyway
        log.warning("start-up reseal skipped: %s (run screening init)", type(exc).__name__)
    try:
        st.webhooks.registry.import_legacy(instance / WEBHOOK_FILE)
        if isinstance(st.jobs, DurableJobs):
            st.jobs.clean_store()
    except sa.exc.SQLAlchemyError as exc:
        log.warning("start-up tidying skipped: %s", type(exc).__name__)


def _api_headers(response):
    """Runs after Flask-Limiter's headers: `Retry-After` only where it means something (a 429, or a
    job to poll again, `g.retry_after`), not on every response as the limiter sets it."""
    if response.status_code != 429:
        retry = g.get("retry_after")
        if retry is not None:
            response.headers["Retry-After"] = str(retry)
        else:
            response.headers.pop("Retry-After", None)
    return response


def _register_ui(app: Flask) -> None:
    """The UI blueprint (`screening.web.ui.bp`), when that package exists."""
    try:
        from screening.web.ui import bp
    except ModuleNotFoundError as exc:
        if exc.name not in ("screening.web.ui",):
            raise
        return
    app.register_blueprint(bp)


def close_app(app: Flask) -> None:
    """Stop the job pool and close the database connections (tests, and a clean shutdown)."""
    st: WebState = app.extensions[EXTENSION]
    st.jobs.close()
    st.service.close()
