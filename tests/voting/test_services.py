"""Casting, changing and withdrawing votes; the rules; counts that always equal the vote rows."""

import math
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone

from accounts.services import account_delete
from ideas import ranking
from ideas.models import Idea, Status
from tests.factories import IdeaFactory, UserFactory
from voting.models import Vote
from voting.services import OwnIdea, VotingClosed, vote_cast, vote_withdraw


def assert_counts_match_votes(idea):
    idea.refresh_from_db()
    rows = Vote.objects.filter(idea=idea).aggregate(
        up=Count("pk", filter=Q(value=1)), down=Count("pk", filter=Q(value=-1))
    )
    assert (idea.upvotes, idea.downvotes, idea.score) == (rows["up"], rows["down"], rows["up"] - rows["down"])
    assert idea.hot == pytest.approx(ranking.hot(idea.score, idea.created_at))
    assert idea.wilson == pytest.approx(ranking.wilson(idea.upvotes, idea.downvotes))


def test_member_votes_up(bob, alices_idea):
    result = vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    assert result.my_vote == 1 and result.idea.upvotes == 1 and result.idea.score == 1
    assert_counts_match_votes(alices_idea)


def test_member_changes_the_vote_to_down(bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    result = vote_cast(actor=bob, idea_id=alices_idea.pk, value=-1)
    assert (result.idea.upvotes, result.idea.downvotes, result.idea.score) == (0, 1, -1)
    assert Vote.objects.get().value == -1
    assert_counts_match_votes(alices_idea)


def test_voting_the_same_way_twice_counts_once(bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    assert_counts_match_votes(alices_idea)
    assert alices_idea.upvotes == 1


def test_member_withdraws_the_vote(bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=-1)
    result = vote_withdraw(actor=bob, idea_id=alices_idea.pk)
    assert result.my_vote is None and not Vote.objects.exists()
    assert_counts_match_votes(alices_idea)
    assert alices_idea.score == 0


def test_withdrawing_no_vote_changes_nothing(bob, alices_idea):
    vote_withdraw(actor=bob, idea_id=alices_idea.pk)
    assert_counts_match_votes(alices_idea)


@pytest.mark.parametrize("value", [0, 2, -2, "1", None, 1.0000001])
def test_only_one_or_minus_one(bob, alices_idea, value):
    with pytest.raises(ValidationError):
        vote_cast(actor=bob, idea_id=alices_idea.pk, value=value)
    assert not Vote.objects.exists()


def test_member_cannot_vote_on_own_idea(alice, alices_idea):
    with pytest.raises(OwnIdea):
        vote_cast(actor=alice, idea_id=alices_idea.pk, value=1)
    assert_counts_match_votes(alices_idea)


@pytest.mark.parametrize("status", [Status.LAUNCHED, Status.DECLINED, Status.MERGED])
def test_votes_are_frozen_on_closed_ideas(bob, alices_idea, drinks, status):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    target = IdeaFactory(author=bob, category=drinks) if status == Status.MERGED else None
    Idea.objects.filter(pk=alices_idea.pk).update(status=status, merged_into=target)
    with pytest.raises(VotingClosed):
        vote_cast(actor=bob, idea_id=alices_idea.pk, value=-1)
    with pytest.raises(VotingClosed):
        vote_withdraw(actor=bob, idea_id=alices_idea.pk)
    assert Vote.objects.get().value == 1


def test_votes_stay_open_while_the_idea_is_in_review(bob, alices_idea):
    Idea.objects.filter(pk=alices_idea.pk).update(status=Status.UNDER_REVIEW)
    assert vote_cast(actor=bob, idea_id=alices_idea.pk, value=1).my_vote == 1


def test_deleted_or_missing_ideas_take_no_votes(bob, alices_idea):
    Idea.objects.filter(pk=alices_idea.pk).update(deleted_at=timezone.now())
    with pytest.raises(Idea.DoesNotExist):
        vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    with pytest.raises(Idea.DoesNotExist):
        vote_cast(actor=bob, idea_id=999999, value=1)


def test_many_members_many_changes_keep_counts_exact(alices_idea):
    members = [UserFactory() for _ in range(12)]
    for n, member in enumerate(members):
        vote_cast(actor=member, idea_id=alices_idea.pk, value=1 if n % 3 else -1)
    for member in members[::2]:
        vote_cast(actor=member, idea_id=alices_idea.pk, value=-1)
    for member in members[::5]:
        vote_withdraw(actor=member, idea_id=alices_idea.pk)
    assert_counts_match_votes(alices_idea)


def test_deleting_an_account_takes_its_votes_back(bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    account_delete(actor=bob, user=bob)
    assert_counts_match_votes(alices_idea)
    assert alices_idea.upvotes == 0


def test_upvotes_raise_trending_and_newer_ones_weigh_more(bob, drinks, alice):
    old, new = IdeaFactory(author=alice, category=drinks), IdeaFactory(author=alice, category=drinks)
    vote_cast(actor=bob, idea_id=old.pk, value=1)
    old.refresh_from_db()
    assert old.trending > 0
    later = ranking.trending_add(0.0, timezone.now() + timedelta(days=1))
    assert later > old.trending
    assert new.trending == 0


def test_taking_an_upvote_back_takes_its_trending_back(bob, mo, drinks, alice):
    idea = IdeaFactory(author=alice, category=drinks)
    vote_cast(actor=bob, idea_id=idea.pk, value=1)
    idea.refresh_from_db()
    one_upvote = idea.trending
    vote_cast(actor=mo, idea_id=idea.pk, value=1)
    idea.refresh_from_db()
    assert idea.trending > one_upvote
    vote_cast(actor=mo, idea_id=idea.pk, value=-1)  # up to down
    idea.refresh_from_db()
    assert idea.trending == pytest.approx(one_upvote, abs=1e-9)
    vote_withdraw(actor=bob, idea_id=idea.pk)
    idea.refresh_from_db()
    assert idea.trending == ranking.TRENDING_NONE
    vote_cast(actor=mo, idea_id=idea.pk, value=1)  # down to up counts as new activity
    idea.refresh_from_db()
    assert idea.trending == pytest.approx(one_upvote, abs=0.01)


def test_ranking_formulas():
    created = timezone.now()
    assert ranking.hot(0, created) == pytest.approx(created.timestamp() / 45000, abs=1e-6)
    assert ranking.hot(10, created) - ranking.hot(0, created) == pytest.approx(1, abs=1e-6)
    assert ranking.hot(-10, created) - ranking.hot(0, created) == pytest.approx(-1, abs=1e-6)
    assert ranking.wilson(0, 0) == 0
    assert ranking.wilson(1, 0) == pytest.approx(0.2065, abs=1e-4)
    assert ranking.wilson(100, 0) > ranking.wilson(10, 0) > ranking.wilson(1, 0)
    assert ranking.wilson(60, 40) < ranking.wilson(6, 0)
    one = ranking.trending_add(0.0, ranking.TRENDING_EPOCH)
    assert one == pytest.approx(1.0)  # two equal events at the epoch: log2(2)
    a_week_later = ranking.trending_add(-math.inf, ranking.TRENDING_EPOCH + timedelta(days=7))
    assert a_week_later == pytest.approx(7.0)
    now, yesterday = timezone.now(), timezone.now() - timedelta(days=1)
    both = ranking.trending_add(ranking.trending_add(0.0, yesterday), now)
    assert ranking.trending_remove(both, now) == pytest.approx(ranking.trending_add(0.0, yesterday), abs=1e-9)
    assert ranking.trending_remove(ranking.trending_add(0.0, now), now) == ranking.TRENDING_NONE
    # Added and removed a few milliseconds apart (votes from before the removal existed): nothing left.
    late = now + timedelta(milliseconds=3)
    assert ranking.trending_remove(ranking.trending_add(0.0, now), late) == ranking.TRENDING_NONE
    assert ranking.trending_remove(ranking.trending_add(0.0, late), now) == ranking.TRENDING_NONE
    # Nothing left to take from (a reset value) never overflows, even decades on.
    assert ranking.trending_remove(ranking.TRENDING_NONE, now + timedelta(days=365 * 30)) == ranking.TRENDING_NONE


def test_a_voter_cannot_be_deleted_around_the_account_deletion(bob, alices_idea):
    from django.db.models import ProtectedError

    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    with pytest.raises(ProtectedError):
        type(bob).objects.filter(pk=bob.pk).delete()
    assert_counts_match_votes(alices_idea)
