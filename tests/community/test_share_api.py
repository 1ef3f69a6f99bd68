"""GET and POST /api/v1/ideas/{id}/shares/: a member's coded link, and where visitors came from (author and staff)."""

import pytest

from accounts.services import member_suspend
from community.models import Channel, Share
from community.shares import parse_code
from core.hiding import Hidden
from ideas.models import Idea
from tests.community.helpers import visit_by

pytestmark = pytest.mark.django_db


def url(idea) -> str:
    return f"/api/v1/ideas/{idea.pk}/shares/"


def test_a_member_shares_and_gets_their_coded_link(api_as, bob, alices_idea):
    response = api_as(bob).post(url(alices_idea), {"channel": "x"}, format="json")
    assert response.status_code == 201
    link = response.json()["url"]
    assert response.json()["channel"] == "x"
    assert link.startswith(f"http://testserver/ideas/{alices_idea.pk}/?s=")
    assert parse_code(link.split("?s=")[1]) == (bob.pk, "x")
    assert Share.objects.get().sharer == bob


def test_sharing_twice_counts_once(api_as, bob, alices_idea):
    client = api_as(bob)
    for _ in range(2):
        assert client.post(url(alices_idea), {"channel": "email"}, format="json").status_code == 201
    assert Share.objects.count() == 1


@pytest.mark.parametrize("channel", ["myspace", "", 5, None])
def test_a_bad_channel_is_refused_naming_the_choices(api_as, bob, alices_idea, channel):
    response = api_as(bob).post(url(alices_idea), {"channel": channel}, format="json")
    assert response.status_code == 400 and "channel" in response.json()["fields"]
    assert not Share.objects.exists()


def test_a_bad_channel_names_the_choices(api_as, bob, alices_idea):
    response = api_as(bob).post(url(alices_idea), {"channel": "myspace"}, format="json")
    assert all(choice in response.json()["detail"] for choice in Channel.values)


def test_a_visitor_cannot_share(api, alices_idea):
    assert api.post(url(alices_idea), {"channel": "x"}, format="json").status_code == 401


def test_sharing_an_unknown_idea_is_404(api_as, bob):
    assert api_as(bob).post("/api/v1/ideas/999999/shares/", {"channel": "x"}, format="json").status_code == 404


def test_sharing_a_hidden_idea_one_may_not_see_is_404(api_as, bob, alices_idea):
    Idea.objects.filter(pk=alices_idea.pk).update(hidden=Hidden.BY_MODERATOR)
    assert api_as(bob).post(url(alices_idea), {"channel": "x"}, format="json").status_code == 404


def test_the_author_sees_where_visitors_came_from(api_as, alice, bob, alices_idea):
    visit_by(alices_idea, bob, channel=Channel.FACEBOOK)
    body = api_as(alice).get(url(alices_idea)).json()
    assert body["shares"] == 1
    facebook = next(row for row in body["channels"] if row["channel"] == "facebook")
    assert facebook == {"channel": "facebook", "shares": 1, "visits": 1, "signups": 0, "votes": 0}


@pytest.mark.parametrize("who", ["pat", "mo", "ada"])
def test_staff_see_where_visitors_came_from(api_as, alices_idea, who, request):
    assert api_as(request.getfixturevalue(who)).get(url(alices_idea)).status_code == 200


def test_bob_cannot_see_where_alices_visitors_came_from(api_as, bob, alices_idea):
    response = api_as(bob).get(url(alices_idea))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_visitor_is_asked_to_sign_in_for_the_sources(api, alices_idea):
    assert api.get(url(alices_idea)).status_code == 401


def test_the_sources_of_an_unknown_idea_are_404(api_as, pat):
    assert api_as(pat).get("/api/v1/ideas/999999/shares/").status_code == 404


def test_the_sources_of_a_deleted_idea_are_404(api_as, alice, alices_idea):
    from django.utils import timezone

    Idea.objects.filter(pk=alices_idea.pk).update(deleted_at=timezone.now())
    assert api_as(alice).get(url(alices_idea)).status_code == 404


def test_the_sources_cost_the_same_queries_for_few_or_many_visits(
    api_as, alice, bob, mo, alices_idea, django_assert_num_queries
):
    client = api_as(alice)
    visit_by(alices_idea, bob)
    with django_assert_num_queries(4) as few:  # the idea, its tags, its author's roles, the sources
        client.get(url(alices_idea))
    for n in range(20):
        visit_by(alices_idea, mo, channel=Channel.X, client=f"198.51.100.{n}|Firefox")
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url(alices_idea)).json()["shares"] == 2


def test_sharing_too_fast_is_429(api_as, bob, alices_idea, settings):
    settings.WRITE_RATE_LIMITS = {**settings.WRITE_RATE_LIMITS, "share": "1/m/user"}
    client = api_as(bob)
    assert client.post(url(alices_idea), {"channel": "x"}, format="json").status_code == 201
    response = client.post(url(alices_idea), {"channel": "email"}, format="json")
    assert response.status_code == 429 and "Retry-After" in response
    assert Share.objects.count() == 1


def test_a_suspended_member_cannot_share(api_as, bob, alices_idea):
    member_suspend(member=bob, days=3, reason="Spam.")
    assert api_as(bob).post(url(alices_idea), {"channel": "x"}, format="json").status_code == 403
    assert not Share.objects.exists()
