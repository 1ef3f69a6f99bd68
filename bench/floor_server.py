"""The floor for bench/live_fanout.py: the least a broadcast server can do, with the websockets library.

Clients connect and subscribe (any topic); a message {"type": "publish", "data": ...} from any
connection is sent to every other connection as an event, with nothing else in between.
Run: python bench/floor_server.py PORT
"""

import asyncio
import json
import sys

from websockets.asyncio.server import broadcast, serve

clients = set()


async def handle(connection):
    clients.add(connection)
    try:
        async for raw in connection:
            message = json.loads(raw)
            if message.get("type") == "subscribe":
                await connection.send(json.dumps({"type": "subscribed", "topic": message["topic"]}))
            elif message.get("type") == "publish":
                event = {"type": "event", "topic": "idea:1", "event": "idea.changed", "data": message["data"]}
                broadcast(clients - {connection}, json.dumps(event, separators=(",", ":")))
    finally:
        clients.discard(connection)


async def main(port: int) -> None:
    async with serve(handle, "127.0.0.1", port, max_size=4096) as server:
        print("ready", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
