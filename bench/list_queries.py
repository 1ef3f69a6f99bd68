"""Print the SQL queries and time of the idea list page and endpoint at 5, 50 and 500 ideas.

Run: .venv/bin/python bench/list_queries.py   (uses a throwaway SQLite database)
"""

import time

from common import django_on_a_throwaway_database

django_on_a_throwaway_database()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from ideas.models import Category  # noqa: E402
from ideas.services import idea_submit  # noqa: E402


def measure(client: Client, path: str) -> tuple[int, float]:
    client.get(path)  # warm
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return len(queries), elapsed * 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    author = User.objects.create_user(email="bench@example.com", password="x")
    category = Category.objects.create(name="Bench", slug="bench")
    client = Client(HTTP_HOST="127.0.0.1")
    made = 0
    print(f"{'ideas':>6} {'page queries':>13} {'page ms':>8} {'API queries':>12} {'API ms':>7}")
    for total in (5, 50, 500):
        while made < total:
            idea_submit(
                actor=author,
                title=f"Benchmark idea {made}",
                body="Some **Markdown** body",
                category=category,
                tags=["a", "b"],
            )
            made += 1
        page = measure(client, "/")
        api = measure(client, "/api/v1/ideas/?page_size=50")
        print(f"{total:>6} {page[0]:>13} {page[1]:>8.1f} {api[0]:>12} {api[1]:>7.1f}")


if __name__ == "__main__":
    main()
