"""Every points rule, its reversal, and the ledger's one truth: a total is the sum of its lines."""

import pytest
from django.conf import settings

from community.models import LedgerEntry, Reason
from community.selectors import points_of, points_total
from discussion.services import comment_delete, comment_mark_official, comment_post
from ideas.services import idea_delete, idea_submit
from moderation.models import ActionKind
from moderation.services import appeal_create
from pipeline.services import idea_merge, idea_transition
from tests.factories import IdeaFactory, UserFactory
from tests.moderation.helpers import decide, flag, hide_by_members
from voting.services import vote_cast, vote_toggle, vote_withdraw, votes_withdraw_all

pytestmark = pytest.mark.django_db


def lines(member) -> list[tuple[str, int]]:
    return list(LedgerEntry.objects.filter(member=member).order_by("pk").values_list("reason", "points"))


def test_submitting_an_idea_earns_its_points(alice, drinks):
    idea = idea_submit(actor=alice, title="Oat milk for everyone", body="Please.", category=drinks)
    line = LedgerEntry.objects.get(member=alice)
    assert (line.reason, line.points, line.target, line.idea) == (Reason.IDEA_SUBMITTED, 5, f"idea:{idea.pk}", idea)
    assert points_total(alice) == 5


def test_an_upvote_earns_the_author_ten_and_its_withdrawal_takes_them_back(alice, bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    assert lines(alice) == [(Reason.UPVOTE_RECEIVED, 10)]
    assert LedgerEntry.objects.get(member=alice).by == bob
    vote_withdraw(actor=bob, idea_id=alices_idea.pk)
    assert lines(alice) == [(Reason.UPVOTE_RECEIVED, 10), (Reason.UPVOTE_WITHDRAWN, -10)]
    assert points_total(alice) == 0
    assert points_total(bob) == 0  # one's own votes earn nothing


def test_turning_an_upvote_down_takes_it_back_and_a_downvote_earns_nothing(alice, bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=-1)
    assert lines(alice) == []
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=-1)
    assert points_total(alice) == 0
    vote_toggle(actor=bob, idea_id=alices_idea.pk, value=1)
    vote_toggle(actor=bob, idea_id=alices_idea.pk, value=1)  # pressed again: withdrawn
    assert points_total(alice) == 0


def test_a_voter_whose_account_goes_takes_their_upvotes_points_with_them(alice, bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    votes_withdraw_all(member=bob)
    assert points_total(alice) == 0


def test_a_comment_earns_its_author_points_and_deleting_it_takes_them_back(alice, bob, alices_idea):
    comment = comment_post(actor=bob, idea=alices_idea, body="Yes please")
    assert lines(bob) == [(Reason.COMMENT_POSTED, 2)]
    comment_delete(actor=bob, comment=comment)
    assert lines(bob) == [(Reason.COMMENT_POSTED, 2), (Reason.CONTENT_REMOVED, -2)]


def test_an_official_response_rewards_the_ideas_author_once(alice, pat, alices_idea):
    first = comment_post(actor=pat, idea=alices_idea, body="We are looking at it.")
    comment_mark_official(actor=pat, comment=first)
    second = comment_post(actor=pat, idea=alices_idea, body="Update: it is planned.")
    comment_mark_official(actor=pat, comment=second)
    assert lines(alice).count((Reason.OFFICIAL_RESPONSE, 15)) == 1


def test_the_pipeline_rewards_each_step_once_and_launch_most(alice, pat, alices_idea):
    for to in ["under_review", "reviewed", "coming_soon", "launched"]:
        idea_transition(actor=pat, idea=alices_idea, to=to, note="Moving on.")
    assert lines(alice) == [
        (Reason.IDEA_REVIEWED, 25),
        (Reason.IDEA_COMING_SOON, 50),
        (Reason.IDEA_LAUNCHED, 200),
    ]
    assert max(settings.POINTS.values()) == settings.POINTS["idea_launched"]


def test_a_step_reached_again_is_not_rewarded_again(alice, pat, alices_idea):
    idea_transition(actor=pat, idea=alices_idea, to="reviewed", note="Looked at.")
    idea_transition(actor=pat, idea=alices_idea, to="declined", note="Not now.")
    idea_transition(actor=pat, idea=alices_idea, to="under_review", note="Again.")
    idea_transition(actor=pat, idea=alices_idea, to="reviewed", note="Looked at again.")
    assert lines(alice) == [(Reason.IDEA_REVIEWED, 25)]


def test_moderation_takes_back_all_an_idea_earned_and_an_overturn_gives_it_back(alice, bob, mo, drinks):
    idea = idea_submit(actor=alice, title="Buy cheap watches here", body="Spam.", category=drinks)
    vote_cast(actor=bob, idea_id=idea.pk, value=1)
    case = hide_by_members(idea)
    assert points_total(alice) == 15  # hidden pending review: nothing is taken yet
    decide(mo, case, ActionKind.HIDE)
    assert lines(alice)[-1] == (Reason.CONTENT_REMOVED, -15)
    assert points_total(alice) == 0


def test_an_upheld_flag_rewards_each_flagger_and_a_dismissed_one_nothing(alice, bob, mo, alices_idea):
    carol = UserFactory()
    flag(bob, alices_idea)
    flag(carol, alices_idea)
    case = flag(mo, alices_idea).case
    decide(mo, case, ActionKind.HIDE)
    assert lines(bob) == [(Reason.FLAG_UPHELD, 5)]
    assert lines(carol) == [(Reason.FLAG_UPHELD, 5)]
    other = IdeaFactory(author=alice)
    dismissed = flag(bob, other).case
    decide(mo, dismissed, ActionKind.DISMISS)
    assert lines(bob) == [(Reason.FLAG_UPHELD, 5)]


def test_a_merge_moves_no_points_and_a_moved_upvote_taken_back_takes_nothing(alice, bob, pat, drinks):
    source = IdeaFactory(author=alice, category=drinks)
    dave = UserFactory()
    target = IdeaFactory(author=dave, category=drinks)
    vote_cast(actor=bob, idea_id=source.pk, value=1)
    idea_merge(actor=pat, idea=source, into=target.pk, note="Same idea.")
    vote_withdraw(actor=bob, idea_id=target.pk)
    assert points_total(alice) == 10
    assert points_total(dave) == 0


def test_an_author_deleting_an_upvoted_idea_loses_what_it_earned(alice, bob, drinks):
    idea = idea_submit(actor=alice, title="Oat milk for everyone", body="Please.", category=drinks)
    vote_cast(actor=bob, idea_id=idea.pk, value=1)
    idea_delete(actor=alice, idea=idea)
    assert points_total(alice) == 0


def test_points_of_many_members_in_one_query(alice, bob, alices_idea, django_assert_num_queries):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    with django_assert_num_queries(1):
        assert points_of([alice.pk, bob.pk]) == {alice.pk: 10, bob.pk: 0}


def test_an_idea_hidden_by_a_moderator_earns_no_steps_and_keeps_none_once_deleted(alice, pat, mo, alices_idea):
    decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    for to in ["under_review", "reviewed", "coming_soon", "launched"]:
        idea_transition(actor=pat, idea=alices_idea, to=to, note="Moving on.")
    assert points_total(alice) == 0
    alices_idea.refresh_from_db()
    idea_delete(actor=alice, idea=alices_idea)
    assert points_total(alice) == 0


def test_an_idea_shown_again_earns_the_steps_it_reached_while_hidden(alice, pat, mo, mia, alices_idea):
    hid = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    idea_transition(actor=pat, idea=alices_idea, to="reviewed", note="Looked at.")
    decide(mia, appeal_create(actor=alice, action=hid, text="It was a quote.").case, ActionKind.OVERTURN)
    assert lines(alice) == [(Reason.IDEA_REVIEWED, 25)]


def test_an_overturned_decision_takes_back_its_flaggers_points(alice, bob, mo, mia, alices_idea):
    flag(bob, alices_idea)
    hid = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    assert points_total(bob) == 5
    decide(mia, appeal_create(actor=alice, action=hid, text="It was a quote.").case, ActionKind.OVERTURN)
    assert lines(bob) == [(Reason.FLAG_UPHELD, 5), (Reason.FLAG_OVERTURNED, -5)]
