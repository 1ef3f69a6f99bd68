"""The pipeline's pages: the idea page's status, timeline, move panel and internal notes; the roadmap, the
Launched page and the triage list; their errors, permissions per role and query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discussion.models import Comment
from discussion.services import comment_mark_official
from ideas.models import Idea, Status
from pipeline.models import NOTE_MAX, InternalNote, StatusChange
from pipeline.services import idea_merge, idea_transition, internal_note_add
from tests.factories import IdeaFactory, UserFactory, comment


def _move(client, idea, to, note="", from_status=None, **extra):
    data = {"status": to, "note": note, "from_status": from_status or idea.status, **extra}
    return client.post(f"/ideas/{idea.pk}/move/", data)


def _moved_along(pat, idea, *statuses, note="Looking into it."):
    for status in statuses:
        idea_transition(actor=pat, idea=idea, to=status, note=note)
    idea.refresh_from_db()
    return idea


# --- The idea page: status, timeline, merged banner ---------------------------------------------


def test_the_idea_page_shows_the_status_prominently(client, pat, alices_idea):
    _moved_along(pat, alices_idea, Status.UNDER_REVIEW)
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert '<p class="status-line" id="status">' in page
    assert 'class="badge badge-large status-under_review" data-status>Under review</span>' in page


def test_the_timeline_shows_each_move_with_its_note_who_and_a_product_team_badge(client, pat, alices_idea):
    _moved_along(pat, alices_idea, Status.UNDER_REVIEW, note="We are **looking** at it.")
    change = StatusChange.objects.get(idea=alices_idea)
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    entry = page[page.index(f'id="status-{change.pk}"') :]
    entry = entry[: entry.index("</li>")]
    assert "Moved from New to" in entry and "Under review" in entry
    assert "We are <strong>looking</strong> at it." in entry
    assert ">Pat</a>" in entry and 'class="role-badge role-product_team">Product team</span>' in entry


def test_the_timeline_interleaves_the_official_response_in_time_order(client, alice, pat, alices_idea):
    _moved_along(pat, alices_idea, Status.UNDER_REVIEW)
    answer = comment(pat, alices_idea, "We will try it in spring.")
    comment_mark_official(actor=pat, comment=answer)
    _moved_along(pat, alices_idea, Status.REVIEWED)
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    first, second = StatusChange.objects.filter(idea=alices_idea).order_by("created_at")
    timeline = page[page.index('id="timeline"') : page.index('id="comments"')]
    assert (
        timeline.index(f'id="status-{first.pk}"')
        < timeline.index('id="timeline-official"')
        < timeline.index(f'id="status-{second.pk}"')
    )
    assert f'href="#comment-{answer.pk}"' in timeline


def test_an_idea_without_moves_says_so_on_its_timeline(client, alices_idea):
    assert "No moves yet" in client.get(alices_idea.get_absolute_url()).content.decode()


def test_a_merged_idea_shows_a_banner_linking_to_the_idea_it_went_into(client, alice, bob, pat, drinks, alices_idea):
    target = IdeaFactory(author=bob, category=drinks, title="Plant milks for free")
    idea_merge(actor=pat, idea=alices_idea, into=target.pk, note="Same idea.")
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert f'This idea was merged into <a href="/ideas/{target.pk}/">Plant milks for free</a>' in page


def test_a_merged_ideas_comment_box_says_the_conversation_goes_on_at_the_other(
    signed_in, alice, bob, pat, drinks, alices_idea
):
    earlier = comment(alice, alices_idea, "Still readable.")
    target = IdeaFactory(author=bob, category=drinks, title="Plant milks for free")
    idea_merge(actor=pat, idea=alices_idea, into=target.pk, note="Same idea.")
    page = signed_in(bob).get(alices_idea.get_absolute_url()).content.decode()
    assert "the conversation goes on at" in page and f'href="/ideas/{target.pk}/#comment-form"' in page
    assert 'name="body"' not in page[page.index('id="comment-form"') :] and 'id="reply-template"' not in page
    assert "Still readable." in page and f'data-reply="{earlier.pk}"' not in page


def test_the_ideas_merged_in_show_on_the_targets_timeline(client, bob, pat, drinks, alices_idea):
    target = IdeaFactory(author=bob, category=drinks)
    idea_merge(actor=pat, idea=alices_idea, into=target.pk, note="Same idea.")
    page = client.get(target.get_absolute_url()).content.decode()
    assert f'<a href="/ideas/{alices_idea.pk}/">Oat milk at no extra charge</a> was merged into this idea' in page


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ((Status.LAUNCHED,), "Voting is closed: this idea has launched."),
        ((Status.DECLINED,), "Voting is closed: this idea is not planned."),
    ],
)
def test_a_closed_idea_says_why_voting_is_closed_in_words_even_to_visitors(client, pat, alices_idea, path, reason):
    _moved_along(pat, alices_idea, *path)
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert f'<p class="vote-why" id="vote-why-{alices_idea.pk}">{reason}</p>' in page


def test_a_merged_idea_says_its_votes_count_at_the_other(signed_in, bob, pat, drinks, alices_idea):
    idea_merge(actor=pat, idea=alices_idea, into=IdeaFactory(author=bob, category=drinks).pk, note="Same.")
    page = signed_in(bob).get(alices_idea.get_absolute_url()).content.decode()
    assert "Voting is closed: this idea was merged into another, where its votes now count." in page


# --- The move panel -------------------------------------------------------------------------------


def test_pat_sees_the_move_panel_with_only_the_allowed_next_statuses(signed_in, pat, alices_idea):
    _moved_along(pat, alices_idea, Status.UNDER_REVIEW)
    page = signed_in(pat).get(alices_idea.get_absolute_url()).content.decode()
    panel = page[page.index('id="move"') : page.index('id="internal-notes"')]
    offered = [value for value in Status.values if f'name="status" value="{value}"' in panel]
    assert offered == ["new", "reviewed", "coming_soon", "launched", "declined"]
    assert 'name="from_status" value="under_review"' in panel
    assert 'data-preview-url="/api/v1/preview/"' in panel


@pytest.mark.parametrize("who", ["alice", "bob", "mo", "visitor"])
def test_nobody_but_the_product_team_sees_the_move_panel(client, request, who, alices_idea):
    user = request.getfixturevalue(who)
    if who != "visitor":
        client.force_login(user)
    assert 'id="move"' not in client.get(alices_idea.get_absolute_url()).content.decode()


def test_pat_moves_an_idea_with_a_note_and_lands_on_its_timeline_entry(signed_in, alice, pat, alices_idea):
    response = _move(signed_in(pat), alices_idea, Status.UNDER_REVIEW, "We are on it.")
    change = StatusChange.objects.get(idea=alices_idea)
    assert response.status_code == 302 and response.url == f"/ideas/{alices_idea.pk}/#status-{change.pk}"
    assert change.note == "We are on it." and change.actor == pat
    assert Idea.objects.get(pk=alices_idea.pk).status == Status.UNDER_REVIEW


@pytest.mark.parametrize("who", ["alice", "bob", "mo"])
def test_members_and_moderators_cannot_move_an_idea(signed_in, request, who, alices_idea):
    response = _move(signed_in(request.getfixturevalue(who)), alices_idea, Status.UNDER_REVIEW)
    assert response.status_code == 403
    assert "Only the product team moves ideas" in response.content.decode()
    assert not StatusChange.objects.exists()


def test_a_visitor_moving_an_idea_is_sent_to_sign_in(client, alices_idea):
    response = _move(client, alices_idea, Status.UNDER_REVIEW)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not StatusChange.objects.exists()


def test_declining_without_a_note_keeps_the_choice_and_says_why(signed_in, pat, alices_idea):
    response = _move(signed_in(pat), alices_idea, Status.DECLINED, "   ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why, in a note" in page
    assert 'value="declined" required id="id_status_4" checked' in page
    assert Idea.objects.get(pk=alices_idea.pk).status == Status.NEW


def test_a_note_too_long_is_refused_and_kept_as_typed(signed_in, pat, alices_idea):
    note = "Long story. " * (NOTE_MAX // 10)
    response = _move(signed_in(pat), alices_idea, Status.UNDER_REVIEW, note)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep the note to 5,000 characters or fewer." in page and note.strip()[:200] in page
    assert not StatusChange.objects.exists()


def test_a_move_the_table_does_not_allow_is_refused_with_the_form(signed_in, pat, alices_idea):
    response = _move(signed_in(pat), alices_idea, Status.MERGED, "Into what?")
    assert response.status_code == 400 and not StatusChange.objects.exists()


def test_an_unknown_status_is_refused(signed_in, pat, alices_idea):
    response = _move(signed_in(pat), alices_idea, "shipped")
    assert response.status_code == 400 and not StatusChange.objects.exists()


def test_a_move_made_meanwhile_answers_409_with_the_new_state_and_the_note_kept(signed_in, pat, drinks, alices_idea):
    kim = UserFactory(display_name="Kim")
    kim.groups.set(pat.groups.all())
    idea_transition(actor=kim, idea=alices_idea, to=Status.UNDER_REVIEW)
    response = _move(signed_in(pat), alices_idea, Status.DECLINED, "Not for now.", from_status=Status.NEW)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Kim moved “Oat milk at no extra charge” to Under review meanwhile" in page
    assert "data-status>Under review</span>" in page
    assert 'name="from_status" value="under_review"' in page and "Not for now." in page
    assert StatusChange.objects.count() == 1


def test_reopening_a_not_planned_idea_moves_it_back_under_review(signed_in, pat, alices_idea):
    _moved_along(pat, alices_idea, Status.DECLINED, note="Not now.")
    response = _move(signed_in(pat), alices_idea, Status.UNDER_REVIEW, "Reconsidering.")
    assert response.status_code == 302 and Idea.objects.get(pk=alices_idea.pk).status == Status.UNDER_REVIEW


def test_a_quick_move_from_triage_goes_back_to_the_triage_list(signed_in, pat, alices_idea):
    response = _move(signed_in(pat), alices_idea, Status.UNDER_REVIEW, next="/triage/?sort=trending")
    assert response.status_code == 302 and response.url == "/triage/?sort=trending"


def test_a_quick_move_never_goes_to_another_site(signed_in, pat, alices_idea):
    response = _move(signed_in(pat), alices_idea, Status.UNDER_REVIEW, next="https://evil.example/")
    assert response.url.startswith(f"/ideas/{alices_idea.pk}/#status-")


def test_moving_a_missing_idea_is_404(signed_in, pat):
    assert signed_in(pat).post("/ideas/999999/move/", {"status": "under_review"}).status_code == 404


# --- Merge --------------------------------------------------------------------------------------


def test_the_merge_form_offers_similar_ideas(signed_in, bob, pat, drinks, alices_idea):
    twin = IdeaFactory(author=bob, category=drinks, title="Oat milk free of charge")
    page = signed_in(pat).get(alices_idea.get_absolute_url()).content.decode()
    assert f'name="into" value="{twin.pk}"' in page


def test_pat_merges_an_idea_by_its_number(signed_in, bob, pat, drinks, alices_idea):
    target = IdeaFactory(author=bob, category=drinks)
    response = signed_in(pat).post(
        f"/ideas/{alices_idea.pk}/merge/", {"number": target.pk, "note": "Same idea.", "from_status": "new"}
    )
    assert response.status_code == 302
    assert Idea.objects.get(pk=alices_idea.pk).merged_into_id == target.pk


def test_merging_into_itself_is_refused_with_what_was_typed(signed_in, pat, alices_idea):
    response = signed_in(pat).post(
        f"/ideas/{alices_idea.pk}/merge/", {"number": alices_idea.pk, "note": "Oops, itself.", "from_status": "new"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "An idea cannot be merged into itself." in page and "Oops, itself." in page


def test_merging_into_a_missing_idea_is_refused(signed_in, pat, alices_idea):
    response = signed_in(pat).post(
        f"/ideas/{alices_idea.pk}/merge/", {"number": 999999, "note": "Where?", "from_status": "new"}
    )
    assert response.status_code == 400 and "There is no idea with that number" in response.content.decode()


def test_a_merge_without_a_target_is_refused(signed_in, pat, alices_idea):
    response = signed_in(pat).post(f"/ideas/{alices_idea.pk}/merge/", {"note": "Into?", "from_status": "new"})
    assert response.status_code == 400 and "Choose the idea to merge into" in response.content.decode()


def test_bob_cannot_merge_ideas(signed_in, bob, drinks, alices_idea):
    target = IdeaFactory(author=bob, category=drinks)
    response = signed_in(bob).post(f"/ideas/{alices_idea.pk}/merge/", {"number": target.pk, "note": "Same."})
    assert response.status_code == 403 and Idea.objects.get(pk=alices_idea.pk).merged_into_id is None


# --- Internal notes -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pat", "mo"])
def test_staff_see_the_internal_notes(signed_in, request, who, pat, alices_idea):
    internal_note_add(actor=pat, idea=alices_idea, body="Check with the **supplier**.")
    page = signed_in(request.getfixturevalue(who)).get(alices_idea.get_absolute_url()).content.decode()
    assert 'id="internal-notes"' in page and "Check with the <strong>supplier</strong>." in page


@pytest.mark.parametrize("who", ["alice", "bob", "visitor"])
def test_members_and_visitors_never_see_internal_notes(client, request, who, pat, alices_idea):
    internal_note_add(actor=pat, idea=alices_idea, body="Supplier says no until June.")
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert "Supplier says no" not in page and "Internal notes" not in page


def test_mo_adds_an_internal_note(signed_in, mo, alices_idea):
    response = signed_in(mo).post(f"/ideas/{alices_idea.pk}/internal-notes/", {"body": "Watch the comments."})
    assert response.status_code == 302 and response.url.endswith("#internal-notes")
    assert InternalNote.objects.get().body == "Watch the comments."


def test_an_empty_internal_note_is_refused(signed_in, mo, alices_idea):
    response = signed_in(mo).post(f"/ideas/{alices_idea.pk}/internal-notes/", {"body": "  "})
    assert response.status_code == 400 and "Write something first." in response.content.decode()


def test_bob_cannot_add_an_internal_note(signed_in, bob, alices_idea):
    response = signed_in(bob).post(f"/ideas/{alices_idea.pk}/internal-notes/", {"body": "Let me in."})
    assert response.status_code == 403 and not InternalNote.objects.exists()


# --- The roadmap --------------------------------------------------------------------------------


def test_the_roadmap_shows_four_columns_and_the_cards_in_them(client, pat, alices_idea):
    _moved_along(pat, alices_idea, Status.COMING_SOON)
    response = client.get("/roadmap/")
    page = response.content.decode()
    assert [column.label for column in response.context["columns"]] == [
        "Under review",
        "Reviewed",
        "Coming soon",
        "Launched",
    ]
    column = page[page.index('id="column-coming_soon"') : page.index('id="column-launched"')]
    assert f'id="card-{alices_idea.pk}"' in column and "Oat milk at no extra charge" in column
    assert '<h2 id="column-coming_soon-title">' in column
    assert 'data-live-topics="pipeline"' in page


def test_the_roadmap_shows_not_planned_and_merged_on_request(client, pat, alices_idea):
    _moved_along(pat, alices_idea, Status.DECLINED, note="Not for us.")
    assert f'id="card-{alices_idea.pk}"' not in client.get("/roadmap/").content.decode()
    page = client.get("/roadmap/", {"closed": "1"}).content.decode()
    assert 'id="column-declined"' in page and f'id="card-{alices_idea.pk}"' in page


def test_the_roadmap_filters_by_category(client, bob, pat, experience, alices_idea):
    other = IdeaFactory(author=bob, category=experience)
    for idea in (alices_idea, other):
        _moved_along(pat, idea, Status.UNDER_REVIEW)
    page = client.get("/roadmap/", {"category": "product"}).content.decode()
    assert f'id="card-{alices_idea.pk}"' in page and f'id="card-{other.pk}"' not in page


def test_an_unknown_category_on_the_roadmap_is_named_and_ignored(client, pat, alices_idea):
    _moved_along(pat, alices_idea, Status.UNDER_REVIEW)
    response = client.get("/roadmap/", {"category": "<b>nope</b>"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is no category “&lt;b&gt;nope&lt;/b&gt;”" in page and f'id="card-{alices_idea.pk}"' in page


def test_a_cut_column_links_to_the_rest_on_the_idea_list(client, alice, pat, drinks, monkeypatch):
    monkeypatch.setattr("pipeline.selectors.COLUMN_MAX", 2)
    for _ in range(3):
        _moved_along(pat, IdeaFactory(author=alice, category=drinks), Status.REVIEWED)
    page = client.get("/roadmap/").content.decode()
    assert '<a href="/?status=reviewed">1 more Reviewed idea</a>' in page


def _roadmap_ideas(alice, pat, drinks, n):
    statuses = [Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED]
    for index in range(n):
        author = UserFactory() if index % 2 else alice
        _moved_along(pat, IdeaFactory(author=author, category=drinks), statuses[index % 4], note="")


def test_the_roadmap_costs_the_same_queries_for_5_or_50_ideas(client, alice, pat, drinks, django_assert_num_queries):
    _roadmap_ideas(alice, pat, drinks, 5)
    client.get("/roadmap/")
    with CaptureQueriesContext(connection) as few:
        client.get("/roadmap/")
    _roadmap_ideas(alice, pat, drinks, 45)
    with django_assert_num_queries(len(few)):
        assert sum(len(column.ideas) for column in client.get("/roadmap/").context["columns"]) == 50


# --- Launched -----------------------------------------------------------------------------------


def test_launched_shows_the_story_and_the_supporters_newest_launch_first(client, bob, pat, drinks, alices_idea):
    _moved_along(pat, alices_idea, Status.COMING_SOON, Status.LAUNCHED, note="On the menu **now**.")
    Idea.objects.filter(pk=alices_idea.pk).update(upvotes=12, score=12)
    later = _moved_along(pat, IdeaFactory(author=bob, category=drinks, title="Cardamom buns"), Status.LAUNCHED)
    page = client.get("/launched/").content.decode()
    assert page.index("Cardamom buns") < page.index("Oat milk at no extra charge")
    story = page[page.index(f'id="launched-{alices_idea.pk}"') :]
    assert "12 people supported it" in story and "On the menu <strong>now</strong>." in story
    assert story.count('class="timeline-entry"') == 2
    assert later.status == Status.LAUNCHED


def test_launched_pages_on_with_more(client, alice, pat, drinks, monkeypatch):
    monkeypatch.setattr("pipeline.selectors.LAUNCHED_PAGE", 2)
    monkeypatch.setattr("pipeline.selectors.launched.__kwdefaults__", {"cursor": None, "size": 2})
    for _ in range(3):
        _moved_along(pat, IdeaFactory(author=alice, category=drinks), Status.LAUNCHED)
    first = client.get("/launched/")
    assert len(first.context["ideas"]) == 2 and first.context["next_cursor"]
    second = client.get("/launched/", {"cursor": first.context["next_cursor"]})
    assert len(second.context["ideas"]) == 1 and not second.context["next_cursor"]


def test_a_bad_cursor_on_launched_is_named_and_the_first_page_shown(client, pat, alices_idea):
    _moved_along(pat, alices_idea, Status.LAUNCHED)
    response = client.get("/launched/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400 and len(response.context["ideas"]) == 1
    assert response.context["problems"]


def _launched_ideas(alice, pat, drinks, n):
    for index in range(n):
        author = UserFactory() if index % 2 else alice
        _moved_along(pat, IdeaFactory(author=author, category=drinks), Status.COMING_SOON, Status.LAUNCHED)


def test_launched_costs_the_same_queries_for_2_or_10_ideas(client, alice, pat, drinks, django_assert_num_queries):
    _launched_ideas(alice, pat, drinks, 2)
    client.get("/launched/")
    with CaptureQueriesContext(connection) as few:
        client.get("/launched/")
    _launched_ideas(alice, pat, drinks, 8)
    with django_assert_num_queries(len(few)):
        assert len(client.get("/launched/").context["ideas"]) == 10


# --- Triage -------------------------------------------------------------------------------------


def test_triage_lists_new_and_under_review_ideas_most_supported_first(signed_in, bob, pat, drinks, alices_idea):
    popular = IdeaFactory(author=bob, category=drinks, title="Popular one")
    Idea.objects.filter(pk=popular.pk).update(upvotes=40, score=40)
    done = _moved_along(pat, IdeaFactory(author=bob, category=drinks), Status.REVIEWED)
    response = signed_in(pat).get("/triage/")
    assert [idea.pk for idea in response.context["ideas"]] == [popular.pk, alices_idea.pk]
    page = response.content.decode()
    assert f'id="triage-{done.pk}"' not in page


def test_triage_offers_one_click_moves_and_a_link_to_decline_with_a_note(signed_in, pat, alices_idea):
    page = signed_in(pat).get("/triage/").content.decode()
    row = page[page.index(f'id="triage-{alices_idea.pk}"') :]
    assert 'name="status" value="under_review"' in row
    assert f'href="/ideas/{alices_idea.pk}/#move">Not planned…</a>' in row
    assert 'name="status" value="declined"' not in row[: row.index("</li>")]


@pytest.mark.parametrize("who", ["alice", "mo"])
def test_members_and_moderators_get_403_on_triage(signed_in, request, who):
    assert signed_in(request.getfixturevalue(who)).get("/triage/").status_code == 403


def test_visitors_are_sent_to_sign_in_from_triage(client):
    response = client.get("/triage/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=/triage/")


def test_only_the_product_team_sees_triage_in_the_header(signed_in, alice, pat):
    assert 'href="/triage/"' not in signed_in(alice).get("/").content.decode()
    assert 'href="/triage/"' in signed_in(pat).get("/").content.decode()


@pytest.mark.parametrize(
    ("query", "field"), [({"sort": "loudest"}, "sort"), ({"status": "launched"}, "status"), ({"age": "ancient"}, "age")]
)
def test_bad_triage_parameters_are_named(signed_in, pat, alices_idea, query, field):
    response = signed_in(pat).get("/triage/", query)
    assert response.status_code == 400 and response.context["problems"]
    assert len(response.context["ideas"]) == 1


def test_triage_filters_by_age(signed_in, bob, pat, drinks, alices_idea):
    old = IdeaFactory(author=bob, category=drinks)
    Idea.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    response = signed_in(pat).get("/triage/", {"age": "older"})
    assert [idea.pk for idea in response.context["ideas"]] == [old.pk]


def test_the_bulk_move_moves_every_ticked_idea_with_one_note(signed_in, bob, pat, drinks, alices_idea):
    other = IdeaFactory(author=bob, category=drinks)
    response = signed_in(pat).post(
        "/triage/move/",
        {"ids": [alices_idea.pk, other.pk], "status": "under_review", "note": "Both in review.", "next": "/triage/"},
    )
    assert response.status_code == 302 and response.url == "/triage/"
    assert StatusChange.objects.filter(note="Both in review.").count() == 2


def test_a_refused_batch_says_why_and_keeps_the_ticks_and_the_note(signed_in, bob, pat, drinks, alices_idea):
    reviewed = _moved_along(pat, IdeaFactory(author=bob, category=drinks, title="Already reviewed"), Status.REVIEWED)
    before = StatusChange.objects.count()
    response = signed_in(pat).post(
        "/triage/move/", {"ids": [alices_idea.pk, reviewed.pk], "status": "new", "note": "Back to the start."}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was moved." in page and "Back to the start." in page
    assert f'value="{alices_idea.pk}" form="bulk-move" id="pick-{alices_idea.pk}" checked' in page
    assert StatusChange.objects.count() == before


def test_the_triage_list_says_what_it_showed_so_a_stale_batch_is_409(signed_in, pat, alices_idea):
    client = signed_in(pat)
    assert f'name="seen" value="{alices_idea.pk}:new" form="bulk-move"' in client.get("/triage/").content.decode()
    _moved_along(pat, alices_idea, Status.REVIEWED)
    before = StatusChange.objects.count()
    response = client.post(
        "/triage/move/", {"ids": [alices_idea.pk], "seen": [f"{alices_idea.pk}:new"], "status": "under_review"}
    )
    assert response.status_code == 409 and "Nothing was moved." in response.content.decode()
    assert StatusChange.objects.count() == before


def test_a_bulk_move_with_an_unknown_id_is_refused(signed_in, pat, alices_idea):
    response = signed_in(pat).post("/triage/move/", {"ids": [alices_idea.pk, 999999], "status": "under_review"})
    assert response.status_code == 400 and "No idea with the number #999999" in response.content.decode()
    assert not StatusChange.objects.exists()


def test_a_bulk_decline_needs_a_note(signed_in, pat, alices_idea):
    response = signed_in(pat).post("/triage/move/", {"ids": [alices_idea.pk], "status": "declined", "note": ""})
    assert response.status_code == 400 and "Say why, in a note" in response.content.decode()


def test_bob_cannot_bulk_move(signed_in, bob, alices_idea):
    response = signed_in(bob).post("/triage/move/", {"ids": [alices_idea.pk], "status": "under_review"})
    assert response.status_code == 403 and not StatusChange.objects.exists()


def _triage_ideas(alice, drinks, n):
    for index in range(n):
        IdeaFactory(author=UserFactory() if index % 2 else alice, category=drinks)


def test_triage_costs_the_same_queries_for_5_or_60_ideas(signed_in, alice, pat, drinks, django_assert_num_queries):
    client = signed_in(pat)
    _triage_ideas(alice, drinks, 5)
    client.get("/triage/")
    with CaptureQueriesContext(connection) as few:
        client.get("/triage/")
    _triage_ideas(alice, drinks, 55)
    with django_assert_num_queries(len(few)):
        assert len(client.get("/triage/").context["ideas"]) == 50


# --- The idea page's queries --------------------------------------------------------------------


def _timeline_of(pat, idea, n):
    statuses = [Status.UNDER_REVIEW, Status.REVIEWED]
    for index in range(n):
        idea_transition(actor=pat, idea=idea, to=statuses[index % 2], note=f"Step {index}.")
    comment_mark_official(actor=pat, comment=comment(pat, idea, "Official."))


def test_the_idea_page_costs_the_same_queries_for_a_short_or_long_timeline(
    signed_in, alice, pat, drinks, django_assert_num_queries
):
    short, long = IdeaFactory(author=alice, category=drinks), IdeaFactory(author=alice, category=drinks)
    _timeline_of(pat, short, 1)
    _timeline_of(pat, long, 12)
    client = signed_in(pat)
    client.get(short.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(short.get_absolute_url())
    with django_assert_num_queries(len(few)):
        response = client.get(long.get_absolute_url())
    assert len(response.context["timeline"]) == 13
    assert Comment.objects.filter(idea=long).count() == 1


# --- Review mends ---------------------------------------------------------------------------------


def _kim(pat):
    """Another member of the product team, who moves ideas while Pat's form is open."""
    kim = UserFactory(display_name="Kim")
    kim.groups.set(pat.groups.all())
    return kim


def test_a_merge_naming_two_different_targets_is_refused_not_guessed(signed_in, bob, pat, drinks, alices_idea):
    offered = IdeaFactory(author=bob, category=drinks, title="Oat milk free of charge")
    typed = IdeaFactory(author=bob, category=drinks, title="Something else")
    client = signed_in(pat)
    assert f'name="into" value="{offered.pk}"' in client.get(alices_idea.get_absolute_url()).content.decode()
    response = client.post(
        f"/ideas/{alices_idea.pk}/merge/",
        {"into": offered.pk, "number": typed.pk, "note": "Same idea.", "from_status": "new"},
    )
    assert response.status_code == 400 and "not both" in response.content.decode()
    assert Idea.objects.get(pk=alices_idea.pk).merged_into_id is None


def test_a_merge_refused_as_moved_meanwhile_keeps_the_note_and_the_number(signed_in, bob, pat, drinks, alices_idea):
    target = IdeaFactory(author=bob, category=drinks)
    idea_transition(actor=_kim(pat), idea=alices_idea, to=Status.UNDER_REVIEW)
    response = signed_in(pat).post(
        f"/ideas/{alices_idea.pk}/merge/", {"number": target.pk, "note": "A long careful reason.", "from_status": "new"}
    )
    page = response.content.decode()
    assert response.status_code == 409 and "Kim moved" in page
    assert "A long careful reason." in page and f'value="{target.pk}"' in page
    assert 'name="from_status" value="under_review"' in page


@pytest.mark.parametrize("form", ["move", "merge", "internal-notes", "comments"])
def test_a_forms_address_read_again_is_the_idea_page(signed_in, pat, alices_idea, form):
    """The live client refreshes a page of errors from its address: that must answer, not 405."""
    response = signed_in(pat).get(f"/ideas/{alices_idea.pk}/{form}/")
    assert response.status_code == 302 and response.url.startswith(alices_idea.get_absolute_url())


def test_the_bulk_moves_address_read_again_is_the_triage_list(signed_in, pat):
    response = signed_in(pat).get("/triage/move/", {"sort": "trending"})
    assert response.status_code == 302 and response.url == "/triage/?sort=trending"


def test_a_visitor_posting_the_bulk_move_signs_in_and_comes_back_to_triage(client, alices_idea):
    response = client.post("/triage/move/?sort=trending", {"ids": [alices_idea.pk], "status": "under_review"})
    assert response.status_code == 302 and "next=/triage/%3Fsort%3Dtrending" in response.url
    assert not StatusChange.objects.exists()


def test_merging_a_launched_idea_says_why_on_the_page(signed_in, pat, bob, drinks, alices_idea):
    target = IdeaFactory(author=bob, category=drinks)
    idea_transition(actor=pat, idea=alices_idea, to=Status.LAUNCHED)
    response = signed_in(pat).post(
        f"/ideas/{alices_idea.pk}/merge/", {"number": target.pk, "note": "kept text", "from_status": "launched"}
    )
    assert response.status_code == 400 and "only an open idea can be merged" in response.content.decode()
    assert Idea.objects.get(pk=alices_idea.pk).status == Status.LAUNCHED


def test_a_bad_filter_on_triage_is_named_and_left_out_of_its_links(signed_in, pat):
    response = signed_in(pat).get("/triage/", {"age": "ancient", "category": "no-such", "sort": "trending"})
    assert response.status_code == 400 and len(response.context["problems"]) == 2
    assert response.context["start_query"] == "sort=trending"
