"""Every move between the seven statuses, as PRODUCT section 4's table has them: the allowed ones move
the idea and record one status change, the others are refused, say where the idea may go, and change nothing."""

from itertools import product

import pytest

from ideas.models import Idea, Status
from pipeline.models import StatusChange
from pipeline.services import MovedMeanwhile, MoveNotAllowed, idea_reopen, idea_transition
from tests.pipeline.ideas import idea_in

S = Status
# PRODUCT section 4, written out: forward by one or more steps, back by one step, to Not planned from any
# open status, Not planned reopened to Under review; launched only steps back; merged is final.
TABLE = {
    S.NEW: {S.UNDER_REVIEW, S.REVIEWED, S.COMING_SOON, S.LAUNCHED, S.DECLINED},
    S.UNDER_REVIEW: {S.NEW, S.REVIEWED, S.COMING_SOON, S.LAUNCHED, S.DECLINED},
    S.REVIEWED: {S.UNDER_REVIEW, S.COMING_SOON, S.LAUNCHED, S.DECLINED},
    S.COMING_SOON: {S.REVIEWED, S.LAUNCHED, S.DECLINED},
    S.LAUNCHED: {S.COMING_SOON},
    S.DECLINED: {S.UNDER_REVIEW},
    S.MERGED: set(),
}
PAIRS = [(start, end) for start, end in product(S, S) if start != end]
ALLOWED = [pair for pair in PAIRS if pair[1] in TABLE[pair[0]]]
REFUSED = [pair for pair in PAIRS if pair[1] not in TABLE[pair[0]]]


def ids(pair) -> str:
    return f"{pair[0]}->{pair[1]}"


@pytest.mark.parametrize(("start", "end"), ALLOWED, ids=map(ids, ALLOWED))
def test_an_allowed_move_moves_the_idea_and_records_one_change(pat, start, end):
    idea = idea_in(start)
    change = idea_transition(actor=pat, idea=idea, to=end, note="Why, in public.")
    idea.refresh_from_db()
    assert idea.status == end
    assert list(StatusChange.objects.filter(idea=idea).values_list("from_status", "to_status", "actor")) == [
        (start, end, pat.pk)
    ]
    assert (change.note, idea.status_changed_at) == ("Why, in public.", change.created_at)


@pytest.mark.parametrize(("start", "end"), REFUSED, ids=map(ids, REFUSED))
def test_a_move_the_table_refuses_changes_nothing(pat, start, end):
    idea = idea_in(start)
    before = Idea.objects.values().get(pk=idea.pk)
    with pytest.raises(MoveNotAllowed):
        idea_transition(actor=pat, idea=idea, to=end, note="Why, in public.")
    assert Idea.objects.values().get(pk=idea.pk) == before
    assert not StatusChange.objects.exists()


NAMED = [pair for pair in REFUSED if pair[1] != S.MERGED and TABLE[pair[0]]]


@pytest.mark.parametrize(("start", "end"), NAMED, ids=map(ids, NAMED))
def test_a_refused_move_names_every_allowed_one_in_order(pat, start, end):
    with pytest.raises(MoveNotAllowed) as raised:
        idea_transition(actor=pat, idea=idea_in(start), to=end, note="Why.")
    named = raised.value.message.split(": it can move to ", 1)[1].rstrip(".").split(", ")
    order = [S.NEW, S.UNDER_REVIEW, S.REVIEWED, S.COMING_SOON, S.LAUNCHED, S.DECLINED]
    assert named == [str(s.label) for s in order if s in TABLE[start]]


def test_a_merged_idea_moves_no_further(pat):
    with pytest.raises(MoveNotAllowed, match="moves no further"):
        idea_transition(actor=pat, idea=idea_in(S.MERGED), to=S.UNDER_REVIEW)


@pytest.mark.parametrize("start", [*sorted(TABLE[S.NEW] - {S.DECLINED}), S.NEW])
def test_merged_is_not_a_transition_but_its_own_action(pat, start):
    idea = idea_in(start)
    with pytest.raises(MoveNotAllowed, match="merge"):
        idea_transition(actor=pat, idea=idea, to=S.MERGED, note="A duplicate.")
    assert Idea.objects.get(pk=idea.pk).status == start


def test_moving_an_idea_where_it_already_is_says_it_was_moved_meanwhile(pat):
    idea = idea_in(S.REVIEWED)
    with pytest.raises(MovedMeanwhile):
        idea_transition(actor=pat, idea=idea, to=S.REVIEWED)
    assert not StatusChange.objects.exists()


def test_moving_a_new_idea_to_new_says_where_it_may_go_as_nobody_moved_it(pat, alices_idea):
    with pytest.raises(MoveNotAllowed, match="can move to Under review"):
        idea_transition(actor=pat, idea=alices_idea, to=S.NEW)
    assert not StatusChange.objects.exists()


def test_reopening_a_declined_idea_puts_it_under_review(pat):
    idea = idea_in(S.DECLINED)
    change = idea_reopen(actor=pat, idea=idea, note="We look again.")
    assert (change.from_status, change.to_status) == (S.DECLINED, S.UNDER_REVIEW)
    assert Idea.objects.get(pk=idea.pk).status == S.UNDER_REVIEW


@pytest.mark.parametrize("start", [s for s in S if s != S.DECLINED])
def test_only_a_declined_idea_can_be_reopened(pat, start):
    idea = idea_in(start)
    with pytest.raises(MoveNotAllowed, match="Not planned"):
        idea_reopen(actor=pat, idea=idea)
    assert not StatusChange.objects.exists()
