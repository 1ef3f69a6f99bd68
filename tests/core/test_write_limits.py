"""Per-member write limits: one account cannot post ideas or votes as fast as a script can, on pages or in
the API, and DRF's throttle caps every unsafe API request of a member."""

import pytest

from core.ratelimit import RateLimited, writes_unlimited
from ideas.models import Idea
from ideas.services import idea_submit
from tests.factories import IdeaFactory
from voting.models import Vote


@pytest.fixture
def low_limits(settings):
    settings.WRITE_RATE_LIMITS = {
        "idea_submit": "2/m/user",
        "idea_edit": "2/m/user",
        "idea_delete": "1/m/user",
        "vote": "3/m/user",
    }


def idea_data(drinks, n: int) -> dict:
    return {"title": f"Oat milk idea number {n}", "body": "Yes, **please**", "category": drinks.pk}


def test_the_api_refuses_a_third_idea_in_a_minute_with_429_and_retry_after(api_as, alice, bob, drinks, low_limits):
    client = api_as(alice)
    assert [client.post("/api/v1/ideas/", idea_data(drinks, n)).status_code for n in range(2)] == [201, 201]
    response = client.post("/api/v1/ideas/", idea_data(drinks, 3))
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert Idea.objects.count() == 2
    assert api_as(bob).post("/api/v1/ideas/", idea_data(drinks, 4)).status_code == 201  # per member


def test_the_page_says_so_with_429_and_keeps_what_was_typed(client, alice, drinks, low_limits):
    client.force_login(alice)
    for n in range(2):
        assert client.post("/ideas/new/", idea_data(drinks, n)).status_code == 302
    response = client.post("/ideas/new/", {**idea_data(drinks, 3), "body": "My *third* idea, typed with care"})
    page = response.content.decode()
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "You are doing that too often" in page
    assert "Oat milk idea number 3" in page and "My *third* idea, typed with care" in page
    assert Idea.objects.count() == 2


def test_edits_are_limited_per_member_on_the_page_and_in_the_api(client, api_as, alice, alices_idea, low_limits):
    client.force_login(alice)
    page = f"/ideas/{alices_idea.pk}/edit/"
    form = {"title": alices_idea.title, "category": alices_idea.category.pk}
    for n in range(2):
        assert client.post(page, {**form, "body": f"Edit number {n}"}).status_code == 302
    response = client.post(page, {**form, "body": "A third edit, typed with care"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "A third edit, typed with care" in response.content.decode()
    api = api_as(alice).patch(f"/api/v1/ideas/{alices_idea.pk}/", {"body": "From the API"}, format="json")
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"
    alices_idea.refresh_from_db()
    assert alices_idea.body == "Edit number 1"


def test_deletes_are_limited_per_member_and_the_page_keeps_the_reason(client, mo, alice, drinks, low_limits):
    first, second = IdeaFactory(author=alice, category=drinks), IdeaFactory(author=alice, category=drinks)
    client.force_login(mo)
    assert client.post(f"/ideas/{first.pk}/delete/", {"reason": "Spam"}).status_code == 302
    response = client.post(f"/ideas/{second.pk}/delete/", {"reason": "Spam, posted twice"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "You are doing that too often" in response.content.decode()
    assert "Spam, posted twice" in response.content.decode()
    assert not Idea.objects.get(pk=second.pk).is_deleted


def test_votes_are_limited_per_member_in_the_api(api_as, alice, bob, drinks, low_limits):
    ideas = [IdeaFactory(author=alice, category=drinks) for _ in range(4)]
    client = api_as(bob)
    answers = [client.put(f"/api/v1/ideas/{idea.pk}/vote/", {"value": 1}) for idea in ideas]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) >= 1
    assert Vote.objects.count() == 3


def test_vote_buttons_say_when_the_member_votes_too_fast(client, alice, bob, drinks, low_limits):
    ideas = [IdeaFactory(author=alice, category=drinks) for _ in range(4)]
    client.force_login(bob)
    for idea in ideas[:3]:
        client.post(f"/ideas/{idea.pk}/vote/", {"value": "1"})
    response = client.post(f"/ideas/{ideas[3].pk}/vote/", {"value": "1"}, follow=True)
    assert "You are doing that too often" in response.content.decode()
    assert Vote.objects.count() == 3


def test_the_service_refuses_before_writing(alice, drinks, low_limits):
    for n in range(2):
        idea_submit(actor=alice, title=f"Idea number {n} here", body="b", category=drinks)
    with pytest.raises(RateLimited) as refused:
        idea_submit(actor=alice, title="One idea too many", body="b", category=drinks)
    assert refused.value.status_code == 429 and refused.value.retry_after >= 1
    assert Idea.objects.count() == 2


def test_bulk_work_may_write_without_limits(alice, drinks, low_limits):
    with writes_unlimited():
        for n in range(5):
            idea_submit(actor=alice, title=f"Demo idea number {n}", body="b", category=drinks)
    assert Idea.objects.count() == 5
    with pytest.raises(RateLimited):
        for n in range(3):
            idea_submit(actor=alice, title=f"Member idea number {n}", body="b", category=drinks)


def test_drf_throttles_every_unsafe_request_of_a_member_but_not_reads(api_as, alice, bob, alices_idea, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"writes": "2/min"}}
    client = api_as(bob)
    url = f"/api/v1/ideas/{alices_idea.pk}/vote/"
    assert [client.put(url, {"value": v}).status_code for v in (1, -1)] == [200, 200]
    refused = client.delete(url)
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get(f"/api/v1/ideas/{alices_idea.pk}/").status_code == 200
    assert api_as(alice).patch("/api/v1/me/", {"bio": "hi"}).status_code == 200  # per member


def test_a_member_posting_comments_too_fast_gets_429_and_nothing_is_stored(api_as, bob, alices_idea, settings):
    settings.WRITE_RATE_LIMITS = {"comment_post": "2/m/user"}
    client = api_as(bob)
    url = f"/api/v1/ideas/{alices_idea.pk}/comments/"
    statuses = [client.post(url, {"body": f"Comment {n}"}, format="json").status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    alices_idea.refresh_from_db()
    assert alices_idea.comment_count == 2
