"""The live hub: one per process, between the channel layer and every live socket of the process.

The hub holds the process's one channel-layer channel and one receive loop, and joins each topic's
group once, when its first local socket subscribes. The layer so carries one message per event per
process, not one per subscriber. The hub builds each event's WebSocket frame once and hands it to
every local socket of the topic (core/wire.py), in the order it received the events, letting the
loop run pings and HTTP every YIELD_EVERY sockets.

- A group is left LEAVE_AFTER_SECONDS after its last local socket went, so a reload or a client
  subscribing and unsubscribing in a loop does not churn the layer.
- Memberships are added again every REFRESH_SECONDS, so they expire in the layer (after
  `group_expiry`, settings) only when their process is gone: a process that crashed leaves one stale
  member per topic, for that long at most.
- Every UPKEEP_SECONDS the hub pings itself through a group only it is in. A ping not back within
  PING_DEADLINE_SECONDS means the layer forgot the hub's memberships (Redis restarted or flushed
  while the receive loop kept going) or the hub is that far behind: its sockets close with 4013, so
  their pages refetch what they missed and subscribe again.
- When the layer cannot be reached, every local socket is closed with 4013 (clients reconnect and
  refetch); the hub tries again every RETRY_SECONDS, or at once when a socket connects.
- `core.live.close_member_sockets(id)` closes a member's sockets in every process (a ban): each
  signed-in socket sits on the MEMBERS group, which no client can subscribe to.
- `core.live.recheck(topic)` makes every process's hub check its local subscribers of the topic again,
  once per distinct member, and drop, with an `error`/`forbidden` message, those who may no longer
  see it. The topic's events wait meanwhile, so none reaches a socket about to be dropped.

Old processes (before the hub) and new ones share the group names and message shape, so they can
run side by side during a deploy; an old process passes a re-check on as the `forbidden` error.
"""

import asyncio
import contextlib
import itertools
import logging
import time
import uuid
import weakref
from typing import Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from core.live import (
    LAYER_DOWN,
    MEMBERS,
    RETRY_SECONDS,
    SEND_TIMEOUT_SECONDS,
    Access,
    group_name,
    layer_failed,
    layer_recovered,
    relays,
    topic_access,
)
from core.wire import Outgoing

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "live-hub"  # settings give channels of this prefix the capacity of a burst
YIELD_EVERY = 2000
LEAVE_AFTER_SECONDS = 10
REFRESH_SECONDS = 60
UPKEEP_SECONDS = 5  # idle groups left, memberships refreshed, a ping sent, at most this often
PING_DEADLINE_SECONDS = 15
RECHECK_BATCH = 200  # members checked per trip to the database thread
RECHECK = object()  # in a held topic's queue: re-check its subscribers here
_marks = itertools.count(1)
PROBE_GROUP = "live.probe"  # never joined: discarding from it is the cheapest round trip to the layer


class Subscriber(Protocol):
    """A local socket, as the hub sees it (core.consumers.LiveConsumer)."""

    def member(self): ...  # the user the socket belongs to, for re-checks

    def deliver(self, message: Outgoing) -> None: ...

    def forbid(self, topic: str) -> None: ...  # the hub dropped it from the topic after a re-check

    def try_later(self) -> None: ...  # close with 4013: the client reconnects and is checked afresh

    def sign_out(self) -> None: ...  # close: the member's session has ended (banned)


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.channel: str | None = None
        self.local: dict[str, set[Subscriber]] = {}  # topic -> its sockets in this process
        self.joined: set[str] = set()  # topics whose group this process is a member of
        self.idle: dict[str, float] = {}  # joined topic without local sockets -> since when
        self.held: dict[str, list] = {}  # topic being re-checked -> its events and re-checks meanwhile
        self.marks: dict[str, int] = {}  # joined topic -> a new number at each join and re-check
        self.down = False
        self.ping_group = f"live.hub-{uuid.uuid4().hex}"  # this hub's alone (topics have no hyphen)
        self.ping_joined = False
        self.ping_sent: float | None = None  # when the ping still on its way was sent
        self.received = 0  # layer messages received, for the tests that count them
        self._back = asyncio.Event()
        self._membership = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        self.started = asyncio.ensure_future(self._start())

    async def _start(self) -> None:
        self.channel = await self.layer.new_channel(prefix=CHANNEL_PREFIX)
        self._spawn(self._receive_loop())
        self._spawn(self._upkeep_loop())
        if relays(self.layer) and settings.LIVE_RELAY_POLL_SECONDS:
            self._spawn(self._relay_loop(await database_sync_to_async(_last_relayed)()))

    async def _relay_loop(self, last: int) -> None:
        """Send on to this process's layer the events the worker relayed through the database
        (core.live.relay_through_database), in the order it wrote them, from those written after
        the hub started."""
        while True:
            await asyncio.sleep(settings.LIVE_RELAY_POLL_SECONDS)
            try:
                relayed = await database_sync_to_async(_relayed_after)(last)
            except Exception:
                logger.exception("Could not read the live events relayed by the worker")
                continue
            for pk, group, message in relayed:
                last = pk
                with contextlib.suppress(Exception):  # the in-memory layer drops what a full channel cannot take
                    await self.layer.group_send(group, message)

    def _spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # Sockets

    async def ensure_up(self) -> None:
        """Raise one of LAYER_DOWN if the layer is down; while it is, each call tries it once."""
        if self.down:
            await self._probe()

    async def join(self, topic: str) -> None:
        """Make this process a member of the topic's group (raises LAYER_DOWN if it cannot)."""
        if topic in self.joined:
            return
        async with self._membership:
            if topic not in self.joined:
                await self._group_add(topic)
                self.joined.add(topic)
                self.marks[topic] = next(_marks)
                self.idle[topic] = time.monotonic()  # until add() gives it a socket

    def mark(self, topic: str) -> int | None:
        """Changes whenever the process joins the topic or a re-check of it arrives; None while the
        process is not a member of the topic's group (and so hears no re-check of it). A subscription
        checked between two equal marks saw no re-check it could have missed."""
        return self.marks.get(topic)

    def add(self, topic: str, subscriber: Subscriber) -> None:
        """After join(): from now on the socket gets the topic's events."""
        self.local.setdefault(topic, set()).add(subscriber)
        self.idle.pop(topic, None)

    def remove(self, topic: str, subscriber: Subscriber) -> None:
        subscribers = self.local.get(topic)
        if subscribers is None or subscriber not in subscribers:
            return
        subscribers.discard(subscriber)
        if not subscribers:
            del self.local[topic]
            if topic in self.joined:
                self.idle[topic] = time.monotonic()

    # The layer

    async def _timed(self, operation) -> None:
        """One call to the layer, SEND_TIMEOUT_SECONDS at most; a failure is said (once per outage)
        and raised."""
        try:
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                await operation
        except LAYER_DOWN as error:
            layer_failed(error)
            raise

    async def _group_add(self, topic: str) -> None:
        await self._timed(self.layer.group_add(group_name(topic), self.channel))

    async def _probe(self) -> None:
        await self._timed(self.layer.group_discard(PROBE_GROUP, self.channel))
        self._up()

    def _up(self) -> None:
        layer_recovered()
        if self.down:
            self.down = False
            self._back.set()

    def _lost(self, error: BaseException) -> None:
        """The layer failed under the receive loop: every local socket closes with 4013."""
        layer_failed(error)
        self.down = True
        self._back.clear()
        self._start_over()

    def _start_over(self) -> None:
        """Close every local socket with 4013 and forget every membership: the clients reconnect,
        refetch what they show and subscribe again, which joins the groups again."""
        subscribers = {subscriber for group in self.local.values() for subscriber in group}
        self.local.clear()
        self.joined.clear()
        self.marks.clear()
        self.idle.clear()
        self.ping_joined = False
        self.ping_sent = None
        for subscriber in subscribers:
            subscriber.try_later()

    async def _receive_loop(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except LAYER_DOWN as error:
                self._lost(error)
                await self._until_back()
                continue
            except Exception:
                logger.exception("The live hub could not receive from the channel layer")
                await asyncio.sleep(1)
                continue
            self.received += 1
            try:
                await self._handle(message)
            except Exception:
                logger.exception("The live hub could not handle a message for %r", message.get("topic"))
            await asyncio.sleep(0)  # the in-memory layer hands over a backlog without ever letting others run

    async def _until_back(self) -> None:
        while self.down:
            try:
                async with asyncio.timeout(RETRY_SECONDS):
                    await self._back.wait()
            except TimeoutError:
                with contextlib.suppress(*LAYER_DOWN):
                    await self._probe()

    async def _upkeep_loop(self) -> None:
        refreshed = time.monotonic()
        while True:
            await asyncio.sleep(UPKEEP_SECONDS)
            if self.down:
                continue
            now = time.monotonic()
            try:
                if self.ping_sent is not None:
                    if now - self.ping_sent >= PING_DEADLINE_SECONDS:
                        self._forgotten()
                    continue  # no refresh before the ping is back: it would hide what the ping finds
                for topic, since in list(self.idle.items()):
                    if now - since >= LEAVE_AFTER_SECONDS:
                        await self._leave(topic)
                if now - refreshed >= REFRESH_SECONDS:
                    refreshed = now
                    for topic in list(self.joined):
                        await self._group_add(topic)
                await self._ping()
            except LAYER_DOWN:
                pass  # said by layer_failed; the receive loop closes the sockets if it is down for good

    async def _ping(self) -> None:
        """Send a ping to a group only this hub is in: if it does not come back, the layer has forgotten
        the hub's memberships (Redis restarted or flushed) or the hub is far behind; either way its
        sockets are missing events."""
        if not self.ping_joined:
            await self._timed(self.layer.group_add(self.ping_group, self.channel))
            self.ping_joined = True
        self.ping_sent = time.monotonic()
        await self._timed(self.layer.group_send(self.ping_group, {"type": "live.ping", "hub": self.channel}))

    def _forgotten(self) -> None:
        logger.warning(
            "The live hub's ping did not come back within %d s: the channel layer forgot its memberships "
            "(Redis restarted or flushed) or it is that far behind. Closing its %d sockets (4013) so their "
            "pages refetch and subscribe again",
            PING_DEADLINE_SECONDS,
            len({subscriber for group in self.local.values() for subscriber in group}),
        )
        self._start_over()

    async def _leave(self, topic: str) -> None:
        async with self._membership:
            if topic in self.local or topic not in self.idle:
                return
            del self.idle[topic]
            self.joined.discard(topic)
            self.marks.pop(topic, None)
            with contextlib.suppress(*LAYER_DOWN):  # the membership then expires in the layer by itself
                await self._timed(self.layer.group_discard(group_name(topic), self.channel))

    # Events

    async def _handle(self, message: dict) -> None:
        if message.get("type") == "live.ping":
            if message.get("hub") == self.channel:
                self.ping_sent = None
            return
        if message.get("type") == "live.close_member":
            self._close_member(message.get("member"))
            return
        topic, text = message.get("topic"), message.get("text")
        if message.get("type") != "live.event" or not isinstance(topic, str) or not isinstance(text, str):
            return
        if message.get("recheck") and topic in self.joined:
            self.marks[topic] = next(_marks)  # a subscription checked before this must be checked again
        if topic not in self.local:
            return
        if message.get("recheck"):
            self._recheck_soon(topic)
            return
        outgoing = Outgoing(text)
        held = self.held.get(topic)
        if held is not None:
            held.append(outgoing)
        else:
            await self._fan_out(topic, outgoing)

    def _close_member(self, member_id) -> None:
        """Close the member's sockets here (core.live.close_member_sockets): signed-in sockets sit on MEMBERS."""
        for subscriber in list(self.local.get(MEMBERS, ())):
            if member_id is not None and member_key(subscriber.member()) == member_id:
                subscriber.sign_out()

    async def _fan_out(self, topic: str, outgoing: Outgoing) -> None:
        subscribers = self.local.get(topic)
        if not subscribers:
            return
        snapshot = list(subscribers)
        for start in range(0, len(snapshot), YIELD_EVERY):
            if start:
                await asyncio.sleep(0)  # let pings and HTTP through; sockets may have left meanwhile
                subscribers = self.local.get(topic, ())
            for subscriber in snapshot[start : start + YIELD_EVERY]:
                if subscriber in subscribers:
                    try:
                        subscriber.deliver(outgoing)
                    except Exception:  # one broken socket must not stop the others' events
                        logger.exception("Could not send an event of %s to a socket", topic)
                        self.remove(topic, subscriber)

    def _recheck_soon(self, topic: str) -> None:
        held = self.held.get(topic)
        if held is not None:
            held.append(RECHECK)  # after the events already waiting, before those still to come
            return
        self.held[topic] = [RECHECK]
        self._spawn(self._work_through_held(topic))

    async def _work_through_held(self, topic: str) -> None:
        """Re-check the topic's subscribers and send its waiting events, in the order they came: an
        event that came after a re-check goes out only once that re-check has dropped who it drops."""
        held = self.held[topic]
        try:
            while held:
                item = held.pop(0)
                if item is RECHECK:
                    await self._recheck(topic)
                else:
                    await self._fan_out(topic, item)
        except Exception:
            # Fail closed: who may see the topic is unknown, so its sockets close with "try again later";
            # their clients reconnect and each subscription is checked afresh.
            logger.exception("Could not re-check who may see %s", topic)
            for subscriber in list(self.local.get(topic, ())):
                subscriber.try_later()
        finally:
            del self.held[topic]

    async def _recheck(self, topic: str) -> None:
        """Check each member with a socket on the topic once, dropping those who may no longer see it;
        sockets that subscribe meanwhile are checked too."""
        verdicts: dict = {}  # member key -> Access
        while True:
            unchecked = {}
            for subscriber in self.local.get(topic, ()):
                user = subscriber.member()
                if member_key(user) not in verdicts:
                    unchecked.setdefault(member_key(user), user)
            if not unchecked:
                return
            batch = dict(itertools.islice(unchecked.items(), RECHECK_BATCH))
            verdicts.update(await database_sync_to_async(_access_of)(topic, batch))
            for subscriber in list(self.local.get(topic, ())):
                if verdicts.get(member_key(subscriber.member()), Access.ALLOWED) is not Access.ALLOWED:
                    self.remove(topic, subscriber)
                    subscriber.forbid(topic)


def _last_relayed() -> int:
    from core.models import LiveRelay

    return LiveRelay.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _relayed_after(last: int) -> list[tuple[int, str, dict]]:
    from core.models import LiveRelay

    return list(LiveRelay.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "group", "message")[:1000])


def member_key(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def _access_of(topic: str, members: dict) -> dict:
    """Each member's access now, as the database says: roles, suspensions and deletions since the
    socket connected count. A member deleted or deactivated since counts as signed out, as their
    session now does."""
    current = get_user_model().objects.in_bulk([key for key in members if key is not None])
    verdicts = {}
    for key, user in members.items():
        if key is not None:
            user = current.get(key)
            if user is None or not user.is_active:
                user = AnonymousUser()
        verdicts[key] = topic_access(user, topic)
    return verdicts


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


async def local_hub() -> Hub:
    """This process's hub (one per event loop: daphne runs one), started on first use."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(get_channel_layer())
    await hub.started
    return hub
