"""The ideas and categories API: shapes, permissions, bad input, query counts."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from ideas.models import BODY_MAX, Idea
from tests.factories import IdeaFactory

LIST = "/api/v1/ideas/"


def detail(idea) -> str:
    return f"/api/v1/ideas/{idea.pk}/"


def test_visitor_lists_ideas_newest_first(api, alice, drinks):
    first = IdeaFactory(author=alice, category=drinks)
    second = IdeaFactory(author=alice, category=drinks)
    response = api.get(LIST)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [second.pk, first.pk]


def test_idea_has_the_documented_fields(api, alices_idea):
    data = api.get(detail(alices_idea)).json()
    assert data["title"] == "Oat milk at no extra charge"
    assert data["body_html"] == "<p>Please, <strong>yes</strong>.</p>"
    assert data["status"] == "new" and data["status_label"] == "New"
    assert data["author"] == {"id": alices_idea.author_id, "name": "Alice", "roles": []}
    assert data["category"]["slug"] == "drinks" and data["category"]["parent"] == "product"
    assert data["url"].endswith(f"/ideas/{alices_idea.pk}/")
    for key in ["upvotes", "downvotes", "score", "comment_count", "tags", "created_at"]:
        assert key in data


def test_list_filters_by_category_status_and_words(api, alice, drinks, experience):
    oat = IdeaFactory(author=alice, category=drinks, title="Oat milk for everyone")
    IdeaFactory(author=alice, category=experience, title="Oat bar in the lobby")
    assert [i["id"] for i in api.get(LIST, {"category": "product", "q": "oat"}).json()["results"]] == [oat.pk]
    assert api.get(LIST, {"status": "launched"}).json()["results"] == []


def test_list_filters_by_category_id_as_well_as_slug(api, alice, drinks, experience):
    oat = IdeaFactory(author=alice, category=drinks)
    IdeaFactory(author=alice, category=experience)
    by_slug = api.get(LIST, {"category": "drinks"}).json()["results"]
    by_id = api.get(LIST, {"category": drinks.pk}).json()["results"]
    assert [i["id"] for i in by_slug] == [i["id"] for i in by_id] == [oat.pk]
    assert api.get(LIST, {"category": 999999}).status_code == 400
    assert api.get(LIST, {"category": "9" * 40}).status_code == 400


def test_a_category_slug_of_digits_is_its_slug_not_an_id(api, alice, drinks):
    from tests.factories import CategoryFactory

    year = CategoryFactory(name="Ideas for 2026", slug=str(drinks.pk))
    mine = IdeaFactory(author=alice, category=year)
    IdeaFactory(author=alice, category=drinks)
    assert [i["id"] for i in api.get(LIST, {"category": str(drinks.pk)}).json()["results"]] == [mine.pk]


def test_list_refuses_unknown_filter_values_with_400(api, alices_idea):
    response = api.get(LIST, {"category": "no-such", "status": "sideways"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["fields"]) == {"category", "status"}


def test_list_pages_with_a_cursor(api, alice, drinks):
    ideas = [IdeaFactory(author=alice, category=drinks) for _ in range(5)]
    first = api.get(LIST, {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    assert [i["id"] for i in first["results"] + second["results"]] == [i.pk for i in reversed(ideas)][:4]


def test_list_runs_the_same_queries_for_5_and_50_ideas(api, alice, drinks, django_assert_num_queries):
    for _ in range(5):
        IdeaFactory(author=alice, category=drinks)
    with django_assert_num_queries(3):  # ideas, their tags, their authors' roles
        assert len(api.get(LIST).json()["results"]) == 5
    for _ in range(45):
        IdeaFactory(author=alice, category=drinks)
    with django_assert_num_queries(3):
        assert len(api.get(LIST, {"page_size": 50}).json()["results"]) == 50


def test_member_submits_an_idea(api_as, alice, drinks):
    response = api_as(alice).post(
        LIST, {"title": "Oat milk at no extra charge", "body": "**Yes**", "category": drinks.pk, "tags": ["milk"]}
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["body_html"] == "<p><strong>Yes</strong></p>" and data["tags"] == ["milk"]
    assert Idea.objects.get().author == alice


def test_visitor_cannot_submit(api, drinks):
    response = api.post(LIST, {"title": "Oat milk at no extra charge", "body": "b", "category": drinks.pk})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "", "body": "b"}, "title"),
        ({"title": "x" * 121, "body": "b"}, "title"),
        ({"title": "Long enough", "body": ""}, "body"),
        ({"title": "Long enough", "body": "x" * (BODY_MAX + 1)}, "body"),
        ({"title": "Long enough", "body": "b", "category": 999999}, "category"),
        ({"title": "Long enough", "body": "b", "category": "drinks"}, "category"),
        ({"title": ["a list"], "body": "b"}, "title"),
        ({"title": "Long enough", "body": "b", "tags": "not-a-list"}, "tags"),
        ({"body": "b"}, "title"),
    ],
)
def test_bad_submissions_get_400_with_field_messages(api_as, alice, drinks, payload, field):
    payload = {"category": drinks.pk, **payload}
    response = api_as(alice).post(LIST, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"] and body["detail"]
    assert not Idea.objects.exists()


def test_malformed_json_gets_400(api_as, alice):
    response = api_as(alice).post(LIST, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_author_edits_with_patch(api_as, alice, alices_idea):
    response = api_as(alice).patch(detail(alices_idea), {"body": "_new_"}, format="json")
    assert response.status_code == 200
    assert response.json()["body_html"] == "<p><em>new</em></p>"
    assert response.json()["title"] == "Oat milk at no extra charge"


def test_someone_else_cannot_edit(api_as, bob, alices_idea):
    response = api_as(bob).patch(detail(alices_idea), {"title": "Mine now, thank you"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk at no extra charge"


def test_bad_edit_gets_400_and_changes_nothing(api_as, alice, alices_idea):
    response = api_as(alice).patch(detail(alices_idea), {"title": "no"}, format="json")
    assert response.status_code == 400 and "title" in response.json()["fields"]
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk at no extra charge"


def test_author_deletes_and_the_idea_is_gone(api_as, api, alice, alices_idea):
    assert api_as(alice).delete(detail(alices_idea)).status_code == 204
    assert api.get(detail(alices_idea)).status_code == 404
    assert api.get(LIST).json()["results"] == []


def test_moderator_deletes_someone_elses_idea(api_as, mo, alices_idea):
    assert api_as(mo).delete(detail(alices_idea)).status_code == 204


def test_member_cannot_delete_someone_elses_idea(api_as, bob, alices_idea):
    assert api_as(bob).delete(detail(alices_idea)).status_code == 403
    alices_idea.refresh_from_db()
    assert not alices_idea.is_deleted


def test_missing_and_deleted_ideas_are_404_in_the_json_shape(api, alice, drinks):
    gone = IdeaFactory(author=alice, category=drinks, deleted_at=timezone.now())
    for path in [detail(gone), "/api/v1/ideas/999999/"]:
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_similar_finds_ideas_like_a_title(api, alices_idea):
    response = api.get("/api/v1/ideas/similar/", {"title": "free oat milk"})
    assert response.status_code == 200
    assert response.json()[0]["id"] == alices_idea.pk
    assert api.get("/api/v1/ideas/similar/", {"title": "x" * 5000}).status_code == 200
    assert api.get("/api/v1/ideas/similar/").json() == []


def test_categories_list_parents_then_children(api, product, drinks, experience):
    data = api.get("/api/v1/categories/").json()
    assert [c["slug"] for c in data] == ["product", "drinks", "experience"]


def test_token_auth_for_scripts(api, alice, drinks):
    response = api.post("/api/v1/auth/token/", {"email": "alice@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=alice).key == token
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    created = api.post(LIST, {"title": "By a script today", "body": "b", "category": drinks.pk}, format="json")
    assert created.status_code == 201


def test_token_refused_for_wrong_password(api, alice):
    response = api.post("/api/v1/auth/token/", {"email": "alice@example.com", "password": "wrong"})
    assert response.status_code == 400 and "password" in response.json()["fields"]


def test_bad_token_is_401(api, drinks):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(LIST).status_code == 401


def test_session_writes_need_csrf(alice, drinks):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(LIST, {"title": "No token no write", "body": "b", "category": drinks.pk}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_schema_and_docs_are_served(api, db):
    schema = api.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/ideas/" in schema.content
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"<script>" not in docs.content.replace(b" ", b"")


@pytest.mark.parametrize(("path", "queries"), [("/api/v1/categories/", 1), ("/api/v1/me/", 1)])
def test_other_endpoints_run_a_fixed_number_of_queries(api_as, alice, drinks, path, queries, django_assert_num_queries):
    client = api_as(alice)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_staff_deleting_with_a_reason_records_it(api_as, mo, alices_idea):
    from core.models import AuditEntry

    assert api_as(mo).delete(f"/api/v1/ideas/{alices_idea.pk}/", {"reason": "Duplicate of #3"}).status_code == 204
    assert AuditEntry.objects.get(verb="idea.deleted").reason == "Duplicate of #3"


@pytest.mark.parametrize("payload", [{"reason": "x" * 1001}, {"reason": ["a list"]}])
def test_a_bad_delete_reason_is_400_and_deletes_nothing(api_as, mo, alices_idea, payload):
    response = api_as(mo).delete(f"/api/v1/ideas/{alices_idea.pk}/", payload)
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    alices_idea.refresh_from_db()
    assert alices_idea.deleted_at is None


def test_the_author_carries_the_roles_they_hold(api, alice, mo, pat, ada, drinks):
    for author in [alice, mo, pat, ada]:
        IdeaFactory(author=author, category=drinks, title=f"An idea by {author.display_name}")
    authors = {item["author"]["name"]: item["author"]["roles"] for item in api.get(LIST).json()["results"]}
    assert authors == {
        "Alice": [],
        "Mo": ["moderators"],
        "Pat": ["product_team"],
        "Ada": ["moderators", "product_team"],
    }
    idea = Idea.objects.get(author=mo)
    assert api.get(detail(idea)).json()["author"] == {"id": mo.pk, "name": "Mo", "roles": ["moderators"]}


def test_the_schema_documents_the_authors_roles(api, db):
    schemas = api.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schemas["Author"]["required"] == ["id", "name", "roles"]
    enum = schemas["Author"]["properties"]["roles"]["items"]["$ref"].rsplit("/", 1)[1]
    assert schemas[enum]["enum"] == ["moderators", "product_team"]


def test_a_nameless_authors_name_is_their_number_not_their_email(api, drinks):
    from accounts.models import User

    sam = User.objects.create_user(email="sam.private@example.com")
    IdeaFactory(author=sam, category=drinks)
    author = api.get(LIST).json()["results"][0]["author"]
    assert author == {"id": sam.pk, "name": f"Member #{sam.pk}", "roles": []}


def test_invisible_characters_are_stripped_from_titles_and_tags_in_the_api(api_as, alice, alices_idea, drinks):
    client = api_as(alice)
    payload = {"title": "Re\u200bfill\u202e stations", "body": "Water", "category": drinks.pk, "tags": ["wa\u200bter"]}
    response = client.post(LIST, payload, format="json")
    assert response.status_code == 201
    assert response.json()["title"] == "Refill stations" and response.json()["tags"] == ["water"]
    response = client.patch(detail(alices_idea), {"title": "\u2067Oat milk, free\u2069"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Oat milk, free"


def test_patch_changes_only_the_fields_sent(api_as, alice, alices_idea, experience):
    Idea.objects.filter(pk=alices_idea.pk).update(body="Changed meanwhile by another tab.")
    response = api_as(alice).patch(detail(alices_idea), {"title": "Oat milk for free"}, format="json")
    assert response.status_code == 200
    alices_idea.refresh_from_db()
    assert (alices_idea.title, alices_idea.body) == ("Oat milk for free", "Changed meanwhile by another tab.")
    api_as(alice).patch(detail(alices_idea), {"category": experience.pk}, format="json")
    alices_idea.refresh_from_db()
    assert (alices_idea.title, alices_idea.category) == ("Oat milk for free", experience)


def test_patch_of_the_body_only_works_in_a_category_closed_since(api_as, alice, alices_idea, drinks):
    drinks.is_active = False
    drinks.save()
    response = api_as(alice).patch(detail(alices_idea), {"body": "Still a good idea."}, format="json")
    assert response.status_code == 200 and response.json()["body"] == "Still a good idea."


def test_put_needs_every_field(api_as, alice, alices_idea):
    response = api_as(alice).put(detail(alices_idea), {"title": "Only a title here"}, format="json")
    assert response.status_code == 400 and {"body", "category"} <= set(response.json()["fields"])


def test_get_patch_put_and_create_answer_with_the_etag_of_the_revision(api_as, alice, alices_idea, drinks):
    client = api_as(alice)
    read = client.get(detail(alices_idea))
    assert read["ETag"] == f'"{alices_idea.pk}.1"'
    patched = client.patch(detail(alices_idea), {"body": "New"}, format="json")
    assert patched["ETag"] == f'"{alices_idea.pk}.2"'
    put = client.put(detail(alices_idea), {"title": "Oat milk", "body": "B", "category": drinks.pk}, format="json")
    assert put["ETag"] == f'"{alices_idea.pk}.3"' == client.get(detail(alices_idea))["ETag"]
    created = client.post(LIST, {"title": "Another idea", "body": "b", "category": drinks.pk}, format="json")
    assert created["ETag"] == f'"{created.json()["id"]}.1"'


def test_a_vote_does_not_change_the_etag(api_as, alice, bob, alices_idea):
    before = api_as(alice).get(detail(alices_idea))["ETag"]
    api_as(bob).put(f"/api/v1/ideas/{alices_idea.pk}/vote/", {"value": 1}, format="json")
    assert api_as(alice).get(detail(alices_idea))["ETag"] == before


@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_edit_with_the_current_etag_applies(api_as, alice, alices_idea, drinks, method):
    client = api_as(alice)
    etag = client.get(detail(alices_idea))["ETag"]
    payload = {"title": "Oat milk for free", "body": "b", "category": drinks.pk}
    response = getattr(client, method)(detail(alices_idea), payload, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk for free"


@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_edit_on_an_older_revision_is_412_and_writes_nothing(api_as, alice, alices_idea, drinks, method):
    client = api_as(alice)
    etag = client.get(detail(alices_idea))["ETag"]
    client.patch(detail(alices_idea), {"body": "Changed in another tab."}, format="json")
    payload = {"title": "Oat milk for free", "body": "b", "category": drinks.pk}
    response = getattr(client, method)(detail(alices_idea), payload, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json() == {
        "detail": "The idea has changed since you read it: read it again, then make your change.",
        "code": "precondition_failed",
    }
    alices_idea.refresh_from_db()
    assert (alices_idea.title, alices_idea.body, alices_idea.revision) == (
        "Oat milk at no extra charge",
        "Changed in another tab.",
        2,
    )


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ("*", 200),
        ('"999.1", "{pk}.1"', 200),
        ('W/"{pk}.1"', 412),  # a weak tag never matches: If-Match compares strongly
        ('"{pk}.2"', 412),
        ('"1"', 412),
        ("{pk}.1", 412),  # not a quoted tag
        ("", 412),
    ],
)
def test_if_match_compares_strong_etags(api_as, alice, alices_idea, if_match, status):
    header = if_match.format(pk=alices_idea.pk)
    response = api_as(alice).patch(detail(alices_idea), {"body": "New"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == status


def test_an_edit_without_if_match_still_applies(api_as, alice, alices_idea):
    client = api_as(alice)
    client.patch(detail(alices_idea), {"body": "First"}, format="json")
    assert client.patch(detail(alices_idea), {"body": "Second"}, format="json").status_code == 200


def test_a_stale_if_match_does_not_let_someone_else_learn_more_than_403(api_as, bob, alices_idea):
    response = api_as(bob).patch(detail(alices_idea), {"body": "Mine"}, format="json", HTTP_IF_MATCH='"1.9"')
    assert response.status_code == 403


def test_delete_with_an_older_etag_is_412_and_deletes_nothing(api_as, alice, alices_idea):
    client = api_as(alice)
    etag = client.get(detail(alices_idea))["ETag"]
    client.patch(detail(alices_idea), {"body": "Changed since"}, format="json")
    response = client.delete(detail(alices_idea), HTTP_IF_MATCH=etag)
    assert response.status_code == 412 and response.json()["code"] == "precondition_failed"
    alices_idea.refresh_from_db()
    assert not alices_idea.is_deleted
    current = client.get(detail(alices_idea))["ETag"]
    assert client.delete(detail(alices_idea), HTTP_IF_MATCH=current).status_code == 204


def test_a_second_delete_is_404(api_as, alice, alices_idea):
    client = api_as(alice)
    assert client.delete(detail(alices_idea)).status_code == 204
    second = client.delete(detail(alices_idea))
    assert second.status_code == 404 and second.json()["code"] == "not_found"


def test_reading_one_idea_runs_a_fixed_number_of_queries(api_as, alice, bob, drinks, django_assert_num_queries):
    from ideas.services import idea_submit

    idea = idea_submit(actor=alice, title="Tagged idea", body="b", category=drinks, tags=["milk", "oat", "price"])
    with django_assert_num_queries(3):  # the idea with its author, the author's roles, the tags
        assert api_as(bob).get(detail(idea)).status_code == 200


BAD_IDS = ["abc", "1.5", "-1", "0x1", "1e3", "%C2%B2", "%D9%A1", "1%20", "99999999999999999999999999"]


@pytest.mark.parametrize("bad_id", BAD_IDS)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/ideas/{}/"),
        ("put", "/api/v1/ideas/{}/"),
        ("patch", "/api/v1/ideas/{}/"),
        ("delete", "/api/v1/ideas/{}/"),
        ("get", "/api/v1/categories/{}/"),
    ],
)
def test_an_id_that_is_no_number_of_an_idea_is_404_json(api_as, alice, alices_idea, bad_id, method, path):
    response = getattr(api_as(alice), method)(path.format(bad_id), {"body": "x"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("exclude", ["abc", "²", "-1", "99999999999999999999999999", ""])
def test_similar_ignores_an_exclude_that_is_no_id(api, alices_idea, exclude):
    response = api.get("/api/v1/ideas/similar/", {"title": "free oat milk", "exclude": exclude})
    assert response.status_code == 200 and response.json()[0]["id"] == alices_idea.pk
