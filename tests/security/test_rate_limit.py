"""Issue 13 item 9: the API's rate limit is one budget per key, token or user (`RATE_LIMIT`, default
300 per minute) across all endpoints — not one per endpoint — and lives in Redis when configured,
so that several server processes share it."""
from __future__ import annotations

import pytest

from web_helpers import error_of

LIMIT = 5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATE_LIMIT": f"{LIMIT} per minute"}


def mixed_calls(client, headers, n):
    """n calls spread over three endpoints (GET and POST)."""
    calls = [lambda: client.get("/api/v1/whoami", headers=headers),
             lambda: client.post("/api/v1/screen", json={"name": "a.txt", "text": "关于植树的通知"}, headers=headers),
             lambda: client.get("/api/v1/clearance", query_string={"sha256": "0" * 64}, headers=headers)]
    return [calls[i % 3]().status_code for i in range(n)]


def test_one_budget_per_key_across_endpoints(client, org):
    assert mixed_calls(client, org.auth("key:all"), LIMIT + 1) == [200] * LIMIT + [429]
    refused = client.get("/api/v1/whoami", headers=org.auth("key:all"))
    assert refused.status_code == 429 and error_of(refused)["code"] == "rate_limited"
    assert "Retry-After" in refused.headers
    assert client.get("/api/v1/whoami", headers=org.auth("key:read")).status_code == 200   # another key


def test_one_budget_per_person_whatever_the_credential(client, org):
    token = org.auth("head")
    assert [client.get("/api/v1/whoami", headers=token).status_code for _ in range(3)] == [200] * 3
    with client.session_transaction() as sess:
        sess["user_id"] = org.ids["head"]
    session_codes = [client.get("/api/v1/clearance", query_string={"sha256": "0" * 64}).status_code
                     for _ in range(3)]
    assert session_codes == [200, 200, 429]             # the same person: the same budget


def test_the_budget_is_shared_through_redis(app_config, redis_url, org_factory):
    import redis

    from screening.web import close_app, create_app

    redis.Redis.from_url(redis_url).flushdb()
    config = {**app_config, "REDIS_URL": redis_url}
    first, second = create_app(config), create_app(config)     # two server processes, one Redis
    try:
        org = org_factory(first)
        headers = org.auth("key:all")
        codes = mixed_calls(first.test_client(), headers, 3) + mixed_calls(second.test_client(), headers, 3)
        assert codes == [200] * LIMIT + [429]
        assert any(b"screening-rl" in k for k in redis.Redis.from_url(redis_url).keys("*"))
    finally:
        close_app(first)
        close_app(second)


@pytest.fixture
def org_factory():
    from web_helpers import make_org

    from screening.web.state import EXTENSION

    return lambda app: make_org(app.extensions[EXTENSION].service.db)
