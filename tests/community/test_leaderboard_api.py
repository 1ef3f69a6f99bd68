"""The leaderboard API: public, the periods and categories it takes, and bad values named with the choices."""

import pytest

from tests.community.helpers import ledger_line
from tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_reads_the_board_with_members_named_and_linked(api, alice):
    ledger_line(alice, 10)
    body = api.get("/api/v1/leaderboard/").json()
    assert (body["period"], body["category"], body["me"]) == ("week", None, None)
    assert body["results"] == [
        {"rank": 1, "member": {"id": alice.pk, "name": "Alice", "url": f"/members/{alice.pk}/"}, "points": 10}
    ]


def test_bob_sees_his_own_rank_outside_the_top(api_as, alice, bob):
    for _ in range(30):
        ledger_line(UserFactory(), 50)
    ledger_line(bob, 1)
    me = api_as(bob).get("/api/v1/leaderboard/", {"period": "all"}).json()["me"]
    assert (me["rank"], me["member"]["id"], me["points"]) == (31, bob.pk, 1)


@pytest.mark.parametrize("by", ["slug", "pk"])
def test_a_category_is_named_by_slug_or_id(api, alice, bob, product, drinks, by):
    ledger_line(alice, 3, idea=IdeaFactory(category=drinks))
    ledger_line(bob, 9)
    body = api.get("/api/v1/leaderboard/", {"period": "month", "category": getattr(product, by)}).json()
    assert body["category"] == "product"
    assert [row["member"]["name"] for row in body["results"]] == ["Alice"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"period": "year"}, "period", "week, month, all"),
        ({"category": "nope"}, "category", "slug or the id"),
        ({"category": "9" * 30}, "category", "slug or the id"),
        ({"category": "drinks\x00"}, "category", "slug or the id"),  # PostgreSQL cannot compare a NUL
    ],
)
def test_a_bad_period_or_category_is_400_naming_the_choices(api, query, field, words):
    response = api.get("/api/v1/leaderboard/", query)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field] and words in response.json()["detail"]


@pytest.mark.parametrize("members", [30, 90])
def test_the_board_costs_the_same_queries_for_30_or_90_members(api_as, alice, members, django_assert_num_queries):
    for _ in range(members):
        ledger_line(UserFactory(), 50)
    ledger_line(alice, 1)
    with django_assert_num_queries(4):  # the top, their members, Alice's total, how many are above her
        assert api_as(alice).get("/api/v1/leaderboard/", {"period": "all"}).json()["me"]["rank"] == members + 1
