"""Shared fixtures: the named people of the tests (alice, bob, mo, pat, visitor), their ideas, and
`published`, which captures the live events services announce, and `smtp`, a real local SMTP server."""

import email
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from email import policy
from functools import partial

import pytest
from aiosmtpd.controller import Controller
from channels.layers import channel_layers
from daphne.testing import DaphneProcess
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import role_grant
from community import insights
from core import live
from tests.community import dashboard_history
from tests.factories import CategoryFactory, IdeaFactory, UserFactory
from tests.net import free_port, wait_for_port

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session", autouse=True)
def _cache_files_removed():
    """The SQLite run's file cache (config/settings/test.py) goes with the session."""
    yield
    from django.conf import settings

    location = settings.CACHES["default"].get("LOCATION", "")
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        shutil.rmtree(location, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _live_layer_up():
    """A channel-layer outage one test made (and left) does not make the next one drop its events."""
    yield
    live.layer_recovered()


@pytest.fixture
def alice(db):
    """A member, the author of most ideas in the tests."""
    return UserFactory(email="alice@example.com", display_name="Alice")


@pytest.fixture
def bob(db):
    """Another member."""
    return UserFactory(email="bob@example.com", display_name="Bob")


@pytest.fixture
def mo(db):
    """A moderator."""
    user = UserFactory(email="mo@example.com", display_name="Mo")
    role_grant(actor=None, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def mia(db):
    """A second moderator, who decides appeals against Mo's actions."""
    user = UserFactory(email="mia@example.com", display_name="Mia")
    role_grant(actor=None, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def quinn(db):
    """A second member of the product team, a colleague of Pat's."""
    user = UserFactory(email="quinn@example.com", display_name="Quinn")
    role_grant(actor=None, user=user, role=Role.PRODUCT_TEAM)
    return user


@pytest.fixture
def pat(db):
    """A member of the product team."""
    user = UserFactory(email="pat@example.com", display_name="Pat")
    role_grant(actor=None, user=user, role=Role.PRODUCT_TEAM)
    return user


@pytest.fixture
def ada(db):
    """An admin (superuser), who uses the Django admin."""
    return UserFactory(email="ada@example.com", display_name="Ada", is_staff=True, is_superuser=True)


@pytest.fixture
def visitor():
    return AnonymousUser()


@pytest.fixture
def product(db):
    return CategoryFactory(name="Product", slug="product")


@pytest.fixture
def drinks(product):
    return CategoryFactory(name="Drinks", slug="drinks", parent=product)


@pytest.fixture
def experience(db):
    return CategoryFactory(name="Experience", slug="experience")


@pytest.fixture
def alices_idea(alice, drinks):
    return IdeaFactory(author=alice, category=drinks, title="Oat milk at no extra charge", body="Please, **yes**.")


@pytest.fixture
def rolled(alice, bob, pat, drinks) -> dict:
    """The staff dashboard's small known history (tests/community/dashboard_history.py), rolled up."""
    made = dashboard_history.history(alice, bob, pat, drinks)
    insights.rollup()
    return made


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as():
    """An API client signed in as someone: api_as(alice)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def published(monkeypatch, django_capture_on_commit_callbacks):
    """`with published() as events: service(...)`: the events the service announced once its
    transaction committed, each as a subscriber receives it (through JSON and back)."""

    @contextmanager
    def capture():
        events: list[dict] = []

        def send(event: live.LiveEvent) -> None:
            events.append(json.loads(json.dumps({"topic": event.topic, "event": event.event, "data": event.data})))

        with monkeypatch.context() as patch:
            patch.setattr(live, "_send", send)
            with django_capture_on_commit_callbacks(execute=True):
                yield events

    return capture


def _child_setup(unblock):
    """What a forked daphne does first: lift pytest-django's database blocker it inherited, and make a
    channel layer of its own. A forked copy of the parent's Redis layer has the parent's client prefix,
    and with it the one Redis list its process-specific channels are received from: two forked daphnes
    would take each other's events off it, each losing what the other took."""

    def setup() -> None:
        unblock()
        channel_layers.backends = {}

    return setup


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
    process = DaphneProcess("127.0.0.1", partial(_asgi_application), setup=_child_setup(django_db_blocker.unblock))
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


@pytest.fixture
def own_daphne(django_db_setup, django_db_blocker, transactional_db):
    """A daphne of this test's own that it may stop and start again on the same port."""
    processes: list[DaphneProcess] = []

    def start(port: int = 0, server=DaphneProcess) -> int:
        """Start one (`server`: DaphneProcess or a subclass of it, such as one serving TLS); its port."""
        with django_db_blocker.unblock():
            connections.close_all()
        process = server(
            "127.0.0.1", partial(_asgi_application), setup=_child_setup(django_db_blocker.unblock), port=port
        )
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
    start.processes = processes  # running, oldest first: a test may read a pid, or kill one (popping it)
    yield start
    while processes:
        stop()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own (nothing saved to disk) that it may stop and start again on the
    same port: `url = own_redis()`, `own_redis.stop()`, `own_redis()` again."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server not found: the test command installs Debian's redis-server package")
    port = free_port()
    processes: list[subprocess.Popen] = []
    log = tmp_path / "redis.log"

    def start() -> str:
        command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        process = subprocess.Popen([*command, "--dir", str(tmp_path), "--logfile", str(log)], stdout=subprocess.DEVNULL)
        processes.append(process)
        wait_for_port(port, process, log=log)
        return f"redis://127.0.0.1:{port}/0"

    def stop() -> None:
        process = processes.pop()
        process.terminate()
        process.wait(timeout=10)

    start.stop = stop
    yield start
    while processes:
        stop()


def database_url(settings_dict: dict) -> str:
    """The URL (config/env.py's syntax) of the database Django is connected to: the test database."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user, password = settings_dict["USER"], settings_dict["PASSWORD"]
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{credentials}{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"


@pytest.fixture
def worker(transactional_db, settings, tmp_path):
    """`worker(**env)` starts the real background worker, `manage.py worker` as the run command starts
    it, in a process of its own on the test database (and the test's Redis, if any), with the
    environment given (EMAIL_HOST=..., say); stopped, and its log shown if it failed, at the end."""
    from django.db import connection

    processes: list[subprocess.Popen] = []
    log = tmp_path / "worker.log"

    def start(**env: str) -> subprocess.Popen:
        environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        environment.update(
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            SECRET_KEY=settings.SECRET_KEY,
            DATABASE_URL=database_url(connection.settings_dict),
            WRITE_RATE_LIMITS="{}",
            LOG_LEVEL="WARNING",
            **({"REDIS_URL": settings.REDIS_URL} if settings.REDIS_URL else {}),
            **env,
        )
        command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.05"]
        with log.open("ab") as output:
            process = subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    start.log = log
    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


# A real SMTP server for the e-mail tests: aiosmtpd on 127.0.0.1, with Django's SMTP backend pointed at it.


class Inbox:
    """What the server received, parsed; it can refuse the next messages with a temporary error."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refusals = 0
        self.refused_addresses: set[str] = set()  # answered "550 No such mailbox", for good

    def refuse(self, times: int) -> None:
        self.refusals = times

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_addresses:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusals:
            self.refusals -= 1
            return "451 Try again later"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    """The inbox of a local SMTP server that every e-mail of the test goes to."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "http://testserver"
    yield inbox
    controller.stop()
