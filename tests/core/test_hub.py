"""The live hub in this process, through Channels' WebsocketCommunicator and the real ASGI application:
one layer message per event, order, `subscribed` first, re-checks, the slow-reader bound, memberships."""

import asyncio
import inspect
import json
from collections import Counter

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from channels_redis.core import RedisChannelLayer
from django.db import OperationalError, transaction
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from config.asgi import application
from config.settings.base import redis_channel_layer
from core import hub as hub_module
from core import live
from core.consumers import CLOSE_TOO_SLOW, CLOSE_TRY_LATER
from core.hub import local_hub
from core.live import Access, LiveEvent, group_name
from core.wire import MAX_UNSENT_BYTES, text_frame
from ideas.events import idea_topic
from ideas.services import idea_delete, idea_edit, idea_submit
from tests.core.test_live_socket import HOST, ORIGIN, connected, expect_nothing, run, subscribe
from voting.services import vote_cast, vote_withdraw

pytestmark = pytest.mark.django_db(transaction=True)


async def group_members(layer, topic: str) -> set[str]:
    """The channels the layer holds in the topic's group: in Redis, the members of its sorted set."""
    group = group_name(topic)
    if isinstance(layer, RedisChannelLayer):
        connection = layer.connection(layer.consistent_hash(group))
        return {member.decode() for member in await connection.zrange(layer._group_key(group), 0, -1)}
    return set(layer.groups.get(group, {}))


async def until(condition, timeout: float = 10) -> None:
    """Wait until condition() (a value or an awaitable) is true: something else running makes it so."""
    async with asyncio.timeout(timeout):
        while not await _value(condition()):
            await asyncio.sleep(0.02)


async def _value(result):
    return await result if inspect.isawaitable(result) else result


def edit(idea, actor, title: str) -> None:
    idea_edit(idea=idea, actor=actor, title=title)


def test_one_layer_message_reaches_the_process_per_event_whatever_its_number_of_sockets(alice, bob, alices_idea):
    topic = idea_topic(alices_idea.pk)
    writes = [
        lambda: edit(alices_idea, alice, "Oat milk, first take"),
        lambda: vote_cast(actor=bob, idea_id=alices_idea.pk, value=1),
        lambda: edit(alices_idea, alice, "Oat milk, second take"),
        lambda: vote_cast(actor=bob, idea_id=alices_idea.pk, value=-1),
        lambda: vote_withdraw(actor=bob, idea_id=alices_idea.pk),
    ]
    expected = [
        ("idea.changed", "Oat milk, first take"),
        ("vote.changed", 1),
        ("idea.changed", "Oat milk, second take"),
        ("vote.changed", -1),
        ("vote.changed", 0),
    ]

    async def body():
        sockets = [await connected(user) for user in [alice, bob, None, None] * 5]
        for ws in sockets:
            assert await subscribe(ws, topic) == {"type": "subscribed", "topic": topic}
        for write in writes:
            await database_sync_to_async(write)()
        for ws in sockets:
            got = [await ws.receive_json_from(timeout=5) for _ in writes]
            seen = [(m["event"], m["data"]["title" if m["event"] == "idea.changed" else "score"]) for m in got]
            assert seen == expected
        hub = await local_hub()
        assert hub.received == len(writes)
        assert await group_members(hub.layer, topic) == {hub.channel}
        for ws in sockets:
            await ws.disconnect()

    run(body)


def test_a_burst_of_events_reaches_every_socket_in_the_order_it_was_published(alice, bob, alices_idea):
    topic = idea_topic(alices_idea.pk)
    titles = [f"Oat milk, take {n:02d}" for n in range(30)]

    def burst():
        with transaction.atomic():  # all 30 go out at commit, one right behind the other
            for title in titles:
                edit(alices_idea, alice, title)

    async def body():
        sockets = [await connected(user) for user in (alice, bob, None, None, None)]
        for ws in sockets:
            await subscribe(ws, topic)
        await database_sync_to_async(burst)()
        for ws in sockets:
            assert [(await ws.receive_json_from(timeout=5))["data"]["title"] for _ in titles] == titles
            await ws.disconnect()

    run(body)


def test_subscribed_comes_before_any_event_of_the_topic_while_events_flow(alice, alices_idea):
    topic = idea_topic(alices_idea.pk)
    published: list[str] = []

    async def body():
        hub = await local_hub()
        all_subscribed = asyncio.Event()

        async def publisher():
            after_all = 3  # edits made once every socket is subscribed: each socket gets those
            while after_all:
                if all_subscribed.is_set():
                    after_all -= 1
                title = f"Oat milk, edit {len(published)}"
                await database_sync_to_async(edit)(alices_idea, alice, title)
                published.append(title)

        publishing = asyncio.ensure_future(publisher())
        sockets = []
        for _ in range(10):
            mark = len(published)
            await until(lambda mark=mark: len(published) > mark)
            ws = await connected()
            await ws.send_json_to({"type": "subscribe", "topic": topic})  # the reply is read below
            sockets.append(ws)
        await until(lambda: len(hub.local.get(topic, ())) == len(sockets))
        all_subscribed.set()
        await publishing
        for ws in sockets:
            got = [await ws.receive_json_from(timeout=5)]
            while got[-1].get("data", {}).get("title") != published[-1]:
                got.append(await ws.receive_json_from(timeout=5))
            assert got[0] == {"type": "subscribed", "topic": topic}
            assert {(m["type"], m["topic"]) for m in got[1:]} == {("event", topic)}
            titles = [m["data"]["title"] for m in got[1:]]
            assert titles == published[len(published) - len(titles) :]  # in order, none missing
            await ws.disconnect()

    run(body)


def test_deleting_an_idea_tells_its_readers_then_drops_them_from_its_topic_only(alice, alices_idea, drinks):
    pk = alices_idea.pk
    topic = idea_topic(pk)
    gone = {"type": "event", "topic": topic, "event": "idea.changed", "data": {"id": pk, "deleted": True}}
    forbidden = {"type": "error", "topic": topic, "code": "forbidden"}

    def publish_on_the_topic():
        with transaction.atomic():
            live.publish(LiveEvent(topic, "idea.changed", {"id": pk, "deleted": True}))

    async def body():
        sockets = [await connected(user) for user in (alice, alice, alice, None, None, None)]
        for ws in sockets:
            assert (await subscribe(ws, topic))["type"] == "subscribed"
            assert (await subscribe(ws, "ideas"))["type"] == "subscribed"
        await database_sync_to_async(idea_delete)(idea=alices_idea, actor=alice)
        for ws in sockets:
            got = [await ws.receive_json_from(timeout=5) for _ in range(3)]  # "ideas" has the deletion too
            assert [m for m in got if m["topic"] == topic] == [gone, forbidden]
        hub = await local_hub()
        assert topic not in hub.local
        assert len(hub.local["ideas"]) == len(sockets)
        # Anything still sent to the topic reaches none of them; "ideas", sent after it, reaches them all.
        await database_sync_to_async(publish_on_the_topic)()
        await database_sync_to_async(idea_submit)(actor=alice, title="Still on the list", body="b", category=drinks)
        for ws in sockets:
            message = await ws.receive_json_from(timeout=5)
            assert (message["topic"], message["data"]["title"]) == ("ideas", "Still on the list")
            await expect_nothing(ws)
            await ws.disconnect()

    run(body)


BACKSTAGE = "backstage"


@pytest.fixture
def backstage():
    """A topic of the test's own whose check lets in the members in `allowed` and counts its calls."""
    allowed: set[int] = set()
    checked: list[int | None] = []

    def check(user) -> Access:
        checked.append(user.pk)
        return Access.ALLOWED if user.pk in allowed else Access.FORBIDDEN

    live.register_topic(BACKSTAGE, check)
    yield allowed, checked
    del live._topics[BACKSTAGE]


def test_a_recheck_drops_only_the_members_who_lost_access_checking_each_member_once(alice, bob, pat, backstage):
    allowed, checked = backstage
    allowed.update({alice.pk, bob.pk, pat.pk})
    notes = [LiveEvent(BACKSTAGE, "note.added", {"n": n}) for n in range(5)]

    def recheck_then_publish():
        with transaction.atomic():
            live.recheck(BACKSTAGE)
            live.publish(*notes)  # right behind the re-check: held until it is done

    async def body():
        sockets = {user: [await connected(user) for _ in range(3)] for user in (alice, bob, pat)}
        for ws in [ws for group in sockets.values() for ws in group]:
            assert await subscribe(ws, BACKSTAGE) == {"type": "subscribed", "topic": BACKSTAGE}
        checked.clear()
        allowed.discard(bob.pk)
        await database_sync_to_async(recheck_then_publish)()
        for ws in sockets[bob]:
            assert await ws.receive_json_from(timeout=5) == {"type": "error", "topic": BACKSTAGE, "code": "forbidden"}
        for ws in sockets[alice] + sockets[pat]:
            assert [(await ws.receive_json_from(timeout=5))["data"]["n"] for _ in notes] == [0, 1, 2, 3, 4]
        for ws in sockets[bob]:
            await expect_nothing(ws)
        assert Counter(checked) == {alice.pk: 1, bob.pk: 1, pat.pk: 1}
        hub = await local_hub()
        assert len(hub.local[BACKSTAGE]) == 6
        for ws in [ws for group in sockets.values() for ws in group]:
            await ws.disconnect()

    run(body)


def publish_now(*events: LiveEvent) -> None:
    with transaction.atomic():
        live.publish(*events)


def test_a_member_revoked_while_their_subscription_joins_the_group_is_refused(alice, backstage, monkeypatch):
    """The first socket of a topic in a process: its access is checked, then the process joins the
    group. A re-check sent in between reaches no one here; the subscription is checked again."""
    allowed, _checked = backstage
    allowed.add(alice.pk)

    async def body():
        hub = await local_hub()
        real_add = hub.layer.group_add

        async def revoked_meanwhile(group, channel):
            if group == group_name(BACKSTAGE):
                allowed.discard(alice.pk)
                await database_sync_to_async(live.recheck)(BACKSTAGE)  # outside a transaction: sent at once
            await real_add(group, channel)

        monkeypatch.setattr(hub.layer, "group_add", revoked_meanwhile)
        ws = await connected(alice)
        assert await subscribe(ws, BACKSTAGE) == {"type": "error", "topic": BACKSTAGE, "code": "forbidden"}
        await database_sync_to_async(publish_now)(LiveEvent(BACKSTAGE, "note.added", {"n": 1}))
        await expect_nothing(ws)
        assert BACKSTAGE not in hub.local
        await ws.disconnect()

    run(body)


def test_a_recheck_that_comes_while_held_events_go_out_applies_before_the_events_after_it(
    alice, bob, backstage, monkeypatch
):
    """Events held during a re-check go out a few sockets at a time; a second re-check coming in
    between holds back the events sent after it until it has dropped who it drops."""
    allowed, _checked = backstage
    allowed.update({alice.pk, bob.pk})
    monkeypatch.setattr(hub_module, "YIELD_EVERY", 2)

    async def body():
        hub = await local_hub()
        alices = [await connected(alice) for _ in range(6)]
        bobs = await connected(bob)
        for ws in [*alices, bobs]:
            await subscribe(ws, BACKSTAGE)
        real_fan_out = hub._fan_out
        revoked = []

        async def revoke_bob_once_it_goes_out(topic, outgoing):
            if json.loads(outgoing.text)["data"]["n"] == 1 and not revoked:
                revoked.append(True)
                allowed.discard(bob.pk)
                await database_sync_to_async(live.recheck)(BACKSTAGE)
                await database_sync_to_async(publish_now)(LiveEvent(BACKSTAGE, "note.added", {"n": 3}))
            await real_fan_out(topic, outgoing)

        monkeypatch.setattr(hub, "_fan_out", revoke_bob_once_it_goes_out)

        def recheck_then_two_events():
            with transaction.atomic():
                live.recheck(BACKSTAGE)
                live.publish(*(LiveEvent(BACKSTAGE, "note.added", {"n": n}) for n in (1, 2)))

        await database_sync_to_async(recheck_then_two_events)()
        for ws in alices:
            assert [(await ws.receive_json_from(timeout=5))["data"]["n"] for _ in range(3)] == [1, 2, 3]
        got = [await bobs.receive_json_from(timeout=5) for _ in range(3)]
        assert [m.get("data", {}).get("n") for m in got[:2]] == [1, 2]
        assert got[2] == {"type": "error", "topic": BACKSTAGE, "code": "forbidden"}
        await expect_nothing(bobs)
        for ws in [*alices, bobs]:
            await ws.disconnect()

    run(body)


def test_a_recheck_that_cannot_reach_the_database_closes_the_topics_sockets_to_try_again(
    alice, bob, backstage, monkeypatch
):
    """Failing closed: when who may see a topic cannot be known, its sockets close with 4013 and their
    clients reconnect, each subscription checked afresh. Sockets on other topics stay."""
    allowed, _checked = backstage
    allowed.update({alice.pk, bob.pk})

    def database_down(topic, members):
        raise OperationalError("the database is restarting")

    async def body():
        on_topic = [await connected(alice), await connected(bob)]
        elsewhere = await connected(alice)
        for ws in on_topic:
            await subscribe(ws, BACKSTAGE)
        await subscribe(elsewhere, "ideas")
        monkeypatch.setattr(hub_module, "_access_of", database_down)
        await database_sync_to_async(publish_now)(LiveEvent(BACKSTAGE, "note.added", {"n": 1}))
        await database_sync_to_async(live.recheck)(BACKSTAGE)
        await database_sync_to_async(publish_now)(LiveEvent(BACKSTAGE, "note.added", {"n": 2}))
        for ws in on_topic:
            assert (await ws.receive_json_from(timeout=5))["data"]["n"] == 1
            assert await ws.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_TRY_LATER}
        await expect_nothing(elsewhere)
        await elsewhere.disconnect()

    run(body)


def test_a_recheck_counts_a_member_deactivated_since_as_signed_out(alice, alices_idea, backstage):
    allowed, _checked = backstage
    allowed.add(alice.pk)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert hub_module._access_of(BACKSTAGE, {alice.pk: alice}) == {alice.pk: Access.FORBIDDEN}
    assert hub_module._access_of(idea_topic(alices_idea.pk), {alice.pk: alice}) == {alice.pk: Access.ALLOWED}


def stalling(app, stalled: asyncio.Event, released: asyncio.Event):
    """The application behind an ASGI send that, once `stalled` is set, waits for `released`: a
    server whose reader stopped reading."""

    async def stalling_app(scope, receive, send):
        async def stalling_send(message):
            if stalled.is_set():
                await released.wait()
            await send(message)

        await app(scope, receive, stalling_send)

    return stalling_app


def test_a_socket_whose_sends_stall_is_closed_past_the_bound_and_the_others_get_everything(alices_idea):
    topic = idea_topic(alices_idea.pk)
    html = "<p>" + "Oat milk at no extra charge, please. " * 500 + "</p>"  # a long idea's rendered body
    events = [
        LiveEvent(topic, "idea.changed", {"id": alices_idea.pk, "n": f"{n:03d}", "body_html": html}) for n in range(60)
    ]

    def publish_all():
        with transaction.atomic():
            live.publish(*events)

    async def body():
        stalled, released = asyncio.Event(), asyncio.Event()
        slow = WebsocketCommunicator(stalling(application, stalled, released), "/ws/live/", headers=[ORIGIN, HOST])
        assert (await slow.connect())[0]
        assert (await subscribe(slow, topic))["type"] == "subscribed"
        healthy = [await connected() for _ in range(3)]
        for ws in healthy:
            await subscribe(ws, topic)
        stalled.set()
        await database_sync_to_async(publish_all)()
        size = 0
        for ws in healthy:
            got = [await ws.receive_output(timeout=5) for _ in events]
            assert [json.loads(m["text"])["data"]["n"] for m in got] == [event.data["n"] for event in events]
            size = len(text_frame(got[0]["text"]))  # what the wire counts: the frame, in bytes
        hub = await local_hub()
        assert len(hub.local[topic]) == len(healthy)  # the slow one is out already
        assert size * len(events) > MAX_UNSENT_BYTES
        released.set()
        sent = []
        while (message := await slow.receive_output(timeout=5))["type"] == "websocket.send":
            sent.append(json.loads(message["text"])["data"]["n"])
        assert message == {"type": "websocket.close", "code": CLOSE_TOO_SLOW}
        # It takes events while less than the bound is queued: the last one goes over by less than a frame.
        assert sent == [event.data["n"] for event in events[: MAX_UNSENT_BYTES // size + 1]]
        await slow.wait(timeout=5)
        for ws in healthy:
            await ws.disconnect()

    run(body)


def membership_calls(monkeypatch, layer, topic: str) -> list[str]:
    """The group_add and group_discard calls made to the layer for the topic's group, which it still makes."""
    calls: list[str] = []

    def recording(name: str):
        method = getattr(layer, name)

        async def recorded(group, channel):
            if group == group_name(topic):
                calls.append(name)
            await method(group, channel)

        return recorded

    for name in ("group_add", "group_discard"):
        monkeypatch.setattr(layer, name, recording(name))
    return calls


def test_a_tight_subscribe_unsubscribe_loop_is_answered_in_order_and_keeps_one_membership(alices_idea, monkeypatch):
    topic = idea_topic(alices_idea.pk)
    monkeypatch.setattr(hub_module, "UPKEEP_SECONDS", 0.05)  # the hub looks for groups to leave that often

    async def body():
        ws = await connected()
        hub = await local_hub()
        calls = membership_calls(monkeypatch, hub.layer, topic)
        for _ in range(500):
            await ws.send_json_to({"type": "subscribe", "topic": topic})
            await ws.send_json_to({"type": "unsubscribe", "topic": topic})
        replies = [await ws.receive_json_from(timeout=5) for _ in range(1000)]
        assert replies == [{"type": "subscribed", "topic": topic}, {"type": "unsubscribed", "topic": topic}] * 500
        assert topic not in hub.local
        assert calls == ["group_add"]  # joined once, not left and joined again 500 times
        assert await group_members(hub.layer, topic) == {hub.channel}
        monkeypatch.setattr(hub_module, "LEAVE_AFTER_SECONDS", 0.1)
        await until(lambda: topic not in hub.joined)
        assert calls == ["group_add", "group_discard"]
        assert await group_members(hub.layer, topic) == set()
        await ws.disconnect()

    run(body)


def test_a_membership_the_layer_let_go_is_added_again_by_the_periodic_refresh(
    own_redis, settings, monkeypatch, alice, drinks
):
    """As when a membership expired in Redis: the hub adds its memberships again every REFRESH_SECONDS."""
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer(own_redis())}
    monkeypatch.setattr(hub_module, "UPKEEP_SECONDS", 0.05)

    def submit(title: str) -> None:
        idea_submit(actor=alice, title=title, body="b", category=drinks)

    async def body():
        ws = await connected()
        await subscribe(ws, "ideas")
        hub = await local_hub()
        await hub.layer.group_discard(group_name("ideas"), hub.channel)
        await database_sync_to_async(submit)("Lost with the membership")
        await expect_nothing(ws)
        monkeypatch.setattr(hub_module, "REFRESH_SECONDS", 0.1)
        await until(lambda: group_members(hub.layer, "ideas"))
        assert await group_members(hub.layer, "ideas") == {hub.channel}
        await database_sync_to_async(submit)("After the refresh")
        assert (await ws.receive_json_from(timeout=5))["data"]["title"] == "After the refresh"
        await ws.disconnect()

    run(body)


def test_a_layer_that_forgot_every_membership_closes_the_sockets_so_pages_refetch(
    own_redis, settings, monkeypatch, alice, drinks, caplog
):
    """A Redis flushed (or restarted unnoticed) forgets the hub's memberships: its ping does not come
    back, and its sockets close with 4013 instead of missing events in silence. New ones work."""
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer(own_redis())}
    monkeypatch.setattr(hub_module, "UPKEEP_SECONDS", 0.05)
    monkeypatch.setattr(hub_module, "PING_DEADLINE_SECONDS", 0.5)

    def submit(title: str) -> None:
        idea_submit(actor=alice, title=title, body="b", category=drinks)

    async def body():
        sockets = [await connected(), await connected(alice)]
        for ws in sockets:
            await subscribe(ws, "ideas")
        hub = await local_hub()
        await until(lambda: hub.ping_joined and hub.ping_sent is None)
        await hub.layer.connection(0).flushall()
        for ws in sockets:
            assert await ws.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_TRY_LATER}
        again = await connected()
        assert await subscribe(again, "ideas") == {"type": "subscribed", "topic": "ideas"}
        await database_sync_to_async(submit)("After the flush")
        assert (await again.receive_json_from(timeout=5))["data"]["title"] == "After the flush"
        await again.disconnect()

    run(body)
    said = [record.getMessage() for record in caplog.records if record.name == "core.hub"]
    assert len(said) == 1 and "forgot its memberships" in said[0] and "Closing its 2 sockets" in said[0]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a" * 125,
        "a" * 126,
        "é" * 63,  # 126 bytes in 63 characters
        "a" * 65535,
        "€" * 21845,  # 65,535 bytes
        "a" * 65536,
        "🐄" * 16384,  # 65,536 bytes
        "Oat milk ☕, très bien 🐮 " * 4000,
    ],
    ids=lambda text: f"{len(text.encode())}-bytes{'-ascii' if text.isascii() else ''}",
)
def test_a_text_frame_parses_back_exactly(text):
    reader = StreamReader()
    reader.feed_data(text_frame(text))
    reader.feed_eof()
    with pytest.raises(StopIteration) as parsed:
        next(Frame.parse(reader.read_exact, mask=False))
    frame = parsed.value.value
    assert (frame.opcode, frame.fin, frame.data.decode()) == (Opcode.TEXT, True, text)
    assert not reader.buffer  # the frame is exactly as long as its header says
