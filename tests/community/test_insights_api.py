"""GET /api/v1/insights/: the staff dashboard's figures as JSON, for the product team and admins."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import insights
from tests.community.dashboard_history import days_ago, members, upvoted
from tests.factories import IdeaFactory

URL = "/api/v1/insights/"


def test_pat_gets_every_table_of_the_dashboard(api_as, pat, rolled):
    body = api_as(pat).get(URL).json()
    assert [table["name"] for table in body["tables"]] == list(insights.TABLES)


def test_the_answer_carries_the_figures_and_the_range(api_as, pat, rolled):
    body = api_as(pat).get(URL, {"category": "product"}).json()
    funnel = next(table for table in body["tables"] if table["name"] == "funnel")
    assert (funnel["rows"][0], body["end"], body["category"]) == (["New", 2, ""], days_ago(0).isoformat(), "product")


def test_the_answer_says_when_the_figures_were_computed(api_as, pat, rolled):
    assert api_as(pat).get(URL).json()["computed_at"] is not None


def test_an_admin_gets_the_figures(api_as, ada, rolled):
    assert api_as(ada).get(URL).status_code == 200


def test_alice_a_member_is_refused(api_as, alice):
    response = api_as(alice).get(URL)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_mo_a_moderator_is_refused(api_as, mo):
    assert api_as(mo).get(URL).status_code == 403


def test_a_visitor_must_sign_in(api, db):
    assert api.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "31/12/2025"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"from": "2020-01-01", "to": "2024-06-01"}, "from"),
        ({"to": "2999-01-01"}, "to"),
        ({"category": "<script>"}, "category"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(api_as, pat, params, field):
    response = api_as(pat).get(URL, params)
    assert (response.status_code, list(response.json()["fields"])) == (400, [field])


def test_the_figures_cost_the_same_queries_with_more_data(
    api_as, pat, alice, drinks, rolled, django_assert_num_queries
):
    client = api_as(pat)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    voters = members(8)
    for n in range(15):
        idea = IdeaFactory(author=alice, category=drinks)
        for voter in voters[: n % 8]:
            upvoted(idea, voter, days_ago(n))
    insights.rollup()
    with django_assert_num_queries(len(few)):
        assert client.get(URL).status_code == 200
