"""Ranking at scale: seed 10,000 and then 1,000,000 ideas with votes into SQLite and PostgreSQL,
time the first page and page 1,000 of each sort, and print the ratio 1M / 10k (goal: under 2).

Run: .venv/bin/python bench/ranking.py [--sizes 10000 1000000] [--databases sqlite postgres]
PostgreSQL: DATABASE_URL if it points at one, else a throwaway cluster of the machine's
PostgreSQL (as the postgres user when run as root) on 127.0.0.1, removed afterwards.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from common import ROOT, start_postgres

PAGE_SIZE = 10  # so that page 1,000 exists at 10,000 ideas (its last page)
SORTS = ["hot", "top", "new", "trending", "discussed"]


# ---------------------------------------------------------------- the parent: databases and table


def run_child(database_url: str, sizes: list[int]) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, sizes)], env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE
    )
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--child", type=int, nargs="*")
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child)

    results = {}
    for database in args.databases:
        workdir = tempfile.mkdtemp(prefix="idea-forum-ranking-")
        stop = None
        try:
            if database == "sqlite":
                url = f"sqlite:///{workdir}/ranking.sqlite3"
            elif os.environ.get("DATABASE_URL", "").startswith("postgres"):
                url = os.environ["DATABASE_URL"]
            else:
                url, stop = start_postgres(workdir)
            print(f"== {database}", file=sys.stderr)
            results[database] = run_child(url, args.sizes)
        finally:
            if stop:
                stop()
            shutil.rmtree(workdir, ignore_errors=True)

    small, large = min(args.sizes), max(args.sizes)
    print(f"\nranking: median ms of {PAGE_SIZE} ideas per page (with author, category, tags), 7 runs")
    print(f"{'database':<9} {'sort':<10} {'page':>5} " + " ".join(f"{n:>10,}" for n in args.sizes) + f" {'ratio':>6}")
    for database, timings in results.items():
        for sort in SORTS:
            for page in ("1", "1000"):
                row = [timings[str(n)][sort][page] for n in args.sizes]
                ratio = timings[str(large)][sort][page] / timings[str(small)][sort][page]
                cells = " ".join(f"{ms:>10.2f}" for ms in row)
                print(f"{database:<9} {sort:<10} {page:>5} {cells} {ratio:>6.2f}")
    for database, timings in results.items():
        print(
            f"{database}: seeded " + ", ".join(f"{n:,} ideas in {timings[str(n)]['seed_s']:.0f} s" for n in args.sizes)
        )


# ---------------------------------------------------------------- the child: seed, then time


def progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    print(f"\r  {label:<22} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,}", end="", file=sys.stderr)
    if done == total:
        print(file=sys.stderr)


def child(sizes: list[int]) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    results = {}
    seeded = 0
    for size in sorted(sizes):
        start = time.perf_counter()
        seed(connection, seeded, size)
        seeded = size
        results[str(size)] = {"seed_s": time.perf_counter() - start, **measure()}
    print(json.dumps(results))


def seed(connection, start: int, total: int) -> None:
    """Ideas start..total, each with 0 to 6 votes from 1,000 members; counts and sort keys set
    from those votes with the same formulas the services use."""
    from accounts.models import User
    from ideas import ranking
    from ideas.models import Category

    rng = random.Random(start)
    if not User.objects.exists():
        User.objects.bulk_create(User(email=f"m{n}@example.com", password="!") for n in range(1000))
        Category.objects.create(name="Bench", slug="bench")
    users = list(User.objects.values_list("pk", flat=True))
    category = Category.objects.get(slug="bench").pk
    now = datetime.now(UTC)
    vendor = connection.vendor
    if vendor == "sqlite":
        with connection.cursor() as cursor:  # a throwaway file: speed over durability while seeding
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
    idea_columns = (
        "title, body, body_html, category_id, author_id, status, upvotes, downvotes, score, comment_count, "
        "follower_count, hot, wilson, trending, created_at, updated_at"
    )
    batch = 20_000
    for first in range(start, total, batch):
        ideas, votes = [], []
        for n in range(first, min(first + batch, total)):
            created = now - timedelta(seconds=rng.randrange(0, 3 * 365 * 86400))
            voters = rng.sample(users, rng.choice([0, 0, 1, 1, 2, 3, 4, 6]))
            values = [1 if rng.random() < 0.7 else -1 for _ in voters]
            up, down = values.count(1), values.count(-1)
            trending = 0.0
            for value in values:
                if value == 1:
                    trending = ranking.trending_add(trending, created + timedelta(hours=rng.randrange(0, 48)))
            ideas.append((
                f"Benchmark idea {n}", "b", "<p>b</p>", category, rng.choice(users), "new", up, down, up - down,
                rng.choice([0, 0, 0, 1, 2, 5]), 0, ranking.hot(up - down, created), ranking.wilson(up, down),
                trending, created, created,
            ))  # fmt: skip
            votes.append((n, voters, values))
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                with cursor.cursor.copy(f"COPY ideas_idea ({idea_columns}) FROM STDIN") as copy:
                    for row in ideas:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * 16)
                cursor.executemany(f"INSERT INTO ideas_idea ({idea_columns}) VALUES ({marks})", ideas)
            cursor.execute("SELECT id FROM ideas_idea ORDER BY id DESC LIMIT %s", [len(ideas)])
            ids = sorted(row[0] for row in cursor.fetchall())
            rows = [
                (idea_id, voter, value, now, now)
                for idea_id, (_n, voters, values) in zip(ids, votes, strict=True)
                for voter, value in zip(voters, values, strict=True)
            ]
            vote_columns = "idea_id, voter_id, value, created_at, updated_at"
            if vendor == "postgresql":
                with cursor.cursor.copy(f"COPY voting_vote ({vote_columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO voting_vote ({vote_columns}) VALUES (%s, %s, %s, %s, %s)", rows)
        progress(f"ideas to {total:,}", min(first + batch, total), total)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure() -> dict:
    from core.paging import encode_cursor
    from ideas.selectors import SORTS as FIELDS
    from ideas.selectors import ListParams, idea_list, idea_page

    timings = {}
    for sort in SORTS:
        field = FIELDS[sort].field
        ordered = idea_list().order_by(f"-{field}", "-id").values_list(field, "id")
        value, pk = ordered[999 * PAGE_SIZE - 1]  # the last idea of page 999: its cursor opens page 1,000
        cursors = {"1": None, "1000": encode_cursor(value, pk)}
        timings[sort] = {}
        for page, cursor in cursors.items():
            runs = []
            for _ in range(7):
                started = time.perf_counter()
                result = idea_page(idea_list(), ListParams(sort, cursor, PAGE_SIZE))
                assert len(result.rows) == PAGE_SIZE
                runs.append((time.perf_counter() - started) * 1000)
            timings[sort][page] = statistics.median(runs)
    return timings


if __name__ == "__main__":
    main()
