"""With the in-memory channel layer (the embedded default), the task worker's live events reach the
web process's sockets through the database: the worker writes them, daphne's hub reads what is new."""

import asyncio
import threading
import time

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, connections, transaction

from config.settings.base import LIVE_LAYER_OPTIONS
from core import hub, live
from core.models import LiveRelay
from tests.core.test_live_daphne import next_event, publish, subscribed


@pytest.fixture
def relaying(monkeypatch, settings):
    """This process relays as the worker does (`manage.py worker` turns it on), with the in-memory
    layer of the embedded default (also on the PostgreSQL run, whose layer is otherwise Redis)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "core.layers.InMemoryChannelLayer", "CONFIG": LIVE_LAYER_OPTIONS}}
    monkeypatch.setattr(live, "_relay_on", True)


def test_the_workers_events_of_one_commit_are_written_together_and_not_to_its_own_layer(
    db, relaying, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.group_name("ideas"), channel)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        live.publish(*(live.LiveEvent("ideas", "test.event", {"n": n}) for n in range(3)))
        assert not LiveRelay.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1  # one INSERT for the commit's events
    assert [row.message["topic"] for row in LiveRelay.objects.order_by("pk")] == ["ideas"] * 3
    assert async_to_sync(received_within)(layer, channel, 0.2) is None


async def received_within(layer, channel: str, seconds: float):
    """The next message of the channel, or None if none comes within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            return await layer.receive(channel)
    except TimeoutError:
        return None


def test_a_recheck_is_relayed_too(db, relaying, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        live.recheck("idea:7")
    assert LiveRelay.objects.get().message["recheck"] is True


def test_relayed_events_reach_a_socket_of_daphne_in_order_and_older_ones_are_not_replayed(
    own_daphne, settings, relaying
):
    settings.LIVE_RELAY_POLL_SECONDS = 0.05  # the forked daphne reads relayed events
    base = f"http://127.0.0.1:{own_daphne()}"
    publish("ideas", 0)  # before any hub started: not for sockets that connect later
    with subscribed(base) as ws:
        for n in (1, 2, 3):
            publish("ideas", n)
        assert [next_event(ws) for _ in range(3)] == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite writes one transaction after another anyway")
def test_two_workers_relay_writes_commit_in_id_order_so_the_hub_skips_none():
    inserted, release = threading.Event(), threading.Event()

    def in_a_long_transaction():  # the first worker's relay write, still committing (a large fan-out)
        try:
            with transaction.atomic():
                live._relay_messages([("ideas", {"n": 1})])
                inserted.set()
                release.wait(30)
        finally:
            connections.close_all()

    def meanwhile():  # a second worker's
        try:
            live._relay_messages([("ideas", {"n": 2})])
        finally:
            connections.close_all()

    first, second = threading.Thread(target=in_a_long_transaction), threading.Thread(target=meanwhile)
    first.start()
    inserted.wait(10)
    second.start()
    with connection.cursor() as cursor:
        deadline = time.monotonic() + 3
        while True:  # until the second waits for the first (at most a few seconds: it may not wait)
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone()[0] or time.monotonic() > deadline:
                break
            time.sleep(0.01)
    polled = hub._relayed_after(0)  # the hub polls now
    release.set()
    first.join()
    second.join()
    later = hub._relayed_after(polled[-1][0] if polled else 0)  # and again
    assert [message["n"] for _pk, _group, message in polled + later] == [1, 2]
