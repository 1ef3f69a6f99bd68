"""The pipeline API: moves, bulk moves, merges, timeline, roadmap, triage and internal notes; shapes,
permissions per role, bad input (nothing changed), internal notes kept from members, query counts."""

import pytest
from django.utils import timezone

from accounts.models import User
from core.models import AuditEntry
from discussion.services import comment_mark_official
from ideas.models import Idea, Status
from ideas.services import idea_delete
from pipeline.models import NOTE_MAX, StatusChange
from pipeline.services import BULK_MAX, idea_merge, idea_transition, internal_note_add
from tests.factories import CategoryFactory, IdeaFactory, UserFactory, comment

SECRET = "Legal says no until the supplier contract is signed"


def url(idea, tail: str) -> str:
    return f"/api/v1/ideas/{idea.pk}/{tail}/"


def moved(idea) -> tuple:
    """What a move changes: the idea's status and where it went, its status changes and the audit trail."""
    idea = Idea.objects.get(pk=idea.pk)
    return idea.status, idea.merged_into_id, StatusChange.objects.count(), AuditEntry.objects.count()


def fresh(user) -> User:
    """The user as a new request loads them: nothing cached (their roles are read again)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def bobs_idea(bob, drinks):
    return IdeaFactory(author=bob, category=drinks, title="Cinnamon on every latte")


@pytest.fixture
def secret_note(pat, alices_idea):
    return internal_note_add(actor=pat, idea=alices_idea, body=SECRET)


# Transition


def test_pat_moves_an_idea_with_a_public_note(api_as, pat, alices_idea):
    response = api_as(pat).post(url(alices_idea, "transition"), {"status": "under_review", "note": "On *it*"})
    assert response.status_code == 200
    change = StatusChange.objects.get()
    assert response.json() == {
        "id": change.pk,
        "idea": alices_idea.pk,
        "from_status": "new",
        "to_status": "under_review",
        "to_label": "Under review",
        "note": "On *it*",
        "note_html": "<p>On <em>it</em></p>",
        "actor": {"id": pat.pk, "name": "Pat", "roles": ["product_team"]},
        "created_at": response.json()["created_at"],
        "merged_into": None,
        "status": "under_review",
    }
    assert Idea.objects.get(pk=alices_idea.pk).status == Status.UNDER_REVIEW


def test_a_move_is_written_to_the_audit_trail(api_as, pat, alices_idea):
    api_as(pat).post(url(alices_idea, "transition"), {"status": "reviewed", "note": "Costed"})
    entry = AuditEntry.objects.get(verb="idea.transition")
    assert (entry.actor_id, entry.target_id, entry.reason) == (pat.pk, str(alices_idea.pk), "Costed")
    assert (entry.data["from"], entry.data["to"]) == ("new", "reviewed")


def test_an_admin_moves_an_idea(api_as, ada, alices_idea):
    assert api_as(ada).post(url(alices_idea, "transition"), {"status": "reviewed"}).status_code == 200


@pytest.mark.parametrize(("who", "code"), [("alice", 403), ("bob", 403), ("mo", 403), ("visitor", 401)])
def test_only_the_product_team_moves_ideas(request, api, api_as, alices_idea, who, code):
    client = api if who == "visitor" else api_as(request.getfixturevalue(who))
    before = moved(alices_idea)
    response = client.post(url(alices_idea, "transition"), {"status": "under_review"})
    assert response.status_code == code and response.json()["detail"]
    assert moved(alices_idea) == before


def test_a_moderator_is_told_only_the_product_team_moves_ideas(api_as, mo, alices_idea):
    response = api_as(mo).post(url(alices_idea, "transition"), {"status": "under_review"})
    assert response.json() == {
        "detail": "Only the product team moves ideas through the pipeline.",
        "code": "permission_denied",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "declined"}, "note"),
        ({"status": "declined", "note": "   "}, "note"),
        ({"status": "under_review", "note": "x" * (NOTE_MAX + 1)}, "note"),
        ({"status": "shipped"}, "status"),
        ({}, "status"),
        ({"status": "reviewed", "from_status": "somewhere"}, "from_status"),
    ],
)
def test_bad_input_to_a_move_is_400_and_changes_nothing(api_as, pat, alices_idea, body, field):
    before = moved(alices_idea)
    response = api_as(pat).post(url(alices_idea, "transition"), body)
    assert response.status_code == 400
    assert response.json()["fields"][field]
    assert moved(alices_idea) == before


def test_a_note_far_over_the_limit_is_told_the_real_limit(api_as, pat, alices_idea):
    response = api_as(pat).post(url(alices_idea, "transition"), {"status": "reviewed", "note": "x" * (NOTE_MAX * 3)})
    assert response.status_code == 400
    assert response.json()["fields"]["note"] == ["Keep the note to 5,000 characters or fewer."]


def test_a_move_the_table_refuses_says_where_the_idea_may_go(api_as, pat, alices_idea):
    idea_transition(actor=pat, idea=alices_idea, to=Status.COMING_SOON)
    before = moved(alices_idea)
    response = api_as(pat).post(url(alices_idea, "transition"), {"status": "new"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "“Oat milk at no extra charge” is Coming soon: it can move to Reviewed, Launched, Not planned.",
        "code": "move_not_allowed",
    }
    assert moved(alices_idea) == before


def test_a_move_from_a_status_the_idea_has_left_is_a_conflict(api_as, pat, alices_idea):
    idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW)
    before = moved(alices_idea)
    response = api_as(pat).post(url(alices_idea, "transition"), {"status": "reviewed", "from_status": "new"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Pat moved “Oat milk at no extra charge” to Under review meanwhile: nothing was changed.",
        "code": "conflict",
    }
    assert moved(alices_idea) == before


def test_a_move_from_the_status_the_client_saw_goes_through(api_as, pat, alices_idea):
    response = api_as(pat).post(url(alices_idea, "transition"), {"status": "reviewed", "from_status": "new"})
    assert response.status_code == 200


def test_moving_a_deleted_idea_is_404(api_as, pat, alice, alices_idea):
    idea_delete(idea=alices_idea, actor=alice)
    before = moved(alices_idea)
    assert api_as(pat).post(url(alices_idea, "transition"), {"status": "reviewed"}).status_code == 404
    assert moved(alices_idea) == before


def test_moving_a_missing_idea_is_404(api_as, pat):
    assert api_as(pat).post("/api/v1/ideas/999999/transition/", {"status": "reviewed"}).status_code == 404


# Bulk transition

BULK = "/api/v1/ideas/bulk-transition/"


def test_pat_moves_several_ideas_at_once_each_with_its_own_change(api_as, pat, alices_idea, bobs_idea):
    response = api_as(pat).post(BULK, {"ids": [alices_idea.pk, bobs_idea.pk], "status": "reviewed", "note": "Both"})
    assert response.status_code == 200
    changes = response.json()["changes"]
    assert [(c["idea"], c["to_status"], c["note"]) for c in changes] == [
        (alices_idea.pk, "reviewed", "Both"),
        (bobs_idea.pk, "reviewed", "Both"),
    ]
    assert set(Idea.objects.values_list("status", flat=True)) == {Status.REVIEWED}
    assert AuditEntry.objects.filter(verb="idea.transition").count() == 2


def test_one_bad_move_in_a_batch_moves_nothing(api_as, pat, alices_idea, bobs_idea):
    idea_transition(actor=pat, idea=bobs_idea, to=Status.LAUNCHED)
    before = (moved(alices_idea), moved(bobs_idea))
    response = api_as(pat).post(BULK, {"ids": [alices_idea.pk, bobs_idea.pk], "status": "reviewed"})
    assert response.status_code == 400
    assert response.json()["code"] == "move_not_allowed"
    assert "Nothing was moved" in response.json()["detail"] and "Cinnamon on every latte" in response.json()["detail"]
    assert (moved(alices_idea), moved(bobs_idea)) == before


@pytest.mark.parametrize(
    "ids",
    [
        "1,2",
        ["one"],
        [1.5],
        [],
        list(range(1, BULK_MAX + 2)),
        None,
    ],
)
def test_bad_ids_in_a_batch_are_400_and_move_nothing(api_as, pat, alices_idea, ids):
    before = moved(alices_idea)
    response = api_as(pat).post(BULK, {"ids": ids, "status": "reviewed"})
    assert response.status_code == 400
    assert response.json()["fields"]["ids"]
    assert moved(alices_idea) == before


def test_an_unknown_id_in_a_batch_is_named_and_nothing_moves(api_as, pat, alices_idea):
    before = moved(alices_idea)
    response = api_as(pat).post(BULK, {"ids": [alices_idea.pk, 999999], "status": "reviewed"})
    assert response.status_code == 400
    assert response.json()["detail"] == "No idea with the number #999999: nothing was moved."
    assert moved(alices_idea) == before


def test_a_batch_declined_without_a_note_moves_nothing(api_as, pat, alices_idea):
    before = moved(alices_idea)
    response = api_as(pat).post(BULK, {"ids": [alices_idea.pk], "status": "declined"})
    assert response.status_code == 400 and response.json()["fields"]["note"]
    assert moved(alices_idea) == before


def test_a_batch_from_a_stale_list_is_409_and_moves_nothing(api_as, pat, alices_idea, bobs_idea):
    idea_transition(actor=pat, idea=bobs_idea, to=Status.REVIEWED)
    before = (moved(alices_idea), moved(bobs_idea))
    seen = {str(alices_idea.pk): "new", str(bobs_idea.pk): "new"}
    response = api_as(pat).post(
        BULK, {"ids": [alices_idea.pk, bobs_idea.pk], "status": "under_review", "seen": seen}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert (moved(alices_idea), moved(bobs_idea)) == before


@pytest.mark.parametrize("seen", [{"one": "new"}, {"0": "new"}, {"1": "shipped"}, ["new"]])
def test_a_batch_with_a_bad_seen_is_400(api_as, pat, alices_idea, seen):
    body = {"ids": [alices_idea.pk], "status": "under_review", "seen": seen}
    response = api_as(pat).post(BULK, body, format="json")
    assert response.status_code == 400 and response.json()["fields"]["seen"]


@pytest.mark.parametrize(("who", "code"), [("alice", 403), ("mo", 403), ("visitor", 401)])
def test_only_the_product_team_moves_ideas_in_bulk(request, api, api_as, alices_idea, who, code):
    client = api if who == "visitor" else api_as(request.getfixturevalue(who))
    before = moved(alices_idea)
    assert client.post(BULK, {"ids": [alices_idea.pk], "status": "reviewed"}).status_code == code
    assert moved(alices_idea) == before


# Merge


def test_pat_merges_a_duplicate_into_another_idea(api_as, pat, alices_idea, bobs_idea):
    response = api_as(pat).post(url(bobs_idea, "merge"), {"into": alices_idea.pk, "note": "Same wish"})
    assert response.status_code == 200
    data = response.json()
    assert (data["idea"], data["to_status"], data["merged_into"], data["status"]) == (
        bobs_idea.pk,
        "merged",
        alices_idea.pk,
        "merged",
    )
    assert AuditEntry.objects.get(verb="idea.merged").data["into"] == alices_idea.pk


def test_a_merged_idea_says_where_it_went_in_its_api_record(api, pat, alices_idea, bobs_idea):
    idea_merge(actor=pat, idea=bobs_idea, into=alices_idea.pk, note="Same wish")
    data = api.get(f"/api/v1/ideas/{bobs_idea.pk}/").json()
    assert data["merged_into"] == alices_idea.pk
    assert data["status_changed_at"] == StatusChange.objects.get().created_at.astimezone().isoformat()


def test_an_idea_never_moved_has_no_merge_nor_move_time(api, alices_idea):
    data = api.get(f"/api/v1/ideas/{alices_idea.pk}/").json()
    assert (data["merged_into"], data["status_changed_at"]) == (None, None)


def _merge_target(kind, *, pat, alice, drinks, alices_idea, bobs_idea):
    """The `into` of a refused merge of bob's idea, by kind."""
    if kind == "itself":
        return bobs_idea.pk
    if kind == "missing":
        return 999999
    if kind == "not a number":
        return "two"
    other = IdeaFactory(author=alice, category=drinks)
    if kind == "merged":
        idea_merge(actor=pat, idea=other, into=alices_idea.pk, note="Dup")
    elif kind == "declined":
        idea_transition(actor=pat, idea=other, to=Status.DECLINED, note="No")
    elif kind == "deleted":
        idea_delete(idea=other, actor=alice)
    return other.pk


@pytest.mark.parametrize("kind", ["itself", "missing", "not a number", "merged", "declined", "deleted"])
def test_a_merge_into_an_idea_that_cannot_take_it_is_400_and_changes_nothing(
    api_as, pat, alice, drinks, alices_idea, bobs_idea, kind
):
    into = _merge_target(kind, pat=pat, alice=alice, drinks=drinks, alices_idea=alices_idea, bobs_idea=bobs_idea)
    before = moved(bobs_idea)
    response = api_as(pat).post(url(bobs_idea, "merge"), {"into": into, "note": "Duplicate"})
    assert response.status_code == 400
    assert response.json()["fields"]["into"]
    assert moved(bobs_idea) == before


def test_a_merge_without_a_note_is_400(api_as, pat, alices_idea, bobs_idea):
    before = moved(bobs_idea)
    response = api_as(pat).post(url(bobs_idea, "merge"), {"into": alices_idea.pk, "note": ""})
    assert response.status_code == 400 and response.json()["fields"]["note"]
    assert moved(bobs_idea) == before


def test_merging_back_into_the_idea_merged_into_it_is_refused(api_as, pat, alices_idea, bobs_idea):
    idea_merge(actor=pat, idea=bobs_idea, into=alices_idea.pk, note="Same wish")
    before = moved(alices_idea)
    response = api_as(pat).post(url(alices_idea, "merge"), {"into": bobs_idea.pk, "note": "Back"})
    assert response.status_code == 400 and response.json()["fields"]["into"]
    assert moved(alices_idea) == before


@pytest.mark.parametrize(("who", "code"), [("alice", 403), ("mo", 403), ("visitor", 401)])
def test_only_the_product_team_merges(request, api, api_as, alices_idea, bobs_idea, who, code):
    client = api if who == "visitor" else api_as(request.getfixturevalue(who))
    before = moved(bobs_idea)
    assert client.post(url(bobs_idea, "merge"), {"into": alices_idea.pk, "note": "Dup"}).status_code == code
    assert moved(bobs_idea) == before


# Timeline


def test_the_timeline_interleaves_moves_merges_and_the_official_response(api, pat, bob, alices_idea, bobs_idea):
    idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW, note="Looking")
    comment_mark_official(actor=pat, comment=comment(pat, alices_idea, "We hear you"))
    idea_merge(actor=pat, idea=bobs_idea, into=alices_idea.pk, note="Same wish")
    entries = api.get(url(alices_idea, "timeline")).json()
    assert [entry["kind"] for entry in entries] == ["status", "official", "merged_in"]
    assert entries[0]["change"]["note_html"] == "<p>Looking</p>" and entries[0]["comment"] is None
    assert entries[1]["comment"]["body_html"] == "<p>We hear you</p>"
    assert entries[1]["comment"]["author"] == {"id": pat.pk, "name": "Pat", "roles": ["product_team"]}
    assert entries[2]["change"]["idea"] == bobs_idea.pk


def test_a_merged_ideas_timeline_says_where_it_went(api, pat, alices_idea, bobs_idea):
    idea_merge(actor=pat, idea=bobs_idea, into=alices_idea.pk, note="Same wish")
    [entry] = api.get(url(bobs_idea, "timeline")).json()
    assert (entry["change"]["to_status"], entry["change"]["merged_into"]) == ("merged", alices_idea.pk)


def test_the_timeline_of_a_deleted_idea_is_404(api, alice, alices_idea):
    idea_delete(idea=alices_idea, actor=alice)
    assert api.get(url(alices_idea, "timeline")).status_code == 404


def test_the_timeline_costs_the_same_for_2_or_12_moves(api, pat, alice, alices_idea, django_assert_num_queries):
    def read():
        # The idea, its tags, its author's roles; the changes with their actors, the actors' roles;
        # the ideas merged in (none here); the official response (none here).
        with django_assert_num_queries(7):
            return api.get(url(alices_idea, "timeline")).json()

    team = [pat, *UserFactory.create_batch(3)]
    for member in team[1:]:
        member.groups.add(*pat.groups.all())
    road = [Status.UNDER_REVIEW, Status.NEW]
    for n in range(2):
        idea_transition(actor=team[n], idea=alices_idea, to=road[n % 2], note=f"Step {n}")
    assert len(read()) == 2
    for n in range(10):
        idea_transition(actor=team[n % 4], idea=alices_idea, to=road[n % 2], note=f"Step {n}")
    assert len(read()) == 12


# Roadmap


def test_the_roadmap_has_a_column_per_status_the_latest_move_first(api, pat, alices_idea, bobs_idea):
    idea_transition(actor=pat, idea=alices_idea, to=Status.COMING_SOON)
    idea_transition(actor=pat, idea=bobs_idea, to=Status.COMING_SOON)
    columns = api.get("/api/v1/roadmap/").json()["columns"]
    assert [(c["status"], c["label"], c["count"]) for c in columns] == [
        ("under_review", "Under review", 0),
        ("reviewed", "Reviewed", 0),
        ("coming_soon", "Coming soon", 2),
        ("launched", "Launched", 0),
    ]
    card = columns[2]["ideas"][0]
    assert card == {
        "id": bobs_idea.pk,
        "title": "Cinnamon on every latte",
        "score": 0,
        "upvotes": 0,
        "category": {"id": bobs_idea.category_id, "name": "Drinks", "slug": "drinks"},
        "status": "coming_soon",
        "status_changed_at": card["status_changed_at"],
        "url": f"http://testserver/ideas/{bobs_idea.pk}/",
    }
    assert columns[2]["ideas"][1]["id"] == alices_idea.pk


def test_the_roadmap_shows_the_closed_columns_on_request(api, pat, alices_idea, bobs_idea):
    idea_transition(actor=pat, idea=alices_idea, to=Status.DECLINED, note="Not now")
    statuses = [c["status"] for c in api.get("/api/v1/roadmap/", {"closed": "1"}).json()["columns"]]
    assert statuses[-2:] == ["declined", "merged"]
    assert "declined" not in [c["status"] for c in api.get("/api/v1/roadmap/").json()["columns"]]


@pytest.mark.parametrize("key", ["slug", "pk"])
def test_the_roadmap_filters_by_category_by_slug_or_id(api, pat, alices_idea, experience, key):
    other = IdeaFactory(category=experience)
    for idea in [alices_idea, other]:
        idea_transition(actor=pat, idea=idea, to=Status.REVIEWED)
    columns = api.get("/api/v1/roadmap/", {"category": getattr(experience, key)}).json()["columns"]
    assert [card["id"] for column in columns for card in column["ideas"]] == [other.pk]


def test_a_parent_category_on_the_roadmap_includes_its_children(api, pat, alices_idea, product):
    idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED)
    columns = api.get("/api/v1/roadmap/", {"category": "product"}).json()["columns"]
    assert columns[1]["count"] == 1


@pytest.mark.parametrize(("query", "field"), [({"category": "nope"}, "category"), ({"closed": "maybe"}, "closed")])
def test_a_bad_roadmap_parameter_is_400_naming_it(api, drinks, query, field):
    response = api.get("/api/v1/roadmap/", query)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_a_bad_category_is_named_in_the_message(api, drinks):
    assert "“nope”" in api.get("/api/v1/roadmap/", {"category": "nope"}).json()["detail"]


def _spread(ideas, statuses) -> None:
    """Put ideas in statuses directly (the setup of a read test, not a move under test)."""
    now = timezone.now()
    for n, idea in enumerate(ideas):
        Idea.objects.filter(pk=idea.pk).update(status=statuses[n % len(statuses)], status_changed_at=now)


def test_the_roadmap_costs_the_same_for_5_or_50_ideas(api, drinks, experience, django_assert_num_queries):
    def read():
        # The counts per column, then for each of the four (non-empty) columns its cards (with category
        # and parent).
        with django_assert_num_queries(5):
            return api.get("/api/v1/roadmap/").json()["columns"]

    statuses = [Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED]
    categories = [drinks, experience, CategoryFactory(name="Service")]
    ideas = [IdeaFactory(category=categories[n % 3]) for n in range(5)]
    _spread(ideas, statuses)
    assert sum(c["count"] for c in read()) == 5
    ideas += [IdeaFactory(category=categories[n % 3]) for n in range(45)]
    _spread(ideas, statuses)
    assert sum(c["count"] for c in read()) == 50


# Triage

TRIAGE = "/api/v1/triage/"


def test_triage_lists_new_and_under_review_ideas_with_their_moves(api_as, pat, alices_idea, bobs_idea):
    idea_transition(actor=pat, idea=bobs_idea, to=Status.REVIEWED)
    [card] = api_as(pat).get(TRIAGE).json()["results"]
    assert card["id"] == alices_idea.pk
    assert card["moves"] == ["under_review", "reviewed", "coming_soon", "launched", "declined"]
    assert card["mergeable"] is True


def test_triage_puts_the_most_supported_first(api_as, pat, alice, bob, alices_idea, bobs_idea):
    from voting.services import vote_cast

    vote_cast(actor=alice, idea_id=bobs_idea.pk, value=1)
    ids = [card["id"] for card in api_as(pat).get(TRIAGE, {"sort": "support"}).json()["results"]]
    assert ids == [bobs_idea.pk, alices_idea.pk]


def test_triage_pages_with_a_cursor(api_as, pat, drinks):
    IdeaFactory.create_batch(3, category=drinks)
    client = api_as(pat)
    first = client.get(TRIAGE, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1 and second["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"sort": "loudest"}, "sort"),
        ({"status": "launched"}, "status"),
        ({"age": "ancient"}, "age"),
        ({"category": "nope"}, "category"),
        ({"cursor": "garbage"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_a_bad_triage_parameter_is_400_naming_it(api_as, pat, drinks, query, field):
    response = api_as(pat).get(TRIAGE, query)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


@pytest.mark.parametrize(("who", "code"), [("alice", 403), ("mo", 403), ("visitor", 401)])
def test_only_the_product_team_sees_triage(request, api, api_as, alices_idea, who, code):
    client = api if who == "visitor" else api_as(request.getfixturevalue(who))
    assert client.get(TRIAGE).status_code == code


def test_triage_costs_the_same_for_5_or_50_ideas(api_as, pat, drinks, experience, django_assert_num_queries):
    def read():
        # The viewer's roles, then the ideas with their category (and parent) and author, and the
        # authors' roles.
        client = api_as(fresh(pat))
        with django_assert_num_queries(3):
            return client.get(TRIAGE, {"page_size": 100}).json()["results"]

    authors = UserFactory.create_batch(5)
    IdeaFactory.create_batch(5, category=drinks, author=authors[0])
    assert len(read()) == 5
    for n in range(45):
        IdeaFactory(category=[drinks, experience][n % 2], author=authors[n % 5])
    assert len(read()) == 50


# Internal notes


@pytest.mark.parametrize("who", ["pat", "mo", "ada"])
def test_staff_write_and_read_internal_notes(request, api_as, alices_idea, who):
    writer = request.getfixturevalue(who)
    client = api_as(writer)
    response = client.post(url(alices_idea, "internal-notes"), {"body": "Check with **legal**"})
    assert response.status_code == 201
    [note] = client.get(url(alices_idea, "internal-notes")).json()
    assert note == {
        "id": response.json()["id"],
        "body": "Check with **legal**",
        "body_html": "<p>Check with <strong>legal</strong></p>",
        "author": {"id": writer.pk, "name": writer.public_name, "roles": [str(r) for r in writer.roles]},
        "created_at": note["created_at"],
    }
    assert AuditEntry.objects.get(verb="idea.internal_note").actor_id == writer.pk


@pytest.mark.parametrize(("who", "code"), [("alice", 403), ("bob", 403), ("visitor", 401)])
@pytest.mark.parametrize("method", ["get", "post"])
def test_members_and_visitors_never_reach_internal_notes(request, api, api_as, secret_note, who, code, method):
    client = api if who == "visitor" else api_as(request.getfixturevalue(who))
    response = getattr(client, method)(url(secret_note.idea, "internal-notes"), {"body": "Me too"})
    assert response.status_code == code
    assert SECRET not in response.content.decode()
    assert secret_note.idea.internal_notes.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * (NOTE_MAX + 1)])
def test_a_blank_or_too_long_internal_note_is_400(api_as, pat, alices_idea, body):
    response = api_as(pat).post(url(alices_idea, "internal-notes"), {"body": body})
    assert response.status_code == 400 and response.json()["fields"]["body"]
    assert alices_idea.internal_notes.count() == 0


def test_internal_notes_of_a_missing_idea_are_404(api_as, pat):
    assert api_as(pat).get("/api/v1/ideas/999999/internal-notes/").status_code == 404


def test_internal_notes_cost_the_same_for_2_or_20(api_as, pat, mo, alices_idea, django_assert_num_queries):
    def read():
        # The viewer's roles; the idea, its tags, its author's roles; the notes with their authors,
        # the authors' roles.
        client = api_as(fresh(pat))
        with django_assert_num_queries(6):
            return client.get(url(alices_idea, "internal-notes")).json()

    writers = [pat, mo, *UserFactory.create_batch(2)]
    for writer in writers[2:]:
        writer.groups.add(*pat.groups.all())
    for n in range(2):
        internal_note_add(actor=writers[n], idea=alices_idea, body=f"Note {n}")
    assert len(read()) == 2
    for n in range(18):
        internal_note_add(actor=writers[n % 4], idea=alices_idea, body=f"Note {n}")
    assert len(read()) == 20


@pytest.mark.parametrize(
    "address",
    ["/api/v1/ideas/{pk}/", "/api/v1/ideas/{pk}/timeline/", "/api/v1/roadmap/?closed=1", "/api/v1/ideas/"],
)
def test_internal_notes_are_never_in_what_a_member_reads(api_as, pat, alice, secret_note, address):
    idea_transition(actor=pat, idea=secret_note.idea, to=Status.UNDER_REVIEW, note="Public words")
    response = api_as(alice).get(address.format(pk=secret_note.idea_id))
    assert response.status_code == 200
    assert SECRET not in response.content.decode()


def test_internal_notes_are_not_in_a_members_export(api_as, alice, secret_note):
    response = api_as(alice).get("/api/v1/me/export/")
    assert response.json()["pipeline"] == {"status_changes": [], "internal_notes": []}
    assert SECRET not in response.content.decode()
