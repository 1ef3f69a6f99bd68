"""The one WebSocket consumer, /ws/live/: subscribe and unsubscribe to topics, forward their events.

It checks on the server whether this connection may see each topic and never writes to the database.
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from core.live import Access, group_name, topic_access

MAX_MESSAGE_BYTES = 4096
MAX_SUBSCRIPTIONS = 50
TOO_BIG = 1009  # WebSocket close code: message too big


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.topics: set[str] = set()
        await self.accept()

    async def disconnect(self, code):
        for topic in self.topics:
            await self.channel_layer.group_discard(group_name(topic), self.channel_name)
        self.topics.clear()

    async def receive(self, text_data=None, bytes_data=None):
        raw = text_data if text_data is not None else bytes_data or b""
        size = len(raw.encode() if isinstance(raw, str) else raw)
        if size > MAX_MESSAGE_BYTES:
            await self._error(None, "bad_request", _("Messages are limited to 4 KB."))
            await self.close(code=TOO_BIG)
            return
        try:
            message = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            await self._error(None, "bad_request", _("Send JSON."))
            return
        if not isinstance(message, dict):
            await self._error(None, "bad_request", _("Send a JSON object."))
            return
        kind, topic = message.get("type"), message.get("topic")
        if kind not in {"subscribe", "unsubscribe"}:
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
