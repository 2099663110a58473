"""Fixtures of the security tests: those of the web suite (an app per test on SQLite and PostgreSQL,
an organisation with personal tokens and system keys, a real gunicorn, a real Redis) and of the UI
suite (people with passwords, a client that logs in through the form)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))   # the web suite's helpers (web_helpers)

from tests.ui.conftest import PASSWORD, Browser, ui_template  # noqa: E402,F401
from tests.web.conftest import *  # noqa: E402,F401,F403  (app, client, org, live, redis_url, backend ...)
from tests.web.conftest import pytest_generate_tests  # noqa: E402,F401


@pytest.fixture
def ui_app(ui_template, tmp_path, engine):
    """An app on SQLite whose people have passwords (UNIT: zhang drafter, li head, wang leader,
    sun secrecy officer, root admin; UNIT2: zhou, wu, zheng, feng)."""
    import shutil

    from screening.web import close_app, create_app

    instance = tmp_path / "ui-instance"
    instance.mkdir()
    shutil.copyfile(ui_template[0], instance / "screening.db")
    app = create_app({"TESTING": True, "INSTANCE": str(instance),
                      "DATABASE_URL": f"sqlite:///{instance / 'screening.db'}",
                      "ENGINE": engine, "RATE_LIMIT": "10000 per minute", "CLASSIFIER": False})
    yield app
    close_app(app)


@pytest.fixture
def ui_people(ui_template) -> dict[str, int]:
    return ui_template[1]


@pytest.fixture
def browser_for(ui_app):
    """browser_for() -> a new Browser (its own cookie jar) on `ui_app`."""
    return lambda: Browser(ui_app.test_client())
