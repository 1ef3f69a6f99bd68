"""The pages: list, detail, submit, edit, delete; their errors, permissions, headers and query counts."""

from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone

from ideas.models import Idea
from tests.factories import IdeaFactory


def test_list_page_shows_ideas_with_their_rendered_excerpt(client, alices_idea):
    page = client.get("/").content.decode()
    assert "Oat milk at no extra charge" in page
    assert "Please, yes." in page


def test_list_page_filters_and_searches(client, alice, drinks, experience):
    IdeaFactory(author=alice, category=drinks, title="Oat milk for everyone")
    IdeaFactory(author=alice, category=experience, title="Quiet zones for work")
    page = client.get("/", {"category": "experience"}).content.decode()
    assert "Quiet zones" in page and "Oat milk" not in page
    page = client.get("/", {"q": "oat milk"}).content.decode()
    assert "Oat milk" in page and "Quiet zones" not in page


def test_list_page_survives_bad_filter_values(client, alices_idea):
    response = client.get("/", {"category": "nope", "status": "sideways"})
    assert response.status_code == 200
    assert response.content.decode().count("Select a valid choice") == 2


def test_list_page_pages_by_cursor(client, alice, drinks):
    for _ in range(25):
        IdeaFactory(author=alice, category=drinks)
    first = client.get("/", {"sort": "new"})
    assert len(first.context["ideas"]) == 20 and first.context["next_query"]
    second = client.get(f"/?{first.context['next_query']}")
    assert len(second.context["ideas"]) == 5 and second.context["next_query"] is None
    assert not {i.pk for i in first.context["ideas"]} & {i.pk for i in second.context["ideas"]}
    assert "Back to the start" in second.content.decode()


def test_list_page_names_a_forged_cursor_and_shows_the_first_page(client, alices_idea):
    response = client.get("/", {"sort": "top", "cursor": "not-a-cursor"})
    assert response.status_code == 400 and len(response.context["ideas"]) == 1
    assert "This link to a later page is not valid" in response.content.decode()
    assert response.context["sort"] == "top"


def test_list_page_names_an_unknown_sort_and_uses_the_default(client, alices_idea):
    response = client.get("/", {"sort": "sideways"})
    assert response.status_code == 400 and response.context["sort"] == "hot"
    assert "Sort by one of: hot, top, new, trending, discussed." in response.content.decode()


@pytest.mark.parametrize("size", ["x", "0", "101", "-3"])
def test_list_page_names_a_bad_page_size(client, alices_idea, size):
    response = client.get("/", {"page_size": size})
    assert response.status_code == 400 and len(response.context["ideas"]) == 1
    assert "The page size is a whole number from 1 to 100." in response.content.decode()


@pytest.mark.parametrize("signed", [False, True])
def test_list_page_query_count_does_not_grow_with_ideas(client, alice, drinks, signed, django_assert_num_queries):
    if signed:
        client.force_login(alice)
    for _ in range(5):
        IdeaFactory(author=alice, category=drinks)
    # ideas, their tags, their authors' roles, categories (+ session, member, their roles for the nav and
    # the bell when signed in)
    with django_assert_num_queries(8 if signed else 4):
        assert len(client.get("/").context["ideas"]) == 5
    for _ in range(45):
        IdeaFactory(author=alice, category=drinks)
    with django_assert_num_queries(8 if signed else 4):
        assert len(client.get("/").context["ideas"]) == 20


def test_detail_page_query_count(client, alices_idea, django_assert_num_queries):
    # the idea, its tags, its author's roles, the thread, the official response; the timeline's status
    # changes, the ideas merged into it and the official response it interleaves; how often it was shared
    with django_assert_num_queries(9):
        assert client.get(alices_idea.get_absolute_url()).status_code == 200


def test_detail_page_shows_rendered_markdown(client, alices_idea):
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert "<strong>yes</strong>" in page


def test_detail_page_shows_edit_and_delete_only_to_those_allowed(signed_in, alice, bob, mo, alices_idea):
    url = alices_idea.get_absolute_url()
    assert "/edit/" in signed_in(alice).get(url).content.decode()
    page = signed_in(bob).get(url).content.decode()
    assert "/edit/" not in page and "/delete/" not in page
    page = signed_in(mo).get(url).content.decode()
    assert "/edit/" not in page and "/delete/" in page


def test_missing_and_deleted_ideas_are_404(client, alice, drinks):
    gone = IdeaFactory(author=alice, category=drinks, deleted_at=timezone.now())
    assert client.get(gone.get_absolute_url()).status_code == 404
    assert client.get("/ideas/999999/").status_code == 404


def test_submit_page_needs_sign_in(client, db):
    response = client.get("/ideas/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_submits_an_idea_through_the_page(signed_in, alice, drinks):
    response = signed_in(alice).post(
        "/ideas/new/",
        {
            "title": "Oat milk at no extra charge",
            "body": "Yes, **please**",
            "category": drinks.pk,
            "tags": "milk, price",
        },
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    assert idea.body_html == "<p>Yes, <strong>please</strong></p>"
    assert sorted(t.name for t in idea.tags.all()) == ["milk", "price"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "b"}, "at least 5 characters"),
        ({"title": "x" * 121, "body": "b"}, "120 characters or fewer"),
        ({"title": "Good title", "body": ""}, "Describe your idea"),
        ({"title": "Good title", "body": "x" * 10001}, "10,000 characters or fewer"),
        ({"title": "Good title", "body": "b", "category": ""}, "Choose one of the categories"),
        ({"title": "Good title", "body": "b", "category": "999999"}, "Select a valid choice"),
        ({"title": "Good title", "body": "b", "category": "drinks"}, "Select a valid choice"),
    ],
)
def test_bad_submission_shows_form_errors_and_keeps_the_input(signed_in, alice, drinks, data, message):
    data = {"category": drinks.pk, **data}
    response = signed_in(alice).post("/ideas/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert (data["body"][:50] or "") in page
    assert not Idea.objects.exists()


def test_hostile_markdown_is_stored_safe(signed_in, alice, drinks):
    signed_in(alice).post(
        "/ideas/new/",
        {
            "title": "Totally harmless",
            "body": "<script>alert(1)</script>[x](javascript:alert(1))",
            "category": drinks.pk,
        },
    )
    idea = Idea.objects.get()
    assert "<script" not in idea.body_html and "javascript" not in idea.body_html
    page = signed_in(alice).get(idea.get_absolute_url()).content.decode()
    assert "<script>alert" not in page


def test_author_edits_through_the_page(signed_in, alice, alices_idea, drinks):
    client = signed_in(alice)
    assert "Please, **yes**." in client.get(f"/ideas/{alices_idea.pk}/edit/").content.decode()
    response = client.post(
        f"/ideas/{alices_idea.pk}/edit/", {"title": "Oat milk for free", "body": "new", "category": drinks.pk}
    )
    assert response.status_code == 302
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk for free"


def test_someone_else_cannot_open_or_post_the_edit_page(signed_in, bob, alices_idea, drinks):
    client = signed_in(bob)
    assert client.get(f"/ideas/{alices_idea.pk}/edit/").status_code == 403
    response = client.post(f"/ideas/{alices_idea.pk}/edit/", {"title": "Hijack!", "body": "b", "category": drinks.pk})
    assert response.status_code == 403
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk at no extra charge"


def test_delete_asks_first_then_deletes(signed_in, alice, alices_idea):
    client = signed_in(alice)
    assert "Delete this idea?" in client.get(f"/ideas/{alices_idea.pk}/delete/").content.decode()
    alices_idea.refresh_from_db()
    assert not alices_idea.is_deleted
    response = client.post(f"/ideas/{alices_idea.pk}/delete/")
    assert response.status_code == 302
    alices_idea.refresh_from_db()
    assert alices_idea.is_deleted


def test_someone_else_cannot_delete(signed_in, bob, alices_idea):
    client = signed_in(bob)
    assert client.get(f"/ideas/{alices_idea.pk}/delete/").status_code == 403
    assert client.post(f"/ideas/{alices_idea.pk}/delete/").status_code == 403
    alices_idea.refresh_from_db()
    assert not alices_idea.is_deleted


def test_pages_send_a_strict_content_security_policy(client, alices_idea):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy


def test_pages_have_no_inline_script(client, alices_idea):
    for url in ["/", alices_idea.get_absolute_url(), "/accounts/login/", "/accounts/signup/"]:
        page = client.get(url).content.decode()
        assert "<script>" not in page and "onclick" not in page


def test_signin_page_uses_the_site_layout(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'class="site-header"' in page and 'name="password"' in page


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # session, member, their roles (the nav) and the bell's unread count on every page; then the page's own
        ("/ideas/new/", 5),
        # idea_get reads the idea with its tags and its author's roles
        ("/ideas/{pk}/edit/", 8),
        ("/ideas/{pk}/delete/", 7),
    ],
)
def test_form_pages_run_a_fixed_number_of_queries(
    signed_in, alice, alices_idea, path, queries, django_assert_num_queries
):
    client = signed_in(alice)
    with django_assert_num_queries(queries):
        assert client.get(path.format(pk=alices_idea.pk)).status_code == 200


def test_seed_demo_is_idempotent(db, capsys):
    from django.core.management import call_command

    from accounts.models import User

    call_command("seed_demo")
    counts = (Idea.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Idea.objects.count(), User.objects.count()) == counts
    assert counts[0] >= 40
    assert User.objects.get(email="mo@example.com").is_moderator
    assert User.objects.get(email="pat@example.com").is_product_team
    assert "idea-forum-demo" in capsys.readouterr().out


def test_seed_demo_spreads_the_ideas_over_every_status_through_the_pipeline(db):
    from django.core.management import call_command

    from ideas.models import Status
    from pipeline.models import StatusChange

    call_command("seed_demo", stdout=StringIO())
    assert set(Idea.objects.values_list("status", flat=True)) == set(Status.values)
    merged = Idea.objects.get(status=Status.MERGED)
    assert merged.merged_into.status != Status.MERGED and merged.upvotes == 0
    launched = Idea.objects.filter(status=Status.LAUNCHED)
    assert all(idea.status_changed_at < timezone.now() - timedelta(days=14) for idea in launched)
    assert all(change.note for change in StatusChange.objects.filter(to_status__in=[Status.LAUNCHED, Status.DECLINED]))
    assert all(idea.created_at < idea.status_changes.earliest("created_at").created_at for idea in launched)
    moves = StatusChange.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert StatusChange.objects.count() == moves >= 30


def test_seed_demo_fills_the_moderation_queue_through_the_services(db):
    from django.core.management import call_command

    from accounts.models import User
    from core.hiding import Hidden
    from moderation.models import Appeal, Case, CaseStatus

    call_command("seed_demo", stdout=StringIO())
    spam = Idea.objects.get(title="Cheap designer watches, 90% off")
    assert spam.hidden == Hidden.PENDING
    assert Case.objects.get(target=f"idea:{spam.pk}", status=CaseStatus.OPEN).weight == 3
    appeal = Appeal.objects.get()
    assert appeal.case.status == CaseStatus.OPEN and appeal.action.actor == User.objects.get(email="mo@example.com")
    assert not Idea.objects.visible().filter(pk=spam.pk).exists()
    cases = Case.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Case.objects.count() == cases == 5


def test_card_fragment_renders_one_idea_marked_new(client, alices_idea, django_assert_num_queries):
    with django_assert_num_queries(3):  # the idea, its tags, its author's roles
        response = client.get(f"/ideas/{alices_idea.pk}/card/", {"new": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.strip().startswith(f'<li class="idea-card is-new" id="idea-{alices_idea.pk}"')
    assert "Just in" in page and "<html" not in page


def test_card_fragment_is_empty_when_the_idea_does_not_match_the_lists_filters(client, alices_idea):
    assert client.get(f"/ideas/{alices_idea.pk}/card/", {"category": "drinks", "q": "oat"}).status_code == 200
    assert client.get(f"/ideas/{alices_idea.pk}/card/", {"q": "nothing-like-it"}).status_code == 204
    assert client.get(f"/ideas/{alices_idea.pk}/card/", {"status": "launched"}).status_code == 204


def test_card_fragment_of_a_deleted_or_missing_idea_is_404(client, alice, drinks):
    gone = IdeaFactory(author=alice, category=drinks, deleted_at=timezone.now())
    assert client.get(f"/ideas/{gone.pk}/card/").status_code == 404
    assert client.get("/ideas/999999/card/").status_code == 404


def test_pages_name_their_live_topics(client, alices_idea):
    assert 'data-live-topics="ideas"' in client.get("/").content.decode()
    assert f'data-live-topics="idea:{alices_idea.pk}"' in client.get(alices_idea.get_absolute_url()).content.decode()
    assert "data-live-topics" not in client.get("/accounts/login/").content.decode()


def test_staff_deleting_someone_elses_idea_on_the_page_gives_a_reason(client, mo, alices_idea):
    from core.models import AuditEntry

    client.force_login(mo)
    assert 'name="reason"' in client.get(f"/ideas/{alices_idea.pk}/delete/").content.decode()
    too_long = client.post(f"/ideas/{alices_idea.pk}/delete/", {"reason": "x" * 1001})
    assert too_long.status_code == 400 and "Keep the reason to 1000 characters or fewer." in too_long.content.decode()
    assert Idea.objects.visible().filter(pk=alices_idea.pk).exists()
    client.post(f"/ideas/{alices_idea.pk}/delete/", {"reason": "Personal data in the text"})
    assert AuditEntry.objects.get(verb="idea.deleted").reason == "Personal data in the text"


def test_the_author_deleting_is_not_asked_for_a_reason(client, alice, alices_idea):
    client.force_login(alice)
    assert 'name="reason"' not in client.get(f"/ideas/{alices_idea.pk}/delete/").content.decode()


def test_category_links_on_cards_lead_to_the_idea_list(client, alice, alices_idea):
    page = client.get(alice.get_absolute_url()).content.decode()
    assert 'href="/?category=drinks"' in page and 'href="?category=' not in page


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/ideas/abc/vote/", "/api/v1/ideas/1/nope/"])
def test_unknown_api_addresses_are_404_in_the_json_shape(client, db, path):
    response = client.get(path)
    assert response.status_code == 404 and response.json() == {"detail": "Not found.", "code": "not_found"}


def test_unknown_pages_are_the_sites_own_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and "There is nothing here." in response.content.decode()


def test_server_errors_are_json_under_the_api_and_the_sites_page_elsewhere(rf):
    from frontend.views.errors import server_error

    api = server_error(rf.get("/api/v1/ideas/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    page = server_error(rf.get("/"))
    assert page.status_code == 500 and "Something went wrong on our side" in page.content.decode()


def test_too_many_form_fields_under_the_api_is_a_json_400(client, bob, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(bob)
    fields = "&".join(f"f{n}=1" for n in range(20))
    response = client.post("/api/v1/ideas/", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


def test_links_of_a_list_with_a_bad_parameter_leave_it_out(client, alices_idea):
    response = client.get("/", {"page_size": "0", "q": "oat"})
    assert response.status_code == 400
    assert all("page_size" not in tab["query"] and "q=oat" in tab["query"] for tab in response.context["tabs"])


def test_a_cards_vote_form_returns_to_the_list_not_to_the_fragment(client, alices_idea):
    card = client.get(f"/ideas/{alices_idea.pk}/card/", {"new": "1", "sort": "new"}).content.decode()
    assert 'name="next" value="/?sort=new"' in card and "/card/" not in card.split('name="next"')[1][:40]


@pytest.mark.parametrize(
    "path, data, password",
    [
        ("/accounts/password/set/", {"password1": "a-long-pass-phrase-1", "password2": "another"}, None),
        ("/accounts/password/change/", {"oldpassword": "wrong", "password1": "a", "password2": "b"}, "correct-horse"),
        ("/accounts/email/", {"action_add": "", "email": "not-an-address"}, "correct-horse"),
    ],
)
def test_every_allauth_form_with_errors_has_one_error_summary(client, db, path, data, password):
    from accounts.models import User

    client.force_login(User.objects.create_user(email="pia@example.com", password=password))
    page = client.post(path, data).content.decode()
    assert page.count('id="error-summary"') == 1


# Names and role badges.


def test_staff_are_badged_beside_their_names_on_cards_detail_and_profile(client, alice, mo, pat, drinks):
    by_mo = IdeaFactory(author=mo, category=drinks, title="Kind words only")
    by_pat = IdeaFactory(author=pat, category=drinks, title="Roadmap in the open")
    by_alice = IdeaFactory(author=alice, category=drinks, title="Oat milk for all")
    moderator = '<span class="role-badge role-moderators">Moderator</span>'
    product_team = '<span class="role-badge role-product_team">Product team</span>'
    cards = {
        idea: client.get(f"/ideas/{idea.pk}/card/").content.decode().split('class="idea-meta"')[1]
        for idea in [by_mo, by_pat, by_alice]
    }
    assert moderator in cards[by_mo] and product_team not in cards[by_mo]
    assert product_team in cards[by_pat] and moderator not in cards[by_pat]
    assert "role-badge" not in cards[by_alice]
    assert client.get("/").content.decode().count('class="role-badge') == 2
    assert moderator in client.get(by_mo.get_absolute_url()).content.decode()
    assert product_team in client.get(f"/members/{pat.pk}/").content.decode()
    assert "role-badge" not in client.get(f"/members/{alice.pk}/").content.decode()


def test_an_admin_holds_every_role_and_shows_both_badges(client, ada, drinks):
    idea = IdeaFactory(author=ada, category=drinks)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "role-moderators" in page and "role-product_team" in page


def test_badges_keep_the_list_at_a_fixed_number_of_queries(client, alice, mo, pat, drinks, django_assert_num_queries):
    for author in [alice, mo, pat] * 2:
        IdeaFactory(author=author, category=drinks)
    with django_assert_num_queries(4):  # ideas, their tags, their authors' roles, categories
        assert client.get("/").content.decode().count('class="role-badge') == 4


def test_the_account_page_shows_staff_their_badge(client, mo):
    client.force_login(mo)
    page = client.get("/account/").content.decode()
    assert "Others see you as <strong>Mo</strong>" in page and "role-moderators" in page


def test_invisible_characters_are_stripped_from_titles_and_tags_on_the_page(signed_in, alice, alices_idea, drinks):
    client = signed_in(alice)
    data = {"title": "Oat\u200b milk\u202e for all", "body": "Yes", "category": drinks.pk, "tags": "mi\u200blk, \u2066"}
    client.post("/ideas/new/", data)
    idea = Idea.objects.latest("pk")
    assert idea.title == "Oat milk for all" and [t.name for t in idea.tags.all()] == ["milk"]
    client.post(f"/ideas/{alices_idea.pk}/edit/", {**data, "title": "\u200fOat milk, free\u200b"})
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk, free"


def test_a_title_of_invisible_characters_is_too_short(signed_in, alice, drinks):
    response = signed_in(alice).post("/ideas/new/", {"title": "\u200b" * 10, "body": "Yes", "category": drinks.pk})
    assert response.status_code == 200 and "at least 5 characters" in response.content.decode()
    assert not Idea.objects.exists()
