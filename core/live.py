"""Live updates: the one helper that announces events after commit, and the registry of topics.

Services call `publish(...)` with events built by their app's events.py; the event reaches the
topic's subscribers only once the transaction commits, and never if it rolls back. Apps register
each topic they own with a function that says whether a member may see it; the one consumer
(core/consumers.py) asks that function before it subscribes anyone, and each process's hub
(core/hub.py) asks it again for every subscriber when a service calls `recheck(topic)`.

A topic has one spelling: a name, or a name, a colon and an id in ASCII digits without a leading
zero (`ideas`, `idea:42`); `idea:042`, `idea:+42`, `idea: 42`, `idea:42\n` and other digits are unknown.
When the channel layer (Redis) cannot be reached, events are dropped and sockets close (4013); the
outage is logged once per process, not once per event or socket, and its end once. A layer that hangs
holds up one write for SEND_TIMEOUT_SECONDS; writes then drop their events at once, trying the layer
again once every RETRY_SECONDS, so a stalled Redis never stalls every vote.
"""

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from core.outage import Outage

logger = logging.getLogger(__name__)

# A healthy layer answers a send in milliseconds; one that hangs holds up the write that sent for this
# long, and then, for RETRY_SECONDS, no write waits for it: events are dropped until one try gets through.
SEND_TIMEOUT_SECONDS = 2
RETRY_SECONDS = 5

_TOPIC = re.compile(r"(?P<name>[a-z_]{1,30})(?::(?P<arg>[1-9][0-9]{0,17}))?")

# What a channel layer raises when its server cannot be reached (the in-memory layer never does).
LAYER_DOWN = (OSError, TimeoutError, RedisError)


@dataclass(frozen=True)
class LiveEvent:
    topic: str
    event: str
    data: dict


class Access(Enum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"
    UNKNOWN = "unknown_topic"


# name -> (takes an id?, check(user, id) -> Access); checks run synchronously and only read.
_topics: dict[str, tuple[bool, Callable]] = {}


def register_topic(name: str, check: Callable, *, with_id: bool = False) -> None:
    """Let members subscribe to `name` (or `name:<id>`) when `check(user, id)` allows it."""
    _topics[name] = (with_id, check)


def topic_access(user, topic: str) -> Access:
    """May this user subscribe to this topic? Reads the database; never writes."""
    match = _TOPIC.fullmatch(topic)
    if not match or match["name"] not in _topics:
        return Access.UNKNOWN
    with_id, check = _topics[match["name"]]
    if with_id != (match["arg"] is not None):
        return Access.UNKNOWN
    return check(user, int(match["arg"])) if with_id else check(user)


def group_name(topic: str) -> str:
    """Channels group names allow only letters, digits, hyphens, underscores and periods."""
    return "live." + topic.replace(":", ".")


def publish(*events: LiveEvent) -> None:
    """Send the events to their topics once the current transaction commits."""
    if _relaying():
        if events:
            transaction.on_commit(partial(_relay, events), robust=True)
        return
    for event in events:
        transaction.on_commit(partial(_send, event), robust=True)


def recheck(*topics: str) -> None:
    """Once the current transaction commits, have every process check its subscribers of each topic
    again and drop those who may no longer see it (core/hub.py). Call it when what a topic carries
    becomes invisible to some who could see it: an idea deleted or hidden, a member suspended."""
    for topic in topics:
        transaction.on_commit(partial(_send_recheck, topic), robust=True)


# The group of every process's hub while it serves a signed-in member's socket: no client subscribes to it
# (it is no registered topic); it carries only the order to close one member's sockets.
MEMBERS = "members"


def close_member_sockets(member_id: int) -> None:
    """Once the current transaction commits, have every process close this member's live sockets (a ban):
    the session they were opened with has ended, and a socket stays subscribed to what it was allowed."""
    transaction.on_commit(partial(_send_close, member_id), robust=True)


def _send_close(member_id: int) -> None:
    message = {"type": "live.close_member", "topic": MEMBERS, "member": member_id}
    _send_control(MEMBERS, message, "a close of a member's sockets")


def _message(event: LiveEvent) -> dict:
    # Serialised once here, not once per subscriber: a popular topic has thousands.
    text = _json({"type": "event", "topic": event.topic, "event": event.event, "data": event.data})
    return {"type": "live.event", "topic": event.topic, "text": text}


def _send(event: LiveEvent) -> None:
    _send_to_group(event.topic, _message(event), event.event)


def _recheck_message(topic: str) -> dict:
    # The text is what a process from before the hub sends its subscribers instead of re-checking.
    text = _json({"type": "error", "topic": topic, "code": Access.FORBIDDEN.value})
    return {"type": "live.event", "topic": topic, "text": text, "recheck": True}


def _send_recheck(topic: str) -> None:
    _send_control(topic, _recheck_message(topic), "a re-check")


def _send_control(topic: str, message: dict, what: str) -> None:
    """An order to every process's hub (re-check a topic, close a member's sockets): through the layer, or
    relayed through the database from a process that serves no sockets."""
    if _relaying():
        _relay_messages([(topic, message)])
    else:
        _send_to_group(topic, message, what)


# The relay: a process that serves no sockets (the task worker) cannot reach the sockets of the web
# process through an in-memory channel layer, which each process has its own of. There its events go
# through the database instead: written here in one INSERT per commit, read by each web process's hub
# every RELAY_POLL_SECONDS (settings) and sent on to its own layer. With Redis, every process shares
# the layer and nothing is relayed.
RELAY_KEEP_SECONDS = 60  # a relayed event older than this has been read by every running hub
RELAY_LOCK = 0x6C697665  # "live": the PostgreSQL advisory lock that orders relay writers
_relay_on = False


def relay_through_database() -> None:
    """This process serves no sockets: with a per-process layer, relay its events through the database."""
    global _relay_on
    _relay_on = True


def relays(layer) -> bool:
    """Whether events cross processes through the database with this layer (the in-memory one)."""
    return isinstance(layer, InMemoryChannelLayer)


def _relaying() -> bool:
    return _relay_on and relays(get_channel_layer())


def _relay(events: tuple[LiveEvent, ...]) -> None:
    _relay_messages([(event.topic, _message(event)) for event in events])


def _relay_messages(messages: list[tuple[str, dict]]) -> None:
    from core.models import LiveRelay

    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Relayed events commit in the order of their ids, which the hubs read in: without the lock,
                # a later id of another worker could commit first and the hub move past an earlier one.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RELAY_LOCK])
            LiveRelay.objects.filter(created_at__lt=timezone.now() - timedelta(seconds=RELAY_KEEP_SECONDS)).delete()
            LiveRelay.objects.bulk_create(
                [LiveRelay(group=group_name(topic), message=message) for topic, message in messages], batch_size=500
            )
    except Exception:  # a lost live event must never fail the work that caused it
        logger.exception("Could not relay %d live events to the web process", len(messages))


def _json(content: dict) -> str:
    return json.dumps(content, separators=(",", ":"))


def _send_to_group(topic: str, message: dict, what: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    # A lost live event must never fail the write that caused it; pages refetch on reconnect.
    if not _outage.try_now():
        return
    try:
        async_to_sync(_group_send)(layer, group_name(topic), message)
    except LAYER_DOWN as error:
        layer_failed(error)
    except Exception:
        logger.exception("Could not send %s to %s", what, topic)
    else:
        layer_recovered()


async def _group_send(layer, group: str, message: dict) -> None:
    # The Redis layer has no socket timeout (see settings): a Redis that stalls holds up the
    # request that wrote for this long at most.
    async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
        await layer.group_send(group, message)


_outage = Outage(
    logger,
    down="The channel layer is unreachable (%(error)s): live events are dropped and sockets closed with 4013 "
    "until it is back",
    back="The channel layer is back after %(seconds).0f s",
    retry_seconds=RETRY_SECONDS,
    down_level=logging.ERROR,
)


def layer_failed(error: BaseException) -> None:
    """The channel layer could not be reached: say so, once per outage."""
    _outage.failed(error)


def layer_recovered() -> None:
    """The channel layer answered: if it was down, say it is back."""
    _outage.recovered()
