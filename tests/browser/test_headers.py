"""The security headers as Chromium reads them: it understands every Permissions-Policy feature we
deny and blocks nothing our own pages do (a header it cannot parse protects nothing)."""

import pytest

from tests.browser.pages import log_in, wait_subscribed

pytestmark = pytest.mark.browser


def test_chromium_accepts_the_headers_on_every_kind_of_page(live_url, new_page, alice, alices_idea):
    page = new_page()
    messages = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    log_in(page, live_url, alice, "/")
    wait_subscribed(page)
    for path in [alices_idea.get_absolute_url(), "/account/", "/ideas/new/", f"/members/{alice.pk}/"]:
        page.goto(f"{live_url}{path}")
        page.wait_for_load_state("networkidle")
    assert [m for m in messages if "Permissions-Policy" in m or "Content Security Policy" in m] == []
    assert page.errors == []
