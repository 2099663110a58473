"""What one app holds (built once in `create_app()`), reachable from any request as `state()`:

    state().service    # the ReviewService (one per app)
    state().engine     # the screening Engine (cached_engine)
    state().jobs       # large-document jobs (local thread pool, or RQ with REDIS_URL)
    state().webhooks   # the systems' webhook registry and dispatcher
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app

if TYPE_CHECKING:
    from screening.review.service import ReviewService
    from screening.web.jobs import Jobs
    from screening.web.webhooks import Webhooks

EXTENSION = "screening"


@dataclass
class WebState:
    service: ReviewService
    engine: Any
    jobs: Jobs
    webhooks: Webhooks
    limiter: Any = None


def state() -> WebState:
    return current_app.extensions[EXTENSION]
