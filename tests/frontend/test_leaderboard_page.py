"""The leaderboard page: public, its tabs and category, the viewer's own rank, bad input, and its cost."""

from datetime import timedelta

import pytest

from community.selectors import period_start
from tests.community.helpers import ledger_line
from tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_this_weeks_board_with_members_linked_to_their_profiles(client, alice):
    ledger_line(alice, 12)
    response = client.get("/leaderboard/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="/members/{alice.pk}/">Alice</a>' in page and ">12<" in page
    assert 'href="?period=week" aria-current="page"' in page


def test_the_all_time_tab_counts_last_months_points(client, alice):
    ledger_line(alice, 12, at=period_start("month") - timedelta(days=1))
    assert client.get("/leaderboard/").context["board"].rows == []
    assert [row.points for row in client.get("/leaderboard/", {"period": "all"}).context["board"].rows] == [12]


def test_a_category_board_keeps_its_category_in_the_tabs(client, alice, drinks):
    ledger_line(alice, 4, idea=IdeaFactory(category=drinks))
    page = client.get("/leaderboard/", {"category": "drinks"}).content.decode()
    assert 'href="?period=month&amp;category=drinks"' in page
    assert '<option value="drinks" selected>' in page


def test_bob_outside_the_top_sees_his_rank_below_the_table(signed_in, bob):
    for _ in range(26):
        ledger_line(UserFactory(), 30)
    ledger_line(bob, 2)
    page = signed_in(bob).get("/leaderboard/").content.decode()
    assert 'id="your-rank"' in page and '<td class="board-rank">27</td>' in page


def test_alice_in_the_top_is_marked_in_the_table_and_has_no_row_below(signed_in, alice):
    ledger_line(alice, 2)
    page = signed_in(alice).get("/leaderboard/").content.decode()
    assert 'class="board-me" aria-current="true"' in page and 'id="your-rank"' not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "decade"}, "Choose a period of: week, month, all."),
        ({"category": "<script>"}, "No category “&lt;script&gt;”"),
    ],
)
def test_a_bad_period_or_category_is_named_and_the_default_shown(client, alice, query, message):
    ledger_line(alice, 3)
    response = client.get("/leaderboard/", query)
    assert response.status_code == 400
    assert message in response.content.decode() and len(response.context["board"].rows) == 1


def test_an_empty_board_says_so(client, db):
    assert 'id="leaderboard-empty"' in client.get("/leaderboard/").content.decode()


def test_the_footer_links_to_the_leaderboard_and_how_points_work(client, db):
    page = client.get("/").content.decode()
    assert 'href="/leaderboard/"' in page and 'href="/points/"' in page


@pytest.mark.parametrize("members", [30, 90])
def test_the_page_costs_the_same_queries_for_30_or_90_members(signed_in, bob, members, django_assert_num_queries):
    for _ in range(members):
        ledger_line(UserFactory(), 30)
    ledger_line(bob, 1)
    client = signed_in(bob)
    # session, Bob, his roles (the nav), the bell; the top, their members, Bob's total, members above him;
    # the categories
    with django_assert_num_queries(9):
        assert client.get("/leaderboard/", {"period": "all"}).status_code == 200
