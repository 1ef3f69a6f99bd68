"""What tests that start servers share: a free loopback port, waiting until a server listens, and
requests sent to a live server from many threads at once."""

import json
import random
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, chosen below the kernel's range for
    outgoing connections: a port from that range can be taken by any client socket (waiting for
    another server, say) before the server meant for it starts, and then it fails to listen."""
    first_ephemeral = int(EPHEMERAL_RANGE.read_text().split()[0]) if EPHEMERAL_RANGE.exists() else 32768
    for port in random.sample(range(10_000, first_ephemeral), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def wait_for_port(port: int, process: subprocess.Popen, *, log: Path | None = None, seconds: float = 30) -> None:
    """Return once something listens on the port; fail at once, with the server's log, if it exits first."""
    deadline = time.monotonic() + seconds
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        said = log.read_text() if log and log.exists() else ""
        assert process.poll() is None, f"the server exited with {process.returncode}\n{said}"
        assert time.monotonic() < deadline, f"nothing listening on {port} after {seconds:.0f} s\n{said}"
        time.sleep(0.1)


def call(url: str, method: str, token: str, body: dict | None = None) -> tuple[int, dict | None]:
    """An API request with a token (and a JSON body); the status and the JSON answer (None when empty),
    error or not."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=data, method=method, headers=headers), timeout=60
        ) as answer:
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw) if raw else None


def request(url: str, method: str, token: str, body: dict | None = None) -> int:
    """The status of an API request with a token."""
    return call(url, method, token, body)[0]


def send(url: str, token: str, body: dict) -> tuple[int, dict]:
    """POST JSON with a token; the status and the JSON answer, error or not."""
    return call(url, "POST", token, body)


def all_at_once(calls) -> list:
    """Run the calls in threads released together by a barrier; their results, in the order given."""
    barrier = threading.Barrier(len(calls))

    def run(work):
        barrier.wait(timeout=30)
        return work()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def at_once(live_url: str, posts: list[tuple[str, str, dict]]) -> list[tuple[int, dict]]:
    """Send the posts (path, token, body) from as many threads, released together."""
    return all_at_once([partial(send, f"{live_url}{path}", token, body) for path, token, body in posts])
