"""How the live hub writes to one WebSocket: text frames built once per event, each socket's output
in order and bounded.

Under daphne over plain TCP (the run command; production behind a TLS proxy) a `DaphneWire` hands
the frame the hub built once to the kernel when nothing is queued for the socket, else appends it
behind what is queued. Anything else (Channels' test communicator, daphne serving TLS itself,
another ASGI server) gets an `AsgiWire`: the same order and bound, through the ASGI `send`.

Either way a socket may hold at most MAX_UNSENT_BYTES that its reader has not taken; a wire that
would go over refuses the frame (`deliver` returns False) and its consumer closes the socket.

This is the one module that reaches into daphne, Twisted and autobahn internals; their versions are
pinned in requirements.txt, `daphne_internals_missing()` names what it relies on, and
tests/core/test_live_daphne.py runs a socket through a real daphne and fails if any of it changed:
- daphne hands an application `send = functools.partial(Server.handle_reply, protocol)`;
- the protocol is autobahn's `WebSocketServerProtocol`: `state`, `STATE_OPEN`, `send_queue`;
- its `transport` is `twisted.internet.tcp.Server`: `connected`, `disconnecting`, `writeSomeData`,
  `write`, and the output buffer `dataBuffer`, `offset`, `_tempDataLen`.
"""

import asyncio
import functools
from collections import deque
from functools import cached_property

MAX_UNSENT_BYTES = 1024 * 1024

# The ASGI scope key under which RawSend leaves the server's own `send` for the consumer.
RAW_SEND = "idea_forum.raw_send"


class Outgoing:
    """One message for any number of sockets: its text, and its WebSocket frame built on first use."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def frame(self) -> bytes:
        return text_frame(self.text)


def text_frame(text: str) -> bytes:
    """An unmasked, final text frame (RFC 6455 5.2), as a server sends it."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


class DaphneWire:
    """Writes prebuilt frames to a daphne socket's TCP transport, behind whatever is queued there."""

    def __init__(self, protocol, send):
        self.protocol = protocol
        self.transport = protocol.transport
        self.send = send

    @property
    def unsent(self) -> int:
        """Bytes written to the socket that the kernel has not taken yet."""
        transport = self.transport
        return len(transport.dataBuffer) - transport.offset + transport._tempDataLen

    def deliver(self, message: Outgoing) -> bool:
        protocol, transport = self.protocol, self.transport
        if protocol.state != protocol.STATE_OPEN or not transport.connected or transport.disconnecting:
            return True  # closing already: daphne tells the consumer, which then stops
        data = message.frame
        if not protocol.send_queue and not self.unsent:
            written = transport.writeSomeData(data)
            if isinstance(written, BaseException):
                return True  # the connection is lost; Twisted finds out and daphne tells the consumer
            if written == len(data):
                return True
            data = data[written:]
        if self.unsent + len(data) > MAX_UNSENT_BYTES:
            return False
        transport.write(data)
        return True

    async def close(self, code: int) -> None:
        await self.send({"type": "websocket.close", "code": code})


class AsgiWire:
    """Sends through the ASGI `send` from a queue, so no slow socket holds up the hub."""

    def __init__(self, send):
        self.send = send
        self.queue: deque[tuple[dict, int]] = deque()
        self.unsent = 0
        self.flushing: asyncio.Task | None = None

    def deliver(self, message: Outgoing) -> bool:
        size = len(message.frame)  # built once per message, however many sockets take it
        if self.unsent + size > MAX_UNSENT_BYTES:
            return False
        self.unsent += size
        self._put({"type": "websocket.send", "text": message.text}, size)
        return True

    async def close(self, code: int) -> None:
        """Send the close behind what is queued. A server whose `send` never returns (a dead peer it
        has not noticed yet) holds it up until it notices and disconnects the socket."""
        self._put({"type": "websocket.close", "code": code}, 0)
        await self.flushing

    def _put(self, message: dict, size: int) -> None:
        self.queue.append((message, size))
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        while self.queue:
            message, size = self.queue.popleft()
            await self.send(message)
            self.unsent -= size


def wire_for(scope, send):
    """The fastest wire that fits this connection: DaphneWire over plain TCP, else AsgiWire."""
    protocol = _daphne_protocol(scope.get(RAW_SEND))
    if protocol is not None and not daphne_internals_missing(protocol):
        return DaphneWire(protocol, send)
    return AsgiWire(send)


def _daphne_protocol(raw_send):
    from daphne.server import Server
    from daphne.ws_protocol import WebSocketProtocol

    if not isinstance(raw_send, functools.partial) or getattr(raw_send.func, "__func__", None) is not (
        Server.handle_reply
    ):
        return None
    protocol = raw_send.args[0] if raw_send.args else None
    return protocol if isinstance(protocol, WebSocketProtocol) else None


def daphne_internals_missing(protocol) -> list[str]:
    """What of the internals DaphneWire relies on this daphne socket lacks (empty: it is all there)."""
    from twisted.internet import tcp

    missing = [name for name in ("state", "STATE_OPEN", "send_queue", "transport") if not hasattr(protocol, name)]
    transport = getattr(protocol, "transport", None)
    if type(transport) is not tcp.Server or getattr(transport, "TLS", False):
        missing.append("a plain TCP transport")
        return missing
    for name in ("connected", "disconnecting", "writeSomeData", "write", "dataBuffer", "offset", "_tempDataLen"):
        if not hasattr(transport, name):
            missing.append(f"transport.{name}")
    return missing


class RawSend:
    """ASGI middleware, outermost: leaves the server's own `send` in the scope for wire_for()."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            scope = dict(scope, **{RAW_SEND: send})
        return await self.application(scope, receive, send)
