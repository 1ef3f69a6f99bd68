"""Steps and checks the browser tests share: signing in, axe-core, the keyboard, what the page announced."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(page, base: str, email: str, then: str = "/", password: str = PASSWORD) -> None:
    """Sign in on the forum's own form and land on `then`."""
    page.goto(f"{base}/accounts/login/?next={quote(then)}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def log_in(page, base: str, user, then: str = "/") -> None:
    """Open `then` already signed in as `user`, without the sign-in form (Django's force_login and
    its session cookie): for tests about something else, which would otherwise reach allauth's
    limit of 30 sign-ins a minute from one address."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    page.goto(f"{base}{then}")


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is now (every rule axe runs by default: WCAG 2.x A
    and AA, and best practices), one line per element."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci --no-audit --no-fund` (the test command does)")
    if not page.evaluate("() => 'axe' in window"):
        # Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not govern;
        # a <script> tag with the source would be inline script, and blocked.
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document)).violations.flatMap(
            (v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(" ")}`))"""
    )


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {page.url}:\n" + "\n".join(violations)


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, target, limit: int = 80) -> None:
    """Press Tab, as a keyboard user does, until `target` has focus."""
    for _ in range(limit):
        if target.count() and is_focused(target):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{target} never got focus in {limit} presses of Tab")


def record_announcements(page) -> None:
    """From now on, window.said lists [milliseconds, text] for each change of the page's live region."""
    page.evaluate(
        """() => {
            const region = document.getElementById("announcer");
            window.said = [];
            new MutationObserver(() => window.said.push([performance.now(), region.textContent.trim()]))
                .observe(region, { childList: true, characterData: true, subtree: true });
        }"""
    )


def announcements(page) -> list[str]:
    return [text for _, text in page.evaluate("window.said")]


def expect_announced(page, text: str, timeout: float = 5000) -> None:
    """Wait until the live region has said `text` (alone or with other changes) since record_announcements."""
    page.wait_for_function("(text) => window.said.some(([, said]) => said.includes(text))", arg=text, timeout=timeout)


def api(base: str, user, method: str, path: str, body: dict | None = None) -> int:
    """Call the HTTP API as `user` with a token, as a script of theirs would; returns the status."""
    token, _ = Token.objects.get_or_create(user=user)
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token.key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def wait_subscribed(page) -> None:
    """Wait until the page's live socket has subscribed to every topic it shows."""
    expect(page.locator("html")).to_have_attribute("data-live", "subscribed")


def elsewhere(service, **arguments):
    """Call a service as another process would: on a thread of its own, away from the event loop
    Playwright keeps on this one (publishing to Redis needs a thread without one)."""

    def run():
        try:
            return service(**arguments)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()
