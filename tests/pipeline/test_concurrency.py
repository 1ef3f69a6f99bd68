"""Two product-team members moving (or merging) the same ideas at the same moment, as threads against a
live daphne server: exactly one wins, the other is told why, and only one status change is written."""

import pytest
from rest_framework.authtoken.models import Token

from ideas.models import Idea, Status
from pipeline.models import StatusChange
from tests.factories import IdeaFactory
from tests.net import at_once


@pytest.fixture
def team(pat, quinn):
    """Pat and Quinn, both of the product team, with their API tokens."""
    return {member.public_name: Token.objects.create(user=member).key for member in (pat, quinn)}


@pytest.mark.parametrize(
    ("targets", "from_status"),
    [
        ((Status.REVIEWED, Status.REVIEWED), None),
        ((Status.REVIEWED, Status.REVIEWED), Status.NEW),
        ((Status.REVIEWED, Status.DECLINED), Status.NEW),
    ],
    ids=["same target", "same target seen as new", "different targets seen as new"],
)
def test_two_moves_of_one_idea_at_once_one_wins_the_other_is_a_conflict(live_url, drinks, team, targets, from_status):
    idea = IdeaFactory(category=drinks)
    posts = [
        (f"/api/v1/ideas/{idea.pk}/transition/", token, {"status": to, "note": "Why", "from_status": from_status})
        for token, to in zip(team.values(), targets, strict=True)
    ]
    answers = at_once(live_url, posts)
    assert sorted(status for status, _ in answers) == [200, 409], answers
    [winner] = [body for status, body in answers if status == 200]
    [loser] = [body for status, body in answers if status == 409]
    assert loser["code"] == "conflict"
    assert loser["detail"].startswith(f"{winner['actor']['name']} moved “{idea.title}”"), loser
    assert StatusChange.objects.filter(idea=idea).count() == 1
    assert Idea.objects.get(pk=idea.pk).status == winner["to_status"]


def test_two_merges_of_a_pair_into_each_other_at_once_leave_no_cycle(live_url, drinks, team):
    a, b = IdeaFactory(category=drinks), IdeaFactory(category=drinks)
    pat_token, priya_token = team.values()
    answers = at_once(
        live_url,
        [
            (f"/api/v1/ideas/{a.pk}/merge/", pat_token, {"into": b.pk, "note": "Duplicate"}),
            (f"/api/v1/ideas/{b.pk}/merge/", priya_token, {"into": a.pk, "note": "Duplicate"}),
        ],
    )
    assert sorted(status for status, _ in answers) == [200, 400], answers
    [refused] = [body for status, body in answers if status == 400]
    assert refused["fields"]["into"]
    merged = Idea.objects.filter(pk__in=[a.pk, b.pk], status=Status.MERGED)
    assert merged.count() == 1
    assert Idea.objects.get(pk=merged.get().merged_into_id).merged_into_id is None
    assert StatusChange.objects.count() == 1
