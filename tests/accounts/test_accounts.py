"""Members: sign-up and sign-in pages, roles and grant_role, /api/v1/me/."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from accounts.models import Role, User
from accounts.services import role_grant, role_revoke
from tests.conftest import PASSWORD


def test_signup_page_creates_a_member_with_a_display_name(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "display_name": "Nina",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.public_name == "Nina"
    assert client.get("/api/v1/me/").json()["email"] == "new@example.com"


def test_signup_refuses_a_name_that_passes_for_staff_with_a_field_error(client, mo):
    data = {"email": "new@example.com", "password1": "a-long-passphrase", "password2": "a-long-passphrase"}
    for name in ["Mona Moderator", "Mo"]:
        response = client.post("/accounts/signup/", {**data, "display_name": name})
        assert response.status_code == 200 and "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="new@example.com").exists()


def test_signup_strips_invisible_characters_from_the_name(client, db):
    data = {"email": "new@example.com", "password1": "a-long-passphrase", "password2": "a-long-passphrase"}
    assert client.post("/accounts/signup/", {**data, "display_name": "Ni\u200bna\u202e"}).status_code == 302
    assert User.objects.get(email="new@example.com").display_name == "Nina"


def test_signup_without_a_name_never_shows_the_email(client, db):
    data = {"email": "nina.secret@example.com", "password1": "a-long-passphrase", "password2": "a-long-passphrase"}
    response = client.post("/accounts/signup/", data, follow=True)
    nina = User.objects.get(email="nina.secret@example.com")
    assert f"Successfully signed in as Member #{nina.pk}." in response.content.decode()  # allauth's user_display
    assert nina.display_name == "" and nina.public_name == f"Member #{nina.pk}"
    visitor = type(client)()
    assert "nina.secret" not in visitor.get(nina.get_absolute_url()).content.decode()


def test_signup_refuses_a_taken_email_in_any_case(client, alice):
    response = client.post(
        "/accounts/signup/",
        {"email": "ALICE@example.com", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1


def test_signup_refuses_mismatched_passwords_with_a_form_error(client, db):
    response = client.post(
        "/accounts/signup/", {"email": "x@example.com", "password1": "a-long-passphrase", "password2": "different-one"}
    )
    assert response.status_code == 200
    assert not User.objects.exists()


def test_signin_and_signout(client, alice):
    response = client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/v1/me/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/api/v1/me/").status_code == 401


def test_wrong_password_is_a_form_error(client, alice):
    response = client.post("/accounts/login/", {"login": "alice@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_sends_mail(client, alice, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "alice@example.com" in mailoutbox[0].to


def test_email_is_unique_regardless_of_case(alice):
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="Alice@Example.com", password="x")


def test_public_name_without_a_display_name_is_the_member_number(db):
    sam = User.objects.create_user(email="sam@example.com")
    assert sam.public_name == f"Member #{sam.pk}" and str(sam) == sam.public_name


def test_me_shows_roles(api_as, mo):
    data = api_as(mo).get("/api/v1/me/").json()
    assert data["roles"] == ["moderators"] and data["name"] == "Mo"


def test_me_needs_sign_in(api, db):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_roles_grant_and_revoke(alice):
    assert not alice.is_staff_member
    role_grant(actor=None, user=alice, role=Role.PRODUCT_TEAM)
    assert alice.is_product_team and alice.is_staff_member and not alice.is_moderator
    role_revoke(actor=None, user=alice, role=Role.PRODUCT_TEAM)
    assert not User.objects.get(pk=alice.pk).is_product_team


def test_grant_role_command(alice, capsys):
    call_command("grant_role", "ALICE@example.com", "moderator")
    assert User.objects.get(pk=alice.pk).is_moderator
    call_command("grant_role", "alice@example.com", "moderator", "--revoke")
    assert not User.objects.get(pk=alice.pk).is_moderator


def test_grant_role_command_refuses_unknown_member_and_role(db):
    with pytest.raises(CommandError, match="No member"):
        call_command("grant_role", "ghost@example.com", "moderator")
    with pytest.raises(CommandError):
        call_command("grant_role", "ghost@example.com", "king")


def test_role_groups_exist_from_the_migrations(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"moderators", "product_team"}
