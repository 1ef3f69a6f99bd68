"""Voting through the API and the page forms; sorts and keyset pages on fixed data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ideas import ranking
from ideas.models import Idea, Status
from tests.factories import IdeaFactory, UserFactory
from voting.models import Vote
from voting.services import vote_cast


def vote_url(idea) -> str:
    return f"/api/v1/ideas/{idea.pk}/vote/"


def test_put_votes_and_the_idea_shows_my_vote(api_as, bob, alices_idea):
    client = api_as(bob)
    response = client.put(vote_url(alices_idea), {"value": 1})
    assert response.status_code == 200
    assert response.json() == {"id": alices_idea.pk, "upvotes": 1, "downvotes": 0, "score": 1, "my_vote": 1}
    assert client.get(f"/api/v1/ideas/{alices_idea.pk}/").json()["my_vote"] == 1
    assert client.get("/api/v1/ideas/").json()["results"][0]["my_vote"] == 1


def test_put_changes_and_delete_withdraws(api_as, bob, alices_idea):
    client = api_as(bob)
    client.put(vote_url(alices_idea), {"value": 1})
    assert client.put(vote_url(alices_idea), {"value": -1}).json()["score"] == -1
    response = client.delete(vote_url(alices_idea))
    assert response.status_code == 200 and response.json()["my_vote"] is None and response.json()["score"] == 0
    assert not Vote.objects.exists()


@pytest.mark.parametrize("payload", [{"value": 0}, {"value": 2}, {"value": "up"}, {}, {"value": None}, {"value": [1]}])
def test_bad_values_get_400_and_change_nothing(api_as, bob, alices_idea, payload):
    response = api_as(bob).put(vote_url(alices_idea), payload)
    assert response.status_code == 400 and "value" in response.json()["fields"]
    assert not Vote.objects.exists()


def test_voting_on_own_idea_is_403(api_as, alice, alices_idea):
    response = api_as(alice).put(vote_url(alices_idea), {"value": 1})
    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot vote on your own idea.", "code": "own_idea"}


def test_voting_on_a_launched_idea_is_409(api_as, bob, alices_idea):
    Idea.objects.filter(pk=alices_idea.pk).update(status=Status.LAUNCHED)
    response = api_as(bob).put(vote_url(alices_idea), {"value": 1})
    assert response.status_code == 409 and response.json()["code"] == "voting_closed"


def test_voting_on_missing_or_deleted_ideas_is_404(api_as, bob, alices_idea):
    assert api_as(bob).put("/api/v1/ideas/999999/vote/", {"value": 1}).status_code == 404
    Idea.objects.filter(pk=alices_idea.pk).update(deleted_at=timezone.now())
    assert api_as(bob).put(vote_url(alices_idea), {"value": 1}).status_code == 404
    assert api_as(bob).delete(vote_url(alices_idea)).status_code == 404


def test_signed_out_voting_is_401(api, alices_idea):
    assert api.put(vote_url(alices_idea), {"value": 1}).status_code == 401
    assert api.delete(vote_url(alices_idea)).status_code == 401
    alices_idea.refresh_from_db()
    assert alices_idea.score == 0


@pytest.fixture
def ranked(alice, drinks):
    """Five ideas with known votes, ages and comments."""
    now = timezone.now()
    voters = [UserFactory() for _ in range(12)]

    def make(title, age_hours, ups, downs, comments=0):
        idea = IdeaFactory(author=alice, category=drinks, title=title)
        created_at = now - timedelta(hours=age_hours)
        Idea.objects.filter(pk=idea.pk).update(
            created_at=created_at, comment_count=comments, hot=ranking.hot(0, created_at)
        )
        for voter in voters[:ups]:
            vote_cast(actor=voter, idea_id=idea.pk, value=1)
        for voter in voters[ups : ups + downs]:
            vote_cast(actor=voter, idea_id=idea.pk, value=-1)
        return idea

    return {
        "fresh": make("Fresh with one vote", 1, 1, 0),
        "popular": make("Old but popular idea", 72, 10, 1, comments=2),
        "divisive": make("Divisive idea for all", 24, 6, 6, comments=9),
        "sure": make("Small but sure thing", 48, 3, 0),
        "disliked": make("Disliked one we all hate", 2, 0, 4),
    }


def order(api, sort) -> list[str]:
    return [i["title"] for i in api.get("/api/v1/ideas/", {"sort": sort}).json()["results"]]


def test_each_sort_orders_fixed_data(api, ranked):
    titles = {key: idea.title for key, idea in ranked.items()}
    t = [titles[k] for k in ["fresh", "popular", "divisive", "sure", "disliked"]]
    assert order(api, "new") == [t[0], t[4], t[2], t[3], t[1]]
    assert order(api, "top") == [t[1], t[3], t[2], t[0], t[4]]
    assert order(api, "hot") == [t[0], t[4], t[2], t[3], t[1]]
    assert order(api, "discussed")[:2] == [t[2], t[1]]
    assert order(api, "trending")[-1] == t[4]
    assert order(api, "hot") == order(api, "") == [i["title"] for i in api.get("/api/v1/ideas/").json()["results"]]


@pytest.mark.parametrize("sort", ["hot", "top", "new", "trending", "discussed"])
def test_keyset_pages_visit_every_idea_once_even_with_ties(api, alice, drinks, sort):
    ideas = [IdeaFactory(author=alice, category=drinks) for _ in range(11)]
    seen, url = [], "/api/v1/ideas/"
    params = {"sort": sort, "page_size": 3}
    while url:
        data = api.get(url, params).json()
        seen += [i["id"] for i in data["results"]]
        url, params = data["next"], None
    assert sorted(seen) == sorted(i.pk for i in ideas) and len(seen) == 11


@pytest.mark.parametrize(
    "params, field",
    [
        ({"sort": "random"}, "sort"),
        ({"cursor": "bm9wZQ"}, "cursor"),
        ({"cursor": "not base64 at all"}, "cursor"),
        ({"sort": "new", "cursor": "WzEsIDJd"}, "cursor"),  # [1, 2]: a number where a time belongs
        ({"sort": "top", "cursor": "WyJ4IiwgMl0"}, "cursor"),  # ["x", 2]: text where a number belongs
        ({"page_size": "x"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
    ],
)
def test_bad_sort_cursor_and_page_size_are_400_naming_the_parameter(api, alices_idea, params, field):
    response = api.get("/api/v1/ideas/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["fields"]) == [field]


@pytest.mark.parametrize("sort", ["hot", "top", "new", "trending", "discussed"])
def test_list_queries_stay_fixed_with_votes_and_my_vote(api_as, bob, alice, drinks, sort, django_assert_num_queries):
    client = api_as(bob)
    for _ in range(5):
        vote_cast(actor=bob, idea_id=IdeaFactory(author=alice, category=drinks).pk, value=1)
    with django_assert_num_queries(3):  # ideas with my vote, their tags, their authors' roles
        client.get("/api/v1/ideas/", {"sort": sort})
    for _ in range(30):
        vote_cast(actor=bob, idea_id=IdeaFactory(author=alice, category=drinks).pk, value=-1)
    with django_assert_num_queries(3):
        assert len(client.get("/api/v1/ideas/", {"sort": sort, "page_size": 50}).json()["results"]) == 35


def test_page_vote_form_votes_and_toggles_without_javascript(client, bob, alices_idea):
    client.force_login(bob)
    response = client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "1", "next": "/?sort=top"})
    assert response.status_code == 302 and response["Location"] == "/?sort=top"
    assert Vote.objects.get().value == 1
    client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "1"})
    assert not Vote.objects.exists()
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in page


def test_page_vote_form_sends_visitors_to_sign_in(client, alices_idea):
    response = client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Vote.objects.exists()


def test_page_vote_form_explains_refusals_and_ignores_foreign_next(client, alice, alices_idea):
    client.force_login(alice)
    response = client.post(
        f"/ideas/{alices_idea.pk}/vote/", {"value": "1", "next": "https://evil.example/"}, follow=True
    )
    assert "You cannot vote on your own idea." in response.content.decode()
    assert response.redirect_chain[0][0] == alices_idea.get_absolute_url()
    bad = client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "7"}, follow=True)
    assert "Choose up or down." in bad.content.decode()


def test_own_idea_shows_disabled_vote_buttons(client, alice, alices_idea):
    client.force_login(alice)
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert 'title="You cannot vote on your own idea." disabled' in page


def test_a_visitors_pressed_vote_is_cast_after_signing_in(client, bob, alices_idea):
    pressed = client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "-1", "next": "/?sort=top"})
    resume = f"/ideas/{alices_idea.pk}/vote/after-sign-in/"
    assert pressed["Location"] == f"/accounts/login/?next={resume}"
    assert not Vote.objects.exists()
    client.force_login(bob)
    response = client.get(resume, follow=True)
    assert response.redirect_chain[-1][0] == "/?sort=top"
    assert "Your vote down is counted." in response.content.decode()
    assert Vote.objects.get(voter=bob).value == -1


def test_a_pressed_vote_that_cannot_be_cast_says_why_after_signing_in(client, alice, alices_idea):
    client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "1"})
    client.force_login(alice)
    response = client.get(f"/ideas/{alices_idea.pk}/vote/after-sign-in/", follow=True)
    assert "Your vote was not counted: You cannot vote on your own idea." in response.content.decode()
    assert not Vote.objects.exists()


def test_the_after_sign_in_address_alone_casts_nothing(client, bob, alices_idea):
    client.force_login(bob)
    response = client.get(f"/ideas/{alices_idea.pk}/vote/after-sign-in/")
    assert response.status_code == 302 and response["Location"] == alices_idea.get_absolute_url()
    assert not Vote.objects.exists()


def test_a_pending_vote_is_cast_only_on_its_own_idea(client, bob, alice, alices_idea, drinks):
    other = IdeaFactory(author=alice, category=drinks)
    client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "1"})
    client.force_login(bob)
    client.get(f"/ideas/{other.pk}/vote/after-sign-in/")
    assert not Vote.objects.exists()


def test_a_visitor_pressing_a_bad_value_or_a_missing_idea_is_not_sent_to_sign_in(client, alices_idea):
    bad = client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "7"})
    assert bad.status_code == 302 and "/accounts/login/" not in bad["Location"]
    assert client.post("/ideas/999999/vote/", {"value": "1"}).status_code == 404


def test_the_page_vote_form_404s_for_a_missing_idea(client, bob):
    client.force_login(bob)
    assert client.post("/ideas/999999/vote/", {"value": "1"}).status_code == 404


def test_a_pending_vote_expires(client, bob, alices_idea, monkeypatch):
    import time

    client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "1"})
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    client.force_login(bob)
    client.get(f"/ideas/{alices_idea.pk}/vote/after-sign-in/")
    assert not Vote.objects.exists()


def test_a_pending_vote_on_an_idea_removed_meanwhile_says_so(client, bob, alice, alices_idea):
    from ideas.services import idea_delete

    client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "1"})
    idea_delete(idea=alices_idea, actor=alice)
    client.force_login(bob)
    response = client.get(f"/ideas/{alices_idea.pk}/vote/after-sign-in/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Your vote was not counted: the idea has been removed." in response.content.decode()


def test_a_visitor_who_signs_up_instead_still_gets_the_vote_they_pressed(client, alices_idea, mailoutbox):
    import re
    from urllib.parse import parse_qs, urlsplit

    login = client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "1"}, follow=True)
    signup_link = login.context["signup_url"]
    assert f"/ideas/{alices_idea.pk}/vote/after-sign-in/" in parse_qs(urlsplit(signup_link).query)["next"]
    assert signup_link.replace("&amp;", "&") in login.content.decode().replace("&amp;", "&")
    client.post(
        signup_link,
        {"email": "newcomer@example.com", "password1": "a-long-pass-phrase-1", "password2": "a-long-pass-phrase-1"},
    )
    # Sign-up ends on "check your e-mail"; the confirmation link signs the newcomer in and goes on.
    confirm = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[0].body).group(1)
    response = client.post(confirm, follow=True)
    assert "Your vote up is counted." in response.content.decode()
    assert Vote.objects.get().voter.email == "newcomer@example.com"


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "-1", "0x1", "%C2%B2", "%D9%A1", "1%0A", "1 "])
@pytest.mark.parametrize("method", ["put", "delete", "get", "patch", "post"])
def test_a_vote_on_an_id_that_is_no_idea_is_404_json(api_as, bob, alices_idea, bad_id, method):
    response = getattr(api_as(bob), method)(f"/api/v1/ideas/{bad_id}/vote/", {"value": 1}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Vote.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_a_vote_on_an_id_beyond_any_idea_is_404_json(api_as, bob, method):
    response = getattr(api_as(bob), method)("/api/v1/ideas/99999999999999999999999999/vote/", {"value": 1})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_withdrawing_answers_200_with_the_counts_as_the_schema_says(api_as, api, bob, alices_idea):
    api_as(bob).put(vote_url(alices_idea), {"value": -1})
    response = api_as(bob).delete(vote_url(alices_idea))
    assert response.status_code == 200
    assert response.json() == {"id": alices_idea.pk, "upvotes": 0, "downvotes": 0, "score": 0, "my_vote": None}
    operation = api.get("/api/v1/schema/", {"format": "json"}).json()["paths"]["/api/v1/ideas/{id}/vote/"]["delete"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/VoteResult"
    }
    assert "204" not in operation["responses"]
