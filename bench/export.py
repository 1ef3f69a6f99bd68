"""Size and time of a member's data export (GET /api/v1/me/export/) with 1,000 ideas.

Run: .venv/bin/python bench/export.py [--ideas 1000]   (uses a throwaway SQLite database)
"""

import argparse
import time

from common import django_on_a_throwaway_database

django_on_a_throwaway_database()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import User  # noqa: E402
from demo.content import IDEAS, idea_body  # noqa: E402
from ideas.models import Category  # noqa: E402
from ideas.services import idea_submit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=1000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    member = User.objects.create_user(email="busy@example.com", password="x", display_name="Busy Member")
    category = Category.objects.create(name="Bench", slug="bench")
    with transaction.atomic():
        for n in range(args.ideas):
            _slug, title, tags, why, how = IDEAS[n % len(IDEAS)]
            idea_submit(actor=member, title=f"{title} ({n})", body=idea_body(why, how), category=category, tags=tags)
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.force_authenticate(member)
    client.get("/api/v1/me/export/")  # warm
    timings = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get("/api/v1/me/export/")
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    size = len(response.content)
    print(
        f"export of a member with {args.ideas} ideas: {size / 1024:.0f} KiB JSON, "
        f"best {min(timings) * 1000:.0f} ms, median {sorted(timings)[2] * 1000:.0f} ms, {len(queries)} queries"
    )


if __name__ == "__main__":
    main()
