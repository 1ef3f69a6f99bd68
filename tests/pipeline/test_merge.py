"""Merging a duplicate A into B, done exactly: A's votes move to B (a member who voted on both keeps B's
vote, B's author gets none), A's followers follow B (an explicit unfollow of B sticks), both ideas'
counts and sort keys are those of a recount, A closes, and the moved people are told."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from discussion.permissions import CommentsClosed
from ideas import ranking
from ideas.models import Follow, Idea, Status
from ideas.services import idea_follow, idea_unfollow
from notifications.models import Kind, Notification
from pipeline.models import StatusChange
from pipeline.services import MoveNotAllowed, idea_merge, idea_transition
from tests.factories import IdeaFactory, UserFactory, comment
from tests.notifications.notices import run_worker
from tests.pipeline.ideas import idea_in, votes
from voting.models import Vote
from voting.permissions import VotingClosed
from voting.services import vote_cast


@pytest.fixture
def bea(db):
    """The author of B, the idea A is merged into."""
    return UserFactory(display_name="Bea")


@pytest.fixture
def duplicate(alice, drinks):
    """A: Alice's idea, under review, that turns out to be a duplicate."""
    return idea_in(Status.UNDER_REVIEW, author=alice, category=drinks, title="Oat milk for free")


@pytest.fixture
def original(bea, drinks):
    """B: Bea's idea that A duplicates."""
    return idea_in(Status.REVIEWED, author=bea, category=drinks, title="Plant milks at no extra charge")


@pytest.fixture
def crowd(db, bea, duplicate, original):
    """Eight voters on A, half of them on B too (one of those down on B), one downvoter, and Bea on A."""
    members = {name: UserFactory(display_name=name) for name in ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8")}
    votes(duplicate, [members[n] for n in ("v1", "v2", "v3", "v4", "v5", "v6", "v7")], 1)
    votes(duplicate, [members["v8"], bea], -1)
    votes(original, [members[n] for n in ("v4", "v5", "v6")], 1)
    votes(original, [members["v7"]], -1)
    return members


def merge(pat, duplicate, original, note="The same wish: let us gather its support there."):
    return idea_merge(actor=pat, idea=duplicate, into=original.pk, note=note)


def recount(idea: Idea) -> dict:
    """The counts and sort keys the idea's votes and follows make, computed from scratch."""
    up_times = list(Vote.objects.filter(idea=idea, value=1).values_list("updated_at", flat=True))
    up, down = len(up_times), Vote.objects.filter(idea=idea, value=-1).count()
    return {
        "upvotes": up,
        "downvotes": down,
        "score": up - down,
        "hot": ranking.hot(up - down, idea.created_at),
        "wilson": ranking.wilson(up, down),
        "trending": pytest.approx(ranking.trending_add_all(ranking.TRENDING_NONE, up_times), abs=1e-9),
        "follower_count": Follow.objects.filter(idea=idea, following=True).count(),
    }


def stored(idea: Idea) -> dict:
    return Idea.objects.values("upvotes", "downvotes", "score", "hot", "wilson", "trending", "follower_count").get(
        pk=idea.pk
    )


def test_the_votes_move_and_a_member_who_voted_on_both_keeps_the_vote_on_b(pat, bea, crowd, duplicate, original):
    merge(pat, duplicate, original)
    on_b = dict(Vote.objects.filter(idea=original).values_list("voter__display_name", "value"))
    assert on_b == {"v1": 1, "v2": 1, "v3": 1, "v4": 1, "v5": 1, "v6": 1, "v7": -1, "v8": -1}
    assert not Vote.objects.filter(idea=duplicate).exists()


def test_the_merge_records_how_many_votes_and_followers_moved(pat, crowd, duplicate, original):
    change = merge(pat, duplicate, original)
    # v1, v2, v3 and v8 move; v4 to v7 keep B's vote; Bea gets none on her own idea.
    assert (change.moved_votes, change.to_status, change.merged_into) == (4, Status.MERGED, original)
    # v1, v2, v3, v8 and Bea (who follows A since her vote on it); v4 to v7 follow B already.
    assert change.moved_followers == 5


def test_both_ideas_counts_and_sort_keys_are_those_of_a_recount(pat, crowd, duplicate, original):
    merge(pat, duplicate, original)
    for idea in (duplicate, original):
        idea.refresh_from_db()
        assert stored(idea) == recount(idea)


def test_b_has_exactly_the_votes_it_should(pat, crowd, duplicate, original):
    merge(pat, duplicate, original)
    assert Idea.objects.values_list("upvotes", "downvotes", "score").get(pk=original.pk) == (6, 2, 4)
    assert Idea.objects.values_list("upvotes", "downvotes", "score", "trending").get(pk=duplicate.pk) == (
        0,
        0,
        0,
        ranking.TRENDING_NONE,
    )


def test_b_trends_as_if_the_moved_upvotes_had_been_cast_on_it(pat, crowd, duplicate, original):
    before = Idea.objects.get(pk=original.pk).trending
    arriving = [crowd[n] for n in ("v1", "v2", "v3")]
    times = list(Vote.objects.filter(idea=duplicate, voter__in=arriving).values_list("updated_at", flat=True))
    merge(pat, duplicate, original)
    assert Idea.objects.get(pk=original.pk).trending == pytest.approx(ranking.trending_add_all(before, times))


def test_a_followers_follow_b_but_an_explicit_unfollow_of_b_sticks(pat, alice, bob, mo, duplicate, original):
    idea_follow(actor=bob, idea=duplicate)
    idea_follow(actor=mo, idea=duplicate)
    idea_unfollow(actor=mo, idea=original)
    merge(pat, duplicate, original)
    following_b = set(Follow.objects.filter(idea=original, following=True).values_list("member", flat=True))
    assert following_b == {bob.pk}
    assert Follow.objects.get(idea=original, member=mo).following is False
    assert Idea.objects.get(pk=original.pk).follower_count == 1


def test_a_followers_still_follow_a(pat, bob, duplicate, original):
    idea_follow(actor=bob, idea=duplicate)
    merge(pat, duplicate, original)
    assert Follow.objects.get(idea=duplicate, member=bob).following is True
    assert Idea.objects.get(pk=duplicate.pk).follower_count == 1


def test_a_says_where_it_went_and_can_no_longer_be_voted_on(pat, bob, duplicate, original):
    merge(pat, duplicate, original)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, original)
    with pytest.raises(VotingClosed, match="merged"):
        vote_cast(actor=bob, idea_id=duplicate.pk, value=1)


def test_a_keeps_its_comments_but_takes_no_new_ones(pat, bob, duplicate, original):
    earlier = comment(bob, duplicate, "Before the merge")
    merge(pat, duplicate, original)
    with pytest.raises(CommentsClosed):
        comment(bob, duplicate, "After the merge")
    assert list(duplicate.comments.values_list("pk", flat=True)) == [earlier.pk]


def test_ideas_merged_into_a_before_now_point_at_b(pat, duplicate, original):
    older = idea_in(Status.NEW, title="Free oat milk please")
    idea_merge(actor=pat, idea=older, into=duplicate.pk, note="Same.")
    merge(pat, duplicate, original)
    assert Idea.objects.get(pk=older.pk).merged_into_id == original.pk


def refused_into(pat, duplicate, target_pk) -> str:
    with pytest.raises(ValidationError) as raised:
        idea_merge(actor=pat, idea=duplicate, into=target_pk, note="Same.")
    assert Idea.objects.get(pk=duplicate.pk).status == Status.UNDER_REVIEW
    assert not StatusChange.objects.filter(to_status=Status.MERGED, idea=duplicate).exists()
    return raised.value.message_dict["into"][0]


def test_an_idea_cannot_be_merged_into_itself(pat, duplicate):
    assert "itself" in refused_into(pat, duplicate, duplicate.pk)


def test_an_idea_cannot_be_merged_into_a_merged_idea(pat, duplicate):
    assert "merge into that one" in refused_into(pat, duplicate, idea_in(Status.MERGED).pk)


def test_an_idea_cannot_be_merged_into_a_declined_idea(pat, duplicate):
    assert "Not planned" in refused_into(pat, duplicate, idea_in(Status.DECLINED).pk)


def test_an_idea_cannot_be_merged_into_a_deleted_idea(pat, duplicate):
    gone = IdeaFactory(deleted_at=timezone.now())
    assert "no idea with that number" in refused_into(pat, duplicate, gone.pk)


def test_an_idea_cannot_be_merged_into_a_missing_idea(pat, duplicate):
    assert "no idea with that number" in refused_into(pat, duplicate, 987654)


def test_merging_b_back_into_a_after_a_went_into_b_is_refused(pat, duplicate, original):
    merge(pat, duplicate, original)
    with pytest.raises(ValidationError) as raised:
        idea_merge(actor=pat, idea=original, into=duplicate.pk, note="Back again.")
    assert "into" in raised.value.message_dict
    assert Idea.objects.get(pk=original.pk).status == Status.REVIEWED


@pytest.mark.parametrize("status", [Status.LAUNCHED, Status.DECLINED, Status.MERGED])
def test_only_an_open_idea_can_be_merged(pat, original, status):
    idea = idea_in(status)
    with pytest.raises(MoveNotAllowed, match="only an open idea"):
        idea_merge(actor=pat, idea=idea, into=original.pk, note="Same.")
    assert Idea.objects.get(pk=idea.pk).status == status


def test_merging_a_deleted_idea_finds_no_idea(pat, duplicate, original):
    Idea.objects.filter(pk=duplicate.pk).update(deleted_at=timezone.now())
    with pytest.raises(Idea.DoesNotExist):
        merge(pat, duplicate, original)


@pytest.mark.django_db(transaction=True)
def test_the_moved_voters_and_followers_are_told_where_it_went_but_not_the_actor(
    pat, alice, bob, bea, crowd, duplicate, original
):
    idea_follow(actor=bob, idea=duplicate)
    votes(duplicate, [pat])
    change = merge(pat, duplicate, original)
    run_worker()
    told = Notification.objects.filter(subject=f"status:{change.pk}")
    expected = {alice.pk, bob.pk, bea.pk, *(member.pk for member in crowd.values())}
    assert set(told.values_list("recipient_id", flat=True)) == expected
    assert told.count() == len(expected)
    assert {(n.kind, n.status, n.headline) for n in told} == {
        (Kind.STATUS_CHANGE, Status.MERGED, "“Oat milk for free” was merged into “Plant milks at no extra charge”")
    }


def test_a_merge_after_a_move_keeps_both_in_the_timeline_of_a(pat, duplicate, original):
    idea_transition(actor=pat, idea=duplicate, to=Status.REVIEWED)
    merge(pat, duplicate, original)
    assert list(StatusChange.objects.filter(idea=duplicate).order_by("pk").values_list("to_status", flat=True)) == [
        Status.REVIEWED,
        Status.MERGED,
    ]
