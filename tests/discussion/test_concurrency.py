"""Concurrent comments, deletions and official marks against a live daphne server: no 5xx, counts exact."""

import random
from concurrent.futures import ThreadPoolExecutor

from rest_framework.authtoken.models import Token

from accounts.models import Role
from accounts.services import role_grant
from discussion.models import Comment
from ideas.models import Follow, Idea
from tests.factories import IdeaFactory, UserFactory, comment
from tests.net import request


def test_concurrent_comments_keep_counts_equal_to_the_rows(live_url, drinks):
    author = UserFactory()
    ideas = [IdeaFactory(author=author, category=drinks) for _ in range(2)]
    members = [UserFactory() for _ in range(30)]
    tokens = [Token.objects.create(user=member).key for member in members]
    rng = random.Random(7)
    plan = [(rng.choice(ideas).pk, token) for token in tokens for _ in range(3)]
    rng.shuffle(plan)

    def post(step):
        idea_id, token = step
        return request(f"{live_url}/api/v1/ideas/{idea_id}/comments/", "POST", token, {"body": "Yes please"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(post, plan))
    assert statuses.count(201) == len(plan), statuses

    # Each member deletes one of their comments while others still comment.
    mine = {token: Comment.objects.filter(author__auth_token__key=token).first().pk for token in tokens}

    def delete_or_post(index):
        token = tokens[index % len(tokens)]
        if index < len(tokens):
            return request(f"{live_url}/api/v1/comments/{mine[token]}/", "DELETE", token)
        return post((rng.choice(ideas).pk, token))

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(delete_or_post, range(2 * len(tokens))))
    assert all(status in (201, 204) for status in statuses), statuses

    for idea in Idea.objects.filter(pk__in=[i.pk for i in ideas]):
        live_comments = Comment.objects.filter(idea=idea, deleted_at__isnull=True).count()
        followers = Follow.objects.filter(idea=idea, following=True).count()
        assert (idea.comment_count, idea.follower_count) == (live_comments, followers)


def test_concurrent_official_marks_leave_exactly_one(live_url, drinks):
    idea = IdeaFactory(author=UserFactory(), category=drinks)
    pat = UserFactory()
    role_grant(actor=None, user=pat, role=Role.PRODUCT_TEAM)
    token = Token.objects.create(user=pat).key
    writer = UserFactory()
    comments = [comment(writer, idea, f"Answer {n}") for n in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(
            pool.map(lambda c: request(f"{live_url}/api/v1/comments/{c.pk}/official/", "POST", token), comments)
        )
    assert statuses == [200] * 10
    assert Comment.objects.filter(idea=idea, official_at__isnull=False).count() == 1
