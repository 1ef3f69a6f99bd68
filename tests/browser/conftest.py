"""Browser-test harness: a real daphne server on 127.0.0.1 and Debian's Chromium driven by Playwright."""

import os
import shutil
from functools import partial

import pytest
from daphne.testing import DaphneProcess
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _asgi_application():
    from channels.routing import get_default_application

    return get_default_application()


@pytest.fixture(scope="session")
def daphne_server(django_db_setup, django_db_blocker):
    """One daphne process for the session, forked after the test database exists so it uses it."""
    with django_db_blocker.unblock():
        # The child must not share the parent's open database sockets.
        connections.close_all()
    # The forked child inherits pytest-django's database blocker; lift it there (setup runs in the child).
    process = DaphneProcess("127.0.0.1", partial(_asgi_application), setup=django_db_blocker.unblock)
    process.start()
    if not process.ready.wait(timeout=30):
        process.terminate()
        pytest.fail("daphne did not start")
    yield f"http://127.0.0.1:{process.port.value}"
    process.terminate()
    process.join(timeout=10)


@pytest.fixture
def live_url(daphne_server, transactional_db):
    """The live server's address; tests using it see committed data, flushed after each test."""
    return daphne_server


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module: Playwright's loop must not outlive the module, for the
    tests after it that run their own event loops on this thread."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: the test command installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while the browser lives; the ORM
    # calls in these tests are ordinary synchronous ones, so tell Django they are safe here.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context (its own cookies); closed after the test."""
    contexts = []

    def open_page(width: int = 1200):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def own_daphne(django_db_setup, django_db_blocker, transactional_db):
    """A daphne of this test's own that it may stop and start again on the same port."""
    processes: list[DaphneProcess] = []

    def start(port: int = 0) -> int:
        with django_db_blocker.unblock():
            connections.close_all()
        process = DaphneProcess("127.0.0.1", partial(_asgi_application), setup=django_db_blocker.unblock, port=port)
        process.start()
        if not process.ready.wait(timeout=30):
            pytest.fail("daphne did not start")
        processes.append(process)
        return process.port.value

    def stop() -> None:
        process = processes.pop()
        process.terminate()
        process.join(timeout=10)

    start.stop = stop
    yield start
    while processes:
        stop()
