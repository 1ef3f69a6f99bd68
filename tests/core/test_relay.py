"""With the in-memory channel layer (the embedded default), the task worker's live events reach the
web process's sockets through the database: the worker writes them, daphne's hub reads what is new."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from config.settings.base import LIVE_LAYER_OPTIONS
from core import live
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
