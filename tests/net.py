"""What tests that start servers share: a free loopback port, and waiting until a server listens."""

import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
