"""The staff dashboard page and its CSV files: who sees them, what they show, bad filters, query counts."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import insights
from ideas.models import Category, Idea
from tests.community.dashboard_history import days_ago, members, submitted, upvoted
from tests.factories import IdeaFactory


def test_pat_sees_every_chart_with_its_table(signed_in, pat, rolled):
    page = signed_in(pat).get("/insights/").content.decode()
    assert page.count('<img class="chart"') == len(insights.TABLES)
    assert page.count('<table class="insight-table">') == len(insights.TABLES)


def test_the_page_says_when_the_figures_were_computed(signed_in, pat, rolled):
    run = insights.last_run()
    page = signed_in(pat).get("/insights/").content.decode()
    assert f"Figures computed at {timezone.localtime(run.finished_at):%H:%M}" in page


def test_an_admin_sees_the_dashboard(signed_in, ada, rolled):
    assert signed_in(ada).get("/insights/").status_code == 200


def test_mo_a_moderator_without_the_product_role_is_refused(signed_in, mo):
    response = signed_in(mo).get("/insights/")
    assert response.status_code == 403


def test_alice_a_member_is_refused(signed_in, alice):
    assert signed_in(alice).get("/insights/").status_code == 403


def test_a_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/insights/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_the_header_links_the_dashboard_for_pat_only(signed_in, pat, alice):
    assert 'id="insights-link"' in signed_in(pat).get("/").content.decode()
    assert 'id="insights-link"' not in signed_in(alice).get("/").content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01", "Give a date as YYYY-MM-DD"),
        ("from=2026-03-02&to=2026-03-01", "The range must start on or before the day it ends."),
        ("from=2019-01-01&to=2024-01-01", "Choose a range of at most three years."),
        ("to=2999-12-31", "The range cannot end in the future."),
        ("category=nowhere", "There is no category nowhere."),
    ],
)
def test_a_bad_filter_is_named_on_the_form(signed_in, pat, query, message):
    response = signed_in(pat).get(f"/insights/?{query}")
    page = response.content.decode()
    assert (response.status_code, message in page, 'class="chart"' in page) == (400, True, False)


def test_a_category_filter_keeps_its_choice_and_its_csv_links(signed_in, pat, rolled):
    page = signed_in(pat).get("/insights/?category=product").content.decode()
    assert '<option value="product" selected>' in page
    assert "category=product" in page


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_table_downloads_as_csv_with_the_filters(signed_in, pat, rolled):
    response = signed_in(pat).get("/insights/funnel.csv?category=product")
    assert response["Content-Type"].startswith("text/csv")
    assert _csv(response)[:3] == [
        ["Step", "Ideas that reached it", "From the step before"],
        ["New", "2", ""],
        ["Under review", "2", "100%"],
    ]


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(signed_in, pat, alice, drinks):
    hostile = Category.objects.create(name="=HYPERLINK(1)", slug="hostile")
    submitted(alice, hostile, days_ago(3), "A formula in the category name")
    insights.rollup()
    rows = _csv(signed_in(pat).get("/insights/categories.csv"))
    assert ["'=HYPERLINK(1)", "1", "0", "0"] in rows


def test_an_unknown_table_is_not_found(signed_in, pat):
    assert signed_in(pat).get("/insights/passwords.csv").status_code == 404


def test_a_csv_with_a_bad_filter_says_which(signed_in, pat):
    response = signed_in(pat).get("/insights/weekly.csv?to=tomorrow")
    assert (response.status_code, response.content.decode().split(":")[0]) == (400, "to")


def test_alice_cannot_download_a_table(signed_in, alice):
    assert signed_in(alice).get("/insights/funnel.csv").status_code == 403


def test_the_page_costs_the_same_queries_with_ten_times_the_data(
    signed_in, pat, alice, drinks, rolled, django_assert_num_queries
):
    client = signed_in(pat)
    client.get("/insights/")
    with CaptureQueriesContext(connection) as few:
        client.get("/insights/")
    voters = members(10)
    for n in range(20):
        idea = IdeaFactory(author=alice, category=drinks)
        for voter in voters[: n % 10]:
            upvoted(idea, voter, days_ago(n))
    insights.rollup()
    with django_assert_num_queries(len(few)):
        assert client.get("/insights/").status_code == 200


def test_the_demo_data_comes_with_its_figures(db):
    call_command("seed_demo", stdout=io.StringIO())
    submitted_ideas = insights.funnel(insights.read_filters({})).rows[0][1]
    assert submitted_ideas == Idea.objects.filter(deleted_at__isnull=True).count() > 0


def test_a_chart_is_an_svg_image_drawn_by_pygal_with_the_filters(signed_in, pat, rolled):
    response = signed_in(pat).get("/insights/funnel.svg?category=product")
    svg = response.content.decode()
    assert response["Content-Type"].startswith("image/svg+xml")
    assert 'class="pygal-chart"' in svg and "Under review" in svg


def test_a_chart_runs_no_script_and_its_policy_allows_only_its_style(signed_in, pat, rolled):
    response = signed_in(pat).get("/insights/weekly.svg")
    policy = response["Content-Security-Policy"]
    assert "<script" not in response.content.decode()
    assert ("default-src 'none'" in policy, "style-src 'unsafe-inline'" in policy, "script-src" in policy) == (
        True,
        True,
        False,
    )


def test_alice_cannot_see_a_chart(signed_in, alice):
    assert signed_in(alice).get("/insights/funnel.svg").status_code == 403


def test_a_chart_with_a_bad_filter_says_which(signed_in, pat):
    response = signed_in(pat).get("/insights/funnel.svg?from=never")
    assert (response.status_code, response.content.decode().split(":")[0]) == (400, "from")


def test_an_unknown_chart_is_not_found(signed_in, pat):
    assert signed_in(pat).get("/insights/secrets.svg").status_code == 404


def test_a_chart_costs_the_same_queries_with_more_data(
    signed_in, pat, alice, drinks, rolled, django_assert_num_queries
):
    client = signed_in(pat)
    client.get("/insights/weekly.svg")
    with CaptureQueriesContext(connection) as few:
        client.get("/insights/weekly.svg")
    for n in range(10):
        upvoted(IdeaFactory(author=alice, category=drinks), pat, days_ago(n))
    insights.rollup()
    with django_assert_num_queries(len(few)):
        assert client.get("/insights/weekly.svg").status_code == 200
