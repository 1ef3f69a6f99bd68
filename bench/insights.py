"""The staff dashboard at scale: 100,000 ideas and 1,000,000 votes (with comments, status changes, points
ledger lines and share visits in proportion), spread over two years and 20 categories (4 top-level ones
with 4 subcategories each).

1. The rollup job's time: its first, full run (`rollup(full=True)`), then an incremental run after a
   day's worth of new ideas, votes and comments (what the worker does every 15 minutes).
2. The dashboard page (/insights/, the default last 90 days, and with a top-level category), the API
   (GET /api/v1/insights/) and two of the page's chart images (pygal's SVG): p50 of --loads loads
   through Django's test client, and the SQL queries of each (the same whatever the data size: the
   rollups answer, never the votes).

Run: .venv/bin/python bench/insights.py [--scale 1.0] [--loads 7] [--postgres]
--scale 0.1 builds a tenth of the data. SQLite in a temp dir; PostgreSQL with --postgres (DATABASE_URL if
it points at one, else a throwaway cluster) or with DATABASE_URL set.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile

from common import ROOT, bench_database, django_script, server_env

# The history, written in batches straight into the tables: the services would take hours at this size.
# The timestamps are spread over two years, so the rollup's created_at fields are set by hand (their
# auto_now_add is turned off in this process only).
BUILD = """
import random, time
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
from accounts.models import Role, User
from accounts.services import role_grant
from community.models import Channel, LedgerEntry, Reason, Share, Visit
from discussion.models import Comment
from ideas.models import Category, Idea, Status
from pipeline.models import StatusChange
from voting.models import Vote

for model, names in ((Idea, ["created_at", "updated_at"]), (Vote, ["created_at", "updated_at"]),
                     (Comment, ["created_at"])):
    for name in names:
        field = model._meta.get_field(name)
        field.auto_now = field.auto_now_add = False

started = time.perf_counter()
IDEAS, VOTES, MEMBERS = int(100_000 * SCALE), int(1_000_000 * SCALE), max(100, int(20_000 * SCALE))
BATCH = 20_000
rng = random.Random(14)
now = timezone.now()
SPAN = 730 * 24 * 3600

def at(fraction):
    return now - timedelta(seconds=int(SPAN * (1 - fraction)) + 60)

pat = User.objects.create_user(email="pat@example.com", password="x", display_name="Pat")
role_grant(actor=None, user=pat, role=Role.PRODUCT_TEAM)
User.objects.bulk_create([User(email=f"m{n}@example.com", password="!", display_name=f"Member {n}")
                          for n in range(MEMBERS)], batch_size=BATCH)
members = list(User.objects.filter(email__startswith="m").values_list("pk", flat=True))
leaves = []
for t in range(4):
    top = Category.objects.create(name=f"Area {t}", slug=f"area-{t}")
    leaves += [Category.objects.create(name=f"Area {t}.{s}", slug=f"area-{t}-{s}", parent=top) for s in range(4)]

STEPS = [Status.NEW, Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED]
ideas, moves = [], []
for n in range(IDEAS):
    created = at(n / IDEAS)
    # Most stay new; a tenth move on, a few all the way to launched, some declined.
    r = rng.random()
    path = STEPS[:1] if r < 0.85 else STEPS[: 2 + int((r - 0.85) / 0.15 * 4)]
    if r >= 0.98:
        path = [Status.NEW, Status.DECLINED]
    when = created
    for before, after in zip(path, path[1:]):
        when = min(when + timedelta(days=rng.randint(1, 40)), now)
        moves.append((n, before, after, when))
    ideas.append(Idea(author_id=members[n % len(members)], category=leaves[n % len(leaves)], title=f"Bench idea {n}",
                      body="b", body_html="<p>b</p>", status=path[-1], created_at=created, updated_at=when,
                      status_changed_at=when if len(path) > 1 else None))
made = Idea.objects.bulk_create(ideas, batch_size=BATCH)
idea_ids = [idea.pk for idea in made]
created_of = {idea.pk: idea.created_at for idea in made}
StatusChange.objects.bulk_create([StatusChange(idea_id=idea_ids[n], actor=pat, from_status=a, to_status=b, created_at=w)
                                  for n, a, b, w in moves], batch_size=BATCH)
del ideas, made

# Votes: ten rounds over the ideas, a different member each round (unique per member and idea).
def votes():
    per_round = len(idea_ids)
    for k in range(VOTES):
        r, i = divmod(k, per_round)
        idea = idea_ids[i]
        voter = members[(i * 7 + r * (len(members) // 10 + 1)) % len(members)]
        cast = created_of[idea] + timedelta(hours=rng.randint(1, 24 * 20))
        cast = min(cast, now)
        value = 1 if rng.random() < 0.85 else -1
        yield Vote(idea_id=idea, voter_id=voter, value=value, created_at=cast, updated_at=cast)
def write(batch):
    # The votes, and the points each upvote earned the author of the idea.
    Vote.objects.bulk_create(batch)
    LedgerEntry.objects.bulk_create([LedgerEntry(member_id=members[v.idea_id % len(members)], points=10,
        reason=Reason.UPVOTE_RECEIVED, target=f"idea:{v.idea_id}", idea_id=v.idea_id, by_id=v.voter_id,
        created_at=v.created_at) for v in batch if v.value == 1])
batch = []
for vote in votes():
    batch.append(vote)
    if len(batch) == BATCH:
        write(batch)
        batch = []
if batch:
    write(batch)

comments = [Comment(idea_id=idea_ids[n % len(idea_ids)], author_id=members[(n * 13) % len(members)], depth=1, body="c",
                    body_html="<p>c</p>", path=f"{n:010d}", path_newest=f"{n:010d}",
                    created_at=min(created_of[idea_ids[n % len(idea_ids)]] + timedelta(days=rng.randint(0, 30)), now))
            for n in range(IDEAS * 2)]
Comment.objects.bulk_create(comments, batch_size=BATCH)
del comments

channels = list(Channel.values)
shares = Share.objects.bulk_create([Share(idea_id=idea_ids[n * 20], sharer_id=members[n % len(members)],
                                          channel=channels[n % len(channels)]) for n in range(IDEAS // 20)],
                                   batch_size=BATCH)
visits = []
for n in range(IDEAS // 2):
    day = (now - timedelta(days=rng.randint(0, 729))).date()
    joined = n % 25 == 0
    visits.append(Visit(share=shares[n % len(shares)], day=day, visitor=f"{n:032x}",
                        member_id=members[(n // 25) % len(members)] if joined else None,
                        joined_at=now if joined else None, voted_at=now if n % 9 == 0 else None))
Visit.objects.bulk_create(visits, batch_size=BATCH)
print(json.dumps({"built_s": round(time.perf_counter() - started, 1), "ideas": Idea.objects.count(),
                  "votes": Vote.objects.count(), "comments": Comment.objects.count(),
                  "status_changes": StatusChange.objects.count(), "ledger": LedgerEntry.objects.count(),
                  "visits": Visit.objects.count()}))
"""

MEASURE = """
import statistics, time
from datetime import timedelta
from django.db import connection
from django.test import Client
from django.utils import timezone
from accounts.models import User
from community.insights import rollup
from ideas.models import Category, Idea
from voting.models import Vote

t = time.perf_counter(); rollup(full=True); full = time.perf_counter() - t

# A day's worth of new activity (what 15 minutes bring is less), then the worker's incremental run.
members = list(User.objects.filter(email__startswith="m").values_list("pk", flat=True)[:500])
leaf = Category.objects.filter(parent__isnull=False).first()
fresh = Idea.objects.bulk_create([Idea(author_id=members[n], category=leaf, title=f"Fresh idea {n}", body="b",
                                       body_html="<p>b</p>") for n in range(140)])
Vote.objects.bulk_create([Vote(idea_id=fresh[n % 140].pk, voter_id=members[n // 140 + 1], value=1)
                          for n in range(1400)])
t = time.perf_counter(); rollup(); incremental = time.perf_counter() - t

pat = User.objects.get(email="pat@example.com")
client = Client()
client.force_login(pat)

def measure(path):
    client.get(path, HTTP_HOST="127.0.0.1")
    queries = []
    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)
    with connection.execute_wrapper(count):
        response = client.get(path, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(LOADS):
        t = time.perf_counter()
        client.get(path, HTTP_HOST="127.0.0.1")
        times.append(time.perf_counter() - t)
    return {"p50_ms": round(statistics.median(times) * 1000, 1), "queries": len(queries)}

print(json.dumps({
    "rollup_full_s": round(full, 2),
    "rollup_incremental_s": round(incremental, 2),
    "page": measure("/insights/"),
    "page_category": measure("/insights/?category=area-1"),
    "page_two_years": measure("/insights/?from=" + (timezone.localdate() - timedelta(days=729)).isoformat()),
    "api": measure("/api/v1/insights/"),
    "chart_weekly": measure("/insights/weekly.svg"),
    "chart_contributors": measure("/insights/contributors.svg"),
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="idea-forum-bench-insights-")
    database_url, stop_database = bench_database(workdir, "insights", postgres=args.postgres)
    try:
        backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"Staff dashboard on {backend}, scale {args.scale}", flush=True)
        built = django_script(database_url, BUILD.replace("SCALE", repr(args.scale)))
        print("built:", ", ".join(f"{k} {v:,}" for k, v in built.items()), flush=True)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
                       env=server_env(database_url))  # fmt: skip
        figures = django_script(database_url, MEASURE.replace("LOADS", str(args.loads)))
        print(f"rollup, first full run: {figures['rollup_full_s']} s")
        print(f"rollup, incremental run after a day's activity: {figures['rollup_incremental_s']} s")
        for name in ("page", "page_category", "page_two_years", "api", "chart_weekly", "chart_contributors"):
            print(f"{name}: p50 {figures[name]['p50_ms']} ms, {figures[name]['queries']} queries")
    finally:
        if stop_database:
            stop_database()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
