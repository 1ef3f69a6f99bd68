"""The live hub under real daphne processes, reached by real WebSocket clients over TCP and over TLS
that daphne serves itself: the wire that writes to daphne's sockets, the slow-reader bound, frames
never cut short, a client flooding the server with messages, processes sharing Redis, Redis restarted
or flushed under them, a process killed with subscribers attached, and clients that misbehave.

Tests with more than one process (the test's own, which publishes, and each daphne) share a Redis of
their own (own_redis), set as the channel layer before daphne forks, so the children inherit it."""

import json
import socket
import ssl
import subprocess
import threading
import time
from contextlib import ExitStack, contextmanager
from functools import partial

import pytest
import redis
from daphne import endpoints
from daphne.testing import DaphneProcess
from django.conf import settings as django_settings
from django.db import transaction
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Opcode
from websockets.protocol import State
from websockets.sync.client import connect
from websockets.uri import parse_uri

from config.settings.base import redis_channel_layer
from core import hub, live
from core.consumers import CLOSE_TOO_SLOW, CLOSE_TRY_LATER
from core.wire import (
    MAX_UNSENT_BYTES,
    RAW_SEND,
    Outgoing,
    RawSend,
    _daphne_protocol,
    daphne_internals_missing,
    wire_for,
)
from tests.core.test_live_socket import ws_url

MiB = 1024 * 1024
MEMORY_BOUND = 8 * MiB  # what a daphne process may grow by while the tests push far more through it


def wait_until(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds:.0f} s: {what}"
        time.sleep(0.05)


def rss(pid: int) -> int:
    """The process's resident memory, in bytes."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def redis_layer(own_redis, settings) -> str:
    """A Redis of the test's own as the channel layer, for this process and the daphnes it forks next."""
    url = own_redis()
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer(url)}
    return url


def members(url: str, topic: str) -> int:
    """How many channels (one per process) are members of the topic's group in Redis."""
    prefix = django_settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    with redis.Redis.from_url(url) as client:
        return client.zcard(f"{prefix}:group:{live.group_name(topic)}")


def publish(topic: str, n: int, padding: int = 0) -> None:
    """Publish event n from this process: it reaches the daphnes through Redis."""
    with transaction.atomic():
        live.publish(live.LiveEvent(topic=topic, event="test.event", data={"n": n, "padding": "x" * padding}))


class TlsDaphneProcess(DaphneProcess):
    """A daphne serving TLS itself with `certificate` (its cert and key files): DaphneProcess builds
    only TCP endpoints, so the child builds an ssl one instead; it reports its port as usual."""

    def __init__(self, *args, certificate: tuple[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.certificate = certificate

    def run(self):
        cert, key = self.certificate

        def ssl_endpoint(host, port):
            return [f"ssl:port={port}:interface={host}:privateKey={key}:certKey={cert}"]

        endpoints.build_endpoint_description_strings = ssl_endpoint  # in the forked child only
        super().run()


@pytest.fixture
def certificate(tmp_path) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 and its key: (cert.pem, key.pem)."""
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1"]
    subprocess.run(
        [*request, "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def trusting(certificate: tuple[str, str]) -> ssl.SSLContext:
    """A client's TLS context that trusts the test's certificate (and checks it names 127.0.0.1)."""
    return ssl.create_default_context(cafile=certificate[0])


@contextmanager
def subscribed(base: str, topic: str = "ideas", tls: ssl.SSLContext | None = None):
    """A socket that reads everything as it comes (max_queue=None), subscribed to the topic; over TLS
    (base https://...) with the `tls` context."""
    with connect(ws_url(base), origin=base, open_timeout=30, max_size=None, max_queue=None, ssl=tls) as ws:
        ws.send(json.dumps({"type": "subscribe", "topic": topic}))
        assert json.loads(ws.recv(timeout=30)) == {"type": "subscribed", "topic": topic}
        yield ws


def next_event(ws) -> int:
    """The number of the next event the socket gets (anything else fails)."""
    message = json.loads(ws.recv(timeout=30))
    assert message["type"] == "event", message
    return message["data"]["n"]


def closed_with(ws) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=30)
    return closed.value.rcvd.code if closed.value.rcvd else None


class BareClient:
    """A WebSocket client on a bare TCP socket (TLS over it, given a context) with a small receive buffer
    that reads only when the test says so: once subscribed (or right after the handshake) it is a reader
    that stopped, and the kernel's buffers cannot hide it. websockets' sans-I/O protocol does the framing."""

    def __init__(self, base: str, topic: str | None = None, tls: ssl.SSLContext | None = None):
        self.protocol = ClientProtocol(parse_uri(ws_url(base)), origin=base, max_size=None)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window stays small
        self.sock.settimeout(30)
        self.sock.connect(("127.0.0.1", int(base.rsplit(":", 1)[1])))
        if tls is not None:  # base https://...: TLS over the same small-windowed socket
            self.sock = tls.wrap_socket(self.sock, server_hostname="127.0.0.1", suppress_ragged_eofs=False)
        self.protocol.send_request(self.protocol.connect())
        self._flush()
        while self.protocol.state is State.CONNECTING:
            self._read()
        assert self.protocol.handshake_exc is None, self.protocol.handshake_exc
        if topic is not None:
            self.protocol.send_text(json.dumps({"type": "subscribe", "topic": topic}).encode())
            self._flush()
            frames = []
            while not frames:
                frames = self._read()
            assert json.loads(frames[0].data) == {"type": "subscribed", "topic": topic}

    def _flush(self) -> None:
        for data in self.protocol.data_to_send():
            self.sock.sendall(data)

    def _read(self) -> list:
        data = self.sock.recv(MiB)
        if data:
            self.protocol.receive_data(data)
        else:
            self.protocol.receive_eof()
        return [event for event in self.protocol.events_received() if getattr(event, "opcode", None)]

    def drain(self) -> tuple[int, int | str]:
        """Read until the server ends the connection: (events read, how it ended: its close code, "reset"...)."""
        events = 0
        try:
            while True:
                for frame in self._read():
                    if frame.opcode is Opcode.TEXT:
                        events += json.loads(frame.data)["type"] == "event"
                    elif frame.opcode is Opcode.CLOSE:
                        return events, self.protocol.close_rcvd.code
                if self.protocol.state is State.CLOSED:
                    return events, "end of stream without a close frame"
        except (ConnectionResetError, ssl.SSLEOFError):  # over TLS, Python's ssl reports a reset as a bad EOF
            return events, "reset"
        except TimeoutError:
            raise AssertionError(f"the server never closed the socket; {events} events read") from None

    def close(self) -> None:
        self.sock.close()


async def wire_probe(scope, receive, send):
    """An ASGI application for a real daphne: on a socket, says which wire core.wire gives it and what
    of daphne's, Twisted's and autobahn's internals it misses, then through that wire sends each text
    the client asks for ({"text": ..., "times": n}), or closes with the code it names ({"close": code})."""
    if scope["type"] != "websocket":
        return
    await receive()
    await send({"type": "websocket.accept"})
    wire = wire_for(scope, send)
    protocol = _daphne_protocol(scope.get(RAW_SEND))
    missing = daphne_internals_missing(protocol) if protocol else ["send: daphne's Server.handle_reply on a protocol"]
    report = {"wire": type(wire).__name__, "missing": missing, "unsent": getattr(wire, "unsent", None)}
    report.update(tls=getattr(wire, "tls", None), scheme=scope.get("scheme"))
    wire.deliver(Outgoing(json.dumps(report)))
    while (message := await receive())["type"] == "websocket.receive":
        asked = json.loads(message["text"])
        if "close" in asked:
            await wire.close(asked["close"])
            continue
        for _ in range(asked["times"]):  # at once: the later frames queue behind what the kernel did not take
            assert wire.deliver(Outgoing(asked["text"]))


@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
def test_under_daphne_a_socket_gets_the_daphne_wire_and_its_frames_parse(tls, request):
    if tls:
        certificate = request.getfixturevalue("certificate")
        process = TlsDaphneProcess("127.0.0.1", partial(RawSend, wire_probe), certificate=certificate)
    else:
        process = DaphneProcess("127.0.0.1", partial(RawSend, wire_probe))
    process.start()
    try:
        assert process.ready.wait(timeout=30), "daphne did not start"
        base = f"{'https' if tls else 'http'}://127.0.0.1:{process.port.value}"
        context = trusting(certificate) if tls else None
        with connect(base.replace("http", "ws", 1), origin=base, open_timeout=30, max_size=None, ssl=context) as ws:
            report = json.loads(ws.recv(timeout=30))
            assert (report["wire"], report["missing"], report["tls"]) == ("DaphneWire", [], tls), (
                f"core/wire.py no longer fits the installed daphne, Twisted or autobahn ({report}): "
                "the live hub would fall back to the slower AsgiWire; check the pinned versions"
            )
            assert report["scheme"] == ("wss" if tls else None), "RawSend gives daphne's TLS sockets their scheme"
            # What the wire counts as queued for the socket: at most the handshake's reply, not yet sent.
            assert isinstance(report["unsent"], int) and 0 <= report["unsent"] < 1024, report
            # 7-bit, 16-bit and 64-bit lengths; multi-byte characters, whose bytes outnumber them;
            # and frames written back to back past what the kernel takes at once (under the bound).
            texts = [("ping", 1), ("a" * 125, 1), ("b" * 126, 1), ("c" * 65535, 1), ("d" * 65536, 1)]
            texts += [("é€😀" * 30_000, 1), ("e" * 300_000, 3), ("f" * 200, 50)]
            assert MAX_UNSENT_BYTES > 3 * 300_000
            for text, times in texts:
                ws.send(json.dumps({"text": text, "times": times}))
                for _ in range(times):
                    got = ws.recv(timeout=30)
                    assert got == text, f"a {len(text.encode())}-byte frame came back as {len(got.encode())} bytes"
            ws.send(json.dumps({"close": 4321}))
            assert closed_with(ws) == 4321
    finally:
        process.terminate()
        process.join(timeout=10)


def test_a_reader_that_stops_is_closed_with_4008_while_a_healthy_one_gets_every_event(own_redis, own_daphne, settings):
    redis_layer(own_redis, settings)
    base = f"http://127.0.0.1:{own_daphne()}"
    pid = own_daphne.processes[-1].pid
    with subscribed(base) as healthy:
        push_past_a_reader_that_stopped(pid, healthy, BareClient(base, "ideas"))


def push_past_a_reader_that_stopped(pid: int, healthy, stalled: "BareClient") -> None:
    """20 MiB of events, one at a time so the healthy reader is never behind: the one that stopped is
    cut off (4008, or a reset), daphne grows by less than MEMORY_BOUND, the healthy one gets them all."""
    padding, count = 128 * 1024, 160
    publish("ideas", 0, padding)
    assert next_event(healthy) == 0  # the first event's allocations are not the growth measured
    before = rss(pid)
    for n in range(1, count + 1):
        publish("ideas", n, padding)
        assert next_event(healthy) == n
    growth = rss(pid) - before
    events, ending = stalled.drain()
    stalled.close()
    assert ending in (CLOSE_TOO_SLOW, "reset"), ending
    assert events < count, "the reader that stopped was never cut off"
    assert growth < MEMORY_BOUND, f"daphne grew by {growth / MiB:.1f} MiB for a reader that stopped"
    publish("ideas", count + 1)
    assert next_event(healthy) == count + 1


def test_two_daphne_processes_on_one_redis_join_a_topic_once_each_and_both_get_its_events(
    own_redis, own_daphne, settings
):
    url = redis_layer(own_redis, settings)
    bases = [f"http://127.0.0.1:{own_daphne()}" for _ in range(2)]
    with ExitStack() as stack:
        sockets = [stack.enter_context(subscribed(base)) for base in bases for _ in range(3)]
        assert members(url, "ideas") == 2  # one per process, not one per socket
        for n in (1, 2):
            publish("ideas", n)
            assert [next_event(ws) for ws in sockets] == [n] * len(sockets)


def test_a_redis_restart_closes_sockets_with_4013_and_new_ones_work_without_restarting_daphne(
    own_redis, own_daphne, settings
):
    redis_layer(own_redis, settings)
    base = f"http://127.0.0.1:{own_daphne()}"
    with ExitStack() as stack:
        sockets = [stack.enter_context(subscribed(base)) for _ in range(3)]
        publish("ideas", 1)
        assert [next_event(ws) for ws in sockets] == [1, 1, 1]
        own_redis.stop()
        assert [closed_with(ws) for ws in sockets] == [CLOSE_TRY_LATER] * 3
    own_redis()
    with subscribed(base) as ws:
        publish("ideas", 2)
        assert next_event(ws) == 2


def test_a_flushed_redis_closes_the_sockets_so_pages_refetch_and_new_ones_get_events(
    own_redis, own_daphne, settings, monkeypatch
):
    monkeypatch.setattr(hub, "UPKEEP_SECONDS", 0.2)  # before daphne forks: the child inherits them
    monkeypatch.setattr(hub, "PING_DEADLINE_SECONDS", 1)
    url = redis_layer(own_redis, settings)
    base = f"http://127.0.0.1:{own_daphne()}"
    with subscribed(base) as ws:
        with redis.Redis.from_url(url) as client:
            wait_until(lambda: client.keys("*live.hub-*"), "the hub's ping group joined")
            client.flushall()
        assert closed_with(ws) == CLOSE_TRY_LATER
    with subscribed(base) as ws:
        assert members(url, "ideas") == 1
        publish("ideas", 1)
        assert next_event(ws) == 1


def test_a_killed_process_leaves_one_stale_member_per_topic_and_the_other_keeps_delivering(
    own_redis, own_daphne, settings, alices_idea
):
    url = redis_layer(own_redis, settings)
    topics = ["ideas", f"idea:{alices_idea.pk}"]
    doomed, surviving = (f"http://127.0.0.1:{own_daphne()}" for _ in range(2))
    with ExitStack() as stack:
        orphans = [stack.enter_context(subscribed(doomed, topic)) for topic in topics for _ in range(3)]
        sockets = {topic: [stack.enter_context(subscribed(surviving, topic)) for _ in range(3)] for topic in topics}
        assert [members(url, topic) for topic in topics] == [2, 2]
        victim = own_daphne.processes.pop(0)
        victim.kill()
        victim.join(timeout=10)
        for ws in orphans:
            closed_with(ws)
        assert [members(url, topic) for topic in topics] == [2, 2]  # one stale member each, not three
        for n, topic in enumerate(topics):
            publish(topic, n)
            assert [next_event(ws) for ws in sockets[topic]] == [n] * 3


def test_clients_that_never_read_and_one_that_churns_subscriptions_leave_memory_bounded(
    own_redis, own_daphne, settings
):
    url = redis_layer(own_redis, settings)
    base = f"http://127.0.0.1:{own_daphne()}"
    pid = own_daphne.processes[-1].pid
    said: list[str] = []

    def churn():
        with connect(ws_url(base), origin=base, open_timeout=30) as ws:
            for _ in range(500):
                ws.send(json.dumps({"type": "subscribe", "topic": "ideas"}))
                ws.send(json.dumps({"type": "unsubscribe", "topic": "ideas"}))
                while (kind := json.loads(ws.recv(timeout=30))["type"]) != "unsubscribed":
                    said.append(kind)

    with subscribed(base) as healthy:
        publish("ideas", 0, 16 * 1024)
        assert next_event(healthy) == 0
        before = rss(pid)
        silent = [BareClient(base) for _ in range(20)]
        churner = threading.Thread(target=churn)
        churner.start()
        n = 0
        while churner.is_alive():
            n += 1
            publish("ideas", n, 16 * 1024)
            assert next_event(healthy) == n
        churner.join()
        growth = rss(pid) - before
        assert said and set(said) <= {"subscribed", "event"}, set(said)
        assert said.count("subscribed") == 500, "the churning client's loop broke off"
        assert members(url, "ideas") == 1  # the churn did not churn the layer
        assert growth < MEMORY_BOUND, f"daphne grew by {growth / MiB:.1f} MiB"
        for client in silent:
            client.close()


def test_over_tls_daphne_serves_itself_a_wss_client_from_the_sites_https_origin_gets_every_event_intact(
    own_redis, own_daphne, settings, certificate
):
    redis_layer(own_redis, settings)
    base = f"https://127.0.0.1:{own_daphne(server=partial(TlsDaphneProcess, certificate=certificate))}"
    paddings = [0, 100, 70 * 1024, 10, 300 * 1024, 0]  # over 64 KiB: 64-bit lengths, many TLS records
    with subscribed(base, tls=trusting(certificate)) as ws:  # Origin https://127.0.0.1:PORT is the site's own
        for n, padding in enumerate(paddings):
            publish("ideas", n, padding)
        for n, padding in enumerate(paddings):
            message = json.loads(ws.recv(timeout=30))
            assert (message["type"], message["data"]) == ("event", {"n": n, "padding": "x" * padding})


def test_over_tls_a_reader_that_stops_is_closed_while_a_healthy_one_gets_every_event(
    own_redis, own_daphne, settings, certificate
):
    redis_layer(own_redis, settings)
    base = f"https://127.0.0.1:{own_daphne(server=partial(TlsDaphneProcess, certificate=certificate))}"
    pid = own_daphne.processes[-1].pid
    context = trusting(certificate)
    with subscribed(base, tls=context) as healthy:
        push_past_a_reader_that_stopped(pid, healthy, BareClient(base, "ideas", tls=context))


def test_a_frame_over_the_bound_goes_out_whole_to_a_healthy_reader_and_never_cut_short_to_one_that_stops(
    own_redis, own_daphne, settings
):
    redis_layer(own_redis, settings)
    base = f"http://127.0.0.1:{own_daphne()}"
    padding = 3 * 1000 * 1000  # a 3 MB event: its frame alone is far over MAX_UNSENT_BYTES
    assert padding > 2 * MAX_UNSENT_BYTES
    with subscribed(base) as healthy:
        stalled = BareClient(base, "ideas")
        for n in range(4):
            publish("ideas", n, padding)
            message = json.loads(healthy.recv(timeout=30))
            assert (message["type"], message["data"]) == ("event", {"n": n, "padding": "x" * padding})
        assert not stalled._read()  # part of the first frame (the window is small), then it stops again
        for n in range(4, 8):
            publish("ideas", n, padding)
            assert next_event(healthy) == n
        # websockets' parser reads back all it got: whole frames (each a complete event), then the
        # close; a close inside a frame's payload would leave it with a frame never finished.
        events, ending = stalled.drain()
        stalled.close()
        assert ending in (CLOSE_TOO_SLOW, "reset"), ending
        assert stalled.protocol.parser_exc is None, stalled.protocol.parser_exc
        assert events < 8, "the reader that stopped was never cut off"
        if ending == CLOSE_TOO_SLOW:
            assert events > 0, "the close came before the frame being read was finished"


def test_a_client_flooding_the_server_with_messages_leaves_memory_bounded_and_gets_every_reply_in_order(
    own_redis, own_daphne, settings
):
    redis_layer(own_redis, settings)
    base = f"http://127.0.0.1:{own_daphne()}"
    pid = own_daphne.processes[-1].pid
    count = 200_000  # alternately: subscribe to `ideas` (already subscribed) and unsubscribe from `none`
    replies: list[dict] = []
    flooder_events: list[int] = []

    def flood(ws) -> None:
        for _ in range(count // 2):
            ws.send('{"type":"subscribe","topic":"ideas"}')
            ws.send('{"type":"unsubscribe","topic":"none"}')

    def read(ws) -> None:
        while len(replies) < count:
            message = json.loads(ws.recv(timeout=60))
            if message["type"] == "event":
                flooder_events.append(message["data"]["n"])
            else:
                replies.append(message)

    with subscribed(base) as healthy, subscribed(base) as flooder:
        publish("ideas", 0, 1024)
        assert next_event(healthy) == next_event(flooder) == 0
        before = peak = rss(pid)
        sender, reader = threading.Thread(target=flood, args=(flooder,)), threading.Thread(target=read, args=(flooder,))
        sender.start()
        reader.start()
        n = 0
        while reader.is_alive():
            n += 1
            publish("ideas", n, 1024)
            assert next_event(healthy) == n
            peak = max(peak, rss(pid))
        sender.join()
        reader.join()
        growth = peak - before
        expected = [{"type": "subscribed", "topic": "ideas"}, {"type": "unsubscribed", "topic": "none"}]
        assert len(replies) == count, f"{len(replies)} of {count} messages answered"
        assert replies == expected * (count // 2), "the flood's replies came out of order"
        assert growth < 2 * MEMORY_BOUND, f"daphne grew by {growth / MiB:.1f} MiB under {count} messages"
        publish("ideas", n + 1)
        assert next_event(healthy) == n + 1
        assert [next_event(flooder) for _ in range(n - len(flooder_events) + 1)] == list(
            range(len(flooder_events) + 1, n + 2)
        )
        assert flooder_events == list(range(1, len(flooder_events) + 1))
