"""Leaderboards at scale: members with ledger lines over a year, then each board's query count and time.

Seeds 1,000 members with 10,000 lines, measures, then grows to 100,000 members with 1,000,000 lines and
measures again: the query count of each board (constant) and its time (p50/p95 of 15 runs) for this
week, this month, all time, a category's month and all time, and the viewer's own rank outside the top.

Run: .venv/bin/python bench/leaderboard.py [--members 1000 100000] [--lines-per-member 10]
(SQLite in a temp dir, or PostgreSQL when DATABASE_URL says so.)
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta

from common import django_on_a_throwaway_database, percentile

RUNS = 15


def seed(connection, start: int, total: int, per_member: int) -> None:
    """Members start..total, each with `per_member` lines spread over the last year, 80% on ideas of three
    categories (one a subcategory); a few members are staff or suspended, as on a real forum."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import Role, User
    from ideas.models import Category, Idea

    rng = random.Random(start)
    now = timezone.now()
    if not Category.objects.exists():
        product = Category.objects.create(name="Product", slug="product")
        Category.objects.create(name="Drinks", slug="drinks", parent=product)
        Category.objects.create(name="Stores", slug="stores")
        author = User.objects.create(email="author@example.com", password="!")
        categories = list(Category.objects.values_list("pk", flat=True))
        Idea.objects.bulk_create(
            Idea(title=f"Idea {n}", body="b", body_html="<p>b</p>", author=author, category_id=categories[n % 3])
            for n in range(10_000)
        )
    ideas = list(Idea.objects.values_list("pk", flat=True))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    batch = 5_000
    for first in range(start, total, batch):
        members = User.objects.bulk_create(
            User(
                email=f"m{n}@example.com",
                password="!",
                display_name=f"Member {n}",
                suspended_until=now + timedelta(days=3) if n % 500 == 7 else None,
            )
            for n in range(first, min(first + batch, total))
        )
        if connection.vendor != "postgresql":  # SQLite's bulk_create sets no ids
            members = list(User.objects.filter(email__in=[m.email for m in members]).order_by("pk"))
        staff = [member for member in members if member.pk % 1000 == 3]
        for member in staff:
            member.groups.add(Group.objects.get_or_create(name=Role.MODERATOR)[0])
        rows = []
        for member in members:
            for _ in range(per_member):
                at = now - timedelta(seconds=rng.randrange(0, 365 * 86400))
                idea = rng.choice(ideas) if rng.random() < 0.8 else None
                points = rng.choice([2, 2, 5, 10, 10, 10, -10, 25])
                rows.append((member.pk, points, "upvote_received", f"idea:{idea}", idea, at))
        with connection.cursor() as cursor:
            columns = "member_id, points, reason, target, idea_id, created_at"
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY community_ledgerentry ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO community_ledgerentry ({columns}) VALUES (%s,%s,%s,%s,%s,%s)", rows)
        print(f"\r  seeded {min(first + batch, total):>7,} members", end="", file=sys.stderr)
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(connection) -> dict:
    """Each board's queries and time; the viewer is the member with the fewest positive points (far outside
    the top), so their rank costs its two extra queries."""
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from community.models import LedgerEntry
    from community.selectors import leaderboard
    from ideas.models import Category

    product = Category.objects.get(slug="product")
    low = (
        LedgerEntry.objects.filter(member__suspended_until__isnull=True, member__groups__isnull=True)
        .values("member_id").annotate(total=Sum("points")).filter(total__gt=0).order_by("total")
        .values_list("member_id", flat=True)[:1]
    )  # fmt: skip
    viewer = User.objects.get(pk=low[0])
    boards = {
        "week": {"period": "week"},
        "month": {"period": "month"},
        "all": {"period": "all"},
        "category month": {"period": "month", "category": product},
        "category all": {"period": "all", "category": product},
        "all + own rank": {"period": "all", "viewer": viewer},
        "week + own rank": {"period": "week", "viewer": viewer},
    }
    results = {}
    for name, arguments in boards.items():
        leaderboard(**arguments)  # warm the caches
        runs = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                board = leaderboard(**arguments)
                runs.append((time.perf_counter() - started) * 1000)
        assert board.rows, name
        results[name] = {"queries": len(queries), "p50": percentile(runs, 0.5), "p95": percentile(runs, 0.95)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--lines-per-member", type=int, default=10)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        django_on_a_throwaway_database()
    else:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        import django

        django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    seeded, results = 0, {}
    for size in sorted(args.members):
        started = time.perf_counter()
        seed(connection, seeded, size, args.lines_per_member)
        print(f"  {size:,} members, {size * args.lines_per_member:,} lines in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)  # fmt: skip
        seeded = size
        results[size] = measure(connection)
    print(f"\nleaderboards on {connection.vendor}: queries and ms (p50 / p95 of {RUNS} runs)")
    print(f"{'board':<18}" + "".join(f"{f'{n:,} members':>28}" for n in results))
    for name in next(iter(results.values())):
        cells = "".join(
            f"{r[name]['queries']:>6} q {r[name]['p50']:>8.1f} / {r[name]['p95']:>8.1f}" for r in results.values()
        )
        print(f"{name:<18}{cells}")


if __name__ == "__main__":
    main()
