"""Leaderboards: their windows, categories, who is left out, ties, the viewer's own rank, and their cost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import role_grant
from community.selectors import BadLeaderboard, leaderboard, leaderboard_category, leaderboard_period, period_start
from tests.community.helpers import ledger_line
from tests.factories import CategoryFactory, IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db


def board(**kwargs) -> list[tuple[int, str, int]]:
    return [(row.rank, row.member.public_name, row.points) for row in leaderboard(**kwargs).rows]


def test_a_line_from_last_week_is_not_in_this_weeks_board(alice, bob):
    ledger_line(alice, 10, at=period_start("week") - timedelta(minutes=1))
    ledger_line(bob, 2)
    assert board(period="week") == [(1, "Bob", 2)]


def test_the_week_starts_on_monday_at_midnight_in_the_sites_time_zone():
    start = timezone.localtime(period_start("week"))
    assert (start.weekday(), start.hour, start.minute) == (0, 0, 0)
    assert timezone.now() - start < timedelta(days=7)


def test_a_line_from_last_month_is_only_in_the_all_time_board(alice, bob):
    ledger_line(alice, 10, at=period_start("month") - timedelta(minutes=1))
    ledger_line(bob, 2)
    assert board(period="month") == [(1, "Bob", 2)]
    assert board(period="all") == [(1, "Alice", 10), (2, "Bob", 2)]


def test_a_category_board_counts_lines_of_its_ideas_and_its_subcategories_ideas(alice, bob, product, drinks):
    other = CategoryFactory(name="Stores", slug="stores")
    ledger_line(alice, 5, idea=IdeaFactory(category=product))
    ledger_line(alice, 7, idea=IdeaFactory(category=drinks))
    ledger_line(bob, 50, idea=IdeaFactory(category=other))
    ledger_line(bob, 50)  # a flag upheld on a profile belongs to no category
    assert board(period="all", category=product) == [(1, "Alice", 12)]
    assert board(period="all", category=drinks) == [(1, "Alice", 7)]


@pytest.mark.parametrize(
    "left_out",
    [
        {"suspended_until": timezone.now() + timedelta(days=1)},
        {"banned_at": timezone.now(), "is_active": False},
        {"is_active": False},
        {"is_superuser": True, "is_staff": True},
    ],
    ids=["suspended", "banned", "inactive", "admin"],
)
def test_suspended_banned_inactive_and_admin_members_are_left_out(alice, left_out):
    ledger_line(alice, 10)
    ledger_line(UserFactory(display_name="Left out", **left_out), 99)
    assert board(period="all") == [(1, "Alice", 10)]


def test_a_suspension_that_has_ended_counts_again(alice):
    alice.suspended_until = timezone.now() - timedelta(minutes=1)
    alice.save(update_fields=["suspended_until"])
    ledger_line(alice, 10)
    assert board(period="all") == [(1, "Alice", 10)]


@pytest.mark.parametrize("role", list(Role))
def test_moderators_and_the_product_team_are_left_out(alice, role):
    staff = UserFactory(display_name="Staff")
    role_grant(actor=None, user=staff, role=role)
    ledger_line(staff, 99)
    ledger_line(alice, 10)
    assert board(period="all") == [(1, "Alice", 10)]


def test_members_with_no_points_left_or_below_zero_are_not_ranked(alice, bob):
    ledger_line(alice, 10)
    ledger_line(bob, 10)
    ledger_line(bob, -10)
    assert board(period="all") == [(1, "Alice", 10)]


def test_members_with_equal_points_share_a_rank_and_the_next_rank_is_skipped(alice, bob):
    carol = UserFactory(display_name="Carol")
    ledger_line(alice, 10)
    ledger_line(bob, 10)
    ledger_line(carol, 3)
    assert board(period="all") == [(1, "Alice", 10), (1, "Bob", 10), (3, "Carol", 3)]


def test_the_viewer_outside_the_top_sees_their_own_rank(alice, bob):
    for points in (50, 40, 40):
        ledger_line(UserFactory(), points)
    ledger_line(bob, 30)
    ledger_line(alice, 5)
    result = leaderboard(period="all", viewer=alice, size=2)
    assert [(row.rank, row.points) for row in result.rows] == [(1, 50), (2, 40)]
    assert (result.me.rank, result.me.member, result.me.points) == (5, alice, 5)


def test_the_viewer_in_the_top_has_the_row_they_hold(alice, bob):
    ledger_line(alice, 5)
    ledger_line(bob, 9)
    me = leaderboard(period="all", viewer=alice).me
    assert (me.rank, me.points) == (2, 5)


def test_a_viewer_without_points_or_left_out_has_no_row(alice, bob, mo, visitor):
    ledger_line(bob, 9)
    ledger_line(mo, 50)
    assert leaderboard(period="all", viewer=alice).me is None
    assert leaderboard(period="all", viewer=mo).me is None
    assert leaderboard(period="all", viewer=visitor).me is None


@pytest.mark.parametrize("members", [5, 50])
def test_a_board_with_the_viewers_rank_costs_four_queries_for_5_or_50_members(
    alice, drinks, members, django_assert_num_queries
):
    idea = IdeaFactory(category=drinks)
    for points in range(members):
        ledger_line(UserFactory(), 100 + points, idea=idea)
    ledger_line(alice, 1, idea=idea)
    with django_assert_num_queries(4):  # the top totals, their members, the viewer's total, members above it
        result = leaderboard(period="week", category=drinks, viewer=alice, size=3)
    assert (len(result.rows), result.me.rank) == (3, members + 1)


@pytest.mark.parametrize("value", ["year", "WEEK", "0"])
def test_a_bad_period_is_named_with_the_choices(value):
    with pytest.raises(BadLeaderboard) as raised:
        leaderboard_period(value)
    assert raised.value.field == "period" and "week, month, all" in raised.value.message


def test_a_category_is_found_by_slug_or_id_and_an_unknown_one_is_named(drinks):
    assert leaderboard_category("drinks") == leaderboard_category(str(drinks.pk)) == drinks
    with pytest.raises(BadLeaderboard) as raised:
        leaderboard_category("nope")
    assert raised.value.field == "category"
