"""What tests that start servers share: a free loopback port, and waiting until a server listens."""

import random
import socket
import subprocess
import time
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
