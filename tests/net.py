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


def send(url: str, token: str, body: dict) -> tuple[int, dict]:
    """POST JSON with a token; the status and the JSON answer, error or not."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def at_once(live_url: str, posts: list[tuple[str, str, dict]]) -> list[tuple[int, dict]]:
    """Send the posts (path, token, body) from as many threads, released together by a barrier."""
    barrier = threading.Barrier(len(posts))

    def post(step):
        path, token, body = step
        barrier.wait(timeout=30)
        return send(f"{live_url}{path}", token, body)

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(post, posts))
