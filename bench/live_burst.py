"""A burst of live events against one daphne process's hub: how fast it drains, how deep its channel
gets, and what the channel's capacity (LIVE_HUB_CAPACITY) drops.

N clients watch one topic of a real daphne on Redis. A separate process, standing in for many web
workers, publishes B events to that topic through core.live as fast as it can. A watcher polls the
depth of the hub's queue in Redis every few milliseconds. Each client counts what it receives.

Prints: the publishing rate, the hub's drain rate (events per second it fans out to N sockets), the
deepest the hub's queue got, and the events each client missed (the ones the capacity dropped).

Run: .venv/bin/python bench/live_burst.py [--clients 1000] [--events 300 3000]
Needs redis-server on PATH (or REDIS_URL); everything binds 127.0.0.1.
"""

import argparse
import asyncio
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import redis
from common import ROOT, daphne_command, free_port, server_env, start, stop, wait_for_port
from live_fanout import open_clients, prepare_database, start_redis
from websockets.exceptions import ConnectionClosed

PUBLISH = """
import time, django; django.setup()
from django.db import transaction
from core.live import LiveEvent, publish
for n in range(EVENTS):
    with transaction.atomic():
        publish(LiveEvent("TOPIC", "bench.burst", {"n": n, "padding": "x" * 250}))
print(time.time())
"""


def watch_depth(client: redis.Redis, stop_event: threading.Event, deepest: list[int]) -> None:
    """The largest number of messages waiting in any hub queue (channels-redis keeps them in sorted sets)."""
    while not stop_event.is_set():
        for key in client.scan_iter(match="*live-hub*", count=100):
            if client.type(key) == b"zset":
                deepest[0] = max(deepest[0], client.zcard(key))
        time.sleep(0.005)


async def burst(port: int, idea: int, clients: int, events: int, env: dict, redis_url: str) -> dict:
    topic = f"idea:{idea}"
    sockets = await open_clients(f"ws://127.0.0.1:{port}/ws/live/", topic, clients, f"http://127.0.0.1:{port}")
    counts = [0] * len(sockets)
    last = [0.0]
    closed: list[int] = []

    async def reader(index, ws):
        while True:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
            except TimeoutError:
                return
            except ConnectionClosed:
                closed.append(index)  # the server closed it: it fell more than 1 MiB behind
                return
            if message.get("event") == "bench.burst":
                counts[index] += 1
                last[0] = time.time()

    readers = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(sockets)]
    deepest, stop_event = [0], threading.Event()
    watcher = threading.Thread(target=watch_depth, args=(redis.Redis.from_url(redis_url), stop_event, deepest))
    watcher.start()
    script = PUBLISH.replace("EVENTS", str(events)).replace("TOPIC", topic)
    began = time.time()
    publisher = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await publisher.communicate()
    if publisher.returncode:
        raise SystemExit(err.decode())
    published = float(out.decode().split()[-1])
    await asyncio.gather(*readers)
    stop_event.set()
    watcher.join()
    await asyncio.gather(*(ws.close() for ws in sockets))
    return {
        "publish_rate": events / (published - began),
        "drain_rate": min(counts) / (last[0] - began) if last[0] > began else 0.0,
        "deepest": deepest[0],
        "missed_min": events - max(counts),
        "missed_max": events - min(counts),
        "closed": len(closed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--events", type=int, nargs="+", default=[300, 3000])
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    workdir = tempfile.mkdtemp(prefix="idea-forum-bench-")
    database = f"sqlite:///{workdir}/bench.sqlite3"
    idea, _token = prepare_database(f"{workdir}/bench.sqlite3")
    redis_url, redis_server = start_redis(workdir)
    env = server_env(database, redis_url)
    rows = []
    try:
        for events in args.events:
            port = free_port()
            server = start(daphne_command(port), env)
            wait_for_port(port, server)
            try:
                rows.append((events, asyncio.run(burst(port, idea, args.clients, events, env, redis_url))))
            finally:
                stop(server)
    finally:
        if redis_server is not None:
            stop(redis_server)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nlive burst: {args.clients} clients on one topic of one daphne process (Redis layer)")
    print(f"{'events':>7} {'published/s':>12} {'drained/s':>10} {'deepest':>8} {'missed (min-max)':>17} {'closed':>7}")
    for events, row in rows:
        print(
            f"{events:>7} {row['publish_rate']:>12.0f} {row['drain_rate']:>10.0f} {row['deepest']:>8}"
            f" {row['missed_min']:>8}-{row['missed_max']:<8} {row['closed']:>7}"
        )


if __name__ == "__main__":
    main()
