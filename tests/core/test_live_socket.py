"""The /ws/live/ socket through Channels' WebsocketCommunicator: topics, permissions, bad input, events."""

import asyncio
import json
import logging
import time
from socket import socket as tcp_socket

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from config.asgi import application
from config.settings.base import redis_channel_layer
from core import live
from core.consumers import CLOSE_TOO_BIG, CLOSE_TRY_LATER, MAX_DEPTH, MAX_SUBSCRIPTIONS, origin_allowed
from ideas.services import idea_delete, idea_edit, idea_submit
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1")
HOST = (b"host", b"127.0.0.1")


def socket(user=None, origin=ORIGIN, host=HOST) -> WebsocketCommunicator:
    headers = [header for header in (origin, host) if header]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


def run(coroutine_function):
    """Run an async test body; database calls inside it run on this thread's test connection. Each
    body gets a channel layer of its own: channels-redis keeps asyncio locks that bind to the event
    loop of the test that first waited on them (and outlive a cancelled receive), so a layer shared
    across tests' loops fails later tests with "bound to a different event loop"."""
    channel_layers.backends.clear()
    try:
        return async_to_sync(coroutine_function)()
    finally:
        channel_layers.backends.clear()


async def connected(user=None) -> WebsocketCommunicator:
    communicator = await database_sync_to_async(socket)(user)
    ok, _ = await communicator.connect()
    assert ok
    return communicator


async def subscribe(communicator, topic) -> dict:
    await communicator.send_json_to({"type": "subscribe", "topic": topic})
    return await communicator.receive_json_from()


async def expect_nothing(communicator):
    assert await communicator.receive_nothing(timeout=0.2)


def test_anyone_subscribes_to_ideas_and_gets_new_ideas(alice, drinks):
    async def body():
        ws = await connected()
        assert await subscribe(ws, "ideas") == {"type": "subscribed", "topic": "ideas"}
        idea = await database_sync_to_async(idea_submit)(
            actor=alice, title="Oat milk at no extra charge", body="b", category=drinks
        )
        message = await ws.receive_json_from(timeout=2)
        assert message["type"] == "event" and message["topic"] == "ideas"
        assert message["event"] == "idea.created"
        assert message["data"]["id"] == idea.pk and message["data"]["title"] == "Oat milk at no extra charge"
        await ws.disconnect()

    run(body)


def test_edit_is_announced_on_ideas_and_on_the_idea(alice, alices_idea, drinks):
    async def body():
        everything, one = await connected(), await connected()
        await subscribe(everything, "ideas")
        await subscribe(one, f"idea:{alices_idea.pk}")
        await database_sync_to_async(idea_edit)(
            idea=alices_idea, actor=alice, title="Oat milk for free", body="b", category=drinks
        )
        for ws, topic in [(everything, "ideas"), (one, f"idea:{alices_idea.pk}")]:
            message = await ws.receive_json_from(timeout=2)
            assert (message["topic"], message["event"]) == (topic, "idea.changed")
            assert message["data"]["title"] == "Oat milk for free" and message["data"]["deleted"] is False
            await ws.disconnect()

    run(body)


def test_deletion_is_announced_without_the_content(alice, alices_idea):
    async def body():
        ws = await connected()
        await subscribe(ws, f"idea:{alices_idea.pk}")
        await database_sync_to_async(idea_delete)(idea=alices_idea, actor=alice)
        message = await ws.receive_json_from(timeout=2)
        assert message["data"] == {"id": alices_idea.pk, "deleted": True}
        await ws.disconnect()

    run(body)


def test_rolled_back_transaction_announces_nothing(alice, drinks):
    def submit_then_fail():
        with transaction.atomic():
            idea_submit(actor=alice, title="Never to be seen", body="b", category=drinks)
            raise RuntimeError("boom")

    async def body():
        ws = await connected()
        await subscribe(ws, "ideas")
        with pytest.raises(RuntimeError):
            await database_sync_to_async(submit_then_fail)()
        await expect_nothing(ws)
        await ws.disconnect()

    run(body)


def test_event_waits_for_the_outer_transaction_to_commit(alice, drinks):
    def submit_inside_outer_transaction(ws_check):
        with transaction.atomic():
            idea_submit(actor=alice, title="Announced after commit", body="b", category=drinks)
            time.sleep(0.3)  # the event loop runs on another thread: time enough to deliver an early event
            ws_check()

    async def body():
        ws = await connected()
        await subscribe(ws, "ideas")
        seen_inside = []
        await database_sync_to_async(submit_inside_outer_transaction)(
            lambda: seen_inside.append(ws.output_queue.qsize())
        )
        assert seen_inside == [0]
        assert (await ws.receive_json_from(timeout=2))["event"] == "idea.created"
        await ws.disconnect()

    run(body)


def test_unsubscribed_connection_gets_no_events(alice, drinks):
    async def body():
        ws = await connected()
        await subscribe(ws, "ideas")
        await ws.send_json_to({"type": "unsubscribe", "topic": "ideas"})
        assert await ws.receive_json_from() == {"type": "unsubscribed", "topic": "ideas"}
        await database_sync_to_async(idea_submit)(actor=alice, title="Quiet please", body="b", category=drinks)
        await expect_nothing(ws)
        await ws.disconnect()

    run(body)


def test_deleted_idea_topic_is_forbidden_and_missing_one_unknown(alice, alices_idea):
    async def body():
        await database_sync_to_async(idea_delete)(idea=alices_idea, actor=alice)
        ws = await connected(alice)
        assert await subscribe(ws, f"idea:{alices_idea.pk}") == {
            "type": "error",
            "topic": f"idea:{alices_idea.pk}",
            "code": "forbidden",
        }
        assert (await subscribe(ws, "idea:999999"))["code"] == "unknown_topic"
        assert (await subscribe(ws, "ideas"))["type"] == "subscribed"
        await ws.disconnect()

    run(body)


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        ("{not json", "bad_request"),
        ("[1, 2]", "bad_request"),
        (json.dumps({"type": "dance", "topic": "ideas"}), "bad_request"),
        (json.dumps({"type": ["subscribe"], "topic": "ideas"}), "bad_request"),
        (json.dumps({"type": {"a": 1}, "topic": "ideas"}), "bad_request"),
        (json.dumps({"type": None, "topic": "ideas"}), "bad_request"),
        (json.dumps({"type": "subscribe"}), "bad_request"),
        (json.dumps({"type": "subscribe", "topic": ""}), "bad_request"),
        (json.dumps({"type": "subscribe", "topic": 42}), "bad_request"),
        (json.dumps({"type": "subscribe", "topic": "weather"}), "unknown_topic"),
        (json.dumps({"type": "subscribe", "topic": "idea"}), "unknown_topic"),
        (json.dumps({"type": "subscribe", "topic": "ideas:3"}), "unknown_topic"),
        (json.dumps({"type": "subscribe", "topic": "idea:abc"}), "unknown_topic"),
        (json.dumps({"type": "subscribe", "topic": "idea:1:2"}), "unknown_topic"),
        (json.dumps({"type": "subscribe", "topic": "ideas\n"}), "unknown_topic"),
        # Nesting that json.loads would recurse into (RecursionError) is refused before parsing.
        ("[" * 4000, "bad_request"),
        ('{"a":' * 600 + "1" + "}" * 600, "bad_request"),
        (json.dumps({"type": "subscribe", "topic": "ideas", "x": [[[[[[[[[]]]]]]]]]}), "bad_request"),
        # Brackets inside strings nest nothing.
        (json.dumps({"type": "subscribe", "topic": "[{" * 100}), "unknown_topic"),
    ],
)
def test_bad_messages_get_an_error_and_the_connection_stays(db, sent, code):
    async def body():
        ws = await connected()
        await ws.send_to(text_data=sent)
        reply = await ws.receive_json_from()
        assert reply["type"] == "error" and reply["code"] == code
        assert (await subscribe(ws, "ideas"))["type"] == "subscribed"
        await ws.disconnect()

    run(body)


def test_a_topic_has_one_spelling(alices_idea):
    pk = alices_idea.pk
    arabic_indic = "".join(chr(0x660 + int(digit)) for digit in str(pk))
    other_spellings = [f"idea:0{pk}", f"idea:{pk}\n", f"idea:+{pk}", f"idea: {pk}", f"idea:{arabic_indic}", "idea:0"]

    async def body():
        ws = await connected()
        for topic in other_spellings:
            assert await subscribe(ws, topic) == {"type": "error", "topic": topic, "code": "unknown_topic"}, topic
        assert await subscribe(ws, f"idea:{pk}") == {"type": "subscribed", "topic": f"idea:{pk}"}
        await ws.disconnect()

    run(body)


def test_binary_garbage_gets_an_error(db):
    async def body():
        ws = await connected()
        await ws.send_to(bytes_data=b"\xff\xfe\x00")
        assert (await ws.receive_json_from())["code"] == "bad_request"
        await ws.disconnect()

    run(body)


def test_nesting_up_to_the_limit_is_parsed(db):
    async def body():
        ws = await connected()
        nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
        await ws.send_to(text_data=f'{{"type": "subscribe", "topic": "ideas", "x": {nested}}}')
        assert await ws.receive_json_from() == {"type": "subscribed", "topic": "ideas"}
        await ws.disconnect()

    run(body)


def test_messages_over_4kb_are_refused_and_the_connection_closed(db):
    async def body():
        ws = await connected()
        await ws.send_to(text_data=json.dumps({"type": "subscribe", "topic": "x" * 5000}))
        assert (await ws.receive_json_from())["code"] == "bad_request"
        closed = await ws.receive_output()
        assert closed == {"type": "websocket.close", "code": CLOSE_TOO_BIG}
        # As daphne does once the close handshake ends: the consumer then stops in a running loop.
        # Left running, it would be cancelled at loop shutdown, where a pending Redis receive can hang.
        await ws.disconnect()

    run(body)


def test_more_than_50_subscriptions_are_refused(alice, drinks):
    async def body():
        ideas = await database_sync_to_async(lambda: [IdeaFactory(author=alice, category=drinks) for _ in range(51)])()
        ws = await connected()
        for idea in ideas[:MAX_SUBSCRIPTIONS]:
            assert (await subscribe(ws, f"idea:{idea.pk}"))["type"] == "subscribed"
        refused = await subscribe(ws, f"idea:{ideas[-1].pk}")
        assert refused["type"] == "error" and refused["code"] == "bad_request"
        assert "50" in refused["detail"]
        # Subscribing again to a topic already held is not a new subscription.
        assert (await subscribe(ws, f"idea:{ideas[0].pk}"))["type"] == "subscribed"
        await ws.disconnect()

    run(body)


@pytest.mark.parametrize("origin", [b"http://evil.example", b"null"])
def test_foreign_origin_handshake_is_rejected(db, origin):
    async def body():
        ok, _ = await socket(origin=(b"origin", origin)).connect()
        assert not ok

    run(body)


def test_handshake_without_origin_is_rejected(db):
    async def body():
        ok, _ = await socket(origin=None).connect()
        assert not ok

    run(body)


@pytest.mark.parametrize(
    ("host", "origin"),
    [
        (b"127.0.0.1:8000", b"http://127.0.0.1:9999"),  # another port
        (b"127.0.0.1:8000", b"http://127.0.0.1"),  # no port: 80
        (b"127.0.0.1", b"https://127.0.0.1"),  # another scheme
        (b"127.0.0.1", b"http://localhost"),  # another host, though an allowed one
        (b"evil.example", b"http://evil.example"),  # a host not in ALLOWED_HOSTS
        (b"127.0.0.1", b"http://127.0.0.1/path"),  # not an origin
        (b"127.0.0.1", b"http://evil.example@127.0.0.1"),  # not an origin either
    ],
)
def test_handshake_from_anything_but_the_exact_origin_is_rejected(db, host, origin):
    async def body():
        ok, _ = await socket(origin=(b"origin", origin), host=(b"host", host)).connect()
        assert not ok

    run(body)


@pytest.mark.parametrize(
    ("host", "origin"), [(b"127.0.0.1:8000", b"http://127.0.0.1:8000"), (b"localhost", b"http://LOCALHOST:80")]
)
def test_handshake_from_the_exact_origin_is_accepted(db, host, origin):
    async def body():
        ws = socket(origin=(b"origin", origin), host=(b"host", host))
        ok, _ = await ws.connect()
        assert ok
        await ws.disconnect()

    run(body)


def scope(origin: str, host: str = "ideas.example.com", **extra) -> dict:
    headers = [(b"origin", origin.encode()), (b"host", host.encode())]
    headers += [(name.encode(), value.encode()) for name, value in extra.pop("headers", {}).items()]
    return {"type": "websocket", "headers": headers, **extra}


def test_a_secure_socket_takes_the_https_origin_only(settings):
    settings.ALLOWED_HOSTS = ["ideas.example.com"]
    assert origin_allowed(scope("https://ideas.example.com", scheme="wss"))
    assert not origin_allowed(scope("http://ideas.example.com", scheme="wss"))
    assert not origin_allowed(scope("https://ideas.example.com", scheme="ws"))


def test_behind_a_tls_proxy_the_proxy_header_says_https(settings):
    settings.ALLOWED_HOSTS = ["ideas.example.com"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert origin_allowed(scope("https://ideas.example.com", headers={"x-forwarded-proto": "https"}))
    assert not origin_allowed(scope("https://ideas.example.com", headers={"x-forwarded-proto": "http"}))
    assert not origin_allowed(scope("http://ideas.example.com", headers={"x-forwarded-proto": "https"}))


def test_behind_a_proxy_that_rewrites_host_x_forwarded_host_counts_when_settings_say_so(settings):
    settings.ALLOWED_HOSTS = ["ideas.example.com"]
    proxied = {"x-forwarded-host": "ideas.example.com"}
    forwarded = scope("http://ideas.example.com", host="127.0.0.1:8001", headers=proxied)
    assert not origin_allowed(forwarded)
    settings.USE_X_FORWARDED_HOST = True
    assert origin_allowed(forwarded)


def test_csrf_trusted_origins_are_trusted_exactly(settings):
    settings.ALLOWED_HOSTS = ["ideas.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://forum.example.com", "https://*.example.org"]
    assert origin_allowed(scope("https://forum.example.com"))
    assert origin_allowed(scope("https://shop.example.org"))
    assert not origin_allowed(scope("http://forum.example.com"))
    assert not origin_allowed(scope("https://forum.example.com:8443"))
    assert not origin_allowed(scope("https://example.org.evil.example"))


def ws_url(live_url: str) -> str:
    """The live socket's address on a server at http://... (ws://) or https://... (wss://)."""
    return live_url.replace("http", "ws", 1) + "/ws/live/"


def test_daphne_closes_a_socket_that_sends_over_4kb_with_4009(live_url):
    with connect(ws_url(live_url), origin=live_url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "subscribe", "topic": "x" * 5000}))
        assert json.loads(ws.recv(timeout=10))["code"] == "bad_request"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd.code == CLOSE_TOO_BIG


def test_daphne_refuses_other_ports_and_schemes_and_takes_its_own_origin(live_url):
    port = int(live_url.rsplit(":", 1)[1])
    for origin in [f"http://127.0.0.1:{port + 1}", f"https://127.0.0.1:{port}", f"http://localhost:{port}"]:
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(live_url), origin=origin, open_timeout=10)
        assert refused.value.response.status_code == 403, origin
    with connect(ws_url(live_url), origin=live_url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "subscribe", "topic": "ideas"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "subscribed", "topic": "ideas"}


def test_sockets_close_with_4013_while_redis_is_down_and_work_again_once_it_is_back(
    own_redis, settings, alice, drinks, caplog
):
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer(own_redis())}
    caplog.set_level(logging.WARNING)

    async def closed_for_outage(ws):
        assert await ws.receive_output(timeout=10) == {"type": "websocket.close", "code": CLOSE_TRY_LATER}
        await ws.wait(timeout=5)  # the consumer ended without an exception

    async def body():
        ws = await connected()
        assert (await subscribe(ws, "ideas"))["type"] == "subscribed"
        await asyncio.to_thread(own_redis.stop)
        await closed_for_outage(ws)
        for _ in range(3):
            await closed_for_outage(await connected())
        # A write while Redis is down still succeeds; its event is dropped.
        await database_sync_to_async(idea_submit)(actor=alice, title="Posted in the outage", body="b", category=drinks)

        await asyncio.to_thread(own_redis)
        ws = await connected()
        assert (await subscribe(ws, "ideas"))["type"] == "subscribed"
        await database_sync_to_async(idea_submit)(actor=alice, title="Posted after it", body="b", category=drinks)
        assert (await ws.receive_json_from(timeout=5))["data"]["title"] == "Posted after it"
        await ws.disconnect()

    run(body)
    said = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert len(said) == 2, said
    assert said[0][0] == "ERROR" and "channel layer is unreachable" in said[0][1]
    assert said[1][0] == "WARNING" and "channel layer is back" in said[1][1]
    assert not any(record.exc_info for record in caplog.records)


def test_a_hung_channel_layer_holds_up_one_write_then_none_until_a_retry_is_due(
    settings, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    tries = []
    send = live._group_send

    async def counted(layer, group, message):
        tries.append(group)
        await send(layer, group, message)

    monkeypatch.setattr(live, "_group_send", counted)
    event = live.LiveEvent(topic="ideas", event="idea.changed", data={"id": 1})
    with tcp_socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)  # connections complete in the kernel's backlog; nothing ever replies
        settings.CHANNEL_LAYERS = {"default": redis_channel_layer(f"redis://127.0.0.1:{hung.getsockname()[1]}/0")}
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(5):
                live.publish(event)  # five writes: only the first waits for the layer
        assert tries == ["live.ideas"]
        monkeypatch.setattr(live._outage, "retry_seconds", 0)
        with django_capture_on_commit_callbacks(execute=True):
            live.publish(event)  # a retry is due: one more try, which times out too
        assert tries == ["live.ideas", "live.ideas"]
    assert [r.getMessage()[:36] for r in caplog.records] == ["The channel layer is unreachable (Ti"]


def test_signed_in_member_connects_with_their_session(alice):
    from core.consumers import LiveConsumer

    seen = {}
    original = LiveConsumer.connect

    async def spy(self):
        seen["user"] = self.scope["user"]
        await original(self)

    LiveConsumer.connect = spy
    try:

        async def body():
            ws = await connected(alice)
            await ws.disconnect()

        run(body)
    finally:
        LiveConsumer.connect = original
    assert seen["user"].pk == alice.pk


def test_channel_layer_follows_redis_url(settings):
    import os

    from channels.layers import get_channel_layer

    layer = type(get_channel_layer()).__name__
    assert layer == ("RedisChannelLayer" if os.environ.get("REDIS_URL") else "InMemoryChannelLayer")


def test_a_subscription_survives_an_idle_spell_longer_than_the_blocking_pop(alice, drinks):
    """With Redis, consumers wait in 5-second blocking pops; an idle socket must not time out."""
    import os

    if not os.environ.get("REDIS_URL"):
        pytest.skip("Redis only")

    async def body():
        import asyncio

        ws = await connected()
        await subscribe(ws, "ideas")
        await asyncio.sleep(11)
        await database_sync_to_async(idea_submit)(actor=alice, title="After a quiet spell", body="b", category=drinks)
        assert (await ws.receive_json_from(timeout=5))["event"] == "idea.created"
        await ws.disconnect()

    run(body)


def test_a_consumer_stops_when_its_socket_closes_at_any_moment(db):
    """Closing right after connecting cancels the layer's receive mid-command; it must still stop.

    With a Redis socket timeout, redis-py sent through asyncio.wait_for, which on Python 3.11 could
    swallow that cancellation: the consumer then polled Redis forever (and hung CI at loop shutdown).
    """

    async def body():
        import asyncio

        for attempt in range(60):
            ws = await connected()
            await asyncio.sleep(attempt % 30 * 0.0002)
            await ws.send_input({"type": "websocket.disconnect", "code": 1000})
            stopped, _ = await asyncio.wait([ws.future], timeout=4)
            await ws.wait()
            assert stopped, f"the consumer did not stop (attempt {attempt})"

    run(body)
