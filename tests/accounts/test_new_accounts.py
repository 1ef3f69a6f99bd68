"""New accounts, in their first hours, post a few ideas and comments with a few links each; beyond that they are
told when they can post more, on pages and in the API alike. Staff, and older accounts, are not limited."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.permissions import NewAccountLimit
from core.text import moment
from discussion.models import Comment
from discussion.services import comment_edit, comment_post
from ideas.models import Idea
from ideas.services import idea_delete, idea_edit, idea_submit
from tests.factories import IdeaFactory, UserFactory
from tests.net import at_once

THREE_LINKS = "See https://a.example.com, https://b.example.com and https://c.example.com"
TWO_LINKS = "See https://a.example.com and https://b.example.com"


@pytest.fixture
def limits(settings):
    """The product's defaults (the test settings turn the limits off)."""
    settings.NEW_ACCOUNT_HOURS = 24
    settings.NEW_ACCOUNT_LIMITS = {"ideas": 3, "comments": 10, "links": 2}


@pytest.fixture
def nina(db):
    """A member who signed up a moment ago."""
    return UserFactory(display_name="Nina")


def submit(member, drinks, n: int, body: str = "Tea, please.") -> Idea:
    return idea_submit(actor=member, title=f"Tea idea number {n}", body=body, category=drinks)


def ends(member) -> str:
    """When the member's first hours end, as the refusals say it."""
    return moment(member.date_joined + timedelta(hours=24))


def test_a_new_account_posts_three_ideas_and_the_fourth_is_refused_saying_when(limits, nina, drinks):
    for n in range(3):
        submit(nina, drinks, n)
    with pytest.raises(NewAccountLimit) as refusal:
        submit(nina, drinks, 3)
    assert ends(nina) in refusal.value.message and "3 ideas" in refusal.value.message
    assert 23 * 3600 < refusal.value.retry_after <= 24 * 3600
    assert Idea.objects.filter(author=nina).count() == 3


def test_a_deleted_idea_still_counts(limits, nina, drinks):
    ideas = [submit(nina, drinks, n) for n in range(3)]
    idea_delete(idea=ideas[0], actor=nina)
    with pytest.raises(NewAccountLimit):
        submit(nina, drinks, 3)


def test_a_new_account_posts_ten_comments_and_the_eleventh_is_refused(limits, nina, alices_idea):
    for n in range(10):
        comment_post(actor=nina, idea=alices_idea, body=f"Comment {n}")
    with pytest.raises(NewAccountLimit) as refusal:
        comment_post(actor=nina, idea=alices_idea, body="One more")
    assert ends(nina) in refusal.value.message and "10 comments" in refusal.value.message
    assert Comment.objects.filter(author=nina).count() == 10


def test_ideas_and_comments_are_counted_apart(limits, nina, drinks, alices_idea):
    for n in range(3):
        submit(nina, drinks, n)
    comment_post(actor=nina, idea=alices_idea, body="Still allowed")


def test_two_links_in_an_idea_are_allowed_and_three_refused(limits, nina, drinks):
    submit(nina, drinks, 1, body=TWO_LINKS)
    with pytest.raises(NewAccountLimit) as refusal:
        submit(nina, drinks, 2, body=THREE_LINKS)
    assert ends(nina) in refusal.value.message and "2 links" in refusal.value.message
    assert Idea.objects.filter(author=nina).count() == 1


def test_an_edit_cannot_add_a_third_link_to_an_idea(limits, nina, drinks):
    idea = submit(nina, drinks, 1, body=TWO_LINKS)
    with pytest.raises(NewAccountLimit):
        idea_edit(idea=idea, actor=nina, body=THREE_LINKS)
    idea.refresh_from_db()
    assert idea.body == TWO_LINKS


def test_a_comment_with_three_links_is_refused(limits, nina, alices_idea):
    with pytest.raises(NewAccountLimit):
        comment_post(actor=nina, idea=alices_idea, body=THREE_LINKS)
    assert not Comment.objects.exists()


def test_an_edit_cannot_add_a_third_link_to_a_comment(limits, nina, alices_idea):
    written = comment_post(actor=nina, idea=alices_idea, body=TWO_LINKS)
    with pytest.raises(NewAccountLimit):
        comment_edit(actor=nina, comment=written, body=THREE_LINKS)
    written.refresh_from_db()
    assert written.body == TWO_LINKS


@pytest.mark.parametrize("who", ["mo", "pat", "ada"])
def test_staff_are_not_limited(request, limits, drinks, who):
    member = request.getfixturevalue(who)
    for n in range(4):
        submit(member, drinks, n, body=THREE_LINKS)
    assert Idea.objects.filter(author=member).count() == 4


def test_after_the_first_hours_the_limits_are_gone(limits, nina, drinks):
    for n in range(3):
        submit(nina, drinks, n)
    nina.date_joined = timezone.now() - timedelta(hours=24, seconds=1)
    nina.save(update_fields=["date_joined"])
    submit(nina, drinks, 3, body=THREE_LINKS)
    assert Idea.objects.filter(author=nina).count() == 4


def test_members_of_longer_standing_are_not_limited(limits, alice, drinks):
    alice.date_joined = timezone.now() - timedelta(days=30)
    alice.save(update_fields=["date_joined"])
    for n in range(4):
        submit(alice, drinks, n)


# The API and the pages


def test_the_api_refuses_a_fourth_idea_with_429_saying_when(limits, api_as, nina, drinks):
    client = api_as(nina)
    data = {"body": "Tea", "category": drinks.pk}
    for n in range(3):
        assert client.post("/api/v1/ideas/", {**data, "title": f"Tea idea number {n}"}).status_code == 201
    response = client.post("/api/v1/ideas/", {**data, "title": "Tea idea number 3"})
    assert response.status_code == 429 and response.json()["code"] == "new_account_limit"
    assert ends(nina) in response.json()["detail"] and int(response["Retry-After"]) > 23 * 3600


def test_the_api_refuses_a_comment_with_three_links(limits, api_as, nina, alices_idea):
    response = api_as(nina).post(f"/api/v1/ideas/{alices_idea.pk}/comments/", {"body": THREE_LINKS}, format="json")
    assert response.status_code == 429 and response.json()["code"] == "new_account_limit"
    assert not Comment.objects.exists()


def test_the_api_refuses_an_edit_with_three_links(limits, api_as, nina, drinks):
    idea = submit(nina, drinks, 1)
    response = api_as(nina).patch(f"/api/v1/ideas/{idea.pk}/", {"body": THREE_LINKS}, format="json")
    assert response.status_code == 429 and response.json()["code"] == "new_account_limit"


def test_the_submit_page_says_when_and_keeps_what_was_typed(limits, client, nina, drinks):
    for n in range(3):
        submit(nina, drinks, n)
    client.force_login(nina)
    data = {"title": "A fourth tea idea", "body": "Typed with care", "category": drinks.pk}
    response = client.post("/ideas/new/", data)
    page = response.content.decode()
    assert response.status_code == 429 and int(response["Retry-After"]) > 23 * 3600
    assert ends(nina) in page and "A fourth tea idea" in page and "Typed with care" in page


def test_the_comment_form_says_why_and_keeps_what_was_typed(limits, client, nina, alices_idea):
    client.force_login(nina)
    response = client.post(f"/ideas/{alices_idea.pk}/comments/", {"body": THREE_LINKS})
    page = response.content.decode()
    assert response.status_code == 429 and ends(nina) in page and "https://c.example.com" in page
    assert not Comment.objects.exists()


def test_the_comment_edit_page_refuses_a_third_link(limits, client, nina, alices_idea):
    written = comment_post(actor=nina, idea=alices_idea, body=TWO_LINKS)
    client.force_login(nina)
    response = client.post(f"/comments/{written.pk}/edit/", {"body": THREE_LINKS})
    assert response.status_code == 429 and ends(nina) in response.content.decode()


# Concurrent posts are counted one after the other (the member's row is locked while they are counted).


def test_ideas_posted_at_once_cannot_pass_the_limit_together(limits, own_daphne, nina, drinks):
    IdeaFactory(author=nina, category=drinks)
    IdeaFactory(author=nina, category=drinks)
    url = f"http://127.0.0.1:{own_daphne()}"
    token = Token.objects.create(user=nina).key
    body = {"title": "Tea idea posted at once", "body": "Tea", "category": drinks.pk}
    answers = at_once(url, [("/api/v1/ideas/", token, {**body, "title": f"{body['title']} {n}"}) for n in range(3)])
    assert sorted(status for status, _ in answers) == [201, 429, 429], answers
    assert Idea.objects.filter(author=nina).count() == 3
