"""Profiles, the data export and account deletion: services, API and pages."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from accounts.selectors import member_export
from accounts.services import account_delete, api_token_issue, profile_update
from config.social import social_providers
from discussion.models import Comment, CommentRevision
from discussion.services import comment_edit
from ideas.models import Idea
from tests.conftest import PASSWORD
from tests.factories import IdeaFactory, comment


def test_profile_update_renders_the_bio_safely(alice):
    profile_update(actor=alice, display_name="  Alice   Andersen ", bio="I like **oat milk** <script>x</script>")
    alice.refresh_from_db()
    assert alice.display_name == "Alice Andersen"
    assert alice.bio_html == "<p>I like <strong>oat milk</strong> x</p>"


@pytest.mark.parametrize(("name", "bio", "field"), [("x" * 61, "", "display_name"), ("ok", "x" * 2001, "bio")])
def test_profile_update_refuses_too_long_values(alice, name, bio, field):
    with pytest.raises(ValidationError) as caught:
        profile_update(actor=alice, display_name=name, bio=bio)
    assert field in caught.value.message_dict
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


def test_initials_for_the_generated_avatar(db):
    assert User(email="x@example.com", display_name="Nina Nordmann").initials == "NN"
    assert User.objects.create_user(email="sam@example.com").initials == "M"  # "Member #…", nothing of the e-mail


def test_export_holds_the_members_data_and_nobody_elses(alice, bob, drinks):
    mine = IdeaFactory(author=alice, category=drinks, title="Alice's idea here")
    IdeaFactory(author=bob, category=drinks, title="Bob's idea here")
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    github = SocialAccount.objects.create(user=alice, provider="github", uid="42")
    data = member_export(user=alice)
    assert data["profile"]["email"] == "alice@example.com"
    assert [i["id"] for i in data["ideas"]] == [mine.pk]
    assert data["connections"] == [{"provider": "github", "uid": "42", "date_joined": github.date_joined.isoformat()}]
    assert data["email_addresses"][0]["verified"] is True
    json.dumps(data)


def test_export_holds_the_members_votes(alice, bob, alices_idea, drinks):
    from voting.services import vote_cast

    other = IdeaFactory(author=alice, category=drinks, title="Quiet corners please")
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    vote_cast(actor=bob, idea_id=other.pk, value=-1)
    votes = member_export(user=bob)["votes"]
    assert [(v["idea"], v["idea_title"], v["value"]) for v in votes] == [
        (alices_idea.pk, "Oat milk at no extra charge", 1),
        (other.pk, "Quiet corners please", -1),
    ]
    assert member_export(user=alice)["votes"] == []


def test_export_names_only_ideas_still_shown(alice, bob, alices_idea):
    from ideas.services import idea_delete
    from voting.services import vote_cast

    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    idea_delete(idea=alices_idea, actor=alice)
    [vote] = member_export(user=bob)["votes"]
    assert (vote["idea"], vote["idea_title"], vote["value"]) == (alices_idea.pk, None, 1)


def test_export_has_one_part_per_app_in_layer_order(alice):
    assert list(member_export(user=alice)) == [
        "profile",
        "email_addresses",
        "connections",
        "ideas",
        "follows",
        "votes",
        "notifications",
        "notification_settings",
        "comments",
        "pipeline",
        "moderation",
        "community",
    ]


def test_export_api_is_for_the_member_only(api, api_as, alice, bob, alices_idea):
    assert api.get("/api/v1/me/export/").status_code == 401
    data = api_as(bob).get("/api/v1/me/export/").json()
    assert data["profile"]["email"] == "bob@example.com" and data["ideas"] == []
    response = api_as(alice).get("/api/v1/me/export/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response.json()["ideas"][0]["title"] == "Oat milk at no extra charge"


def test_export_page_downloads_json(client, alice, alices_idea, django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(20):  # the session, the member, then one query per part of their data
        response = client.get("/account/export/")
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["ideas"][0]["id"] == alices_idea.pk


def test_account_delete_keeps_ideas_under_deleted_member(alice, alices_idea):
    api_token_issue(actor=alice)
    SocialAccount.objects.create(user=alice, provider="github", uid="42")
    account_delete(actor=alice, user=alice)
    assert not User.objects.filter(email="alice@example.com").exists()
    assert not Token.objects.exists() and not SocialAccount.objects.exists()
    alices_idea.refresh_from_db()
    assert alices_idea.author is None


def test_deleted_member_shows_as_deleted_member(client, alice, alices_idea):
    account_delete(actor=alice, user=alice)
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert "Deleted member" in page and "Alice" not in page


def test_deleting_ends_every_session(client, alice):
    other = type(client)()
    client.force_login(alice)
    other.force_login(alice)
    account_delete(actor=alice, user=alice)
    assert other.get("/api/v1/me/").status_code == 401


def test_api_delete_needs_the_password(api_as, alice):
    client = api_as(alice)
    response = client.delete("/api/v1/me/", {"password": "wrong"})
    assert response.status_code == 400 and "password" in response.json()["fields"]
    assert User.objects.filter(pk=alice.pk).exists()
    assert client.delete("/api/v1/me/", {"password": PASSWORD}).status_code == 204
    assert not User.objects.filter(pk=alice.pk).exists()


def test_api_delete_twice_is_refused(api, alice):
    token = api_token_issue(actor=alice)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.delete("/api/v1/me/", {"password": PASSWORD}).status_code == 204
    assert api.delete("/api/v1/me/", {"password": PASSWORD}).status_code == 401


def test_api_delete_without_a_password_needs_a_fresh_provider_sign_in(api_as, db):
    social_only = User.objects.create_user(email="nina@example.com")
    token = api_token_issue(actor=social_only)
    for client in [api_as(social_only), APIClient(HTTP_AUTHORIZATION=f"Token {token}")]:
        response = client.delete("/api/v1/me/", {})
        assert response.status_code == 403 and response.json()["code"] == "reauthentication_required"
    assert User.objects.filter(pk=social_only.pk).exists()
    # Deleting after a fresh sign-in: tests/browser/test_social_login.py.


def test_api_profile_update(api_as, alice):
    response = api_as(alice).patch("/api/v1/me/", {"bio": "*hi*"})
    assert response.status_code == 200 and response.json()["bio_html"] == "<p><em>hi</em></p>"
    assert api_as(alice).patch("/api/v1/me/", {"display_name": "x" * 61}).status_code == 400


def test_account_page_saves_the_profile(client, alice, django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        assert client.get("/account/").status_code == 200
    response = client.post("/account/", {"display_name": "Alice A.", "bio": "Hello"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice A."
    page = client.post("/account/", {"display_name": "x" * 61, "bio": ""}).content.decode()
    assert "60 characters or fewer" in page


def test_account_pages_need_sign_in(client, db):
    for path in ["/account/", "/account/export/", "/account/delete/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_account_page_makes_an_api_token(client, alice):
    client.force_login(alice)
    client.post("/account/token/")
    assert Token.objects.get(user=alice).key in client.get("/account/").content.decode()


def test_delete_page_asks_for_the_password_then_deletes_and_signs_out(client, alice, alices_idea):
    client.force_login(alice)
    assert "Delete your account?" in client.get("/account/delete/").content.decode()
    response = client.post("/account/delete/")
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert User.objects.filter(pk=alice.pk).exists()

    wrong = client.post(response["Location"], {"password": "wrong"})
    assert wrong.status_code == 200 and User.objects.filter(pk=alice.pk).exists()
    # The confirmed password resumes the suspended deletion.
    confirmed = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert "Your account is deleted" in confirmed.content.decode()
    assert not User.objects.filter(pk=alice.pk).exists()
    assert client.get("/api/v1/me/").status_code == 401
    assert Idea.objects.get(pk=alices_idea.pk).author is None


@pytest.fixture
def nina_on_github(db, monkeypatch, settings):
    """A member who signs in only through GitHub, in a session without a recent sign-in there."""
    monkeypatch.setenv("GITHUB_CLIENT_ID", "gh")
    monkeypatch.setenv("GITHUB_CLIENT_SECRET", "gh-secret")
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    nina = User.objects.create_user(email="nina@example.com")
    SocialAccount.objects.create(user=nina, provider="github", uid="7")
    return nina


def test_social_only_member_must_sign_in_with_the_provider_again_to_delete(client, nina_on_github):
    client.force_login(nina_on_github)
    page = client.get("/account/delete/").content.decode()
    assert "Sign in again with GitHub" in page and "Delete my account" not in page
    assert "nina@example.com" in page
    assert "/accounts/github/login/?process=login&amp;action=reauthenticate&amp;next=%2Faccount%2Fdelete%2F" in page
    assert client.post("/account/delete/").status_code == 200
    assert User.objects.filter(pk=nina_on_github.pk).exists()
    # The fresh sign-in and the deletion after it: tests/browser/test_social_login.py.


def test_a_connection_whose_provider_is_gone_is_not_offered(client, nina_on_github, settings, monkeypatch):
    SocialAccount.objects.create(user=nina_on_github, provider="gitlab", uid="8")  # never configured
    client.force_login(nina_on_github)
    page = client.get("/account/delete/").content.decode()
    assert page.count("Sign in again with") == 1
    monkeypatch.delenv("GITHUB_CLIENT_ID")
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    page = client.get("/account/delete/").content.decode()
    assert "Sign in again with" not in page and "/accounts/password/reset/" in page


def test_a_first_password_needs_a_fresh_provider_sign_in_too(client, nina_on_github):
    client.force_login(nina_on_github)
    assert "Sign in again with GitHub" in client.get("/accounts/password/set/").content.decode()
    client.post("/accounts/password/set/", {"password1": "a-long-passphrase", "password2": "a-long-passphrase"})
    nina_on_github.refresh_from_db()
    assert not nina_on_github.has_usable_password()


def test_member_profile_page_lists_their_ideas(client, alice, alices_idea, django_assert_num_queries):
    profile_update(actor=alice, display_name="Alice", bio="Coffee *lover*")
    with django_assert_num_queries(6):  # the member, their roles, their ideas, the tags, the authors' roles, badges
        page = client.get(f"/members/{alice.pk}/").content.decode()
    assert "Coffee <em>lover</em>" in page and "Oat milk at no extra charge" in page
    assert client.get("/members/999999/").status_code == 404


def test_inactive_member_profile_is_404(client, alice):
    alice.is_active = False
    alice.save()
    assert client.get(f"/members/{alice.pk}/").status_code == 404


def test_profile_lists_the_members_ideas_with_a_fixed_number_of_queries(
    client, alice, drinks, django_assert_num_queries
):
    for _ in range(20):
        IdeaFactory(author=alice, category=drinks, created_at=timezone.now())
    with django_assert_num_queries(6):  # as above: the badges are one query
        client.get(f"/members/{alice.pk}/")


def test_delete_and_sign_in_again_pages_query_counts(client, alice, nina_on_github, django_assert_num_queries):
    client.force_login(alice)
    with django_assert_num_queries(4):  # session, member, their roles (the nav), the bell's unread count
        assert client.get("/account/delete/").status_code == 200
    client.force_login(nina_on_github)
    for path in ["/account/delete/", "/accounts/password/set/"]:
        with django_assert_num_queries(6):  # session, member, their roles (the nav), connections, apps, the bell
            assert "Sign in again with GitHub" in client.get(path).content.decode()


# Public names: never from the e-mail address; names that pass for staff are refused.


@pytest.fixture
def nameless(db):
    """A member who never set a display name, with an e-mail address that must stay private."""
    return User.objects.create_user(email="samantha.secret@example.com", password=PASSWORD)


def test_a_member_without_a_display_name_is_shown_by_number_everywhere_public(
    client, api, nameless, bob, drinks, published
):
    from ideas.services import idea_submit
    from voting.services import vote_cast

    with published() as events:
        idea = idea_submit(actor=nameless, title="Refill stations", body="Water, *please*.", category=drinks)
        vote_cast(actor=bob, idea_id=idea.pk, value=1)
    number = f"Member #{nameless.pk}"
    pages = [
        client.get(path).content.decode()
        for path in ["/", idea.get_absolute_url(), f"/members/{nameless.pk}/", f"/ideas/{idea.pk}/card/"]
    ]
    answers = [api.get("/api/v1/ideas/").json()["results"][0], api.get(f"/api/v1/ideas/{idea.pk}/").json()]
    assert all(number in page for page in pages)
    assert [answer["author"]["name"] for answer in answers] == [number, number]
    assert {event["event"] for event in events} == {"idea.created", "vote.changed"}
    for text in [*pages, *map(json.dumps, answers), json.dumps(events)]:
        assert "samantha" not in text.lower()


def test_the_account_page_shows_a_nameless_member_how_they_appear_and_where_to_set_a_name(client, nameless, alice):
    client.force_login(nameless)
    page = client.get("/account/").content.decode()
    assert f"Others see you as <strong>Member #{nameless.pk}</strong>" in page
    assert 'id="no-display-name"' in page and 'href="#id_display_name"' in page
    client.force_login(alice)
    assert 'id="no-display-name"' not in client.get("/account/").content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "Mona Moderator",
        "MODERATOR",
        "M0d Squad",
        "M o d",
        "Mod\u200berator",  # zero-width space
        "Ｍｏｄｅｒａｔｏｒ",  # fullwidth
        "\u041coderator",  # Cyrillic capital Em
        "Mödérätor",
        "Moderrator",
        "Product Team Pat",
        "product-team",
        "Produktteamet",
        "Admin",
        "ADM1N Anna",
        "adrnin",
        "Official Olsen",
        "0ffic1al",
        "Support",
        "Kundtjänst Kim",
        "Forum staff",
        "Member #12",
        "medlem 7",
        "\u1d0d\u1d0f\u1d05\u1d07\u0280\u1d00\u1d1b\u1d0f\u0280",  # small capitals
        "\u1d00\u1d05\u1d0d\u026a\u0274",
        "M\u1d0fd",
        "\u039c\u03bfderator",  # Greek capital Mu, small omicron
        "M\u03c3derator",  # Greek small sigma
        "\u039bdmin",  # Greek capital Lamda
        "Moderat\u00f8r",
        "M\u2c9fd",  # Coptic small o
        "\ua4dfoderator",  # Lisu letter Ma
        "\u13b7oderator",  # Cherokee letter Lu
        "\u041c\u043e\u0434\u0435\u0440\u0430\u0442\u043e\u0440",  # Cyrillic
        "Moderador",
        "Moderateur",
        "Moderation Team",
        "ModBot",
        "Modteam",
        "Headmod Hans",
        "MoD",
        "Deleted member",
        "deleted-MEMBER",
        "Dele\u0442ed member (old)",
    ],
)
def test_names_that_pass_for_staff_are_refused_to_members(bob, name):
    with pytest.raises(ValidationError) as caught:
        profile_update(actor=bob, display_name=name, bio="")
    assert list(caught.value.message_dict) == ["display_name"]
    bob.refresh_from_db()
    assert bob.display_name == "Bob"


@pytest.mark.parametrize(
    "name",
    [
        "Staffan Berg",
        "Modesty Blaise",
        "Badminton Bo",
        "Unofficial fan",
        "Åse Ødegård",
        "Modou Diallo",
        "Luka Modrić",
        "Narendra Modi",
        "Modern Mette",
        "Theodor Admiral",
        "Ольга Петрова",
        "Μαρία Παπαδοπούλου",
        "莫言",
        "Mona Lisa",
        "Simon Mohr",
        "Patrik Andersen",
    ],
)
def test_names_that_only_contain_a_role_words_letters_are_fine(bob, mo, name):
    profile_update(actor=bob, display_name=name, bio="")
    assert User.objects.get(pk=bob.pk).display_name == name


@pytest.fixture
def patrik(db):
    from accounts.models import Role
    from accounts.services import role_grant
    from tests.factories import UserFactory

    user = UserFactory(email="patrik@example.com", display_name="Patrik Product")
    role_grant(actor=None, user=user, role=Role.PRODUCT_TEAM)
    return user


@pytest.mark.parametrize(
    "name",
    [
        "Patrik Pr\u00f8duct",
        "Patrik Product (PM)",
        "The real PatrikProduct",
        "P\u0430trik Pr\u043educt 2",
        "Mo the Great",
    ],
)
def test_a_name_that_contains_a_staff_members_name_is_refused(bob, mo, patrik, name):
    with pytest.raises(ValidationError, match="member of staff goes by this name"):
        profile_update(actor=bob, display_name=name, bio="")
    profile_update(actor=patrik, display_name="Patrik Product (PM)", bio="")
    assert User.objects.get(pk=patrik.pk).display_name == "Patrik Product (PM)"


def test_the_forums_label_for_deleted_accounts_is_refused_with_its_own_reason(bob):
    with pytest.raises(ValidationError, match="how the forum shows deleted accounts"):
        profile_update(actor=bob, display_name="Deleted member", bio="")


def test_staff_may_name_their_own_role_but_not_anothers(mo, pat, ada):
    with pytest.raises(ValidationError, match="member of staff goes by this name"):
        profile_update(actor=mo, display_name="P4T", bio="")
    profile_update(actor=mo, display_name="Mo the Moderator", bio="")
    profile_update(actor=pat, display_name="Pat, product team", bio="")
    profile_update(actor=ada, display_name="Ada (admin)", bio="")
    assert [u.display_name for u in User.objects.filter(pk__in=[mo.pk, pat.pk, ada.pk]).order_by("email")] == [
        "Ada (admin)",
        "Mo the Moderator",
        "Pat, product team",
    ]
    with pytest.raises(ValidationError, match="product team"):
        profile_update(actor=mo, display_name="Mo of the product team", bio="")
    with pytest.raises(ValidationError, match="admin"):
        profile_update(actor=pat, display_name="Pat Admin", bio="")


@pytest.mark.parametrize("name", ["Mo", "mo", "M0", "M\u200bo", "\u041c\u043e", "M-O"])
def test_a_staff_members_name_is_theirs_alone(bob, mo, name):
    with pytest.raises(ValidationError, match="member of staff goes by this name"):
        profile_update(actor=bob, display_name=name, bio="")
    profile_update(actor=mo, display_name="Mo", bio="a new bio")
    assert User.objects.get(pk=mo.pk).bio == "a new bio"


def test_a_former_staff_members_name_is_free_again(bob, mo):
    from accounts.models import Role
    from accounts.services import role_revoke

    role_revoke(actor=None, user=mo, role=Role.MODERATOR)
    profile_update(actor=bob, display_name="Mo", bio="")
    assert User.objects.get(pk=bob.pk).display_name == "Mo"


def test_invisible_characters_are_stripped_from_names(alice):
    profile_update(actor=alice, display_name="\u202eAli\u200bce\u2066 \u200dA.\ufeff", bio="")
    assert User.objects.get(pk=alice.pk).display_name == "Alice A."


@pytest.mark.parametrize("name", ["\u2800", "\u034f\u034f", "\u0301\u0301", "\u3164\u2028\ufe0f", "\u115f\u17b4"])
def test_a_name_that_shows_nothing_is_no_name(bob, name):
    profile_update(actor=bob, display_name=name, bio="")
    bob.refresh_from_db()
    assert bob.display_name == "" and bob.public_name == f"Member #{bob.pk}"


def test_blanks_and_line_separators_are_stripped_from_names(alice):
    profile_update(actor=alice, display_name="\u2800Ali\u034fce\u2028A.\ufe0f", bio="")
    assert User.objects.get(pk=alice.pk).display_name == "Alice A."


def test_the_profile_page_refuses_an_imitating_name_with_a_field_error(client, bob, mo):
    client.force_login(bob)
    response = client.post("/account/", {"display_name": "Mona M0derator", "bio": "hi"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Names with “moderator” in them are kept for the staff who hold that role" in page
    assert 'aria-invalid="true"' in page and 'href="#id_display_name"' in page
    client.force_login(mo)
    assert client.post("/account/", {"display_name": "Mona M0derator", "bio": "hi"}).status_code == 302
    assert User.objects.get(pk=bob.pk).display_name == "Bob"
    assert User.objects.get(pk=mo.pk).display_name == "Mona M0derator"


def test_the_api_refuses_an_imitating_name_with_400(api_as, bob, pat):
    response = api_as(bob).patch("/api/v1/me/", {"display_name": "Produkt-Team"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["fields"]) == ["display_name"]
    response = api_as(bob).patch("/api/v1/me/", {"display_name": "Pat"}, format="json")
    assert response.status_code == 400
    response = api_as(pat).patch("/api/v1/me/", {"display_name": "Pat, product team"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Pat, product team"


def test_the_api_strips_invisible_characters_from_names(api_as, bob):
    response = api_as(bob).patch("/api/v1/me/", {"display_name": "Bo\u202eb\u200b"}, format="json")
    assert response.status_code == 200 and response.json()["display_name"] == "Bob"


def test_a_providers_name_that_passes_for_staff_is_not_taken(rf, db, monkeypatch, settings):
    from allauth.socialaccount.adapter import get_adapter

    monkeypatch.setenv("GITHUB_CLIENT_ID", "gh")
    monkeypatch.setenv("GITHUB_CLIENT_SECRET", "gh-secret")
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    request = rf.get("/accounts/github/login/callback/")
    provider = get_adapter().get_provider(request, "github")

    def name_from(name: str) -> str:
        response = {"id": 7, "login": "x", "name": name, "email": "new@example.com"}
        return provider.sociallogin_from_response(request, response).user.display_name

    assert name_from("Nina\u200b Nordmann") == "Nina Nordmann"
    assert name_from("Nina the Moderator") == ""
    assert name_from("\u2800\u0301\u034f") == ""


@pytest.mark.parametrize("name", ["nina@example.com", "Nina <nina@example.com>", "nina\u200b@example.com"])
def test_a_providers_name_that_is_an_email_address_is_not_shown(rf, db, monkeypatch, settings, name):
    from allauth.socialaccount.adapter import get_adapter

    monkeypatch.setenv("GITHUB_CLIENT_ID", "gh")
    monkeypatch.setenv("GITHUB_CLIENT_SECRET", "gh-secret")
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    request = rf.get("/accounts/github/login/callback/")
    provider = get_adapter().get_provider(request, "github")
    response = {"id": 7, "login": "x", "name": name, "email": "nina@example.com"}
    user = provider.sociallogin_from_response(request, response).user
    assert user.display_name == "" and "@" not in user.public_name


def test_export_holds_the_members_comments_and_follows(alice, bob, alices_idea):

    posted = comment(bob, alices_idea, "First words")
    comment_edit(actor=bob, comment=posted, body="Second words")
    data = member_export(user=bob)
    [exported] = data["comments"]
    assert (exported["body"], [v["body"] for v in exported["earlier_versions"]]) == ("Second words", ["First words"])
    assert [(f["idea"], f["following"]) for f in data["follows"]] == [(alices_idea.pk, True)]


def test_account_delete_keeps_comments_under_deleted_member_with_their_versions(alice, bob, alices_idea):

    posted = comment(bob, alices_idea, "First words")
    comment_edit(actor=bob, comment=posted, body="Second words")
    account_delete(actor=bob, user=bob)
    kept = Comment.objects.get(pk=posted.pk)
    assert (kept.author, kept.body) == (None, "Second words")
    assert CommentRevision.objects.filter(comment=kept).count() == 1
    alices_idea.refresh_from_db()
    assert (alices_idea.comment_count, alices_idea.follower_count) == (1, 0)


def test_account_delete_unlinks_the_mentions_of_the_member(alice, bob, alices_idea):
    from discussion.models import Mention

    posted = comment(alice, alices_idea, f"Thanks @[Bob](member:{bob.pk})")
    comment_edit(actor=alice, comment=posted, body=f"Thank you @[Bob](member:{bob.pk})")
    assert 'class="mention"' in Comment.objects.get(pk=posted.pk).body_html
    account_delete(actor=bob, user=bob)
    kept = Comment.objects.get(pk=posted.pk)
    assert kept.body_html == "<p>Thank you @Bob</p>"
    assert kept.revisions.get().body_html == "<p>Thanks @Bob</p>"
    assert not Mention.objects.exists()


def test_an_earlier_version_that_mentioned_a_deleted_member_no_longer_links(alice, bob, alices_idea):

    posted = comment(bob, alices_idea, f"Ask @[Alice](member:{alice.pk})")
    comment_edit(actor=bob, comment=posted, body="Ask someone else")
    profile = alice.get_absolute_url()
    account_delete(actor=alice, user=alice)
    assert profile not in CommentRevision.objects.get(comment=posted).body_html
