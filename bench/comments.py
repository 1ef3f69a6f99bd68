"""Comments, follows and notifications on a real daphne and a real worker, with a real SMTP server.

1. The request that posts a comment, on an idea with 10,000 followers beside the same request on an
   idea with none (goal: ratio of medians at most 1.2): the request writes the comment and one task,
   whatever the number of followers. Measured with the worker stopped, so only the request is timed.
2. With the worker running: from the comment's commit until all 10,001 notifications exist (the
   followers', who all chose e-mail "immediately", and the author's), and until every immediate
   e-mail has been handed to the SMTP server (aiosmtpd on 127.0.0.1, in this process).
3. The idea page with 200 comments in threads: its SQL queries beside a page with 20 (constant), and
   its time over HTTP.
4. From a comment's commit to its appearance on an idea page open in Chromium (goal: under 150 ms),
   over 30 comments posted one after another through the API; the page records when each comment's
   element appears (MutationObserver, Date.now()), and the commit is the comment's created_at.

Run: .venv/bin/python bench/comments.py [--followers 10000] [--comments 30]   (SQLite in a temp dir,
or DATABASE_URL for PostgreSQL; everything on 127.0.0.1)
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime

from aiosmtpd.controller import Controller
from common import (
    ROOT,
    daphne_command,
    django_script,
    free_port,
    launch_chromium,
    percentile,
    server_env,
    start,
    stop,
    wait_for_port,
)
from playwright.sync_api import sync_playwright

SEED = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import User
from accounts.services import api_token_issue
from discussion.services import comment_post
from ideas.models import Category, Follow, Idea
from ideas.services import idea_submit, idea_unfollow
from notifications.models import NotificationSettings

author = User.objects.create_user(email="author@example.com", password="x", display_name="Author")
commenter = User.objects.create_user(email="commenter@example.com", password="x", display_name="Commenter")
category = Category.objects.create(name="Bench", slug="bench")
many = idea_submit(actor=author, title="An idea ten thousand members follow", body="b", category=category)
none = idea_submit(actor=author, title="An idea nobody follows", body="b", category=category)
idea_unfollow(actor=author, idea=none)
followers = User.objects.bulk_create(
    [User(email=f"f{n}@example.com", password="!", display_name=f"Follower {n}") for n in range(FOLLOWERS)],
    batch_size=1000,
)
Follow.objects.bulk_create([Follow(idea=many, member=member) for member in followers], batch_size=1000)
Idea.objects.filter(pk=many.pk).update(follower_count=len(followers) + 1)
NotificationSettings.objects.bulk_create(
    [NotificationSettings(member=member, delivery={"followed_idea": "immediately"}) for member in followers],
    batch_size=1000,
)

def threads(idea, count):
    # Top-level comments, each with replies two levels deep, until `count` comments.
    made, top = 0, []
    while made < count:
        parent = comment_post(actor=commenter, idea=idea, body=f"Comment **{made}** with a [link](https://example.com)")
        made += 1
        for _ in range(3):
            if made >= count:
                break
            reply = comment_post(actor=author, idea=idea, body=f"Reply {made}", parent=parent)
            made += 1
            if made < count:
                comment_post(actor=commenter, idea=idea, body=f"Reply to the reply {made}", parent=reply)
                made += 1

pages = {}
for count in (20, 200):
    idea = idea_submit(actor=author, title=f"An idea with {count} comments", body="b", category=category)
    threads(idea, count)
    pages[count] = idea.pk
from django_tasks_db.models import DBTaskResult
DBTaskResult.objects.all().delete()  # the seed's own fan-outs: not part of what is measured
print(json.dumps({"many": many.pk, "none": none.pk, "pages": pages, "token": api_token_issue(actor=commenter)}))
"""

PAGE_QUERIES = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
counts = {}
for count, pk in PAGES.items():
    client.get(f"/ideas/{pk}/", HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/ideas/{pk}/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.status_code
    counts[count] = len(queries)
print(json.dumps(counts))
"""

# Waits, inside one process, until the idea's followers and author all have their notification of the
# comment; prints when.
WAIT_NOTIFICATIONS = """
import time
from notifications.models import Notification
while Notification.objects.filter(subject="comment:COMMENT").count() < EXPECTED:
    time.sleep(0.005)
print(json.dumps({"at": time.time()}))
"""

FORGET_TASKS = """
from django_tasks_db.models import DBTaskResult
print(json.dumps({"deleted": DBTaskResult.objects.filter(status="READY").delete()[0]}))
"""


class Inbox:
    """aiosmtpd's handler: counts the messages the server accepted and when the last one came."""

    def __init__(self):
        self.count = 0
        self.last_at = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.last_at = time.time()
        return "250 OK"


def post_comment(port: int, token: str, idea: int, body: str) -> tuple[float, dict]:
    """POST a comment through the API: the request's seconds and the comment's JSON."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    connection.request("POST", f"/api/v1/ideas/{idea}/comments/", body=json.dumps({"body": body}), headers=headers)
    response = connection.getresponse()
    data = json.loads(response.read())
    seconds = time.perf_counter() - started
    connection.close()
    assert response.status == 201, (response.status, data)
    return seconds, data


def committed_at(comment: dict) -> float:
    return datetime.fromisoformat(comment["created_at"]).timestamp()


def page_seconds(port: int, idea: int, times: int = 20) -> float:
    durations = []
    for _ in range(times):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        connection.request("GET", f"/ideas/{idea}/")
        response = connection.getresponse()
        response.read()
        durations.append(time.perf_counter() - started)
        connection.close()
        assert response.status == 200
    return statistics.median(durations)


WATCH = """
window.__seen = {};
new MutationObserver((records) => {
  const now = Date.now();
  for (const record of records) for (const node of record.addedNodes) {
    if (node.nodeType !== 1) continue;
    const found = node.matches("[id^='comment-']") ? [node] : [...node.querySelectorAll("[id^='comment-']")];
    for (const element of found) if (!(element.id in window.__seen)) window.__seen[element.id] = now;
  }
}).observe(document.body, { childList: true, subtree: true });
"""


def browser_latency(port: int, token: str, idea: int, comments: int) -> list[float]:
    """Milliseconds from each comment's commit to its element on an open idea page in Chromium."""
    latencies = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/ideas/{idea}/")
        page.wait_for_selector("html[data-live='subscribed']")
        page.evaluate(f"() => {{ {WATCH} }}")
        for n in range(comments):
            _seconds, comment = post_comment(port, token, idea, f"Live comment {n}")
            element = f"comment-{comment['id']}"
            page.wait_for_function("(id) => id in window.__seen", arg=element, timeout=10_000)
            seen_ms = page.evaluate("(id) => window.__seen[id]", element)
            latencies.append(seen_ms - committed_at(comment) * 1000)
            time.sleep(0.2)  # one comment at a time, as people post them
        browser.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=30)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="idea-forum-comments-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/comments.sqlite3"
    print(f"seeding {args.followers} followers and two threads of 20 and 200 comments …", flush=True)
    setup = django_script(database_url, SEED.replace("FOLLOWERS", str(args.followers)))
    token, many, none = setup["token"], setup["many"], setup["none"]
    queries = django_script(database_url, PAGE_QUERIES.replace("PAGES", json.dumps(setup["pages"])))
    # The static files of this tree, as `make run` collects them (the page's scripts included).
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
                   env=server_env(database_url))  # fmt: skip

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = server_env(database_url)
    env.update(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
               EMAIL_PORT=str(smtp.port))  # fmt: skip
    port = free_port()
    server = start(daphne_command(port), env)
    worker = None
    try:
        wait_for_port(port, server)
        # 1. The request alone (no worker): alternate the two ideas so both see the same machine.
        timings: dict[int, list[float]] = {many: [], none: []}
        for n in range(args.comments):
            for idea in (many, none):
                seconds, _comment = post_comment(port, token, idea, f"Request {n}")
                timings[idea].append(seconds)
        django_script(database_url, FORGET_TASKS)

        # 2. The fan-out, by the worker.
        worker = start([sys.executable, "manage.py", "worker", "--no-reload", "--interval", "0.05"], env)
        time.sleep(2)  # the worker's start-up (Django, the schedule) is not part of the fan-out
        _seconds, comment = post_comment(port, token, many, "Ten thousand people will hear of this")
        waiter = django_script(
            database_url,
            WAIT_NOTIFICATIONS.replace("COMMENT", str(comment["id"])).replace("EXPECTED", str(args.followers + 1)),
        )
        notifications_seconds = waiter["at"] - committed_at(comment)
        deadline = time.time() + 600
        while inbox.count < args.followers + 1 and time.time() < deadline:
            time.sleep(0.05)
        emails_seconds, emails = inbox.last_at - committed_at(comment), inbox.count

        # 3. and 4.
        page_200 = page_seconds(port, setup["pages"]["200"])
        page_20 = page_seconds(port, setup["pages"]["20"])
        latencies = browser_latency(port, token, none, args.comments)
    finally:
        if worker is not None:
            stop(worker)
        stop(server)
        smtp.stop()

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    median_many, median_none = statistics.median(timings[many]), statistics.median(timings[none])
    print(f"\ncomments on one daphne and one worker, {engine}")
    print(f"1. POST a comment, median of {args.comments}:")
    print(f"   idea with {args.followers} followers {median_many * 1000:7.1f} ms")
    print(f"   idea with 0 followers      {median_none * 1000:7.1f} ms")
    print(f"   ratio                      {median_many / median_none:7.2f}   (goal: at most 1.2)")
    print("2. one comment on the idea with followers, from its commit:")
    print(f"   all {args.followers + 1} notifications exist   {notifications_seconds:7.2f} s")
    print(f"   {emails} e-mails handed to SMTP       {emails_seconds:7.2f} s")
    print("3. the idea page, SQL queries and median time of 20 GETs:")
    print(f"   20 comments   {queries['20']:3d} queries  {page_20 * 1000:6.1f} ms")
    print(f"   200 comments  {queries['200']:3d} queries  {page_200 * 1000:6.1f} ms")
    print(f"4. commit to appearance in Chromium, {len(latencies)} comments:")
    print(
        f"   p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
        f"max {max(latencies):.0f} ms   (goal: under 150 ms)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
