"""The API's screening actions as plain functions of (state, payload) -> (HTTP status, body), run
either within the request or, for a large document, as a job (jobs.py) whose result is exactly what
the request would have answered. Payloads are JSON-able dicts (bytes as `data`), so that a job can
travel through Redis.

    screen       {"name", "text"} or {"name", "data"}        -> 200 report | 422 report (unreadable)
    screen_batch {"data": batch.pack(files)}                 -> 200 {"schema", "reports", "summary"}
    open_case    {"actor_id", "filename", "data", "fields"}  -> 201 upload
    add_version  {"actor_id", "case_id", "filename", "data"} -> 201 upload
    rescreen     {"run_id"} or {"item_id"}                   -> 200 progress of the run (rescreen.py)
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from screening.review.errors import ReviewError
from screening.web.state import WebState

log = logging.getLogger("screening.web")

Result = tuple[int, dict]


def screen(st: WebState, payload: dict) -> Result:
    from screening.pipeline import screen_bytes, screen_text

    name = payload.get("name") or "upload"
    if "text" in payload:
        report = screen_text(payload["text"], name, engine=st.engine)
    else:
        report = screen_bytes(payload["data"], name, engine=st.engine)
    return (422 if report.error is not None else 200), report.to_dict()


def screen_batch(st: WebState, payload: dict) -> Result:
    from screening.report import to_json
    from screening.web import batch

    return 200, to_json(batch.screen_files(batch.unpack(payload["data"]), st.engine))


def open_case(st: WebState, payload: dict) -> Result:
    fields = dict(payload["fields"])
    for key in ("formed_on", "planned_on"):
        if fields.get(key) is not None:
            fields[key] = date.fromisoformat(fields[key])
    upload = st.service.open_case(payload["actor_id"], data=payload["data"], filename=payload["filename"],
                                  **fields)
    return 201, upload.to_dict()


def add_version(st: WebState, payload: dict) -> Result:
    upload = st.service.add_version(payload["actor_id"], payload["case_id"], data=payload["data"],
                                    filename=payload["filename"])
    return 201, upload.to_dict()


def rescreen(st: WebState, payload: dict) -> Result:
    """A whole run here (the local job pool), or one item of it (an RQ job per item)."""
    from screening.review import rescreen as archive

    if "item_id" in payload:
        archive.screen_item(st.service, int(payload["item_id"]))
        run_id = int(payload["run_id"])
    else:
        run_id = int(payload["run_id"])
        archive.run_all(st.service, run_id)
    return 200, archive.run_progress(st.service, run_id).to_dict()


ACTIONS: dict[str, Callable[[WebState, dict], Result]] = {
    "screen": screen, "screen_batch": screen_batch, "open_case": open_case, "add_version": add_version, "rescreen": rescreen,
}


def run(st: WebState, kind: str, payload: dict) -> Result:
    """Within a request: refusals propagate to the error handlers."""
    return ACTIONS[kind](st, payload)


def run_caught(st: WebState, kind: str, payload: dict) -> Result:
    """In a job: a refusal or failure becomes the error body the request would have answered."""
    try:
        return ACTIONS[kind](st, payload)
    except ReviewError as exc:
        return exc.status, {"error": exc.to_dict()}
    except Exception:  # noqa: BLE001 - logged; the job answers 500 like a request would
        incident = secrets.token_hex(4)
        log.exception("job %s failed (incident %s)", kind, incident)
        return 500, {"error": {"code": "internal_error",
                               "message": f"服务器内部错误（事件编号 {incident}），请联系管理员"}}


def payload_size(payload: dict[str, Any]) -> int:
    if "data" in payload:
        return len(payload["data"])
    return len(payload.get("text", "").encode("utf-8"))
