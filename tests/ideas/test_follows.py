"""Following ideas: automatically on submit, vote and comment, with the button, and an unfollow that sticks."""

import pytest

from accounts.services import account_delete
from core.errors import NotSignedIn
from ideas.models import Follow, Idea
from ideas.selectors import follower_ids, follows_export, is_following
from ideas.services import follow_auto, idea_delete, idea_follow, idea_submit, idea_unfollow
from tests.factories import UserFactory, comment
from voting.services import vote_cast, vote_withdraw


def follower_count(idea) -> int:
    idea.refresh_from_db()
    return idea.follower_count


def test_the_author_follows_the_idea_they_submit(alice, drinks):
    idea = idea_submit(actor=alice, title="Oat milk at no extra charge", body="Please", category=drinks)
    assert is_following(member=alice, idea=idea) and follower_count(idea) == 1


def test_a_voter_follows_the_idea(bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=-1)
    assert is_following(member=bob, idea=alices_idea) and follower_count(alices_idea) == 1


def test_withdrawing_a_vote_keeps_the_follow(bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    vote_withdraw(actor=bob, idea_id=alices_idea.pk)
    assert is_following(member=bob, idea=alices_idea)


def test_a_commenter_follows_the_idea(bob, alices_idea):
    comment(bob, alices_idea)
    comment(bob, alices_idea, "Again")
    assert is_following(member=bob, idea=alices_idea) and follower_count(alices_idea) == 1


def test_an_explicit_unfollow_sticks_through_votes_and_comments(bob, alices_idea):
    idea_unfollow(actor=bob, idea=alices_idea)
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    comment(bob, alices_idea)
    assert not is_following(member=bob, idea=alices_idea) and follower_count(alices_idea) == 0


def test_following_again_after_an_unfollow(bob, alices_idea):
    comment(bob, alices_idea)
    assert idea_unfollow(actor=bob, idea=alices_idea) is True
    assert follower_count(alices_idea) == 0
    assert idea_follow(actor=bob, idea=alices_idea) is True
    assert is_following(member=bob, idea=alices_idea) and follower_count(alices_idea) == 1


def test_following_twice_changes_nothing(bob, alices_idea):
    assert idea_follow(actor=bob, idea=alices_idea) is True
    assert idea_follow(actor=bob, idea=alices_idea) is False
    assert follower_count(alices_idea) == 1 and Follow.objects.count() == 1


def test_follow_auto_is_idempotent(bob, alices_idea):
    assert follow_auto(member=bob, idea=alices_idea) is True
    assert follow_auto(member=bob, idea=alices_idea) is False
    assert follower_count(alices_idea) == 1


def test_a_visitor_cannot_follow(visitor, alices_idea):
    with pytest.raises(NotSignedIn):
        idea_follow(actor=visitor, idea=alices_idea)
    assert not Follow.objects.exists()


def test_following_a_deleted_idea_is_not_found(alice, bob, alices_idea):
    idea_delete(idea=alices_idea, actor=alice)
    with pytest.raises(Idea.DoesNotExist):
        idea_follow(actor=bob, idea=alices_idea)


def test_follower_ids_are_the_active_followers(alice, bob, mo, alices_idea):
    gone = UserFactory(is_active=False)
    for member in (bob, mo, gone):
        idea_follow(actor=member, idea=alices_idea)
    idea_unfollow(actor=mo, idea=alices_idea)
    idea_unfollow(actor=alice, idea=alices_idea)
    assert set(follower_ids(idea_id=alices_idea.pk)) == {bob.pk}


def test_the_export_holds_follows_and_unfollows(bob, alices_idea, drinks):
    other = idea_submit(actor=bob, title="Quiet corners please", body="Please", category=drinks)
    idea_unfollow(actor=bob, idea=alices_idea)
    assert [(f["idea"], f["idea_title"], f["following"]) for f in follows_export(bob)] == [
        (other.pk, "Quiet corners please", True),
        (alices_idea.pk, "Oat milk at no extra charge", False),
    ]


def test_deleting_an_account_takes_its_follows_off_the_counts(alice, bob, mo, alices_idea):
    idea_follow(actor=bob, idea=alices_idea)
    idea_follow(actor=mo, idea=alices_idea)
    account_delete(actor=bob, user=bob)
    assert follower_count(alices_idea) == 1 and Follow.objects.count() == 1


def test_put_follows_and_delete_unfollows(api_as, bob, alices_idea):
    client = api_as(bob)
    url = f"/api/v1/ideas/{alices_idea.pk}/follow/"
    assert client.put(url).json() == {"following": True, "follower_count": 1}
    assert client.delete(url).json() == {"following": False, "follower_count": 0}
    assert client.delete(url).json() == {"following": False, "follower_count": 0}


def test_a_visitor_is_asked_to_sign_in_to_follow(api, alices_idea):
    assert api.put(f"/api/v1/ideas/{alices_idea.pk}/follow/").status_code == 401


def test_following_an_unknown_or_deleted_idea_is_not_found(api_as, alice, bob, alices_idea):
    assert api_as(bob).put("/api/v1/ideas/999999/follow/").status_code == 404
    idea_delete(idea=alices_idea, actor=alice)
    assert api_as(bob).put(f"/api/v1/ideas/{alices_idea.pk}/follow/").status_code == 404
    assert api_as(bob).delete(f"/api/v1/ideas/{alices_idea.pk}/follow/").status_code == 404
