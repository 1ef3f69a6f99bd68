"""API tokens: the sign-in form's limits on the token endpoint, expiry, revocation on a new password, and
revoking or regenerating from the account page and the API."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import api_token_issue, password_change
from core.models import AuditEntry
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def ask_token(email: str, password: str, ip: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=ip).post(TOKEN_URL, {"email": email, "password": password})


def as_token(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def assert_rate_limited(response) -> None:
    assert response.status_code == 429, response.content
    assert response.json()["code"] == "rate_limited" and response.json()["detail"]
    assert 1 <= int(response["Retry-After"]) <= 300  # login_failed: 10/m per client, 5/300s per address


def test_the_token_endpoint_gives_a_token_that_works_and_says_until_when(alice):
    response = ask_token("alice@example.com", PASSWORD)
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["token"] == Token.objects.get(user=alice).key
    expires = timezone.datetime.fromisoformat(data["expires_at"])
    assert timedelta(days=89) < expires - timezone.now() <= timedelta(days=90)
    assert as_token(data["token"]).get("/api/v1/me/").json()["email"] == "alice@example.com"


def test_a_wrong_password_is_a_400_with_a_field_error(alice):
    response = ask_token("alice@example.com", "nope")
    assert response.status_code == 400 and "password" in response.json()["fields"]


def test_thirty_wrong_passwords_for_one_address_then_the_right_one_is_refused(alice):
    """From thirty different clients: the limit per address holds however many machines guess."""
    answers = [ask_token("alice@example.com", "guess", ip=f"10.0.1.{n}").status_code for n in range(30)]
    assert answers[:5] == [400] * 5 and set(answers[5:]) == {429}
    assert_rate_limited(ask_token("alice@example.com", PASSWORD, ip="10.0.2.1"))
    assert not Token.objects.exists()


def test_thirty_wrong_passwords_from_one_client_then_the_right_one_is_refused(alice):
    """Thirty different addresses from one client: the limit per client holds."""
    answers = [ask_token(f"guess{n}@example.com", "guess").status_code for n in range(30)]
    assert answers[:10] == [400] * 10 and set(answers[10:]) == {429}
    assert_rate_limited(ask_token("alice@example.com", PASSWORD))
    assert ask_token("alice@example.com", PASSWORD, ip="10.0.9.9").status_code == 200


def test_more_than_thirty_attempts_a_minute_from_one_client_are_refused(alice, bob):
    """allauth's "login" limit of the form (30/m per client) counts every attempt, right or wrong."""
    for n in range(30):
        assert ask_token("alice@example.com" if n % 2 else "bob@example.com", PASSWORD).status_code == 200
    assert_rate_limited(ask_token("alice@example.com", PASSWORD))


def test_api_guesses_count_against_the_sign_in_form_too(client, alice):
    for n in range(5):
        ask_token("alice@example.com", "guess", ip=f"10.0.3.{n}")
    page = client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert page.status_code == 200 and "Too many failed login attempts" in page.content.decode()


def test_a_right_password_does_not_use_up_the_limit(alice):
    for _ in range(12):
        assert ask_token("alice@example.com", PASSWORD).status_code == 200


def test_an_inactive_member_gets_no_token(alice):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert ask_token("alice@example.com", PASSWORD).status_code == 400


def _age(token_key: str, days: int) -> None:
    Token.objects.filter(key=token_key).update(created=timezone.now() - timedelta(days=days))


def test_an_expired_token_is_refused_with_401_and_a_code(alice):
    key = api_token_issue(actor=alice)
    _age(key, 91)
    response = as_token(key).get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["code"] == "token_expired"
    assert response["WWW-Authenticate"] == "Token"


def test_the_lifetime_is_a_setting(alice, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 7
    key = api_token_issue(actor=alice)
    _age(key, 6)
    assert as_token(key).get("/api/v1/me/").status_code == 200
    _age(key, 8)
    assert as_token(key).get("/api/v1/me/").json()["code"] == "token_expired"


def test_asking_again_after_expiry_gives_a_new_token(alice):
    old = api_token_issue(actor=alice)
    assert api_token_issue(actor=alice) == old
    _age(old, 91)
    response = APIClient(HTTP_AUTHORIZATION=f"Token {old}").post(
        TOKEN_URL, {"email": "alice@example.com", "password": PASSWORD}
    )
    new = response.json()["token"]
    assert new != old and as_token(new).get("/api/v1/me/").status_code == 200


def test_a_new_password_revokes_the_token(alice):
    key = api_token_issue(actor=alice)
    password_change(user=alice, password="another-long-passphrase")
    assert as_token(key).get("/api/v1/me/").status_code == 401
    assert not Token.objects.filter(user=alice).exists()


def test_changing_the_password_on_the_page_revokes_the_token_and_ends_other_sessions(client, alice):
    key = api_token_issue(actor=alice)
    elsewhere = type(client)()
    elsewhere.force_login(alice)
    client.force_login(alice)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    assert as_token(key).get("/api/v1/me/").status_code == 401
    assert elsewhere.get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/me/").status_code == 200  # the session that changed it stays


def test_resetting_the_password_revokes_the_token_and_ends_every_session(client, alice, mailoutbox):
    key = api_token_issue(actor=alice)
    signed_in = type(client)()
    signed_in.force_login(alice)
    client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = {"password1": "another-long-passphrase", "password2": "another-long-passphrase"}
    assert client.post(form.redirect_chain[-1][0], new).status_code == 302
    assert as_token(key).get("/api/v1/me/").status_code == 401
    assert signed_in.get("/api/v1/me/").status_code == 401
    assert client.post("/accounts/login/", {"login": alice.email, "password": new["password1"]}).status_code == 302


def test_setting_a_password_in_the_admin_revokes_the_token_and_ends_sessions(client, ada, alice):
    key = api_token_issue(actor=alice)
    signed_in = type(client)()
    signed_in.force_login(alice)
    client.force_login(ada)
    response = client.post(
        f"/admin/accounts/user/{alice.pk}/password/",
        {"usable_password": "true", "password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another-long-passphrase")
    assert as_token(key).get("/api/v1/me/").status_code == 401
    assert signed_in.get("/api/v1/me/").status_code == 401
    assert client.get("/admin/").status_code == 200  # the admin's own session is untouched
    entry = AuditEntry.objects.get(verb="account.password_set")
    assert (entry.actor_id, entry.target_id, entry.data) == (ada.pk, str(alice.pk), {"usable": True})


def test_the_account_page_revokes_and_regenerates_the_token(client, alice):
    client.force_login(alice)
    client.post("/account/token/", {"action": "create"})
    first = Token.objects.get(user=alice).key
    page = client.get("/account/").content.decode()
    assert first in page and "It works until" in page
    client.post("/account/token/", {"action": "regenerate"})
    second = Token.objects.get(user=alice).key
    assert second != first and as_token(first).get("/api/v1/me/").status_code == 401
    assert as_token(second).get("/api/v1/me/").status_code == 200
    response = client.post("/account/token/", {"action": "revoke"}, follow=True)
    assert "Your API token is revoked" in response.content.decode()
    assert not Token.objects.filter(user=alice).exists()
    assert as_token(second).get("/api/v1/me/").status_code == 401


def test_the_account_page_says_when_the_token_expired(client, alice):
    _age(api_token_issue(actor=alice), 91)
    client.force_login(alice)
    assert "It expired on" in client.get("/account/").content.decode()


def test_revoking_touches_only_ones_own_token(client, alice, bob):
    bobs = api_token_issue(actor=bob)
    client.force_login(alice)
    client.post("/account/token/", {"action": "revoke"})
    assert as_token(bobs).get("/api/v1/me/").status_code == 200


def test_token_forms_need_a_signed_in_member_and_csrf(alice):
    from django.test import Client

    assert Client().post("/account/token/", {"action": "revoke"}).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    api_token_issue(actor=alice)
    assert strict.post("/account/token/", {"action": "revoke"}).status_code == 403
    assert Token.objects.filter(user=alice).exists()


def test_the_api_revokes_the_token_it_is_called_with(alice, api):
    key = api_token_issue(actor=alice)
    assert as_token(key).delete(TOKEN_URL).status_code == 204
    assert as_token(key).get("/api/v1/me/").status_code == 401
    assert api.delete(TOKEN_URL).status_code == 401


@pytest.mark.parametrize("path", ["/account/", "/account/export/"])
def test_pages_with_the_token_or_the_export_are_never_cached(client, alice, path):
    client.force_login(alice)
    assert "no-store" in client.get(path)["Cache-Control"]


def test_the_export_api_is_never_cached(api_as, alice):
    assert "no-store" in api_as(alice).get("/api/v1/me/export/")["Cache-Control"]


def test_account_page_with_a_token_query_count(client, alice, django_assert_num_queries):
    api_token_issue(actor=alice)
    client.force_login(alice)
    with django_assert_num_queries(6):  # session, member, their roles, connections, token, the bell
        client.get("/account/")


@pytest.mark.parametrize("typed", ["Boss@Example.com", "boss@example.com", "BOSS@example.COM"])
def test_the_token_endpoint_takes_the_address_in_any_case(db, typed):
    from accounts.models import User

    User.objects.create_user("Boss@Example.com", PASSWORD)
    assert ask_token(typed, PASSWORD).status_code == 200
