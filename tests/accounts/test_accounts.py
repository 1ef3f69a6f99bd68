"""Members: sign-up and sign-in pages, roles and grant_role, /api/v1/me/."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from accounts.models import Role, User
from accounts.services import role_grant, role_revoke
from tests.accounts.test_admin import _change_form
from tests.conftest import PASSWORD

SIGN_UP = {"password1": "a-long-passphrase", "password2": "a-long-passphrase"}


def _link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_signup_page_creates_a_member_who_confirms_the_address_and_is_signed_in(client, db, mailoutbox):
    response = client.post("/accounts/signup/", {"email": "new@example.com", "display_name": "Nina", **SIGN_UP})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    assert User.objects.get(email="new@example.com").public_name == "Nina"
    assert client.get("/api/v1/me/").status_code == 401
    [message] = mailoutbox
    assert message.to == ["new@example.com"]
    client.post(_link_in(message))
    assert client.get("/api/v1/me/").json()["email"] == "new@example.com"


def test_signup_refuses_a_name_that_passes_for_staff_with_a_field_error(client, mo):
    data = {"email": "new@example.com", **SIGN_UP}
    for name in ["Mona Moderator", "Mo"]:
        response = client.post("/accounts/signup/", {**data, "display_name": name})
        assert response.status_code == 200 and "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="new@example.com").exists()


def test_signup_strips_invisible_characters_from_the_name(client, db):
    data = {"email": "new@example.com", **SIGN_UP}
    assert client.post("/accounts/signup/", {**data, "display_name": "Ni\u200bna\u202e"}).status_code == 302
    assert User.objects.get(email="new@example.com").display_name == "Nina"


def test_signup_without_a_name_never_shows_the_email(client, db):
    data = {"email": "nina.secret@example.com", **SIGN_UP}
    client.post("/accounts/signup/", data)
    response = client.post("/accounts/login/", {"login": data["email"], "password": data["password1"]}, follow=True)
    nina = User.objects.get(email="nina.secret@example.com")
    assert f"Successfully signed in as Member #{nina.pk}." in response.content.decode()  # allauth's user_display
    assert nina.display_name == "" and nina.public_name == f"Member #{nina.pk}"
    visitor = type(client)()
    assert "nina.secret" not in visitor.get(nina.get_absolute_url()).content.decode()


def test_a_new_member_may_sign_in_before_confirming(client, db):
    client.post("/accounts/signup/", {"email": "new@example.com", **SIGN_UP})
    response = client.post("/accounts/login/", {"login": "new@example.com", "password": SIGN_UP["password1"]})
    assert response.status_code == 302
    assert client.get("/api/v1/me/").json()["email"] == "new@example.com"


def test_signup_with_a_taken_address_looks_like_any_other_and_tells_the_owner(client, alice, mailoutbox):
    new = client.post("/accounts/signup/", {"email": "nobody@example.com", **SIGN_UP}, follow=True)
    taken = type(client)().post("/accounts/signup/", {"email": "ALICE@example.com", **SIGN_UP}, follow=True)
    assert new.redirect_chain == taken.redirect_chain == [("/accounts/confirm-email/", 302)]
    assert _page_text(new).replace("nobody@", "alice@") == _page_text(taken)
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    owner = next(m for m in mailoutbox if m.to == ["alice@example.com"])
    assert "already exists" in owner.body and "/accounts/password/reset/" in owner.body
    assert "/accounts/confirm-email/" not in owner.body


class CountingHasher(MD5PasswordHasher):
    """The test suite's hasher, counting the passwords it hashes."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def test_signup_with_a_taken_address_hashes_the_password_as_a_new_one_does(client, alice, settings):
    """The answer's timing tells nothing either: a password hash is most of a sign-up's work."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    hashed = []
    for email in ["nobody@example.com", "alice@example.com"]:
        CountingHasher.hashed = 0
        type(client)().post("/accounts/signup/", {"email": email, **SIGN_UP})
        hashed.append(CountingHasher.hashed)
    assert hashed[0] == hashed[1] >= 1


def _page_text(response) -> str:
    """The page without its per-session parts (the CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


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


def test_me_shows_roles(api_as, alice, mo, ada):
    data = api_as(mo).get("/api/v1/me/").json()
    assert data["roles"] == ["moderators"] and data["name"] == "Mo"
    assert api_as(ada).get("/api/v1/me/").json()["roles"] == ["moderators", "product_team"]  # as her badges
    assert api_as(alice).get("/api/v1/me/").json()["roles"] == []


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


# E-mail addresses are stored in lower case: allauth looks them up in lower case.


def test_create_user_and_createsuperuser_store_the_address_in_lower_case(db, monkeypatch):
    assert User.objects.create_user("Nina.Nordmann@Example.COM", PASSWORD).email == "nina.nordmann@example.com"
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--email", "Boss@Example.com", verbosity=0)
    assert User.objects.get(is_superuser=True).email == "boss@example.com"


def test_a_plain_save_stores_the_address_in_lower_case(alice):
    alice.email = "Alice.A@Example.com"
    alice.save()
    assert User.objects.filter(email="alice.a@example.com").exists()


def test_the_admins_add_and_change_forms_store_the_address_in_lower_case(client, ada, alice):
    client.force_login(ada)
    form = {"email": "New.Person@Example.COM", "password1": SIGN_UP["password1"], "password2": SIGN_UP["password1"]}
    form["usable_password"] = "true"
    assert client.post("/admin/accounts/user/add/", form).status_code == 302
    assert User.objects.filter(email="new.person@example.com").exists()
    change = _change_form(alice, email="ALICE@Example.com")
    assert client.post(f"/admin/accounts/user/{alice.pk}/change/", change).status_code == 302
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


@pytest.mark.parametrize("typed", ["Boss@Example.com", "boss@example.com", "BOSS@EXAMPLE.COM"])
def test_signing_up_with_a_capitalised_members_address_in_any_case_is_the_usual_page(
    client, db, monkeypatch, mailoutbox, typed
):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--email", "Boss@Example.com", verbosity=0)
    response = client.post("/accounts/signup/", {"email": typed, **SIGN_UP}, follow=True)
    assert response.redirect_chain == [("/accounts/confirm-email/", 302)]
    assert "Check your e-mail" in response.content.decode()
    assert User.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["boss@example.com"]] and "already exists" in mailoutbox[0].body


def test_the_migration_lowercases_stored_addresses_and_merges_twins(db):
    import importlib

    from allauth.account.models import EmailAddress
    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0004_lowercase_emails")
    boss = User.objects.create_user("boss@example.com", PASSWORD)
    nina = User.objects.create_user("nina@example.com", PASSWORD)
    User.objects.filter(pk=boss.pk).update(email="Boss@example.com")  # as Django stored it before
    EmailAddress.objects.create(user=boss, email="Boss@example.com", verified=True, primary=True)
    EmailAddress.objects.create(user=nina, email="nina@example.com", verified=False, primary=False)
    EmailAddress.objects.create(user=nina, email="Nina@Example.com", verified=True, primary=True)
    migration.lowercase_emails(apps, None)
    assert list(User.objects.order_by("pk").values_list("email", flat=True)) == ["boss@example.com", "nina@example.com"]
    addresses = EmailAddress.objects.order_by("user_id").values_list("user_id", "email", "verified", "primary")
    assert list(addresses) == [(boss.pk, "boss@example.com", True, True), (nina.pk, "nina@example.com", True, True)]
