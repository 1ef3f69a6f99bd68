"""The one WebSocket consumer, /ws/live/: subscribe and unsubscribe to topics, forward their events.

It checks on the server whether this connection may see each topic and never writes to the database.
Bad messages get an error reply and the socket stays open, except for these closes (under daphne,
autobahn lets an application close only with 1000 or 3000-4999, so the standard codes are mirrored
in the private range):

- 4009, a message over 4 KB (as 1009, "message too big"), after an error reply saying so;
- 4013, the channel layer (Redis) cannot be reached: try again later (as 1013). The outage is logged
  once (core/live.py), not as a traceback per socket.

In front of it, `SameOriginValidator` refuses handshakes from any origin but the site's own.
"""

import json
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain
from django.utils.translation import gettext as _

from core.live import LAYER_DOWN, Access, group_name, layer_failed, layer_recovered, topic_access
from core.parsers import too_deep

MAX_MESSAGE_BYTES = 4096
MAX_DEPTH = 8  # messages are flat objects; deeper JSON is refused before it is parsed
MAX_SUBSCRIPTIONS = 50
CLOSE_TOO_BIG = 4009
CLOSE_TRY_LATER = 4013


class LiveConsumer(AsyncWebsocketConsumer):
    accepted = False
    closed = False

    async def __call__(self, scope, receive, send):
        # The channel layer is used from the start (Channels waits on it beside the socket) and on
        # every subscription; when it cannot be reached, close with "try again later".
        try:
            await super().__call__(scope, receive, send)
        except LAYER_DOWN as error:
            layer_failed(error)
            if not self.closed:
                if not self.accepted:
                    await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": CLOSE_TRY_LATER})

    async def connect(self):
        self.topics: set[str] = set()
        await self.accept()
        self.accepted = True

    async def disconnect(self, code):
        self.closed = True
        try:
            for topic in self.topics:
                await self.channel_layer.group_discard(group_name(topic), self.channel_name)
        except LAYER_DOWN as error:
            layer_failed(error)  # the groups expire in the layer by themselves
        self.topics.clear()

    async def receive(self, text_data=None, bytes_data=None):
        raw = text_data if text_data is not None else bytes_data or b""
        size = len(raw.encode() if isinstance(raw, str) else raw)
        if size > MAX_MESSAGE_BYTES:
            await self._error(None, "bad_request", _("Messages are limited to 4 KB."))
            self.closed = True
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            text = raw if isinstance(raw, str) else raw.decode()
        except UnicodeDecodeError:
            await self._error(None, "bad_request", _("Send JSON."))
            return
        if too_deep(text, MAX_DEPTH):
            await self._error(
                None, "bad_request", _("Send a JSON object nested at most %(n)d levels.") % {"n": MAX_DEPTH}
            )
            return
        try:
            message = json.loads(text)
        except ValueError:
            await self._error(None, "bad_request", _("Send JSON."))
            return
        if not isinstance(message, dict):
            await self._error(None, "bad_request", _("Send a JSON object."))
            return
        kind, topic = message.get("type"), message.get("topic")
        if not isinstance(kind, str) or kind not in {"subscribe", "unsubscribe"}:
            await self._error(topic if isinstance(topic, str) else None, "bad_request", _("Unknown message type."))
            return
        if not isinstance(topic, str) or not topic:
            await self._error(None, "bad_request", _("Name a topic."))
            return
        if kind == "subscribe":
            await self._subscribe(topic)
        else:
            await self._unsubscribe(topic)

    async def _subscribe(self, topic: str):
        if topic in self.topics:
            await self.send_json({"type": "subscribed", "topic": topic})
            return
        if len(self.topics) >= MAX_SUBSCRIPTIONS:
            await self._error(topic, "bad_request", _("At most 50 subscriptions per connection."))
            return
        access = await database_sync_to_async(topic_access)(self.scope["user"], topic)
        if access is not Access.ALLOWED:
            await self._error(topic, access.value, None)
            return
        await self.channel_layer.group_add(group_name(topic), self.channel_name)
        layer_recovered()
        self.topics.add(topic)
        await self.send_json({"type": "subscribed", "topic": topic})

    async def _unsubscribe(self, topic: str):
        if topic in self.topics:
            await self.channel_layer.group_discard(group_name(topic), self.channel_name)
            self.topics.discard(topic)
        await self.send_json({"type": "unsubscribed", "topic": topic})

    async def live_event(self, message):
        """An event from a service, sent to a topic's group after commit, already serialised."""
        if message["topic"] in self.topics:
            await self.send(text_data=message["text"])

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    async def _error(self, topic: str | None, code: str, detail: str | None):
        error = {"type": "error", "topic": topic, "code": code}
        if detail:
            error["detail"] = detail
        await self.send_json(error)


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
