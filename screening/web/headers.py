"""Security headers on every response, and the session cookie's `Secure` flag.

- `Content-Security-Policy`: scripts only from this site's own files (no inline script, no eval),
  no plugins, forms post only here, no framing (`frame-ancestors 'none'`, and `X-Frame-Options: DENY`
  for older browsers). Styles may be inline (the pages' `style` attributes and SVG charts).
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (a form's way back uses the
  referrer of our own pages; nothing leaves the site).
- `Cache-Control: no-store` on everything but the static assets: pages, API answers and files may
  hold findings (ID numbers, passwords) that must not stay in a browser's or proxy's cache.
- The session cookie is `Secure` when the app is configured for https (`PREFER_HTTPS`) or the
  request came over https (directly, or through a proxy counted in `PROXY_COUNT`).
"""
from __future__ import annotations

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSessionInterface

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
STATIC_ENDPOINTS = frozenset(("static", "ui.static", "api_docs.docs_asset"))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in STATIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, `Secure` also when this request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        req: Request | None = request._get_current_object() if request else None  # type: ignore[attr-defined]
        return bool(app.config["SESSION_COOKIE_SECURE"]) or bool(req is not None and req.is_secure)
