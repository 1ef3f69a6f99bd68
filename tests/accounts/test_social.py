"""Social sign-in configuration and its failure pages (the full flow is in tests/browser)."""

import json
import logging
import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.models import User
from config.social import social_providers
from tests.accounts.providers import LOOPBACK, NODE_SECRET, NODE_USER, through_the_provider
from tests.factories import UserFactory


def test_no_variables_means_no_providers(clean_env):
    providers = social_providers()
    assert all(entry["APPS"] == [] for entry in providers.values())


def test_named_providers_come_from_their_variables(clean_env):
    clean_env.setenv("GOOGLE_CLIENT_ID", "g-id")
    clean_env.setenv("GOOGLE_CLIENT_SECRET", "g-secret")
    clean_env.setenv("GOOGLE_TRUST_EMAIL", "true")
    clean_env.setenv("LINKEDIN_CLIENT_ID", "l-id")
    clean_env.setenv("LINKEDIN_CLIENT_SECRET", "l-secret")
    providers = social_providers()
    google = providers["google"]["APPS"][0]
    assert (google["client_id"], google["secret"], google["settings"]["email_authentication"]) == (
        "g-id",
        "g-secret",
        True,
    )
    linkedin = providers["openid_connect"]["APPS"][0]
    assert (
        linkedin["provider_id"] == "linkedin" and linkedin["settings"]["server_url"] == "https://www.linkedin.com/oauth"
    )
    assert linkedin["settings"]["email_authentication"] is False


def test_client_id_without_secret_is_refused(clean_env):
    clean_env.setenv("GITHUB_CLIENT_ID", "x")
    with pytest.raises(ImproperlyConfigured, match="GITHUB_CLIENT_SECRET"):
        social_providers()


def test_oidc_providers_become_apps_with_pkce(clean_env):
    clean_env.setenv("OIDC_PROVIDERS", json.dumps([{**LOOPBACK, "trust_email": True}]))
    app = social_providers()["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "loopback" and app["name"] == "Loopback ID"
    assert app["settings"] == {
        "server_url": "http://127.0.0.1:9",
        "oauth_pkce_enabled": True,
        "email_authentication": True,
    }


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        json.dumps({"id": "x"}),
        json.dumps([{"id": "x"}]),
        json.dumps([{**LOOPBACK, "secret": ""}]),
        json.dumps([LOOPBACK, LOOPBACK]),
        json.dumps([{**LOOPBACK, "id": "bad id!"}]),
    ],
)
def test_bad_oidc_providers_are_refused_at_start(clean_env, raw):
    clean_env.setenv("OIDC_PROVIDERS", raw)
    with pytest.raises(ImproperlyConfigured, match="OIDC_PROVIDERS"):
        social_providers()


@pytest.fixture
def loopback(settings, clean_env):
    clean_env.setenv("OIDC_PROVIDERS", json.dumps([LOOPBACK]))
    clean_env.setenv("GITHUB_CLIENT_ID", "gh")
    clean_env.setenv("GITHUB_CLIENT_SECRET", "gh-secret")
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()


def test_sign_in_page_lists_exactly_the_configured_providers_above_the_form(client, db, loopback):
    page = client.get("/accounts/login/").content.decode()
    assert page.count('class="provider provider-') == 2
    assert "Continue with GitHub" in page and "Continue with Loopback ID" in page
    assert "/static/frontend/providers/github.svg" in page and "/static/frontend/providers/openid.svg" in page
    assert "Google" not in page
    assert page.index("Continue with GitHub") < page.index('name="password"')


def test_sign_in_page_without_providers_shows_only_the_form(client, db, settings, clean_env):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    page = client.get("/accounts/login/").content.decode()
    assert 'class="provider ' not in page and 'name="password"' in page


def test_forged_state_gets_a_clear_page_and_no_account(client, db, loopback):
    response = client.get("/accounts/oidc/loopback/login/callback/", {"code": "stolen", "state": "forged"})
    assert response.status_code == 401
    page = response.content.decode()
    assert "Sign-in did not work" in page and "Back to sign in" in page
    assert not User.objects.exists()


def test_provider_error_with_a_forged_state_gets_the_clear_page(client, db, loopback):
    response = client.get("/accounts/oidc/loopback/login/callback/", {"error": "access_denied", "state": "x"})
    assert response.status_code == 401 and "Sign-in did not work" in response.content.decode()
    assert not User.objects.exists()


def test_unreachable_provider_gets_a_clear_page_not_a_500(client, db, loopback):
    response = client.post("/accounts/oidc/loopback/login/")
    assert response.status_code == 502
    assert "did not answer" in response.content.decode()
    assert not User.objects.exists()


def test_failed_sign_ins_are_rate_limited_on_the_cache(client, alice):
    from tests.conftest import PASSWORD

    for _ in range(5):
        client.post("/accounts/login/", {"login": "alice@example.com", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_provider_confirmation_page_renders_a_form_without_fields(client, db, loopback):
    """allauth's "continue with the provider" page is a form element with no form object behind it."""
    response = client.get(f"/accounts/oidc/{LOOPBACK['id']}/login/")
    assert response.status_code == 200 and 'id="error-summary"' not in response.content.decode()


@pytest.mark.parametrize(
    "server_url",
    ["http://id.example.com", "http://10.0.0.5:8080", "ftp://127.0.0.1", "id.example.com", "https://"],
)
def test_a_provider_outside_this_machine_must_use_https(clean_env, server_url):
    clean_env.setenv("OIDC_PROVIDERS", json.dumps([{**LOOPBACK, "server_url": server_url}]))
    with pytest.raises(ImproperlyConfigured, match="must start with https://"):
        social_providers()


@pytest.mark.parametrize(
    "server_url",
    ["https://id.example.com/", "http://127.0.0.1:9", "http://127.8.0.1", "http://[::1]:9", "http://localhost:9"],
)
def test_https_or_loopback_providers_are_accepted(clean_env, server_url):
    clean_env.setenv("OIDC_PROVIDERS", json.dumps([{**LOOPBACK, "server_url": server_url}]))
    assert social_providers()["openid_connect"]["APPS"][0]["settings"]["server_url"] == server_url.rstrip("/")


def test_openid_connect_sign_ins_go_through_the_verifying_provider(client, db, loopback):
    from allauth.socialaccount.adapter import get_adapter
    from django.test import RequestFactory

    from accounts.oidc.provider import VerifiedOpenIDConnectProvider

    provider = get_adapter().get_provider(RequestFactory().get("/"), "loopback")
    assert isinstance(provider, VerifiedOpenIDConnectProvider)


# Failures through a real third-party provider (panva's oidc-provider on Node), driven without a
# browser so the forum runs in this process and its log is captured.


def test_a_sign_in_through_panvas_provider_makes_the_account(client, db, node, caplog):
    url, _process = node()
    response = client.get(through_the_provider(client, url))
    assert response.status_code == 302 and User.objects.get().email == NODE_USER["email"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    ("mode", "secret", "reason"),
    [
        ("normal", "not-the-secret", "invalid_client"),
        ("foreign-key", NODE_SECRET, "bad id_token signature"),
        ("alg-none", NODE_SECRET, "alg none"),
        ("other-userinfo", NODE_SECRET, "userinfo is about another subject"),
    ],
)
def test_each_refused_sign_in_logs_its_reason(client, db, node, caplog, mode, secret, reason):
    url, _process = node(mode=mode, secret=secret)
    response = client.get(through_the_provider(client, url))
    assert response.status_code == 401 and "Sign-in did not work" in response.content.decode()
    assert not User.objects.exists()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(reason in message for message in warnings), warnings


def test_signing_in_again_refuses_a_provider_that_did_not_ask_again(client, db, node, caplog):
    url, _process = node(mode="stale-auth-time")
    assert client.get(through_the_provider(client, url)).status_code == 302  # a first sign-in: not checked
    response = client.get(through_the_provider(client, url))  # signed in, so a fresh sign-in is asked for
    assert response.status_code == 401 and "did not pass our security checks" in response.content.decode()
    assert any("auth_time is older" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_a_provider_gone_before_the_callback_gets_the_502_page(client, db, node, caplog):
    url, process = node()
    callback = through_the_provider(client, url)
    process.terminate()
    process.wait(timeout=10)
    response = client.get(callback)
    assert response.status_code == 502 and "did not answer" in response.content.decode()
    assert not User.objects.exists()


def test_a_forged_state_is_logged_for_the_operator(client, db, loopback, caplog):
    client.get("/accounts/oidc/loopback/login/callback/", {"code": "stolen", "state": "forged"})
    assert any("unknown or expired state" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_a_member_without_a_password_is_not_told_to_use_one(client, db, loopback):
    client.force_login(UserFactory(email="nopw@example.com", password=None))
    page = client.get("/accounts/oidc/loopback/login/callback/", {"code": "x", "state": "forged"}).content.decode()
    assert "another provider connected to your account" in page and "password" not in page


def test_a_visitor_is_told_the_password_is_another_way_only_if_they_have_one(client, db, loopback):
    page = client.get("/accounts/oidc/loopback/login/callback/", {"code": "x", "state": "forged"}).content.decode()
    assert "If your account has a password" in page


def social_login(rf, **kwargs):
    """allauth's SocialLogin for the loopback provider, as its flows build it, with a request."""
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.models import SocialAccount, SocialLogin
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.session = SessionStore()
    provider = get_adapter().get_provider(request, LOOPBACK["id"])
    account = SocialAccount(provider=LOOPBACK["id"], uid="nina-1", extra_data={})
    return request, SocialLogin(account=account, provider=provider, **kwargs)


def test_connecting_a_provider_emails_the_owner_once_committed(
    rf, alice, loopback, mailoutbox, django_capture_on_commit_callbacks
):
    from allauth.core import context

    request, login = social_login(rf, user=alice)
    request.user = alice
    with context.request_context(request), django_capture_on_commit_callbacks() as callbacks:
        login.connect(request, alice)
        assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    assert "Loopback ID" in mailoutbox[0].body


@pytest.fixture
def trusted_loopback(settings, clean_env):
    clean_env.setenv("OIDC_PROVIDERS", json.dumps([{**LOOPBACK, "trust_email": True}]))
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()


@pytest.mark.parametrize(("person", "trusted"), [("alice", True), ("mo", False), ("pat", False), ("ada", False)])
def test_trusted_email_signs_into_members_but_never_staff(rf, trusted_loopback, request, person, trusted):
    from allauth.core import context
    from allauth.socialaccount.adapter import get_adapter

    email = request.getfixturevalue(person).email
    http_request, login = social_login(rf)
    with context.request_context(http_request):
        assert get_adapter().can_authenticate_by_email(login, email) is trusted


def provider_login(rf, data):
    """allauth's SocialLogin built by the loopback provider from a provider's answer, as the callback does."""
    from allauth.socialaccount.adapter import get_adapter
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.session = SessionStore()
    provider = get_adapter().get_provider(request, LOOPBACK["id"])
    return request, provider.sociallogin_from_response(request, data)


@pytest.mark.parametrize(
    ("verified", "counted"),
    [
        (True, True),
        ("true", True),
        ("TRUE", True),
        (False, False),
        ("false", False),
        ("False", False),
        ("0", False),
        (1, False),
        (None, False),
    ],
)
def test_only_a_true_email_verified_claim_signs_into_a_member_by_email(rf, alice, trusted_loopback, verified, counted):
    from allauth.core import context
    from allauth.socialaccount.adapter import get_adapter

    claims = {"sub": "nina-1", "email": alice.email, "email_verified": verified}
    http_request, login = provider_login(rf, {"id_token": claims, "userinfo": claims})
    with context.request_context(http_request):
        assert [address.verified for address in login.email_addresses] == [counted]
        assert get_adapter().authenticate_by_email(login) == ((alice, alice.email) if counted else None)


def test_the_signed_id_token_says_whether_the_address_is_verified(rf, alice, trusted_loopback):
    id_token = {"sub": "nina-1", "email": alice.email, "email_verified": False}
    userinfo = {"sub": "nina-1", "email": alice.email, "email_verified": True}
    _request, login = provider_login(rf, {"id_token": id_token, "userinfo": userinfo})
    assert [(address.email, address.verified) for address in login.email_addresses] == [(alice.email, False)]


def _admin_added(server_url: str) -> None:
    """An OpenID Connect provider added through the admin's social applications, not the environment."""
    from allauth.socialaccount.models import SocialApp

    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="admin-added",
        name="Admin ID",
        client_id="c",
        secret="s",
        settings={"server_url": server_url},
    )


@pytest.mark.parametrize("server_url", ["http://id.example.com", "http://10.0.0.5:8080", "ftp://127.0.0.1", "https://"])
def test_an_admin_added_provider_off_this_machine_without_https_is_refused_at_sign_in(
    client, db, loopback, caplog, server_url
):
    _admin_added(server_url)
    response = client.post("/accounts/oidc/admin-added/login/")
    assert response.status_code == 502 and "does not start with https://" in response.content.decode()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("'admin-added': server_url" in message and "must start with https://" in message for message in errors)
    assert not User.objects.exists()


def test_a_provider_moved_off_https_during_a_sign_in_is_refused_at_the_callback(client, db, node, settings, caplog):
    url, _process = node()
    callback = through_the_provider(client, url)
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app["settings"] = {**app["settings"], "server_url": "http://id.example.com"}
    response = client.get(callback)
    assert response.status_code == 502 and "does not start with https://" in response.content.decode()
    assert any("must start with https://" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    assert not User.objects.exists()


def test_an_admin_added_loopback_provider_is_tried(client, db, loopback):
    _admin_added("http://127.0.0.1:9")
    response = client.post("/accounts/oidc/admin-added/login/")
    assert response.status_code == 502 and "did not answer" in response.content.decode()


def test_a_sign_in_with_the_address_of_a_capitalised_member_gets_the_409_page(client, db, node):
    User.objects.create_user("Nina@Example.com", "a-long-passphrase")
    url, _process = node()
    response = client.get(through_the_provider(client, url))
    assert response.status_code == 409 and User.objects.count() == 1


def test_a_member_stored_with_capitals_before_is_found_by_a_social_sign_in(client, db, node):
    nina = User.objects.create_user("nina@example.com", "a-long-passphrase")
    User.objects.filter(pk=nina.pk).update(email="Nina@example.com")  # as Django stored it before
    url, _process = node()
    response = client.get(through_the_provider(client, url))
    assert response.status_code == 409 and User.objects.count() == 1


def test_connecting_a_provider_needs_a_confirmed_address(client, alice, node):
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    url, _process = node()
    client.force_login(alice)
    address = EmailAddress.objects.create(user=alice, email=alice.email, verified=False, primary=True)
    response = client.get(through_the_provider(client, url, process="connect"), follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/3rdparty/"
    assert "Confirm your e-mail address before you connect another account" in response.content.decode()
    assert not SocialAccount.objects.exists()

    address.verified = True
    address.save()
    response = client.get(through_the_provider(client, url, process="connect"), follow=True)
    assert "The third-party account has been connected" in response.content.decode()
    assert SocialAccount.objects.get().user == alice


def reset_password_by_link(client, mailoutbox, email, password="another-long-passphrase"):
    client.post("/accounts/password/reset/", {"email": email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body).group(1)
    form = client.get(link, follow=True)
    return client.post(form.redirect_chain[-1][0], {"password1": password, "password2": password})


@pytest.mark.parametrize("verified", [False, True])
def test_a_password_reset_removes_the_connections_of_an_account_whose_address_was_never_confirmed(
    client, alice, mailoutbox, verified
):
    """Someone signed up with alice's address, never confirmed it, connected their own provider; the
    real alice resets the password from her mailbox: the intruder's way in goes with the old password."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount
    from rest_framework.authtoken.models import Token

    from accounts.services import api_token_issue
    from core.models import AuditEntry

    EmailAddress.objects.create(user=alice, email=alice.email, verified=verified, primary=True)
    SocialAccount.objects.create(user=alice, provider=LOOPBACK["id"], uid="intruder-1")
    key = api_token_issue(actor=alice)
    assert reset_password_by_link(client, mailoutbox, alice.email).status_code == 302
    assert SocialAccount.objects.filter(user=alice).exists() is verified
    assert not Token.objects.filter(key=key).exists()
    removed = AuditEntry.objects.filter(verb="account.connections_removed", target_id=str(alice.pk))
    assert list(removed.values_list("data", flat=True)) == ([] if verified else [{"providers": [LOOPBACK["id"]]}])


@pytest.mark.parametrize(("verified", "signed_in"), [("false", False), ("False", False), ("0", False), (True, True)])
def test_a_trusted_provider_saying_email_verified_false_as_a_string_does_not_enter_the_account(
    client, alice, node, verified, signed_in
):
    url, _process = node(user={**NODE_USER, "email": alice.email, "verified": verified}, trust_email=True)
    response = client.get(through_the_provider(client, url, email=alice.email))
    assert response.status_code == (302 if signed_in else 409)
    assert (client.session.get("_auth_user_id") == str(alice.pk)) is signed_in
    assert User.objects.count() == 1
