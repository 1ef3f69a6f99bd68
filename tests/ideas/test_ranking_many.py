"""The trending sums of many events at once (a merge's moved upvotes) agree with the one-by-one
formulas the votes use."""

from datetime import timedelta
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ideas import ranking

START = ranking.TRENDING_EPOCH + timedelta(days=600)


def spread(days: int):
    """Up to 40 events over `days` days, to the second."""
    return st.lists(st.integers(min_value=0, max_value=days * 24 * 3600), max_size=40).map(
        lambda seconds: [START + timedelta(seconds=s) for s in seconds]
    )


# Adding: over four weeks, weights from "now" to all but faded. Taking back: within the seven days
# trending looks at (what is left of older events after a removal is snapped to none, as one by one).
moments, recent = spread(28), spread(7)


def one_by_one(current: float, times) -> float:
    return reduce(ranking.trending_add, times, current)


@settings(max_examples=200, deadline=None)
@given(before=moments, added=moments)
def test_adding_many_at_once_is_adding_them_one_by_one(before, added):
    current = one_by_one(ranking.TRENDING_NONE, before)
    assert ranking.trending_add_all(current, added) == pytest.approx(one_by_one(current, added), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(kept=recent.filter(bool), taken=recent)
def test_removing_many_at_once_leaves_what_the_rest_add_up_to(kept, taken):
    current = one_by_one(ranking.TRENDING_NONE, kept + taken)
    rest = one_by_one(ranking.TRENDING_NONE, kept)
    assert ranking.trending_remove_all(current, taken) == pytest.approx(rest, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(kept=recent.filter(bool), taken=recent)
def test_removing_many_at_once_is_removing_them_one_by_one(kept, taken):
    current = one_by_one(ranking.TRENDING_NONE, kept + taken)
    expected = reduce(ranking.trending_remove, taken, current)
    assert ranking.trending_remove_all(current, taken) == pytest.approx(expected, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(events=moments.filter(bool))
def test_removing_everything_leaves_nothing(events):
    assert ranking.trending_remove_all(one_by_one(ranking.TRENDING_NONE, events), events) == ranking.TRENDING_NONE


def test_adding_nothing_changes_nothing():
    assert ranking.trending_add_all(123.25, []) == 123.25


def test_removing_nothing_changes_nothing():
    assert ranking.trending_remove_all(123.25, []) == 123.25


def test_a_weight_counts_as_that_many_events_at_once():
    at = [START + timedelta(hours=3)]
    assert ranking.trending_add_all(ranking.TRENDING_NONE, at, weight=2.0) == pytest.approx(one_by_one(0.0, at * 2))
