"""Votes under load: 50 concurrent clients voting through the API against a real daphne server.

Prints votes per second beside the same clients calling a trivial endpoint of the same server
(GET /api/v1/me/), the ratio, and the votes lost or doubled (must be 0): every member's last
vote on every idea must be the one row in the vote table, and every idea's counts its rows.

Run: .venv/bin/python bench/votes.py [--clients 50] [--votes 40]   (SQLite in a temp dir, or
DATABASE_URL for PostgreSQL; everything on 127.0.0.1)
"""

import argparse
import http.client
import json
import os
import random
import tempfile
import threading
import time

from common import daphne_command, django_script, free_port, seed, server_env, start, stop, wait_for_port

IDEAS = 100


CHECK = """
from django.db.models import Count, Q
from ideas.models import Idea
from voting.models import Vote
from rest_framework.authtoken.models import Token
by_token = dict(Token.objects.values_list("user_id", "key"))
votes = [[by_token[v], i, value] for v, i, value in Vote.objects.values_list("voter_id", "idea_id", "value")]
wrong = 0
counted = Idea.objects.annotate(
    up=Count("votes", filter=Q(votes__value=1)), down=Count("votes", filter=Q(votes__value=-1))
)
for idea in counted:
    wrong += (idea.upvotes, idea.downvotes, idea.score) != (idea.up, idea.down, idea.up - idea.down)
print(json.dumps({"votes": votes, "ideas_with_wrong_counts": wrong}))
"""


def client(port: int, token: str, work: list, results: list, expected: dict) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    for method, path, body, key, value in work:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        results.append(response.status)
        if response.status == 200 and key is not None:
            expected[key] = value


def run(port: int, plans: dict) -> tuple[float, list[int], dict]:
    results: list[int] = []
    expected: dict = {}
    threads = [
        threading.Thread(target=client, args=(port, token, work, results, expected)) for token, work in plans.items()
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results, expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--votes", type=int, default=40, help="per client")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="idea-forum-votes-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/votes.sqlite3"
    setup = seed(database_url, ideas=IDEAS, members=args.clients)
    port = free_port()
    server = start(daphne_command(port), server_env(database_url))
    try:
        wait_for_port(port, server)
        rng = random.Random(7)
        vote_plans, trivial_plans = {}, {}
        for token in setup["tokens"]:
            work = []
            for _ in range(args.votes):
                idea = rng.choice(setup["ideas"])
                if rng.random() < 0.15:
                    work.append(("DELETE", f"/api/v1/ideas/{idea}/vote/", None, (token, idea), None))
                else:
                    value = rng.choice([1, 1, -1])
                    body = json.dumps({"value": value})
                    work.append(("PUT", f"/api/v1/ideas/{idea}/vote/", body, (token, idea), value))
            vote_plans[token] = work
            trivial_plans[token] = [("GET", "/api/v1/me/", None, None, None)] * args.votes
        vote_seconds, vote_statuses, expected = run(port, vote_plans)
        trivial_seconds, trivial_statuses, _ = run(port, trivial_plans)
    finally:
        stop(server)
    check = django_script(database_url, CHECK)

    stored = {(token, idea): value for token, idea, value in check["votes"]}
    wanted = {key: value for key, value in expected.items() if value is not None}
    lost = sum(1 for key, value in wanted.items() if stored.get(key) != value)
    doubled = sum(1 for key in stored if key not in wanted) + (len(check["votes"]) - len(stored))
    total = len(vote_statuses)
    vote_rate, trivial_rate = total / vote_seconds, len(trivial_statuses) / trivial_seconds
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(f"\nvotes: {args.clients} clients x {args.votes} requests on one daphne, {engine}")
    print(f"  vote requests     {total:>6}  {vote_rate:>8.0f} /s   non-200: {sum(s != 200 for s in vote_statuses)}")
    print(f"  GET /api/v1/me/   {len(trivial_statuses):>6}  {trivial_rate:>8.0f} /s")
    print(f"  ratio votes / trivial: {vote_rate / trivial_rate:.2f}")
    print(
        f"  lost votes: {lost}, doubled votes: {doubled}, ideas with wrong counts: {check['ideas_with_wrong_counts']}"
    )


if __name__ == "__main__":
    main()
