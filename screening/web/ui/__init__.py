"""The web UI (issue 6): server-rendered pages for drafters, reviewers, the secrecy officer and the
administrator, one blueprint `bp` mounted at `/` by `screening.web.create_app`.

Every page is authorised on the server: by role (`common.roles`) and, for a case, by the review
layer's own need-to-know rule (`screening.review.views.can_view`, through `ReviewService.case_view`);
every action goes through one `ReviewService` method, which checks stage and person again.
Forms carry Flask-WTF CSRF tokens; pages show their content without JavaScript.

Modules by area: `auth` (login, logout, profile), `todo`, `selfcheck`, `cases`, `officer`, `admin`;
`document` (the document with its findings highlighted, paginated), `charts` (inline SVG),
`stats` (statistics queries), `sheet` (a case as the review sheet), `common` (access, helpers).
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ui", __name__, template_folder="../templates", static_folder="../static/ui",
               static_url_path="/ui-static")

from screening.web.ui import admin, auth, cases, common, officer, provisioning, rescreen, selfcheck, todo  # noqa: E402,F401

__all__ = ["bp"]
