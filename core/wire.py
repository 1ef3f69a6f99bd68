"""How the live hub writes to one WebSocket: text frames built once per event, each socket's output
in order and bounded.

Under daphne (the run command; production behind a TLS proxy) a `DaphneWire` hands the frame the
hub built once to the kernel when nothing is queued for the socket (plain TCP), else appends it
behind what is queued (and always when daphne serves TLS itself). Anything else (Channels' test
communicator, another ASGI server) gets an `AsgiWire`: the same order and bound, through the ASGI
`send`, as far as that server's `send` waits for its socket.

A socket already more than MAX_UNSENT_BYTES behind takes no more: `deliver` returns False and its
consumer closes it (4008). Frames are never cut short, so the most a socket holds is the bound plus
one frame. Reading from a client whose messages pile up unhandled pauses (`pace_reading`).

This is the one module that reaches into daphne, Twisted and autobahn internals; their versions are
pinned in requirements.txt, `daphne_internals_missing()` names what it relies on, and
tests/core/test_live_daphne.py runs sockets through a real daphne (TCP and TLS) and fails if any of
it changed:
- daphne hands an application `send = functools.partial(Server.handle_reply, protocol)`;
- the protocol is autobahn's `WebSocketServerProtocol`: `state`, `STATE_OPEN`, `send_queue`, and
  daphne's `application_queue` of what the client sent;
- its `transport` is `twisted.internet.tcp.Server` (`connected`, `disconnecting`, `writeSomeData`,
  `write`, `pauseProducing`, and the output buffer `dataBuffer`, `offset`, `_tempDataLen`), or a
  `TLSMemoryBIOProtocol` over one (with `_appSendBuffer`).
"""

import asyncio
import functools
from collections import deque
from functools import cached_property

from twisted.internet import tcp
from twisted.protocols.tls import TLSMemoryBIOProtocol

MAX_UNSENT_BYTES = 1024 * 1024
# A client's messages waiting for the consumer: reading from it pauses at INBOUND_HIGH, goes on at INBOUND_LOW.
INBOUND_HIGH = 100
INBOUND_LOW = 10

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
    """Writes prebuilt frames to a daphne socket: straight to the kernel when nothing is queued for it
    (plain TCP), else behind what is queued (always, through TLS when daphne serves it itself). A
    socket already more than MAX_UNSENT_BYTES behind takes no more; a frame is never cut short."""

    def __init__(self, protocol, send):
        self.protocol = protocol
        self.transport = protocol.transport  # a TCP connection, or TLS over one
        self.tls = type(self.transport) is not tcp.Server
        self.tcp = self.transport.transport if self.tls else self.transport
        self.send = send
        self.reading_paused = False

    @property
    def unsent(self) -> int:
        """Bytes written to the socket that the kernel has not taken yet."""
        connection = self.tcp
        waiting = len(connection.dataBuffer) - connection.offset + connection._tempDataLen
        if self.tls:
            waiting += sum(map(len, self.transport._appSendBuffer))  # cleartext waiting for the handshake
        return waiting

    def deliver(self, message: Outgoing) -> bool:
        protocol, connection = self.protocol, self.tcp
        if protocol.state != protocol.STATE_OPEN or not connection.connected or connection.disconnecting:
            return True  # closing already: daphne tells the consumer, which then stops
        unsent = self.unsent
        if unsent > MAX_UNSENT_BYTES:
            return False
        data = message.frame
        if not unsent and not self.tls and not protocol.send_queue:
            written = connection.writeSomeData(data)
            if isinstance(written, BaseException):
                return True  # the connection is lost; Twisted finds out and daphne tells the consumer
            if written == len(data):
                return True
            data = data[written:]
        self.transport.write(data)
        return True

    def pace_reading(self) -> None:
        """Daphne queues what a client sends for the consumer without a bound: stop reading from a
        client whose messages pile up (TCP then slows it down), and go on once they are handled."""
        waiting = self.protocol.application_queue.qsize()
        if not self.reading_paused and waiting >= INBOUND_HIGH:
            self.tcp.pauseProducing()
            self.reading_paused = True
        elif self.reading_paused and waiting <= INBOUND_LOW:
            self.tcp.resumeProducing()
            self.reading_paused = False

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
        if self.unsent > MAX_UNSENT_BYTES:
            return False
        size = len(message.frame)  # built once per message, however many sockets take it
        self.unsent += size
        self._put({"type": "websocket.send", "text": message.text}, size)
        return True

    def pace_reading(self) -> None:
        """The server bounds what it queues for the application itself."""

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
    names = ("state", "STATE_OPEN", "send_queue", "transport", "application_queue")
    missing = [name for name in names if not hasattr(protocol, name)]
    transport = getattr(protocol, "transport", None)
    if isinstance(transport, TLSMemoryBIOProtocol):
        if not hasattr(transport, "_appSendBuffer"):
            missing.append("transport._appSendBuffer")
        transport = getattr(transport, "transport", None)
    if type(transport) is not tcp.Server or getattr(transport, "TLS", False):
        missing.append("a TCP connection under the socket")
        return missing
    names = ("connected", "disconnecting", "writeSomeData", "write", "dataBuffer", "offset", "_tempDataLen")
    missing += [f"transport.{name}" for name in (*names, "pauseProducing") if not hasattr(transport, name)]
    return missing


class RawSend:
    """ASGI middleware, outermost: leaves the server's own `send` in the scope for wire_for(). Daphne
    leaves out the scope's optional `scheme`; over TLS it is filled in ("wss"), so the origin check
    expects the site's https origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            scope = dict(scope, **{RAW_SEND: send})
            protocol = _daphne_protocol(send)
            if "scheme" not in scope and isinstance(getattr(protocol, "transport", None), TLSMemoryBIOProtocol):
                scope["scheme"] = "wss"
        return await self.application(scope, receive, send)
