"""The one WebSocket consumer, /ws/live/: subscribe and unsubscribe to topics, get their events.

It checks on the server whether this connection may see each topic and never writes to the database.
Events reach it through the process's hub (core/hub.py), which holds the only channel-layer channel;
everything the consumer sends goes through its wire (core/wire.py), so a socket gets its messages in
order (`subscribed` before the topic's events) and never holds more than MAX_UNSENT_BYTES unread.
Bad messages get an error reply and the socket stays open, except for these closes (under daphne,
autobahn lets an application close only with 1000 or 3000-4999, so the standard codes are mirrored
in the private range):

- 4008, the reader fell more than MAX_UNSENT_BYTES behind (as 1008, policy violation): the client
  reconnects and refetches what it shows;
- 4009, a message over 4 KB (as 1009, "message too big"), after an error reply saying so;
- 4013, the channel layer (Redis) cannot be reached: try again later (as 1013). The outage is logged
  once (core/live.py), not as a traceback per socket;
- 4003, the member's session has ended (as HTTP's 403): they were banned (core.live.close_member_sockets).

In front of it, `SameOriginValidator` refuses handshakes from any origin but the site's own.
"""

import asyncio
import json
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import WebsocketDenier
from channels.utils import await_many_dispatch
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain
from django.utils.translation import gettext as _

from core.hub import local_hub, member_key
from core.live import LAYER_DOWN, MEMBERS, Access, layer_failed, topic_access
from core.parsers import too_deep
from core.wire import Outgoing, wire_for

MAX_MESSAGE_BYTES = 4096
MAX_DEPTH = 8  # messages are flat objects; deeper JSON is refused before it is parsed
MAX_SUBSCRIPTIONS = 50
CLOSE_TOO_SLOW = 4008
CLOSE_TOO_BIG = 4009
CLOSE_TRY_LATER = 4013
CLOSE_SIGNED_OUT = 4003


class LiveConsumer(AsyncWebsocketConsumer):
    accepted = False
    closed = False
    hub = None

    async def __call__(self, scope, receive, send):
        """As Channels' consumer, but with no channel-layer channel of its own (the hub has the
        process's one): it waits on the socket and on its own inbox, where the hub's verdicts land."""
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.topics: set[str] = set()
        try:
            await await_many_dispatch([receive, self.inbox.get], self.dispatch)
        except StopConsumer:
            pass
        except LAYER_DOWN as error:
            # The layer cannot be reached at connect or on a subscription: close with "try again later".
            layer_failed(error)
            if not self.closed:
                self.closed = True
                self._leave_all()
                if self.accepted:
                    await self.wire.close(CLOSE_TRY_LATER)
                else:
                    await send({"type": "websocket.accept"})
                    await send({"type": "websocket.close", "code": CLOSE_TRY_LATER})
        finally:
            self._leave_all()  # however it ended, the hub keeps no socket that is gone

    async def dispatch(self, message):
        # Channels' dispatch first closes stale database connections, a trip to the database thread
        # per message; here the database is reached only through database_sync_to_async, which does it.
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        self.hub = await local_hub()
        await self.hub.ensure_up()
        if member_key(self.member()) is not None:
            await self.hub.join(MEMBERS)  # so that a ban closes this socket (core.live.close_member_sockets)
            self.hub.add(MEMBERS, self)
        await self.accept()
        self.accepted = True
        self.wire = wire_for(self.scope, self.base_send)

    async def disconnect(self, code):
        self.closed = True
        self._leave_all()

    def _leave_all(self):
        if self.hub is not None:  # None: the socket ended before it connected
            self.hub.remove(MEMBERS, self)
        for topic in self.topics:
            self.hub.remove(topic, self)
        self.topics.clear()

    async def receive(self, text_data=None, bytes_data=None):
        self.wire.pace_reading()
        if self.closed:
            return  # closing: what the client still sends goes unanswered
        raw = text_data if text_data is not None else bytes_data or b""
        size = len(raw.encode() if isinstance(raw, str) else raw)
        if size > MAX_MESSAGE_BYTES:
            self._error(None, "bad_request", _("Messages are limited to 4 KB."))
            self._close(CLOSE_TOO_BIG)
            return
        try:
            text = raw if isinstance(raw, str) else raw.decode()
        except UnicodeDecodeError:
            self._error(None, "bad_request", _("Send JSON."))
            return
        if too_deep(text, MAX_DEPTH):
            self._error(None, "bad_request", _("Send a JSON object nested at most %(n)d levels.") % {"n": MAX_DEPTH})
            return
        try:
            message = json.loads(text)
        except ValueError:
            self._error(None, "bad_request", _("Send JSON."))
            return
        if not isinstance(message, dict):
            self._error(None, "bad_request", _("Send a JSON object."))
            return
        kind, topic = message.get("type"), message.get("topic")
        if not isinstance(kind, str) or kind not in {"subscribe", "unsubscribe"}:
            self._error(topic if isinstance(topic, str) else None, "bad_request", _("Unknown message type."))
            return
        if not isinstance(topic, str) or not topic:
            self._error(None, "bad_request", _("Name a topic."))
            return
        if kind == "subscribe":
            await self._subscribe(topic)
        else:
            self._unsubscribe(topic)

    async def _subscribe(self, topic: str):
        if topic in self.topics:
            self._say({"type": "subscribed", "topic": topic})
            return
        if len(self.topics) >= MAX_SUBSCRIPTIONS:
            self._error(topic, "bad_request", _("At most 50 subscriptions per connection."))
            return
        mark = self.hub.mark(topic)
        if not await self._may_see(topic):
            return
        await self.hub.join(topic)
        # A re-check that came while access was being checked (or that this process, not yet in the
        # topic's group, could not hear) may have been about this member: check again until none came.
        while self.hub.mark(topic) != mark:
            mark = self.hub.mark(topic)
            if not await self._may_see(topic):
                return
        if self.closed:
            return
        # No await from here on: no event of the topic can reach this socket before `subscribed`.
        self.topics.add(topic)
        self._say({"type": "subscribed", "topic": topic})
        self.hub.add(topic, self)

    async def _may_see(self, topic: str) -> bool:
        access = await database_sync_to_async(topic_access)(self.scope["user"], topic)
        if access is not Access.ALLOWED:
            self._error(topic, access.value, None)
        return access is Access.ALLOWED

    def _unsubscribe(self, topic: str):
        if topic in self.topics:
            self.hub.remove(topic, self)
            self.topics.discard(topic)
        self._say({"type": "unsubscribed", "topic": topic})

    # What the hub calls (core.hub.Subscriber)

    def member(self):
        return self.scope["user"]

    def deliver(self, message: Outgoing) -> None:
        if not self.closed and not self.wire.deliver(message):
            self._close(CLOSE_TOO_SLOW)

    def forbid(self, topic: str) -> None:
        self.topics.discard(topic)
        self._error(topic, Access.FORBIDDEN.value, None)

    def try_later(self) -> None:
        self.topics.clear()
        self._close(CLOSE_TRY_LATER)

    def sign_out(self) -> None:
        self.topics.clear()
        self._close(CLOSE_SIGNED_OUT)

    # Sending and closing

    def _say(self, content: dict) -> None:
        self.deliver(Outgoing(json.dumps(content, separators=(",", ":"))))

    def _error(self, topic: str | None, code: str, detail: str | None):
        error = {"type": "error", "topic": topic, "code": code}
        if detail:
            error["detail"] = detail
        self._say(error)

    def _close(self, code: int) -> None:
        """Stop taking events at once; the close goes out behind what is queued, then the consumer ends."""
        if self.closed:
            return
        self.closed = True
        self._leave_all()
        self.inbox.put_nowait({"type": "live.close", "code": code})

    async def live_close(self, message):
        await self.wire.close(message["code"])
        raise StopConsumer


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as https://ideas.example.com, default port filled in."""
    try:
        parts = urlsplit(url.lower())
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname or "@" in parts.netloc:
        return None
    if parts.path or parts.query or parts.fragment:
        return None
    return parts.scheme, parts.hostname, port


def _header(scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin1")
    return None


def _is_secure(scope) -> bool:
    """As Django's request.is_secure(): the socket's own scheme, or the proxy header the settings name."""
    if scope.get("scheme") in {"wss", "https"}:
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy:
        return False
    header, secure_value = proxy
    name = header.removeprefix("HTTP_").replace("_", "-").lower().encode()
    value = _header(scope, name)
    return value is not None and value.split(",", 1)[0].strip() == secure_value


def origin_allowed(scope) -> bool:
    """Whether the handshake comes from the site's own pages: its Origin is exactly the scheme, host
    and port the request came in on (the Host header, one of ALLOWED_HOSTS), or one of
    CSRF_TRUSTED_ORIGINS. A handshake without Origin is refused: browsers always send one."""
    origin = _header(scope, b"origin")
    sent = _origin(origin) if origin else None
    if sent is None:
        return False
    host = _header(scope, b"x-forwarded-host") if settings.USE_X_FORWARDED_HOST else None
    host = (host or _header(scope, b"host") or "").split(",")[0].strip()
    domain, _port = split_domain_port(host)
    own = _origin(f"{'https' if _is_secure(scope) else 'http'}://{host}")
    if domain and validate_host(domain, settings.ALLOWED_HOSTS) and sent == own:
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if "*" not in trusted:
            if sent == _origin(trusted):
                return True
            continue
        # As Django's CSRF check: https://*.example.com trusts every subdomain of example.com.
        pattern = urlsplit(trusted.lower())
        if sent[0] == pattern.scheme and is_same_domain(urlsplit(origin.lower()).netloc, pattern.netloc.lstrip("*")):
            return True
    return False


class SameOriginValidator:
    """ASGI middleware that refuses (403) WebSocket handshakes whose Origin is not the site's own."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
