"""The early warning's hourly job on synthetic histories: spikes raise one alert, steady traffic and a quiet
idea's first flags raise none, series without events decay, missed hours are caught up."""

import random

import pytest
from django.conf import settings

from discussion.models import Comment
from moderation.models import Alert, AlertScope, Baseline, Series
from moderation.warning import early_warning
from tests.factories import IdeaFactory
from tests.moderation.history import (
    HOUR,
    START,
    comments,
    downvotes,
    flags,
    members,
    poisson,
    run,
    warmed_up,
)

pytestmark = pytest.mark.django_db


def spike(series: str, idea, hour, count: int) -> None:
    """`count` events of the series on the idea within the hour (flags on the idea and on a comment of it)."""
    if series == Series.DOWNVOTES:
        downvotes(idea, members(count), hour)
    elif series == Series.COMMENTS:
        comments(idea, members(1)[0], count, hour)
    else:
        comment = Comment.objects.create(idea=idea, author=members(1)[0], body="Spam", body_html="<p>Spam</p>")
        flags(idea, members(count - count // 2), hour)
        flags(comment, members(count // 2), hour)


def alerts() -> list[tuple]:
    return list(Alert.objects.order_by("id").values_list("scope", "idea_id", "series", "hour", "count"))


@pytest.mark.parametrize("series", Series.values)
def test_a_spike_on_an_idea_raises_an_alert_for_it(series, alices_idea):
    hour = warmed_up()
    count = settings.EARLY_WARNING_MIN_COUNT[AlertScope.IDEA][series] + 2  # below the site's minimum
    spike(series, alices_idea, hour, count)
    run(hour, 1)
    assert alerts() == [(AlertScope.IDEA, alices_idea.pk, series, hour, count)]


@pytest.mark.parametrize("series", Series.values)
def test_a_spike_across_the_site_raises_a_site_alert(series, drinks):
    hour = warmed_up()
    minimum = settings.EARLY_WARNING_MIN_COUNT[AlertScope.SITE][series]
    each = minimum // 10 + 1  # below each idea's own minimum, above the site's in all
    for idea in IdeaFactory.create_batch(10, category=drinks):
        spike(series, idea, hour, each)
    run(hour, 1)
    assert alerts() == [(AlertScope.SITE, None, series, hour, 10 * each)]


def test_a_spike_is_reported_with_its_baseline_and_factor(alices_idea):
    hour = warmed_up()
    downvotes(alices_idea, members(2), hour)
    downvotes(alices_idea, members(30), hour + HOUR)
    run(hour, 2)
    alert = Alert.objects.get()
    usual = settings.EARLY_WARNING_ALPHA * 2
    assert (alert.count, alert.mean, alert.factor) == (30, pytest.approx(usual), pytest.approx(30))
    assert alert.what_rose == "30 downvotes in an hour, against 0.2 an hour usually (30×)"


def test_steady_traffic_raises_no_alert(drinks):
    rng = random.Random(13)
    ideas = IdeaFactory.create_batch(3, category=drinks)
    voters = {idea.pk: iter(members(1200)) for idea in ideas}
    for n in range(49):  # 48 hours of ~20 downvotes an hour on each idea, then a normal hour
        hour = START + n * HOUR
        for idea in ideas:
            downvotes(idea, [next(voters[idea.pk]) for _ in range(poisson(rng, 20))], hour)
        run(hour, 1)
    assert alerts() == []
    assert Baseline.objects.get(idea=ideas[0], series=Series.DOWNVOTES).mean == pytest.approx(20, abs=4)


def test_a_quiet_ideas_first_flag_raises_no_alert(alices_idea):
    hour = warmed_up()
    flags(alices_idea, members(1), hour)
    run(hour, 1)
    assert alerts() == []


def test_a_quiet_ideas_first_two_flags_raise_no_alert(alices_idea):
    hour = warmed_up()
    flags(alices_idea, members(2), hour)
    run(hour, 1)
    assert alerts() == []


def test_nothing_alerts_while_the_site_warms_up(alices_idea):
    hour = warmed_up(settings.EARLY_WARNING_WARMUP_HOURS - 1)
    downvotes(alices_idea, members(40), hour)
    run(hour, 1)
    assert alerts() == []


def test_running_an_hour_twice_raises_nothing_new(alices_idea):
    hour = warmed_up()
    downvotes(alices_idea, members(12), hour)
    first = early_warning(due=hour + HOUR)
    again = early_warning(due=hour + HOUR)
    assert (len(first[0].alerts), again, Alert.objects.count()) == (1, [], 1)


def test_an_hours_count_is_folded_into_the_ideas_mean_and_variance(alices_idea):
    hour = warmed_up()
    downvotes(alices_idea, members(2), hour)
    run(hour, 1)
    before = Baseline.objects.get(idea=alices_idea, series=Series.DOWNVOTES)
    downvotes(alices_idea, members(5), hour + HOUR)
    run(hour + HOUR, 1)
    after = Baseline.objects.get(idea=alices_idea, series=Series.DOWNVOTES)
    alpha, diff = settings.EARLY_WARNING_ALPHA, 5 - before.mean
    assert after.mean == pytest.approx(before.mean + alpha * diff)
    assert after.variance == pytest.approx((1 - alpha) * (before.variance + alpha * diff**2))
    assert (after.hour, after.hours) == (hour + HOUR, before.hours + 1)


def test_a_series_without_events_decays_by_alpha(alices_idea):
    hour = warmed_up()
    downvotes(alices_idea, members(12), hour)
    run(hour, 1)
    before = Baseline.objects.get(idea=alices_idea, series=Series.DOWNVOTES)
    run(hour + HOUR, 1)
    after = Baseline.objects.get(idea=alices_idea, series=Series.DOWNVOTES)
    alpha = settings.EARLY_WARNING_ALPHA
    assert after.mean == pytest.approx(before.mean * (1 - alpha))
    assert after.variance == pytest.approx((1 - alpha) * (before.variance + alpha * before.mean**2))
    assert (after.hour, after.hours) == (hour + HOUR, before.hours + 1)


def test_a_baseline_that_decayed_to_nothing_is_forgotten(alices_idea):
    hour = warmed_up()
    comments(alices_idea, members(1)[0], 1, hour)
    run(hour, 48)
    assert not Baseline.objects.filter(idea=alices_idea).exists()


def test_missed_hours_are_caught_up_in_order(alices_idea):
    hour = warmed_up()
    downvotes(alices_idea, members(12), hour + HOUR)
    results = early_warning(due=hour + 3 * HOUR)  # the worker was away for the two hours before
    assert [result.hour for result in results] == [hour, hour + HOUR, hour + 2 * HOUR]
    assert alerts() == [(AlertScope.IDEA, alices_idea.pk, Series.DOWNVOTES, hour + HOUR, 12)]


def test_catching_up_goes_back_a_bounded_number_of_hours(db):
    hour = warmed_up()
    results = early_warning(due=hour + 100 * HOUR)
    assert len(results) == settings.EARLY_WARNING_CATCH_UP_HOURS
    assert results[-1].hour == hour + 99 * HOUR


def test_a_spike_on_a_deleted_idea_raises_no_alert(alices_idea):
    hour = warmed_up()
    downvotes(alices_idea, members(12), hour)
    type(alices_idea).objects.filter(pk=alices_idea.pk).update(deleted_at=hour)
    run(hour, 1)
    assert alerts() == []


def test_an_alert_is_announced_on_moderation_only(alices_idea, published):
    hour = warmed_up()
    downvotes(alices_idea, members(12), hour)
    with published() as events:
        run(hour, 1)
    [alert] = Alert.objects.all()
    assert events == [
        {
            "topic": "moderation",
            "event": "alert.raised",
            "data": {
                "id": alert.pk,
                "scope": "idea",
                "series": "downvotes",
                "hour": hour.isoformat(),
                "count": 12,
                "mean": 0.0,
                "factor": 12.0,
                "what": "12 downvotes in an hour, against 0.0 an hour usually (12×)",
                "idea": {"id": alices_idea.pk, "title": alices_idea.title, "url": f"/ideas/{alices_idea.pk}/"},
            },
        }
    ]
