"""Issue 13 item 4: the login page's `next` and a form's way back accept only paths on this site."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.web.ui.common import local_path
from tests.ui.conftest import PASSWORD, csrf_of

SITE = "http://localhost/"


def browser_reading(location: str) -> str:
    """Where a browser goes for a Location header: WHATWG URL parsing drops tabs and newlines and
    reads a backslash as a slash in http(s) URLs."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/").strip()
    return urljoin(SITE, cleaned)


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\t/evil.example", "/\n/evil.example",
                                    "/%0A/evil.example", "/\r\n/evil.example", "/ /evil.example",
                                    "/\\evil.example", "//evil.example", "https://evil.example/",
                                    "/\x00/x", "\t//evil.example", "/\u3000/evil.example"])
def test_login_next_never_leaves_the_site(ui_app, target):
    from urllib.parse import unquote

    client = ui_app.test_client()
    for value in {target, unquote(target)}:
        page = client.get("/login", query_string={"next": value})
        assert page.status_code in (200, 302)
        response = client.post("/login", data={"username": "zhang", "password": PASSWORD, "next": value,
                                               "csrf_token": csrf_of(page.get_data(as_text=True))})
        assert response.status_code == 302, response.status_code
        assert urlsplit(browser_reading(response.headers["Location"])).netloc == "localhost"
        client.post("/logout", data={"csrf_token": csrf_of(client.get("/profile").get_data(as_text=True))})


def test_a_local_next_is_kept(ui_app):
    client = ui_app.test_client()
    page = client.get("/login?next=/cases%3Fstage%3Ddraft")
    response = client.post("/login", data={"username": "zhang", "password": PASSWORD, "next": "/cases?stage=draft",
                                           "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/cases?stage=draft"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("/\\\t\n\r :.@%?#ae0x\x00\u3000"), max_size=12))
def test_an_accepted_path_stays_on_the_site(text):
    accepted = local_path(text)
    if accepted is not None:
        assert urlsplit(browser_reading(accepted)).netloc == "localhost", repr(accepted)
