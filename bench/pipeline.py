"""The pipeline at scale, on a real daphne:

1. SQL queries of the roadmap (selector, page, API) with 50 and 500 ideas on it, and of the triage
   list (selector, page) with 50 and 1,000 ideas to triage: the same for both (constant).
2. The time of merging an idea with 10,000 votes into one with 10,000 votes, half the voters shared
   (the idea_merge service, set-based SQL: votes, followers, counts and sort keys), median of --runs.
3. From a move (the idea_transition service, in a process of its own) to the status.changed event on
   a WebSocket subscribed to the `pipeline` topic, and to the card moving on a roadmap open in
   Chromium: over --moves moves, each from "New" to "Reviewed". The process that moves and daphne
   share a throwaway Redis, as in production; the move's time is its StatusChange's created_at.

Run: .venv/bin/python bench/pipeline.py [--runs 5] [--moves 30] [--postgres]
SQLite in a temp dir; PostgreSQL with --postgres (DATABASE_URL if it points at one, else a throwaway
cluster) or with DATABASE_URL set; everything on 127.0.0.1.
"""

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from common import (
    ROOT,
    bench_database,
    daphne_command,
    django_script,
    free_port,
    launch_chromium,
    server_env,
    start,
    start_redis,
    stop,
    wait_for_port,
)
from playwright.sync_api import sync_playwright
from websockets.sync.client import connect

SEED = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import Role, User
from accounts.services import role_grant
from ideas.models import Category
pat = User.objects.create_user(email="pat@example.com", password="x", display_name="Pat")
role_grant(actor=None, user=pat, role=Role.PRODUCT_TEAM)
parent = Category.objects.create(name="Product", slug="product")
for n in range(5):
    Category.objects.create(name=f"Area {n}", slug=f"area-{n}", parent=parent)
print(json.dumps({"pat": pat.pk}))
"""

# Ideas straight into the database (their counts as votes would leave them), `n` per call, spread over
# `statuses` and the five subcategories.
ADD_IDEAS = """
from django.utils import timezone
from datetime import timedelta
from accounts.models import User
from ideas import ranking
from ideas.models import Category, Idea
author, _ = User.objects.get_or_create(email="author@example.com", defaults={"display_name": "Author"})
areas = list(Category.objects.filter(parent__isnull=False))
now, statuses = timezone.now(), STATUSES
ideas = []
for n in range(COUNT):
    up, down = n % 40, n % 7
    at = now - timedelta(minutes=n)
    ideas.append(Idea(author=author, category=areas[n % len(areas)], title=f"Pipeline idea {n} of TAG",
                      body="b", body_html="<p>b</p>", status=statuses[n % len(statuses)], status_changed_at=at,
                      upvotes=up, downvotes=down, score=up - down, hot=ranking.hot(up - down, at),
                      wilson=ranking.wilson(up, down)))
made = Idea.objects.bulk_create(ideas, batch_size=500)
print(json.dumps({"ids": [idea.pk for idea in made]}))
"""

COUNT_QUERIES = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from ideas.models import Status
from pipeline import selectors

def queries(call):
    call()  # once to warm what is cached per process
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)

def get(client, path):
    def call():
        response = client.get(path, HTTP_HOST="127.0.0.1")
        assert response.status_code in (200, 404), (path, response.status_code)
        call.found = response.status_code == 200
    return call

visitor, staff = Client(), Client()
staff.force_login(User.objects.get(email="pat@example.com"))
pat = User.objects.get(email="pat@example.com")
counts = {
    "roadmap selector": queries(lambda: selectors.roadmap(viewer=pat)),
    "triage selector": queries(lambda: selectors.triage(viewer=pat, params=selectors.triage_params({}))),
}
for name, client, path in (("roadmap page", visitor, "/roadmap/"), ("roadmap API", visitor, "/api/v1/roadmap/"),
                           ("triage page", staff, "/triage/")):
    call = get(client, path)
    n = queries(call)
    counts[name] = n if call.found else None
print(json.dumps(counts))
"""

# Two ideas of 10,000 votes each, 5,000 voters on both (a fifth of each idea's votes down), every voter
# following the idea they voted on; then one merge, timed; then the counts checked against a recount.
MERGE = """
import time
from django.db.models import Count, Q
from accounts.models import User
from ideas import ranking
from ideas.models import Category, Follow, Idea, Status
from pipeline.services import idea_merge
from voting.models import Vote
from django_tasks_db.models import DBTaskResult

VOTES, RUN = VOTES_PER_IDEA, RUN_NUMBER
pat = User.objects.get(email="pat@example.com")
voters = list(User.objects.filter(email__startswith="voter-").order_by("pk").values_list("pk", flat=True))
if len(voters) < VOTES * 3 // 2:
    User.objects.bulk_create([User(email=f"voter-{n}@example.com", password="!", display_name=f"Voter {n}")
                              for n in range(len(voters), VOTES * 3 // 2)], batch_size=1000)
    voters = list(User.objects.filter(email__startswith="voter-").order_by("pk").values_list("pk", flat=True))
category = Category.objects.get(slug="area-0")
author = User.objects.get(email="author@example.com")

def idea_with_votes(title, members):
    idea = Idea.objects.create(author=author, category=category, title=title, body="b", body_html="<p>b</p>",
                               status=Status.UNDER_REVIEW)
    Vote.objects.bulk_create([Vote(idea=idea, voter_id=m, value=-1 if n % 5 == 0 else 1)
                              for n, m in enumerate(members)], batch_size=2000)
    Follow.objects.bulk_create([Follow(idea=idea, member_id=m) for m in members], batch_size=2000)
    times = Vote.objects.filter(idea=idea, value=1).values_list("updated_at", flat=True)
    c = Vote.objects.filter(idea=idea).aggregate(up=Count("pk", filter=Q(value=1)),
                                                 down=Count("pk", filter=Q(value=-1)))
    Idea.objects.filter(pk=idea.pk).update(upvotes=c["up"], downvotes=c["down"], score=c["up"] - c["down"],
        hot=ranking.hot(c["up"] - c["down"], idea.created_at), wilson=ranking.wilson(c["up"], c["down"]),
        trending=ranking.trending_add_all(0.0, times), follower_count=len(members))
    return idea

source = idea_with_votes(f"Merge source {RUN}", voters[:VOTES])
target = idea_with_votes(f"Merge target {RUN}", voters[VOTES // 2: VOTES // 2 + VOTES])
started = time.perf_counter()
change = idea_merge(actor=pat, idea=source, into=target.pk, note="The same wish: its support goes there.")
seconds = time.perf_counter() - started
target.refresh_from_db()
c = Vote.objects.filter(idea=target).aggregate(up=Count("pk", filter=Q(value=1)), down=Count("pk", filter=Q(value=-1)))
exact = (target.upvotes, target.downvotes, target.follower_count) == (
    c["up"], c["down"], Follow.objects.filter(idea=target, following=True).count())
DBTaskResult.objects.all().delete()  # the merge's notices: not part of this benchmark
print(json.dumps({"seconds": seconds, "moved": change.moved_votes, "votes": c["up"] + c["down"], "exact": exact}))
"""

MOVES = """
import time
from accounts.models import User
from ideas.models import Idea
from pipeline.services import idea_transition
pat = User.objects.get(email="pat@example.com")
moved = []
for pk in IDS:
    change = idea_transition(actor=pat, idea=Idea.objects.get(pk=pk), to="reviewed", note="Worth doing.")
    moved.append([pk, change.created_at.timestamp()])
    time.sleep(0.3)  # one move at a time, as the product team makes them
print(json.dumps(moved))
"""

# In the roadmap page: when each card first shows in the Reviewed column.
WATCH = """
window.__seen = {};
const look = () => {
  const now = Date.now();
  for (const card of document.querySelectorAll("#cards-reviewed .roadmap-card")) {
    if (!(card.id in window.__seen)) window.__seen[card.id] = now;
  }
};
look();
new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
"""


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    at = lambda fraction: ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]  # noqa: E731
    return f"p50 {at(0.5):.0f} ms, p95 {at(0.95):.0f} ms, max {ordered[-1]:.0f} ms ({len(ordered)} moves)"


def roadmap_page_exists(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/roadmap/")
    status = connection.getresponse().status
    connection.close()
    return status == 200


class Subscriber(threading.Thread):
    """A WebSocket on the `pipeline` topic: when each idea's status.changed arrived."""

    def __init__(self, socket):
        super().__init__(daemon=True)
        self.socket = socket
        self.socket.send(json.dumps({"type": "subscribe", "topic": "pipeline"}))
        assert json.loads(self.socket.recv(timeout=10))["type"] == "subscribed"
        self.arrived: dict[int, float] = {}

    def run(self) -> None:
        try:
            for message in self.socket:
                now = time.time()
                event = json.loads(message)
                if event.get("event") == "status.changed":
                    self.arrived.setdefault(event["data"]["id"], now)
        except Exception:  # the socket closes at the end
            return


def live_latency(database_url: str, ids: list[int]) -> tuple[list[float], list[float] | None]:
    """Milliseconds from each move to its event on a `pipeline` socket, and to the card on an open
    roadmap in Chromium (None while the roadmap page is not on this branch)."""
    redis_url, redis = start_redis()
    port = free_port()
    server = start(daphne_command(port), server_env(database_url, redis_url))
    try:
        wait_for_port(port, server)
        origin = f"http://127.0.0.1:{port}"
        socket = connect(f"ws://127.0.0.1:{port}/ws/live/", origin=origin, open_timeout=10)
        with socket, sync_playwright() as playwright:
            subscriber = Subscriber(socket)
            subscriber.start()
            page = None
            if roadmap_page_exists(port):
                browser = launch_chromium(playwright)
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}/roadmap/")
                page.wait_for_selector("html[data-live='subscribed']")
                page.evaluate(f"() => {{ {WATCH} }}")
            moved = django_script(database_url, MOVES.replace("IDS", json.dumps(ids)), redis_url)
            deadline = time.time() + 10
            while len(subscriber.arrived) < len(ids) and time.time() < deadline:
                time.sleep(0.05)
            socket_ms = [(subscriber.arrived[pk] - at) * 1000 for pk, at in moved if pk in subscriber.arrived]
            browser_ms = None
            if page is not None:
                last = f"card-{moved[-1][0]}"
                page.wait_for_function("(id) => id in window.__seen", arg=last, timeout=10_000)
                seen = page.evaluate("() => window.__seen")
                browser_ms = [seen[f"card-{pk}"] - at * 1000 for pk, at in moved if f"card-{pk}" in seen]
    finally:
        stop(server)
        stop(redis)
    return socket_ms, browser_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--votes", type=int, default=10_000)
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="idea-forum-pipeline-")
    database_url, stop_postgres = bench_database(workdir, "pipeline", postgres=args.postgres)
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    try:
        print(f"{engine}: seeding …", flush=True)
        django_script(database_url, SEED)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
                       env=server_env(database_url))  # fmt: skip

        def add(count: int, statuses: list[str], tag: str) -> list[int]:
            script = ADD_IDEAS.replace("COUNT", str(count)).replace("STATUSES", json.dumps(statuses))
            return django_script(database_url, script.replace("TAG", tag))["ids"]

        road = ["under_review", "reviewed", "coming_soon", "launched"]
        add(50, road, "the road")
        add(50, ["new"], "triage")
        small = django_script(database_url, COUNT_QUERIES)
        add(450, road, "the road")
        add(950, ["new"], "triage")
        large = django_script(database_url, COUNT_QUERIES)

        merges = []
        for run in range(args.runs):
            script = MERGE.replace("VOTES_PER_IDEA", str(args.votes)).replace("RUN_NUMBER", str(run))
            merges.append(django_script(database_url, script))
            print(f"  merge {run + 1}: {merges[-1]['seconds'] * 1000:.0f} ms", flush=True)

        to_move = add(args.moves, ["new"], "live moves")
        socket_ms, browser_ms = live_latency(database_url, to_move)
    finally:
        if stop_postgres:
            stop_postgres()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nthe pipeline, {engine}")
    print("1. SQL queries (roadmap: 50 then 500 ideas on it; triage: 50 then 1,000 ideas to triage)")
    for name in small:
        few, many = small[name], large[name]
        verdict = "constant" if few == many else "GROWS"
        shown = "not on this branch" if few is None else f"{few:3d} → {many:3d}   {verdict}"
        print(f"   {name:<17} {shown}")
    seconds = statistics.median(merge["seconds"] for merge in merges)
    first = merges[0]
    print(f"2. merging {args.votes:,} votes into {args.votes:,} (half the voters shared), median of {args.runs}:")
    print(f"   {seconds * 1000:.0f} ms   ({first['moved']:,} votes moved, {first['votes']:,} on the target, "
          f"counts exact: {all(merge['exact'] for merge in merges)})")  # fmt: skip
    print("3. from a move to:")
    print(f"   the status.changed event on a `pipeline` socket   {percentiles(socket_ms)}")
    if browser_ms is None:
        print("   the card moving on a roadmap in Chromium         (no roadmap page on this branch)")
    else:
        print(f"   the card moving on a roadmap in Chromium         {percentiles(browser_ms)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
