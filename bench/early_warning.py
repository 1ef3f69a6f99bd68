"""The early warning's hourly job at scale: 100,000 ideas, 1,000,000 votes (a fifth of them down), 200,000
comments and 5,000 flags, spread evenly over the last five days, so every hour has ~8,300 votes (~1,700 of
them down) and ~1,700 comments, and about 50,000 baselines are kept once the job runs steadily.

Printed: the time of building the history; the catch-up of 24 missed hours (one call of the job); the job
for one hour as the worker runs it every hour (median of --runs consecutive hours, after a day of them),
and its SQL query count (the same for every hour: GROUP BYs over the hour, never all votes).

Run: .venv/bin/python bench/early_warning.py [--runs 5] [--postgres]
SQLite in a temp dir always; PostgreSQL too with --postgres (DATABASE_URL if it points at one, else a
throwaway cluster) or when DATABASE_URL points at one; everything on 127.0.0.1.
"""

import argparse
import os
import shutil
import sys
import tempfile

from common import ROOT, django_script, start_postgres

SCRIPT = """
import statistics, time
from datetime import timedelta
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from accounts.models import User
from discussion.models import Comment
from ideas.models import Category, Idea
from moderation.models import Alert, Baseline, Case, Flag, FlagReason, TargetKind
from moderation.warning import HOUR, early_warning, hour_start
from voting.models import Vote

IDEAS, VOTES, COMMENTS, FLAGS, VOTERS, RUNS = 100_000, 1_000_000, 200_000, 5_000, 10_000, RUN_COUNT
DAYS = 5
call_command("migrate", verbosity=0)
# The history is written as it was, at its own times: the time fields that stamp "now" are told not to.
for model, name in ((Vote, "created_at"), (Vote, "updated_at"), (Comment, "created_at"), (Flag, "created_at")):
    field = model._meta.get_field(name)
    field.auto_now = field.auto_now_add = False

now = hour_start(timezone.now())
first = now - timedelta(days=DAYS)
span = DAYS * 24 * 3600
moments = [first + timedelta(minutes=m) for m in range(span // 60)]
at = lambda n: moments[(n * 7919) % len(moments)]  # noqa: E731  (evenly spread, not in order)

started = time.perf_counter()
author = User.objects.create_user(email="author@example.com", password="x")
category = Category.objects.create(name="Bench", slug="bench")
ideas = []
for offset in range(0, IDEAS, 10_000):
    ideas += Idea.objects.bulk_create(
        [Idea(author=author, category=category, title=f"Benchmark idea number {n}", body="b", body_html="<p>b</p>")
         for n in range(offset, offset + 10_000)], batch_size=2_000)  # fmt: skip
idea_ids = [idea.pk for idea in ideas]
voters = [user.pk for user in User.objects.bulk_create(
    [User(email=f"voter-{n}@example.com", password="!") for n in range(VOTERS)], batch_size=2_000)]  # fmt: skip
for offset in range(0, VOTES, 50_000):
    with transaction.atomic():
        Vote.objects.bulk_create([
            # Voter (n // IDEAS) * 1,000 + n % 1,000 never votes twice on idea n % IDEAS.
            Vote(idea_id=idea_ids[n % IDEAS], voter_id=voters[(n // IDEAS) * 1_000 + n % 1_000],
                 value=-1 if n % 5 == 0 else 1, created_at=at(n), updated_at=at(n))
            for n in range(offset, offset + 50_000)], batch_size=5_000)  # fmt: skip
for offset in range(0, COMMENTS, 50_000):
    with transaction.atomic():
        Comment.objects.bulk_create([
            Comment(idea_id=idea_ids[(n * 31) % IDEAS], author_id=voters[n % VOTERS], body="c", body_html="<p>c</p>",
                    created_at=at(n + 17))
            for n in range(offset, offset + 50_000)], batch_size=5_000)  # fmt: skip
cases = Case.objects.bulk_create(
    [Case(kind=TargetKind.IDEA, target=f"idea:{idea_ids[n * 20]}", idea_id=idea_ids[n * 20]) for n in range(FLAGS)],
    batch_size=2_000)  # fmt: skip
Flag.objects.bulk_create(
    [Flag(case=case, target=case.target, flagger_id=voters[n % VOTERS], reason=FlagReason.SPAM, weight=1,
          created_at=at(n * 13)) for n, case in enumerate(cases)], batch_size=2_000)  # fmt: skip
built = time.perf_counter() - started

# The job's first run sets the site's clock at three days ago; the next, due a day later, catches up 24 hours.
due = now - timedelta(days=3)
early_warning(due=due)
due += 24 * HOUR
started = time.perf_counter()
caught_up = len(early_warning(due=due))
catch_up = time.perf_counter() - started
for _ in range(24):  # a day of hourly runs: the baselines reach their steady number
    due += HOUR
    early_warning(due=due)
seconds, queries = [], []
for _ in range(RUNS):
    due += HOUR
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        [result] = early_warning(due=due)
        seconds.append(time.perf_counter() - started)
    queries.append(len(captured))
print(json.dumps({
    "built": built, "catch_up": catch_up, "caught_up": caught_up, "median": statistics.median(seconds),
    "runs": seconds, "queries": queries, "hour_counts": result.site, "baselines": Baseline.objects.count(),
    "alerts": Alert.objects.count(), "votes": Vote.objects.count(), "ideas": Idea.objects.count(),
}))
"""


def measure(database_url: str, runs: int) -> dict:
    return django_script(database_url, SCRIPT.replace("RUN_COUNT", str(runs)))


def report(engine: str, figures: dict) -> None:
    print(f"\nthe early-warning job, {engine}")
    print(f"   history: {figures['ideas']:,} ideas, {figures['votes']:,} votes, built in {figures['built']:.0f} s")
    print(f"   catch-up of {figures['caught_up']} missed hours, one call:  {figures['catch_up'] * 1000:.0f} ms")
    runs = ", ".join(f"{s * 1000:.0f}" for s in figures["runs"])
    print(f"   one hour, as the worker runs it:  median {figures['median'] * 1000:.0f} ms  (runs: {runs} ms)")
    queries = sorted(set(figures["queries"]))
    print(f"   SQL queries per hour:  {', '.join(map(str, queries))}  (one hour's rows: {figures['hour_counts']})")
    print(f"   baselines kept: {figures['baselines']:,}; alerts raised by the even traffic: {figures['alerts']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="idea-forum-warning-")
    stop_postgres = None
    try:
        print("SQLite: building the history and running the job …", flush=True)
        report("SQLite", measure(f"sqlite:///{workdir}/warning.sqlite3", args.runs))
        database_url = os.environ.get("DATABASE_URL", "")
        if args.postgres and not database_url.startswith("postgres"):
            database_url, stop_postgres = start_postgres(workdir)
        if database_url.startswith("postgres"):
            print("\nPostgreSQL: building the history and running the job …", flush=True)
            report("PostgreSQL", measure(database_url, args.runs))
    finally:
        if stop_postgres:
            stop_postgres()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
