"""The member API: a public profile with points and badges, and one's own ledger line by line."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import profile_set_hidden
from community.models import Award, Reason
from core.hiding import Hidden
from ideas.services import idea_delete
from tests.community.helpers import ledger_line
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_reads_alices_points_and_badges(api, alice):
    ledger_line(alice, 10)
    ledger_line(alice, -3)
    Award.objects.create(member=alice, badge="first_idea")
    body = api.get(f"/api/v1/members/{alice.pk}/").json()
    assert (body["id"], body["name"], body["url"], body["points"]) == (alice.pk, "Alice", f"/members/{alice.pk}/", 7)
    assert [(b["badge"], b["name"], b["period"]) for b in body["badges"]] == [("first_idea", "First idea", "")]
    assert "email" not in body


def test_a_monthly_badge_says_its_month(api, alice):
    Award.objects.create(member=alice, badge="top_contributor", period="2026-03")
    assert api.get(f"/api/v1/members/{alice.pk}/").json()["badges"][0]["period"] == "2026-03"


def test_an_award_whose_badge_left_the_catalogue_is_not_shown(api, alice):
    Award.objects.create(member=alice, badge="retired_badge")
    assert api.get(f"/api/v1/members/{alice.pk}/").json()["badges"] == []


def test_a_hidden_profile_shows_no_about_text_to_bob_but_to_alice_and_mo(api_as, alice, bob, mo):
    alice.bio, alice.bio_html = "I like oats", "<p>I like oats</p>"
    alice.save(update_fields=["bio", "bio_html"])
    profile_set_hidden(member=alice, hidden=Hidden.BY_MODERATOR, reason="Spam links")
    url = f"/api/v1/members/{alice.pk}/"
    assert (api_as(bob).get(url).json()["bio"], api_as(bob).get(url).json()["profile_hidden"]) == ("", True)
    assert api_as(alice).get(url).json()["bio"] == "I like oats"
    assert api_as(mo).get(url).json()["bio_html"] == "<p>I like oats</p>"


@pytest.mark.parametrize("path", ["999999", "0"])
def test_an_unknown_member_is_404(api, path):
    response = api.get(f"/api/v1/members/{path}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_deleted_or_inactive_member_is_404(api, alice):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert api.get(f"/api/v1/members/{alice.pk}/").status_code == 404


def test_a_profile_costs_the_same_queries_with_1_or_20_badges_and_lines(api, alice, django_assert_num_queries):
    Award.objects.create(member=alice, badge="first_idea")
    ledger_line(alice, 1)
    with django_assert_num_queries(4) as few:  # the member, their roles, their total, their badges
        api.get(f"/api/v1/members/{alice.pk}/")
    for index in range(19):
        Award.objects.create(member=alice, badge="top_contributor", period=f"{2000 + index}-01")
        ledger_line(alice, 1)
    with django_assert_num_queries(len(few)):
        assert api.get(f"/api/v1/members/{alice.pk}/").json()["points"] == 20


def test_my_points_explain_the_total_line_by_line_newest_first(api_as, alice, alices_idea):
    now = timezone.now()
    ledger_line(alice, 5, idea=alices_idea, reason=Reason.IDEA_SUBMITTED, at=now - timedelta(hours=2))
    ledger_line(alice, 10, idea=alices_idea, reason=Reason.UPVOTE_RECEIVED, at=now - timedelta(hours=1))
    body = api_as(alice).get("/api/v1/me/points/").json()
    assert body["total"] == sum(line["points"] for line in body["results"]) == 15
    assert [(line["reason"], line["reason_label"]) for line in body["results"]] == [
        ("upvote_received", "Upvote received"),
        ("idea_submitted", "Idea submitted"),
    ]
    assert body["results"][0]["idea"] == {
        "id": alices_idea.pk,
        "title": alices_idea.title,
        "url": alices_idea.get_absolute_url(),
    }


def test_my_points_page_on_with_next(api_as, alice):
    for _ in range(3):
        ledger_line(alice, 1)
    client = api_as(alice)
    first = client.get("/api/v1/me/points/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert (len(first["results"]), len(second["results"]), second["next"]) == (2, 1, None)
    assert {line["id"] for line in first["results"]}.isdisjoint(line["id"] for line in second["results"])


def test_a_line_for_an_idea_no_longer_there_names_no_idea(api_as, alice, alices_idea):
    ledger_line(alice, 5, idea=alices_idea)
    idea_delete(actor=alice, idea=alices_idea)
    assert api_as(alice).get("/api/v1/me/points/").json()["results"][-1]["idea"] is None


def test_a_visitor_asking_for_my_points_gets_401(api):
    assert api.get("/api/v1/me/points/").status_code == 401


@pytest.mark.parametrize("query", [{"cursor": "forged"}, {"page_size": "0"}, {"page_size": "many"}])
def test_a_bad_cursor_or_page_size_is_400_naming_it(api_as, alice, query):
    response = api_as(alice).get("/api/v1/me/points/", query)
    assert response.status_code == 400 and set(response.json()["fields"]) == set(query)


def test_my_points_cost_the_same_queries_for_2_or_40_lines(api_as, alice, drinks, django_assert_num_queries):
    client = api_as(alice)
    for _ in range(2):
        ledger_line(alice, 1, idea=IdeaFactory(category=drinks))
    with django_assert_num_queries(2) as few:  # the page of lines with their ideas, the total
        client.get("/api/v1/me/points/")
    for _ in range(38):
        ledger_line(alice, 1, idea=IdeaFactory(category=drinks))
    with django_assert_num_queries(len(few)):
        assert client.get("/api/v1/me/points/").json()["total"] == 40


def test_the_day_a_member_joined_is_a_day_not_a_moment(api, alice):
    # To the second, it would tell a sharer which new member their link brought.
    assert api.get(f"/api/v1/members/{alice.pk}/").json()["date_joined"] == timezone.localdate().isoformat()
