"""The Markdown renderer's cost before and after bounding it, and what slow renders did to votes.

Part one: for every pathological shape in tests/core/markdown_shapes.py (each as long as an idea's
description may be), the CPU seconds of one render the old way (Python-Markdown's own parts, then
bleach with its own linkify pattern) beside the best of three through `render_markdown` now.

Part two: daphne on a SQLite file; three members post an idea whose description is the worst
shape, all at once, while a fourth casts 20 votes one after another: the votes' median and
maximum latency and every answer. Once the old way (the unbounded render inside the write
transaction, whose BEGIN IMMEDIATE takes SQLite's write lock) and once as the code is now.

Run: .venv/bin/python bench/markdown.py [--skip-shapes] [--skip-votes]   (everything on 127.0.0.1)
"""

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from functools import partial

from common import (
    ROOT,
    django_on_a_throwaway_database,
    free_port,
    seed,
    server_env,
    start,
    stop,
    wait_for_port,
)

WORST = "[ repeated"
VOTES = 20
POSTERS = 3


def render_before(text: str) -> str:
    """The renderer as it was before it was bounded."""
    import bleach
    import markdown
    from bleach.linkifier import LinkifyFilter

    from core import content

    cleaner = bleach.Cleaner(
        tags=content.ALLOWED_TAGS,
        attributes=content._allowed_attribute,
        protocols=content.ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[partial(LinkifyFilter, callbacks=[content._set_rel], skip_tags={"pre", "code"}, parse_email=False)],
    )
    return cleaner.clean(markdown.markdown(text, extensions=content.MARKDOWN_EXTENSIONS, output_format="html"))


def cpu_seconds(render, text: str) -> float | str:
    started = time.process_time()
    try:
        render(text)
    except (RecursionError, ValueError) as error:
        return type(error).__name__
    return time.process_time() - started


def shapes() -> None:
    from core.content import render_markdown
    from tests.core.markdown_shapes import SHAPES

    print(f"\nrender time of each shape, CPU seconds ({len(SHAPES)} shapes, up to 10,000 characters each)")
    print(f"  {'shape':36} {'before':>14} {'after':>8}")
    worst = (0.0, "")
    for name, text in SHAPES.items():
        before = cpu_seconds(render_before, text)
        after = min(cpu_seconds(render_markdown, text) for _ in range(3))
        worst = max(worst, (after, name))
        shown = before if isinstance(before, str) else f"{before:.3f}"
        print(f"  {name:36} {shown:>14} {after:>8.3f}", flush=True)
    print(f"  slowest now: {worst[1]!r}, {worst[0]:.3f} s")


def serve(port: int, before: bool) -> None:
    """The forum on daphne; `before`: rendering the old way, with the write lock already taken."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if before:
        from django.db import transaction

        import ideas.services

        def render_in_a_transaction(text: str) -> str:
            with transaction.atomic():
                return render_before(text)

        ideas.services.render_markdown = render_in_a_transaction
    from daphne.cli import CommandLineInterface

    CommandLineInterface().run(["-b", "127.0.0.1", "-p", str(port), "config.asgi:application"])


def request(port: int, token: str, method: str, path: str, body: dict) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    connection.request(method, path, body=json.dumps(body), headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.perf_counter() - started


def votes_during_posts(before: bool) -> None:
    from tests.core.markdown_shapes import SHAPES

    database_url = f"sqlite:///{tempfile.mkdtemp(prefix='idea-forum-markdown-')}/forum.sqlite3"
    setup = seed(database_url, ideas=VOTES, members=POSTERS + 1)
    port = free_port()
    command = [sys.executable, str(ROOT / "bench" / "render_cost.py"), "--serve", str(port)]
    server = start([*command, "--before"] if before else command, server_env(database_url))
    *posters, voter = setup["tokens"]
    posts: list[tuple[int, float]] = []
    try:
        wait_for_port(port, server)
        request(port, voter, "GET", "/api/v1/me/", {})
        body = {"title": "A pathological description", "body": SHAPES[WORST], "category": setup["category"]}
        threads = [
            threading.Thread(target=lambda t=token: posts.append(request(port, t, "POST", "/api/v1/ideas/", body)))
            for token in posters
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        votes = [request(port, voter, "PUT", f"/api/v1/ideas/{idea}/vote/", {"value": 1}) for idea in setup["ideas"]]
        for thread in threads:
            thread.join()
    finally:
        stop(server)
    latencies = [seconds for _status, seconds in votes]
    label = "before: unbounded render in the transaction" if before else "after: bounded render, then the transaction"
    print(f"\n{VOTES} votes while {POSTERS} members post {WORST!r} ({len(SHAPES[WORST]):,} characters): {label}")
    print(f"  vote latency   median {statistics.median(latencies):.3f} s   max {max(latencies):.3f} s")
    print(f"  vote answers   {sorted(status for status, _ in votes)}")
    print(f"  post answers   {sorted(status for status, _ in posts)}   slowest {max(s for _, s in posts):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-shapes", action="store_true")
    parser.add_argument("--skip-votes", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--before", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.before)
        return
    django_on_a_throwaway_database()
    if not args.skip_votes:
        votes_during_posts(before=True)
        votes_during_posts(before=False)
    if not args.skip_shapes:
        shapes()


if __name__ == "__main__":
    main()
