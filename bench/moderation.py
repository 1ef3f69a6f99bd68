"""Moderation at scale, on a real daphne:

1. SQL queries of the moderation queue (the selector, GET /api/v1/moderation/queue/?page_size=200 and the
   queue page, which shows its first 50) with 1, 50 and 200 open cases, each with its flags and flaggers,
   the content's earlier versions and an author with an earlier warning: the same for all three (constant).
   A third of the cases are on ideas, a third on comments, a third on members.
2. Flags per second through POST /api/v1/flags/ from 50 concurrent clients, each a member with their own
   API token on its own connection, each flagging 30 ideas (every idea flagged by three of them, so a third
   of the flags cross the hiding threshold): flags/s, p50/p95 latency, and no flag lost (rows in the
   database = answers 201).
3. The time from the flag that crosses the threshold (the third member's) to the placeholder on a visitor's
   idea page open in Chromium, with Redis as the channel layer (the flags come from another process), for
   --hides ideas one after another: p50/p95.

Run: .venv/bin/python bench/moderation.py [--clients 50] [--per-client 30] [--hides 20] [--postgres]
SQLite in a temp dir; PostgreSQL with --postgres (DATABASE_URL if it points at one, else a throwaway
cluster) or with DATABASE_URL set; everything on 127.0.0.1.
"""

import argparse
import http.client
import json
import shutil
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
    percentile,
    server_env,
    start,
    start_redis,
    stop,
    wait_for_port,
)
from playwright.sync_api import sync_playwright

SEED = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import Role, User
from accounts.services import role_grant
from ideas.models import Category
mo = User.objects.create_user(email="mo@example.com", password="x", display_name="Mo")
role_grant(actor=None, user=mo, role=Role.MODERATOR)
Category.objects.create(name="Bench", slug="bench")
print(json.dumps({"mo": mo.pk}))
"""

# `COUNT` more open cases, through the services: per case a new author with an earlier warning (their
# record), a target with two earlier versions (an idea, a comment on an idea, or the member themself),
# and two flags from two members (weight 2: open, not yet hidden).
ADD_CASES = """
from django.utils import timezone
from accounts.models import User
from discussion.models import CommentRevision
from discussion.services import comment_post
from ideas.models import Category, Idea, IdeaRevision
from moderation.services import case_decide, flag_create
mo = User.objects.get(email="mo@example.com")
category = Category.objects.get(slug="bench")
start = User.objects.filter(email__startswith="author-").count()
flaggers = [User.objects.get_or_create(email=f"flagger-{n}@example.com", defaults={"display_name": f"Flagger {n}"})[0]
            for n in range(2)]

def idea_of(author, title):
    return Idea.objects.create(author=author, category=category, title=title, body="b", body_html="<p>b</p>")

for n in range(start, start + COUNT):
    author = User.objects.create_user(email=f"author-{n}@example.com", password="x", display_name=f"Author {n}")
    earlier = idea_of(author, f"Earlier idea {n}")
    flag = flag_create(actor=mo, target=f"idea:{earlier.pk}", reason="spam")
    case_decide(actor=mo, case=flag.case, action="warn", reason="A first warning.")
    now = timezone.now()
    if n % 3 == 0:
        idea = idea_of(author, f"Flagged idea {n}")
        IdeaRevision.objects.bulk_create([IdeaRevision(idea=idea, title=f"Version {v}", body="b", body_html="b",
                                                       created_at=now) for v in range(2)])
        target = f"idea:{idea.pk}"
    elif n % 3 == 1:
        said = comment_post(actor=author, idea=earlier, body=f"A flagged comment {n}")
        CommentRevision.objects.bulk_create([CommentRevision(comment=said, body=f"Version {v}", body_html="b",
                                                             created_at=now) for v in range(2)])
        target = f"comment:{said.pk}"
    else:
        target = f"member:{author.pk}"
    for flagger in flaggers:
        flag_create(actor=flagger, target=target, reason="abusive", note="Look at this.")
from moderation.models import Case
print(json.dumps({"open": Case.objects.filter(status="open").count()}))
"""

COUNT_QUERIES = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from moderation import selectors

def queries(call):
    call()  # once to warm what is cached per process
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)

def get(client, path):
    def call():
        response = client.get(path, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (path, response.status_code)
        if "json" in response["Content-Type"]:
            shown["API"] = len(response.json()["results"])
    return call

mo = User.objects.get(email="mo@example.com")
staff = Client()
staff.force_login(mo)
shown = {"selector": len(selectors.queue(viewer=mo, size=200).rows)}

def selector():
    for case in selectors.queue(viewer=mo, size=200).rows:  # everything the queue shows, read
        [(flag.flagger.public_name, flag.reason) for flag in case.open_flags]
        target = case.idea or case.comment or case.member
        list(target.revisions.all()) if hasattr(target, "revisions") else None
        (case.author_warnings, case.author_actions, case.author.date_joined)

counts = {
    "queue selector": queries(selector),
    "queue API": queries(get(staff, "/api/v1/moderation/queue/?page_size=200")),
    "queue page": queries(get(staff, "/moderation/")),
}
print(json.dumps({"shown": shown, "counts": counts}))
"""

# 50 members with API tokens, and ideas enough for each to flag `PER` of them, three flaggers an idea.
SEED_FLAGS = """
from accounts.models import User
from accounts.services import api_token_issue
from ideas.models import Category, Idea
category = Category.objects.get(slug="bench")
author = User.objects.create_user(email="flagged-author@example.com", password="x", display_name="Flagged")
ideas = Idea.objects.bulk_create([Idea(author=author, category=category, title=f"Idea to flag {n}", body="b",
                                       body_html="<p>b</p>") for n in range(IDEAS)])
tokens = [api_token_issue(actor=User.objects.create_user(email=f"client-{n}@example.com", password="x"))
          for n in range(CLIENTS)]
print(json.dumps({"ideas": [idea.pk for idea in ideas], "tokens": tokens}))
"""

COUNT_FLAGS = """
from moderation.models import Flag
print(json.dumps({"flags": Flag.objects.filter(flagger__email__startswith="client-").count()}))
"""


class Client(threading.Thread):
    """One member flagging their ideas one after another on their own connection."""

    def __init__(self, port: int, token: str, targets: list[int], start_together: threading.Barrier):
        super().__init__(daemon=True)
        self.port, self.token, self.targets, self.barrier = port, token, targets, start_together
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        self.barrier.wait()
        for pk in self.targets:
            body = json.dumps({"target": f"idea:{pk}", "reason": "spam", "note": "Bench."})
            started = time.perf_counter()
            connection.request("POST", "/api/v1/flags/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            self.latencies.append((time.perf_counter() - started) * 1000)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        connection.close()


def flag_storm(database_url: str, *, clients: int, per_client: int) -> dict:
    """Every client flags `per_client` ideas at once, each idea flagged by three different clients."""
    ideas_needed = clients * per_client // 3
    script = SEED_FLAGS.replace("IDEAS", str(ideas_needed)).replace("CLIENTS", str(clients))
    seeded = django_script(database_url, script)
    ideas, tokens = seeded["ideas"], seeded["tokens"]
    # Idea j is flagged by clients j, j + clients/3 and j + 2 clients/3 (mod clients): three different ones.
    step = max(1, clients // 3)
    targets = {c: [] for c in range(clients)}
    for j, pk in enumerate(ideas):
        for k in range(3):
            targets[(j + k * step) % clients].append(pk)
    port = free_port()
    server = start(daphne_command(port), server_env(database_url))
    try:
        wait_for_port(port, server)
        barrier = threading.Barrier(clients + 1)
        threads = [Client(port, tokens[c], targets[c], barrier) for c in range(clients)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    finally:
        stop(server)
    latencies = sorted(ms for thread in threads for ms in thread.latencies)
    statuses: dict[int, int] = {}
    for thread in threads:
        for status, count in thread.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    stored = django_script(database_url, COUNT_FLAGS)["flags"]
    return {"seconds": seconds, "latencies": latencies, "statuses": statuses, "stored": stored}


# `COUNT` ideas, each flagged by two members already (weight 2: one more flag hides it).
SEED_HIDES = """
from accounts.models import User
from ideas.models import Category, Idea
from moderation.services import flag_create
category = Category.objects.get(slug="bench")
members = [User.objects.create_user(email=f"watcher-{n}@example.com", password="x", display_name=f"Watcher {n}")
           for n in range(3)]
author = User.objects.create_user(email="hidden-author@example.com", password="x", display_name="Author")
ideas = []
for n in range(COUNT):
    idea = Idea.objects.create(
        author=author, category=category, title=f"Soon hidden {n}", body="b", body_html="<p>b</p>"
    )
    for member in members[:2]:
        flag_create(actor=member, target=f"idea:{idea.pk}", reason="spam")
    ideas.append(idea.pk)
print(json.dumps({"ideas": ideas}))
"""

# The third flag on idea IDEA: the moment before it is written, in seconds since the epoch.
THIRD_FLAG = """
import time
from accounts.models import User
from moderation.services import flag_create
flagger = User.objects.get(email="watcher-2@example.com")
at = time.time()
flag_create(actor=flagger, target="idea:IDEA", reason="spam")
print(json.dumps({"at": at}))
"""


def placeholder_latency(database_url: str, ideas: list[int]) -> list[float]:
    """Milliseconds from each third flag to the placeholder on the idea's page, open in Chromium as a visitor."""
    redis_url, redis = start_redis()
    port = free_port()
    server = start(daphne_command(port), server_env(database_url, redis_url))
    latencies = []
    try:
        wait_for_port(port, server)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            for pk in ideas:
                page.goto(f"http://127.0.0.1:{port}/ideas/{pk}/")
                page.wait_for_selector("html[data-live='subscribed']")
                page.evaluate(PLACEHOLDER_WATCH)
                at = django_script(database_url, THIRD_FLAG.replace("IDEA", str(pk)), redis_url)["at"]
                page.wait_for_function("() => window.__placeholder !== undefined", timeout=10_000)
                latencies.append(page.evaluate("() => window.__placeholder") - at * 1000)
            browser.close()
    finally:
        stop(server)
        stop(redis)
    return sorted(latencies)


# When the placeholder appears on the page, as milliseconds since the epoch (the flag's clock).
PLACEHOLDER_WATCH = """() => {
  const seen = () => document.querySelector("[data-hidden-placeholder]");
  new MutationObserver((_, observer) => {
    if (seen()) { window.__placeholder = Date.now(); observer.disconnect(); }
  }).observe(document.body, {childList: true, subtree: true});
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=30)
    parser.add_argument("--hides", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="idea-forum-moderation-")
    database_url, stop_postgres = bench_database(workdir, "moderation", postgres=args.postgres)
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    try:
        print(f"{engine}: seeding …", flush=True)
        django_script(database_url, SEED)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
                       env=server_env(database_url))  # fmt: skip
        counted = []
        for more in (1, 49, 150):
            django_script(database_url, ADD_CASES.replace("COUNT", str(more)))
            counted.append(django_script(database_url, COUNT_QUERIES))
            print(f"  open cases shown: {counted[-1]['shown']}", flush=True)
        print(f"  {args.clients} clients flagging …", flush=True)
        storm = flag_storm(database_url, clients=args.clients, per_client=args.per_client)
        print(f"  {args.hides} ideas hidden under an open visitor's page …", flush=True)
        hidden = django_script(database_url, SEED_HIDES.replace("COUNT", str(args.hides)))["ideas"]
        hides = placeholder_latency(database_url, hidden)
    finally:
        if stop_postgres:
            stop_postgres()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nmoderation, {engine}")
    print(
        "1. SQL queries of the queue, with " + ", ".join(f"{c['shown']['selector']}" for c in counted) + " open cases"
    )
    for name in counted[0]["counts"]:
        values = [c["counts"][name] for c in counted]
        verdict = "constant" if len(set(values)) == 1 else "GROWS"
        if values[0] < values[1] == values[2]:
            # One case is on one kind of target: Django skips the prefetch of the other kind's versions.
            verdict = "constant (one case: one kind of target, one prefetch skipped)"
        print(f"   {name:<16} " + " → ".join(f"{v:3d}" for v in values) + f"   {verdict}")
    print(f"2. flags through POST /api/v1/flags/ from {args.clients} concurrent clients, {args.per_client} each:")
    answered = storm["statuses"].get(201, 0)
    latencies = storm["latencies"]
    print(f"   {len(latencies) / storm['seconds']:.0f} flags/s ({len(latencies)} in {storm['seconds']:.1f} s), "
          f"latency p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
          f"max {latencies[-1]:.0f} ms")  # fmt: skip
    print(f"   answers {dict(sorted(storm['statuses'].items()))}; rows stored {storm['stored']}, "
          f"answered 201 {answered}: {'none lost' if storm['stored'] == answered else 'MISMATCH'}")  # fmt: skip
    print(
        f"3. from the flag that crosses the threshold to the placeholder on a visitor's open page ({len(hides)} ideas):"
    )
    print(f"   p50 {percentile(hides, 0.5):.0f} ms, p95 {percentile(hides, 0.95):.0f} ms, max {hides[-1]:.0f} ms")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
