"""Live fan-out: N WebSocket clients on one topic of real daphne servers, M events, latency from
commit to receipt (p50, p99), with the in-memory channel layer (one process) and with Redis (one
and two processes, the clients split between them); beside it the same clients against a minimal
broadcast server written with the websockets library (the floor).

Each event is an edit of one idea through the API; the event carries the idea's updated_at, set
when the row is saved inside the committing transaction, and each client takes receipt time minus
that. The floor's publisher stamps its own send time the same way.

The readers all run in this one process, on the machine's cores beside the servers: its own cost
(some 35 us of CPU per message received) is in both our figures and the floor's, which brings
their ratio towards 1. So the table also gives p99 minus the floor's p99, in milliseconds: what
the forum's servers add, however slow the readers.

Server CPU is the daphne processes' user and system time while the events go out. Its growth from
the smallest to the largest client count, divided by the added clients and the events, is the CPU
each subscriber costs per event: what a popular topic costs, with the per-event work (the edit, its
HTTP request) taken out.

Run: .venv/bin/python bench/live_fanout.py [--clients 100 1000 3000] [--events 20]
Needs redis-server on PATH (or REDIS_URL) for the Redis rows; everything binds 127.0.0.1.
"""

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from common import ROOT, daphne_command, free_port, percentile, server_env, start, stop, wait_for_port
from websockets.asyncio.client import connect

PYTHON = sys.executable


def prepare_database(database: str) -> tuple[int, str]:
    """A fresh database with one member, one idea and the member's API token."""
    env = server_env(f"sqlite:///{database}")
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command; call_command('migrate', verbosity=0)\n"
        "from accounts.models import User; from accounts.services import api_token_issue\n"
        "from ideas.models import Category; from ideas.services import idea_submit\n"
        "u = User.objects.create_user(email='bench@example.com', password='x')\n"
        "c = Category.objects.create(name='Bench', slug='bench')\n"
        "i = idea_submit(actor=u, title='Fan-out benchmark idea', body='b', category=c)\n"
        "print(i.pk, api_token_issue(actor=u))\n"
    )
    out = subprocess.run([PYTHON, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    idea, token = out.stdout.split()
    return int(idea), token


async def open_clients(url: str, topic: str, count: int, origin: str) -> list:
    async def one():
        ws = await connect(url, origin=origin, max_size=2**20, open_timeout=60, ping_interval=None)
        await ws.send(json.dumps({"type": "subscribe", "topic": topic}))
        reply = json.loads(await ws.recv())
        assert reply["type"] == "subscribed", reply
        return ws

    clients = []
    for first in range(0, count, 100):  # open in batches, as a crowd arriving, not all at once
        clients += await asyncio.gather(*(one() for _ in range(first, min(count, first + 100))))
    return clients


async def collect(clients: list, events: int, stamp_of) -> list[float]:
    """Each client reads `events` events and records receipt time minus the event's stamp (ms)."""
    latencies: list[float] = []

    async def reader(ws):
        for _ in range(events):
            message = json.loads(await ws.recv())
            latencies.append((time.time() - stamp_of(message)) * 1000)

    await asyncio.gather(*(reader(ws) for ws in clients))
    return latencies


def cpu_seconds(servers: list[subprocess.Popen]) -> float:
    """User plus system CPU time the server processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for server in servers:
        fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / ticks


async def run_daphne(
    servers: list[subprocess.Popen], ports: list[int], idea: int, token: str, clients: int, events: int
) -> tuple[list[float], float]:
    """Latencies (ms) and the servers' CPU seconds while the events went out."""
    sockets = []
    for index, port in enumerate(ports):  # the clients split evenly between the servers
        share = clients // len(ports) + (index < clients % len(ports))
        url, origin = f"ws://127.0.0.1:{port}/ws/live/", f"http://127.0.0.1:{port}"
        sockets += await open_clients(url, f"idea:{idea}", share, origin)
    await asyncio.sleep(1)  # let the subscriptions settle before measuring
    received = asyncio.create_task(
        collect(sockets, events, lambda m: datetime.fromisoformat(m["data"]["updated_at"]).timestamp())
    )
    loop = asyncio.get_running_loop()
    cpu_before = cpu_seconds(servers)
    for n in range(events):
        body = json.dumps({"title": f"Fan-out benchmark idea, edit {n}"}).encode()
        port = ports[n % len(ports)]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/ideas/{idea}/",
            data=body,
            method="PATCH",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        await loop.run_in_executor(None, lambda r=request: urllib.request.urlopen(r, timeout=30).read())
        await asyncio.sleep(0.05)
    latencies = await asyncio.wait_for(received, timeout=120)
    cpu = cpu_seconds(servers) - cpu_before
    await asyncio.gather(*(ws.close() for ws in sockets))
    return latencies, cpu


async def run_floor(port: int, clients: int, events: int) -> list[float]:
    url, origin = f"ws://127.0.0.1:{port}/", f"http://127.0.0.1:{port}"
    sockets = await open_clients(url, "idea:1", clients, origin)
    publisher = await connect(url, origin=origin)
    received = asyncio.create_task(collect(sockets, events, lambda m: m["data"]["sent"]))
    for _ in range(events):
        await publisher.send(json.dumps({"type": "publish", "data": {"sent": time.time()}}))
        await asyncio.sleep(0.05)
    latencies = await asyncio.wait_for(received, timeout=120)
    await asyncio.gather(*(ws.close() for ws in [*sockets, publisher]))
    return latencies


def start_redis(workdir: str) -> tuple[str, subprocess.Popen | None]:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], None
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server not found: install it or set REDIS_URL")
    port = free_port()
    process = start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir])
    wait_for_port(port, process)
    return f"redis://127.0.0.1:{port}/0", process


SETUPS = [("in-memory", 1), ("redis", 1), ("redis", 2)]  # (layer, daphne processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    workdir = tempfile.mkdtemp(prefix="idea-forum-bench-")
    database = f"{workdir}/bench.sqlite3"
    idea, token = prepare_database(database)
    redis_url, redis = start_redis(workdir)
    rows = []
    try:
        floors = {}
        for clients in args.clients:
            port = free_port()
            server = start([PYTHON, "bench/floor_server.py", str(port)])
            wait_for_port(port, server)
            floors[clients] = asyncio.run(run_floor(port, clients, args.events))
            stop(server)
        for layer, processes in SETUPS:
            url = redis_url if layer == "redis" else None
            for clients in args.clients:
                ports = [free_port() for _ in range(processes)]
                servers = [start(daphne_command(port), server_env(f"sqlite:///{database}", url)) for port in ports]
                for port, server in zip(ports, servers, strict=True):
                    wait_for_port(port, server)
                try:
                    ours, cpu = asyncio.run(run_daphne(servers, ports, idea, token, clients, args.events))
                except Exception:
                    for server in servers:
                        log = Path(server.log_path).read_text().splitlines()
                        print("\n".join(line for line in log if "WSCONNECT" not in line)[-5000:], file=sys.stderr)
                    raise
                finally:
                    for server in servers:
                        stop(server)
                rows.append((layer, processes, clients, ours, cpu, floors[clients]))
    finally:
        if redis is not None:
            stop(redis)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nlive fan-out: {args.events} events to every client on one topic; latency commit -> receipt, ms")
    header = ("layer", "procs", "clients", "received", "p50", "p99", "floor p50", "floor p99")
    header += ("p50 x", "p99 x", "p99 +ms", "CPU s")
    print("{:<10} {:>5} {:>7} {:>9} {:>8} {:>8} {:>10} {:>10} {:>6} {:>6} {:>8} {:>6}".format(*header))
    for layer, processes, clients, ours, cpu, floor in rows:
        p50, p99 = statistics.median(ours), percentile(ours, 0.99)
        f50, f99 = statistics.median(floor), percentile(floor, 0.99)
        print(
            f"{layer:<10} {processes:>5} {clients:>7} {len(ours):>9} {p50:>8.1f} {p99:>8.1f} {f50:>10.1f} {f99:>10.1f}"
            f" {p50 / f50:>6.1f} {p99 / f99:>6.1f} {p99 - f99:>8.1f} {cpu:>6.2f}"
        )
    print("\nserver CPU per subscriber per event (growth of CPU over added subscribers x events), microseconds")
    slopes = []
    for layer, processes in SETUPS:
        cpus = {clients: cpu for lay, procs, clients, _, cpu, _ in rows if (lay, procs) == (layer, processes)}
        counts = sorted(cpus)
        for low, high in pairwise(counts):
            each = (cpus[high] - cpus[low]) / ((high - low) * args.events) * 1e6
            slopes.append(each)
            print(f"{layer:<10} {processes} process(es), {low:>5} -> {high:>5} clients: {each:6.1f} us")
    if slopes:
        worst = max(slopes)
        print(
            f"\nestimate, 10,000 readers of one idea across 4 processes at the worst cost above: "
            f"{worst * 10_000 / 4 / 1000:.1f} ms of one core per process per event"
        )


if __name__ == "__main__":
    main()
