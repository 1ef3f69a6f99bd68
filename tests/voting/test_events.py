"""What the vote services announce live: `vote.changed` with the counts, on the idea and on all ideas."""

import pytest

from voting.services import OwnIdea, vote_cast, vote_toggle, vote_withdraw


def _counts(idea_id, up, down):
    return {"id": idea_id, "upvotes": up, "downvotes": down, "score": up - down}


def test_a_vote_announces_vote_changed_on_the_idea_and_on_all_ideas(published, bob, alices_idea):
    with published() as events:
        vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    data = _counts(alices_idea.pk, 1, 0)
    assert events == [
        {"topic": f"idea:{alices_idea.pk}", "event": "vote.changed", "data": data},
        {"topic": "ideas", "event": "vote.changed", "data": data},
    ]


def test_changing_and_withdrawing_announce_the_new_counts(published, bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    with published() as events:
        vote_cast(actor=bob, idea_id=alices_idea.pk, value=-1)
        vote_withdraw(actor=bob, idea_id=alices_idea.pk)
    assert [e["data"] for e in events if e["topic"] == "ideas"] == [
        _counts(alices_idea.pk, 0, 1),
        _counts(alices_idea.pk, 0, 0),
    ]


def test_a_vote_that_changes_nothing_announces_nothing(published, bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    with published() as events:
        vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
        vote_withdraw(actor=bob, idea_id=alices_idea.pk)
        vote_withdraw(actor=bob, idea_id=alices_idea.pk)
    assert [e["data"]["upvotes"] for e in events] == [0, 0]


def test_toggling_announces_each_press(published, bob, alices_idea):
    with published() as events:
        vote_toggle(actor=bob, idea_id=alices_idea.pk, value=-1)
        vote_toggle(actor=bob, idea_id=alices_idea.pk, value=-1)
    assert [e["data"]["downvotes"] for e in events if e["topic"] == "ideas"] == [1, 0]


def test_a_refused_vote_announces_nothing(published, alice, alices_idea):
    with published() as events, pytest.raises(OwnIdea):
        vote_cast(actor=alice, idea_id=alices_idea.pk, value=1)
    assert events == []


def test_vote_events_never_name_the_voter(published, bob, alices_idea):
    with published() as events:
        vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    assert all(set(e["data"]) == {"id", "upvotes", "downvotes", "score"} for e in events)


def test_deleting_a_voters_account_announces_the_counts_without_their_vote(published, bob, alices_idea):
    from accounts.services import account_delete

    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    with published() as events:
        account_delete(actor=bob, user=bob)
    assert events == [
        {"topic": f"idea:{alices_idea.pk}", "event": "vote.changed", "data": _counts(alices_idea.pk, 0, 0)},
        {"topic": "ideas", "event": "vote.changed", "data": _counts(alices_idea.pk, 0, 0)},
    ]


def test_deleting_a_voters_account_says_nothing_of_deleted_ideas(published, alice, bob, alices_idea):
    from accounts.services import account_delete
    from ideas.services import idea_delete

    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    idea_delete(idea=alices_idea, actor=alice)
    with published() as events:
        account_delete(actor=bob, user=bob)
    assert events == []
