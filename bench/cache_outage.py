"""Time of a sign-in (POST /accounts/login/) with the Redis cache up, stopped, and hung (accepting
connections, never answering): the fallback to this process's memory keeps it working and quick.

Run: .venv/bin/python bench/cache_outage.py [--requests 20]   (a throwaway SQLite database and redis-server)
"""

import argparse
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

from common import django_on_a_throwaway_database, free_port, wait_for_port

django_on_a_throwaway_database()

from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from accounts.models import User  # noqa: E402


def cache(url: str) -> dict:
    options = {"socket_connect_timeout": 1, "socket_timeout": 1, "RETRY_SECONDS": 5}
    return {"default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": url, "OPTIONS": options}}


def sign_ins(url: str, count: int) -> list[float]:
    """Seconds of each sign-in, the first one included."""
    timings = []
    with override_settings(CACHES=cache(url)):
        for _ in range(count):
            client = Client(HTTP_HOST="127.0.0.1")
            started = time.perf_counter()
            response = client.post("/accounts/login/", {"login": "bench@example.com", "password": "a-long-passphrase"})
            timings.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
    return timings


def report(label: str, timings: list[float]) -> None:
    rest = timings[1:]
    print(
        f"{label:<28} first {timings[0] * 1000:7.1f} ms   then median {statistics.median(rest) * 1000:6.1f} ms, "
        f"max {max(rest) * 1000:6.1f} ms ({len(rest)} sign-ins)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    User.objects.create_user(email="bench@example.com", password="a-long-passphrase")

    directory = tempfile.mkdtemp(prefix="idea-forum-redis-")
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory]
    redis = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port, redis)
        report("Redis up", sign_ins(f"redis://127.0.0.1:{port}/0", args.requests + 1))
    finally:
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)
    report("Redis stopped (refused)", sign_ins(f"redis://127.0.0.1:{port}/0", args.requests + 1))
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        report(
            "Redis hung (never answers)", sign_ins(f"redis://127.0.0.1:{silent.getsockname()[1]}/1", args.requests + 1)
        )


if __name__ == "__main__":
    main()
