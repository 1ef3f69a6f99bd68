"""The staff dashboard's figures on a small known history: the rollup's buckets and the selectors."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from community import insights
from community.models import DayFigures, PipelineFigures, QuarterLaunched, RollupRun, StatusDays, WeekActive
from community.selectors import points_total
from core import schedule
from core.models import ScheduledRun
from ideas.models import Status
from ideas.selectors import BadListParameter
from ideas.services import idea_edit
from tests.community import dashboard_history
from tests.community.dashboard_history import at, days_ago, moved, submitted


@pytest.fixture
def history(alice, bob, pat, drinks):
    return dashboard_history.history(alice, bob, pat, drinks)


def figures(**params):
    return insights.read_filters(params)


def test_the_funnel_counts_the_ideas_that_reached_each_step(rolled):
    assert insights.funnel(figures()).rows == [
        ["New", 3, ""],
        ["Under review", 2, "67%"],
        ["Reviewed", 1, "50%"],
        ["Coming soon", 1, "100%"],
        ["Launched", 1, "100%"],
    ]


def test_ideas_per_status_are_their_statuses_now(rolled):
    counts = dict(insights.per_status(figures()).rows)
    assert (counts["New"], counts["Under review"], counts["Launched"], counts["Reviewed"]) == (1, 1, 1, 0)


def test_median_days_are_the_whole_days_spent_in_each_status(rolled):
    assert insights.median_days(figures()).rows == [
        ["New", "3.5", 2],
        ["Under review", "2", 1],
        ["Reviewed", "4", 1],
        ["Coming soon", "2", 1],
    ]


def test_a_launched_idea_counts_its_distinct_supporters_in_its_quarter(rolled):
    quarter = days_ago(20)
    label = f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"
    assert insights.launched(figures()).rows == [[label, 1, 2]]


def test_a_week_counts_its_ideas_votes_comments_and_distinct_active_members(rolled):
    week = days_ago(20) - timedelta(days=days_ago(20).weekday())
    row = next(r for r in insights.weekly(figures()).rows if r[0] == week.isoformat())
    assert row[1:] == [1, 1, 0, 2]


def test_the_weeks_add_up_to_every_idea_vote_and_comment(rolled):
    rows = insights.weekly(figures()).rows
    assert [sum(r[i] for r in rows) for i in (1, 2, 3)] == [3, 3, 1]


def test_top_categories_are_the_top_level_ones_with_their_subcategories(rolled):
    assert insights.top_categories(figures()).rows == [["Product", 2, 2, 1], ["Experience", 1, 1, 0]]


def test_a_category_filter_includes_its_subcategories(rolled):
    assert insights.funnel(figures(category="product")).rows[0] == ["New", 2, ""]


def test_a_subcategory_filter_counts_only_its_ideas(rolled):
    assert insights.funnel(figures(category="experience")).rows[:2] == [["New", 1, ""], ["Under review", 0, "0%"]]


def test_word_of_mouth_counts_only_the_visits_in_the_range(rolled):
    channels = {row[0]: row[1:] for row in insights.word_of_mouth_channels(figures(to=days_ago(11).isoformat())).rows}
    assert channels["X"] == [0, 0, 0]


def test_word_of_mouth_in_a_category_counts_its_ideas_shares(rolled):
    assert insights.word_of_mouth_ideas(figures(category="experience")).rows == [
        ["Shorter queues in the morning", 1, 0, 0]
    ]


def test_a_range_before_the_history_counts_nothing(rolled):
    assert insights.funnel(figures(**{"from": days_ago(80).isoformat(), "to": days_ago(60).isoformat()})).rows[0] == [
        "New",
        0,
        "",
    ]


def test_top_contributors_leave_out_staff(rolled, alice, bob):
    assert insights.top_contributors(figures()).rows == [
        ["Alice", points_total(alice)],
        ["Bob", points_total(bob)],
    ]


def test_top_contributors_leave_out_banned_members(rolled, alice, bob):
    type(bob).objects.filter(pk=bob.pk).update(banned_at=at(days_ago(1)))
    assert [row[0] for row in insights.top_contributors(figures()).rows] == ["Alice"]


def test_top_contributors_leave_out_suspended_members(rolled, alice, bob):
    type(alice).objects.filter(pk=alice.pk).update(suspended_until=at(days_ago(-2)))
    assert [row[0] for row in insights.top_contributors(figures()).rows] == ["Bob"]


def test_top_contributors_in_a_category_count_the_points_its_ideas_earned(rolled, settings):
    # Bob's upvote of the queues idea (the history's ideas are written by the factory, which earns nothing).
    assert insights.top_contributors(figures(category="experience")).rows == [
        ["Alice", settings.POINTS["upvote_received"]]
    ]


def test_word_of_mouth_counts_visits_sign_ups_and_votes_per_channel(rolled):
    channels = {row[0]: row[1:] for row in insights.word_of_mouth_channels(figures()).rows}
    assert (channels["X"], channels["E-mail"], channels["Facebook"]) == ([3, 1, 2], [1, 0, 0], [0, 0, 0])


def test_word_of_mouth_ranks_the_ideas_by_the_visits_their_shares_brought(rolled):
    assert insights.word_of_mouth_ideas(figures()).rows == [
        ["Oat milk at no extra charge", 3, 1, 2],
        ["Shorter queues in the morning", 1, 0, 0],
    ]


def _rows():
    return [
        sorted(model.objects.values_list(*fields), key=str)
        for model, fields in (
            (DayFigures, ("day", "category", "ideas", "votes", "comments")),
            (WeekActive, ("week", "category", "members")),
            (PipelineFigures, ("day", "category", "status", "furthest", "ideas")),
            (StatusDays, ("day", "category", "status", "days", "ideas")),
        )
    ]


def test_a_rerun_gives_the_same_rows(rolled):
    before = _rows()
    insights.rollup(since=days_ago(40))
    insights.rollup()
    assert _rows() == before


def _days_before(day):
    return sorted(DayFigures.objects.filter(day__lt=day).values_list("day", "category", "ideas", "votes"), key=str)


def test_an_incremental_run_adds_todays_ideas_and_keeps_older_days(rolled, bob, drinks):
    older = _days_before(days_ago(1))
    submitted(bob, drinks, days_ago(0), "A cup you can bring back")
    insights.rollup()
    assert insights.funnel(figures()).rows[0] == ["New", 4, ""]
    assert _days_before(days_ago(1)) == older


def test_an_incremental_run_redoes_the_day_of_an_older_idea_that_moved(rolled, pat):
    moved(rolled["queues"], pat, Status.UNDER_REVIEW, days_ago(0))
    insights.rollup()
    assert insights.funnel(figures(category="experience")).rows[1] == ["Under review", 1, "100%"]


def test_a_full_run_recomputes_every_day(rolled):
    before = _rows()
    DayFigures.objects.all().delete()
    insights.rollup(full=True)
    assert _rows() == before


def test_each_run_is_recorded_with_the_day_it_recomputed_from(rolled):
    insights.rollup()
    first, second = RollupRun.objects.order_by("finished_at")
    assert (first.since, second.since) == (None, timezone.localtime(first.started_at - insights.OVERLAP).date())


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"from": "2020-01-01", "to": "2024-01-01"}, "from"),
        ({"to": "2999-01-01"}, "to"),
        ({"category": "no-such-thing"}, "category"),
        ({"category": "drinks\x00"}, "category"),
        ({"to": "0001-01-05"}, "to"),
        ({"from": "0001-01-01", "to": "2026-06-01"}, "from"),
    ],
)
def test_bad_filters_are_named(db, params, field):
    with pytest.raises(BadListParameter) as refused:
        insights.read_filters(params)
    assert refused.value.field == field


def test_the_default_range_is_the_last_90_days(db):
    chosen = insights.read_filters({})
    assert (chosen.end, (chosen.end - chosen.start).days) == (days_ago(0), 89)


def test_quiet_weeks_of_the_range_are_there_with_zeros(rolled):
    monday = days_ago(70) - timedelta(days=days_ago(70).weekday())
    chosen = figures(**{"from": monday.isoformat(), "to": (monday + timedelta(days=13)).isoformat()})
    assert insights.weekly(chosen).rows == [
        [monday.isoformat(), 0, 0, 0, 0],
        [(monday + timedelta(days=7)).isoformat(), 0, 0, 0, 0],
    ]


def test_the_worker_computes_the_figures_every_15_minutes(rolled):
    every = timedelta(minutes=15)
    due = schedule.next_boundary(every, timezone.now()) - every
    ScheduledRun.objects.create(name="community.insights_rollup", due_at=due)
    assert schedule.run_periodic.call(name="community.insights_rollup", due=due.isoformat()) is True
    assert RollupRun.objects.count() == 2
    assert ScheduledRun.objects.filter(name="community.insights_rollup", due_at=due + every).exists()


def test_the_command_computes_the_figures_now(history):
    call_command("insights_rollup", stdout=io.StringIO())
    assert insights.funnel(figures()).rows[0] == ["New", 3, ""]


def test_the_command_refuses_a_bad_day(db):
    with pytest.raises(CommandError):
        call_command("insights_rollup", "--since", "last week")


def test_a_member_active_in_a_parent_and_in_its_subcategory_counts_once_there(alice, bob, product, drinks):
    submitted(alice, product, days_ago(2), "Right in Product itself")
    submitted(alice, drinks, days_ago(2), "In Drinks, under Product")
    submitted(bob, drinks, days_ago(2), "Also in Drinks")
    insights.rollup()
    week = insights.week_start(days_ago(2))
    assert WeekActive.objects.get(week=week, category=product).members == 2
    assert WeekActive.objects.get(week=week, category=drinks).members == 2


def test_the_supporters_of_a_parents_launches_are_its_own_and_its_subcategories(alice, bob, pat, product, drinks):
    carol, dave = dashboard_history.members(2)
    in_product = submitted(alice, product, days_ago(5), "Right in Product itself")
    in_drinks = submitted(alice, drinks, days_ago(5), "In Drinks, under Product")
    dashboard_history.upvoted(in_product, bob, days_ago(4))
    dashboard_history.upvoted(in_drinks, carol, days_ago(4))
    dashboard_history.upvoted(in_drinks, dave, days_ago(4))
    dashboard_history.upvoted(in_drinks, bob, days_ago(4))
    for idea in (in_product, in_drinks):
        for step in (Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED):
            moved(idea, pat, step, days_ago(1))
    insights.rollup()
    quarters = {row.category_id: (row.ideas, row.supporters) for row in QuarterLaunched.objects.all()}
    assert quarters[product.pk] == (2, 3) and quarters[drinks.pk] == (1, 3) and quarters[None] == (2, 3)


def test_the_run_due_at_midnight_redoes_what_an_incremental_run_cannot_see(alice, drinks, experience):
    idea = submitted(alice, drinks, days_ago(10), "Moved later")
    insights.rollup()
    idea_edit(idea=idea, actor=alice, category=experience)

    def scopes() -> set:
        return set(DayFigures.objects.filter(day=days_ago(10), ideas=1).values_list("category_id", flat=True))

    insights.rollup()
    assert scopes() == {drinks.pk, drinks.parent_id, None}  # that day was not redone
    insights.rollup_periodic(due=insights.local_midnight(timezone.localdate()))
    assert scopes() == {experience.pk, None}
