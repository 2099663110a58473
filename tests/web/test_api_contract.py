"""The contract: every API route is in the OpenAPI document (generated from the code), the document
says what SPEC §4 says, and the running server's answers validate against it (schemathesis against
gunicorn on a loopback port; bounded: a few examples per operation, derandomized, no shrinking)."""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from web_helpers import DRAFT, Live

SPEC_OPERATIONS = {   # SPEC §4, exactly
    ("post", "/api/v1/screen"), ("post", "/api/v1/documents"), ("get", "/api/v1/documents/{case_id}"),
    ("get", "/api/v1/clearance"), ("get", "/api/v1/documents/{case_id}/sheet.docx"),
    ("get", "/api/v1/documents/{case_id}/sheet.pdf"), ("post", "/api/v1/documents/{case_id}/versions"),
    ("post", "/api/v1/documents/{case_id}/findings/{finding_id}/disposition"),
    ("post", "/api/v1/documents/{case_id}/signoffs"),
}


@pytest.fixture
def spec(client) -> dict:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.get_json()


def test_every_route_is_in_the_openapi_document(app, spec):
    documented = {(method, path) for path, ops in spec["paths"].items() for method in ops
                  if method in ("get", "post", "put", "delete", "patch")}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint.startswith(("api-docs.", "api_docs.")):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routed |= {(m.lower(), path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented
    assert SPEC_OPERATIONS <= documented


def test_the_document_describes_the_contract(spec):
    assert spec["openapi"].startswith("3.") and spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    schemas = spec["components"]["schemas"]
    assert set(schemas["Error"]["properties"]) == {"error"}
    screen = spec["paths"]["/api/v1/screen"]["post"]
    assert set(screen["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    opened = spec["paths"]["/api/v1/documents"]["post"]
    assert "201" in opened["responses"] and "202" in opened["responses"]
    form = opened["requestBody"]["content"]["multipart/form-data"]["schema"]
    form = schemas[form["$ref"].rsplit("/", 1)[1]] if "$ref" in form else form
    assert {"file", "title", "doc_number", "department"} <= set(form["properties"])
    signoffs = spec["paths"]["/api/v1/documents/{case_id}/signoffs"]["post"]["responses"]
    assert {"403", "409"} <= set(signoffs)
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method in ("get", "post", "put", "delete"):
                assert "401" in op["responses"] and "429" in op["responses"], (method, path)
                assert op.get("summary"), (method, path)


def test_the_docs_page_uses_no_external_resources(client):
    r = client.get("/api/v1/docs/")
    assert r.status_code == 200 and "swagger-ui" in r.get_data(as_text=True)
    html = r.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    for asset in re.findall(r"""(?:src|href)="([^"]+)\"""", html):
        with client.get(asset) as response:
            assert response.status_code == 200, asset
    init = client.get("/api/v1/docs/init.js").get_data(as_text=True)
    assert "/api/v1/openapi.json" in init and "validatorUrl: null" in init


# -- schemathesis against the running server ---------------------------------------------------------
# (schemathesis's own pytest plugin does not run on pytest 9 yet: its operations' strategies are used
# with hypothesis directly, one test per operation)

ALL_OPERATIONS = sorted(SPEC_OPERATIONS | {
    ("get", "/api/v1/jobs/{job_id}"), ("get", "/api/v1/whoami"), ("get", "/api/v1/webhook"),
    ("put", "/api/v1/webhook"), ("delete", "/api/v1/webhook"),
    ("post", "/api/v1/documents/{case_id}/redacted-version"), ("post", "/api/v1/screen/batch")})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


def test_the_operations_are_these(spec):
    assert {(m, p) for p, ops in spec["paths"].items() for m in ops
            if m in ("get", "post", "put", "delete", "patch")} == set(ALL_OPERATIONS)


@pytest.fixture(scope="module")
def api_schema(live_sqlite: Live):
    """The document as the server serves it; and a case of the drafter's, so that some generated ids
    find one (the generated requests go as that drafter)."""
    drafter = live_sqlite.session("drafter")
    for _ in range(2):
        r = drafter.post(f"{live_sqlite.url}/api/v1/documents", data={"title": "接口契约测试"},
                         files={"file": ("通知.txt", DRAFT.encode("utf-8"))})
        assert r.status_code == 201, r.text
    return schemathesis.openapi.from_url(f"{live_sqlite.url}/api/v1/openapi.json")


@pytest.mark.parametrize("method, path", ALL_OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in ALL_OPERATIONS])
def test_responses_conform_to_the_document(api_schema, live_sqlite: Live, method: str, path: str):
    """Webhook operations with a system key; the others as a drafter (a person passes every scope
    check, so the requests reach the review service)."""
    operation = api_schema[path][method.upper()]
    who = "key:all" if path == "/api/v1/webhook" else "drafter"
    http = live_sqlite.session(who)

    @given(case=operation.as_strategy())
    @settings(max_examples=6, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), database=None)
    def conforms(case) -> None:
        case.call_and_validate(base_url=live_sqlite.url, session=http, checks=CHECKS, timeout=60)

    conforms()
