"""200 concurrent votes from 100 members against a live daphne server: no 5xx, counts exact."""

import random
from concurrent.futures import ThreadPoolExecutor

from django.db.models import Count, Q
from rest_framework.authtoken.models import Token

from ideas.models import Idea
from tests.factories import IdeaFactory, UserFactory
from tests.net import request
from voting.models import Vote


def test_concurrent_votes_keep_every_count_equal_to_the_vote_rows(live_url, drinks):
    author = UserFactory()
    ideas = [IdeaFactory(author=author, category=drinks) for _ in range(5)]
    members = [UserFactory() for _ in range(100)]
    tokens = [Token.objects.create(user=member).key for member in members]
    rng = random.Random(42)
    # Each member votes twice: often the same idea twice (a change), sometimes a withdrawal.
    plan = []
    for token in tokens:
        idea = rng.choice(ideas)
        plan.append((idea.pk, token, "PUT", {"value": rng.choice([1, -1])}))
        second = rng.random()
        if second < 0.4:
            plan.append((idea.pk, token, "PUT", {"value": rng.choice([1, -1])}))
        elif second < 0.55:
            plan.append((idea.pk, token, "DELETE", None))
        else:
            plan.append((rng.choice(ideas).pk, token, "PUT", {"value": rng.choice([1, -1])}))
    rng.shuffle(plan)
    assert len(plan) == 200

    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(lambda p: request(f"{live_url}/api/v1/ideas/{p[0]}/vote/", p[2], p[1], p[3]), plan))

    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(200) == 200
    for idea in Idea.objects.filter(pk__in=[i.pk for i in ideas]):
        rows = Vote.objects.filter(idea=idea).aggregate(
            up=Count("pk", filter=Q(value=1)), down=Count("pk", filter=Q(value=-1))
        )
        assert (idea.upvotes, idea.downvotes, idea.score) == (rows["up"], rows["down"], rows["up"] - rows["down"])
    assert Vote.objects.values("voter", "idea").distinct().count() == Vote.objects.count()
