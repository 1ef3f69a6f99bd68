"""The comments API: shapes, permissions for every endpoint, bad input, query counts."""

import pytest

from accounts.models import User
from discussion.models import COMMENT_MAX, Comment
from discussion.services import comment_delete, comment_edit, comment_mark_official
from ideas.services import idea_delete
from tests.factories import IdeaFactory, UserFactory, comment


def thread_url(idea) -> str:
    return f"/api/v1/ideas/{idea.pk}/comments/"


def url(comment_, tail="") -> str:
    return f"/api/v1/comments/{comment_.pk}/{tail}"


def test_a_comment_has_the_documented_fields(api, bob, alices_idea):
    posted = comment(bob, alices_idea, "Yes **please**")
    [data] = api.get(thread_url(alices_idea)).json()["results"]
    assert data == {
        "id": posted.pk,
        "idea": alices_idea.pk,
        "parent": None,
        "reply_to": None,
        "reply_to_name": None,
        "depth": 1,
        "author": {"id": bob.pk, "name": "Bob", "roles": []},
        "body": "Yes **please**",
        "body_html": "<p>Yes <strong>please</strong></p>",
        "created_at": data["created_at"],
        "edited_at": None,
        "deleted": False,
        "concealed": False,
        "hidden": None,
        "hidden_reason": None,
        "moderated": False,
        "official": False,
        "can_edit": False,
        "can_delete": False,
        "url": f"http://testserver/ideas/{alices_idea.pk}/#comment-{posted.pk}",
    }


def test_bob_posts_a_reply(api_as, alice, bob, alices_idea):
    first = comment(alice, alices_idea, "First")
    response = api_as(bob).post(thread_url(alices_idea), {"body": "Reply", "parent": first.pk}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["parent"], data["reply_to"], data["reply_to_name"], data["depth"]) == (first.pk, first.pk, "Alice", 2)
    assert (data["can_edit"], data["can_delete"]) == (True, True)


def test_a_visitor_cannot_post(api, alices_idea):
    assert api.post(thread_url(alices_idea), {"body": "Hi"}, format="json").status_code == 401
    assert not Comment.objects.exists()


def test_posting_on_an_unknown_or_deleted_idea_is_not_found(api_as, alice, bob, alices_idea):
    assert api_as(bob).post("/api/v1/ideas/999999/comments/", {"body": "Hi"}, format="json").status_code == 404
    idea_delete(idea=alices_idea, actor=alice)
    assert api_as(bob).post(thread_url(alices_idea), {"body": "Hi"}, format="json").status_code == 404
    assert api_as(bob).get(thread_url(alices_idea)).status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "x" * (COMMENT_MAX + 1)}, "body"),
        ({}, "body"),
        ({"body": 5, "parent": "x"}, "parent"),
        ({"body": "Hi", "parent": 999999}, "parent"),
        ({"body": "Hi", "parent": 1.5}, "parent"),
    ],
)
def test_bad_input_names_the_field(api_as, bob, alices_idea, payload, field):
    response = api_as(bob).post(thread_url(alices_idea), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Comment.objects.exists()


def test_a_parent_from_another_idea_is_bad_input(api_as, alice, bob, alices_idea, drinks):
    elsewhere = comment(bob, IdeaFactory(author=alice, category=drinks))
    response = api_as(bob).post(thread_url(alices_idea), {"body": "Hi", "parent": elsewhere.pk}, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["parent"])


def test_a_deleted_parent_is_bad_input(api_as, alice, bob, alices_idea):
    first = comment(alice, alices_idea)
    comment_delete(actor=alice, comment=first)
    response = api_as(bob).post(thread_url(alices_idea), {"body": "Hi", "parent": first.pk}, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["parent"])


def test_the_thread_pages_with_a_cursor(api, bob, alices_idea):
    for n in range(3):
        comment(bob, alices_idea, f"Comment {n}")
    first = api.get(thread_url(alices_idea), {"page_size": 2, "order": "newest"}).json()
    second = api.get(first["next"]).json()
    assert [c["body"] for c in first["results"] + second["results"]] == ["Comment 2", "Comment 1", "Comment 0"]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [({"order": "best"}, "order"), ({"page_size": "0"}, "page_size"), ({"page_size": "x"}, "page_size"),
     ({"cursor": "not-a-cursor"}, "cursor"), ({"cursor": "WzEsIDFd"}, "cursor")],
)  # fmt: skip
def test_bad_thread_parameters_are_bad_input(api, alices_idea, query, field):
    response = api.get(thread_url(alices_idea), query)
    assert response.status_code == 400 and field in response.json()["fields"]


def test_the_official_response_comes_apart(api, pat, bob, alices_idea):
    posted = comment(bob, alices_idea)
    comment_mark_official(actor=pat, comment=posted)
    data = api.get(thread_url(alices_idea)).json()
    assert data["official"]["id"] == posted.pk and data["official"]["official"] is True


def test_a_deleted_comment_is_a_placeholder_in_the_api(api, bob, alices_idea):
    posted = comment(bob, alices_idea, "Secret words")
    comment_delete(actor=bob, comment=posted)
    data = api.get(url(posted)).json()
    assert (data["deleted"], data["body"], data["body_html"], data["author"]) == (True, "", "", None)


def test_the_thread_costs_the_same_for_5_or_50_comments(
    api_as, alice, bob, pat, alices_idea, django_assert_num_queries
):
    def read():
        # The idea, the comments with their authors, the authors' roles, the viewer's roles (may they
        # delete?), the official response, its author's roles. (A fresh viewer, as each request has.)
        client = api_as(User.objects.get(pk=bob.pk))
        with django_assert_num_queries(6):
            return client.get(thread_url(alices_idea), {"page_size": 100}).json()["results"]

    authors = [alice, bob, pat, *UserFactory.create_batch(2)]
    for n in range(5):
        comment(authors[n % 5], alices_idea, f"Comment {n}")
    comment_mark_official(actor=pat, comment=Comment.objects.first())
    assert len(read()) == 5
    parents = list(Comment.objects.all())
    for n in range(45):
        comment(authors[n % 5], alices_idea, f"Reply {n}", parent=parents[n % 5])
    assert len(read()) == 50


def test_alice_edits_her_comment(api_as, alice, alices_idea):
    posted = comment(alice, alices_idea, "First")
    response = api_as(alice).patch(url(posted), {"body": "Second"}, format="json")
    assert response.status_code == 200
    assert response.json()["body"] == "Second" and response.json()["edited_at"] is not None


def test_bob_cannot_edit_alices_comment(api_as, alice, bob, alices_idea):
    posted = comment(alice, alices_idea, "First")
    response = api_as(bob).patch(url(posted), {"body": "Mine now"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert Comment.objects.get(pk=posted.pk).body == "First"


def test_editing_a_deleted_comment_is_not_found(api_as, alice, alices_idea):
    posted = comment(alice, alices_idea)
    comment_delete(actor=alice, comment=posted)
    assert api_as(alice).patch(url(posted), {"body": "Back"}, format="json").status_code == 404


def test_alice_deletes_her_comment_once(api_as, alice, alices_idea):
    posted = comment(alice, alices_idea)
    assert api_as(alice).delete(url(posted)).status_code == 204
    assert api_as(alice).delete(url(posted)).status_code == 404


def test_bob_cannot_delete_alices_comment(api_as, alice, bob, alices_idea):
    posted = comment(alice, alices_idea)
    assert api_as(bob).delete(url(posted)).status_code == 403
    assert not Comment.objects.get(pk=posted.pk).is_deleted


@pytest.mark.parametrize(
    ("method", "tail"),
    [("patch", ""), ("delete", ""), ("get", "history/"), ("post", "official/"), ("delete", "official/")],
)
def test_visitors_are_asked_to_sign_in(api, alice, alices_idea, method, tail):
    posted = comment(alice, alices_idea)
    assert getattr(api, method)(url(posted, tail), {"body": "x"}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("method", "tail"),
    [("get", ""), ("patch", ""), ("delete", ""), ("get", "history/"), ("post", "official/"), ("delete", "official/")],
)
def test_an_unknown_comment_is_not_found(api_as, pat, method, tail):
    response = getattr(api_as(pat), method)(f"/api/v1/comments/999999/{tail}", {"body": "x"}, format="json")
    assert response.status_code == 404


def test_members_cannot_read_the_history(api_as, alice, alices_idea):
    posted = comment(alice, alices_idea, "First")
    comment_edit(actor=alice, comment=posted, body="Second")
    assert api_as(alice).get(url(posted, "history/")).status_code == 403


@pytest.mark.parametrize("who", ["mo", "pat", "ada"])
def test_staff_read_the_history(request, api_as, alice, alices_idea, who):
    posted = comment(alice, alices_idea, "First")
    comment_edit(actor=alice, comment=posted, body="Second")
    response = api_as(request.getfixturevalue(who)).get(url(posted, "history/"))
    assert [v["body"] for v in response.json()] == ["First"]


def test_pat_marks_and_unmarks_the_official_response(api_as, pat, bob, alices_idea):
    posted = comment(bob, alices_idea)
    assert api_as(pat).post(url(posted, "official/")).json()["official"] is True
    assert api_as(pat).delete(url(posted, "official/")).json()["official"] is False


@pytest.mark.parametrize("who", ["bob", "mo"])
def test_members_and_moderators_cannot_mark_official(request, api_as, alice, alices_idea, who):
    posted = comment(alice, alices_idea)
    response = api_as(request.getfixturevalue(who)).post(url(posted, "official/"))
    assert response.status_code == 403
    assert not Comment.objects.get(pk=posted.pk).is_official


def test_marking_a_deleted_comment_official_is_a_conflict(api_as, pat, bob, alices_idea):
    posted = comment(bob, alices_idea)
    comment_delete(actor=bob, comment=posted)
    response = api_as(pat).post(url(posted, "official/"))
    assert (response.status_code, response.json()["code"]) == (409, "comment_deleted")
