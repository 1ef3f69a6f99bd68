"""Social sign-in, end to end: Chromium, the forum on daphne, and a real OpenID Connect provider
on loopback, with the authorization-code flow, PKCE and a nonce. Every test runs against two providers:
allauth's own IdP module (tests/oidc_provider) and panva's oidc-provider on Node (tests/oidc_node),
installed by the test command from package-lock.json."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from accounts.models import User
from config.social import social_providers
from tests.browser.pages import sign_in
from tests.net import free_port, wait_for_port
from tests.oidc_node import node_provider_command

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ID = "loopback"
PROVIDER_NAME = "Loopback ID"
CLIENT_ID, CLIENT_SECRET = "idea-forum", "provider-secret-for-tests"
NINA = {
    "email": "nina@example.com",
    "password": "nina-at-the-provider",
    "name": "Nina Nordmann",
    "verified": True,
    "picture": "https://images.example.com/nina.png",
}


def start_allauth_idp(port, config, tmp_path, mode):
    """allauth's own IdP module (tests/oidc_provider), a Django project of its own."""
    assert mode == "normal", "allauth's IdP only signs properly"
    env = {**os.environ, "OIDC_PROVIDER_DB": str(tmp_path / "provider.sqlite3")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return [sys.executable, "-m", "tests.oidc_provider.serve", str(port), json.dumps(config)], env


def start_node_provider(port, config, tmp_path, mode):
    """panva's oidc-provider (tests/oidc_node/provider.mjs) on this machine's Node."""
    return node_provider_command(port, config, mode)


PROVIDERS = {"allauth": start_allauth_idp, "node": start_node_provider}


@pytest.fixture(params=sorted(PROVIDERS))
def provider_kind(request):
    return request.param


@pytest.fixture
def oidc(tmp_path, settings, own_daphne, monkeypatch, provider_kind):
    """Start a provider (allauth's IdP or panva's oidc-provider) with the given members, point the
    forum at it (through OIDC_PROVIDERS), start the forum; returns (forum URL, provider URL)."""
    processes = []

    def start(users=(NINA,), trust_email=False, mode="normal"):
        forum_port, provider_port = free_port(), free_port()
        provider = f"http://127.0.0.1:{provider_port}"
        config = {
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "redirect_uri": f"http://127.0.0.1:{forum_port}/accounts/oidc/{PROVIDER_ID}/login/callback/",
            "users": list(users),
        }
        command, env = PROVIDERS[provider_kind](provider_port, config, tmp_path, mode)
        log = tmp_path / "provider.log"
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(log, "w"))  # noqa: SIM115
        processes.append(process)
        wait_for_port(provider_port, process, log=log)
        oidc_providers = [
            {
                "id": PROVIDER_ID,
                "name": PROVIDER_NAME,
                "server_url": f"{provider}/",
                "client_id": CLIENT_ID,
                "secret": CLIENT_SECRET,
                "trust_email": trust_email,
            }
        ]
        monkeypatch.setenv("OIDC_PROVIDERS", json.dumps(oidc_providers))
        settings.SOCIALACCOUNT_PROVIDERS = social_providers()
        own_daphne(forum_port)
        return f"http://127.0.0.1:{forum_port}", provider

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def start_social_sign_in(page, forum):
    page.goto(f"{forum}/accounts/login/")
    provider_link = page.get_by_role("link", name=f"Continue with {PROVIDER_NAME}")
    expect(provider_link.locator("img")).to_have_attribute("src", "/static/frontend/providers/openid.svg")
    provider_link.click()
    page.get_by_role("button", name="Continue").click()


def sign_in_at_provider(page, email, password):
    page.locator("input[name=login]").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def record_authorize_requests(page, provider):
    """The URLs of the authorization requests the browser sends to the provider, as they happen."""
    urls = []

    def record(request):
        if request.url.startswith(provider) and "code_challenge=" in request.url:
            urls.append(request.url)

    page.on("request", record)
    return urls


def confirm_at_provider(page, password):
    """The provider's "enter your password again" step of a fresh sign-in."""
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("^(Confirm|Sign In)$")).click()


def social_sign_in(page, forum, email, password=NINA["password"]):
    """From the forum's sign-in page through the provider's sign-in and consent, back to the forum."""
    start_social_sign_in(page, forum)
    sign_in_at_provider(page, email, password)
    page.get_by_role("button", name="Authorize").click()


def test_sign_in_with_openid_connect_end_to_end(oidc, new_page, provider_kind):
    forum, provider = oidc()
    page = new_page()
    authorize_requests = record_authorize_requests(page, provider)

    # 1. Sign in: the forum sends us to the provider, we sign in there and consent.
    start_social_sign_in(page, forum)
    expect(page).to_have_url(re.compile("^" + re.escape(provider)))
    sign_in_at_provider(page, NINA["email"], NINA["password"])
    page.get_by_role("button", name="Authorize").click()

    # 2. Back on the forum, signed in with the provider's name and e-mail.
    expect(page.locator(".who")).to_have_text("Nina Nordmann")
    nina = User.objects.get(email="nina@example.com")
    assert nina.display_name == "Nina Nordmann" and not nina.has_usable_password()
    # panva's provider sends the picture claim; allauth's IdP has no pictures.
    assert nina.avatar_url == (NINA["picture"] if provider_kind == "node" else "")
    assert SocialAccount.objects.get(user=nina).provider == PROVIDER_ID
    query = parse_qs(urlsplit(authorize_requests[0]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["response_type"] == ["code"] and len(query["nonce"][0]) >= 32 and "prompt" not in query

    # 3. Sign out and in again: the same account.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    start_social_sign_in(page, forum)
    if page.get_by_role("button", name="Authorize").count():
        page.get_by_role("button", name="Authorize").click()
    expect(page.locator(".who")).to_have_text("Nina Nordmann")
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1

    # 4. The account page lists the connection; it cannot be removed while it is the only way in.
    page.goto(f"{forum}/account/")
    expect(page.locator(".connections")).to_contain_text(PROVIDER_NAME)
    page.get_by_role("link", name="Connect or disconnect accounts").click()
    page.get_by_role("radio").check()
    page.get_by_role("button", name="Remove").click()
    expect(page.locator("body")).to_contain_text("This is your only way to sign in, so it cannot be removed yet.")
    assert SocialAccount.objects.filter(user=nina).exists()

    # 5. With a password as another way in (the page links to setting one), disconnecting works.
    page.get_by_role("link", name="Set a password", exact=True).click()
    page.get_by_label("Password", exact=True).fill("a-long-passphrase")
    page.get_by_label("Password (again)").fill("a-long-passphrase")
    page.get_by_role("button", name="Set Password").click()
    page.goto(f"{forum}/accounts/3rdparty/")
    page.get_by_role("radio").check()
    page.get_by_role("button", name="Remove").click()
    expect(page.locator("body")).to_contain_text("The third-party account has been disconnected")
    assert not SocialAccount.objects.filter(user=nina).exists()


def age_sign_in(page, forum, seconds):
    """Move this browser session's record of how it signed in `seconds` into the past."""
    key = next(c["value"] for c in page.context.cookies(forum) if c["name"] == django_settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=key)
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{**record, "at": record["at"] - seconds} for record in records]
    session.save()


def delete_through_the_api(page, forum):
    """DELETE /api/v1/me/ from the browser's session, as a script on the page would."""
    csrf = next(c["value"] for c in page.context.cookies(forum) if c["name"] == django_settings.CSRF_COOKIE_NAME)
    return page.request.delete(f"{forum}/api/v1/me/", headers={"X-CSRFToken": csrf, "Referer": f"{forum}/"})


def test_social_only_member_deletes_their_account_after_a_fresh_sign_in(oidc, new_page, provider_kind):
    forum, provider = oidc()
    page = new_page()
    authorize_requests = record_authorize_requests(page, provider)

    # Just signed in through the provider: the API deletes the account.
    social_sign_in(page, forum, NINA["email"])
    expect(page.locator(".who")).to_have_text("Nina Nordmann")
    assert delete_through_the_api(page, forum).status == 204
    assert not User.objects.exists()

    # Signed up again; an hour later, neither the API nor the page deletes before a new sign-in.
    start_social_sign_in(page, forum)
    authorize = page.get_by_role("button", name="Authorize")
    expect(authorize.or_(page.locator(".who"))).to_be_visible()
    if authorize.is_visible():
        authorize.click()
    expect(page.locator(".who")).to_have_text("Nina Nordmann")
    age_sign_in(page, forum, 3600)
    refused = delete_through_the_api(page, forum)
    assert refused.status == 403 and refused.json()["code"] == "reauthentication_required"
    # Nor does connecting another way in (here: the provider again) go through.
    page.goto(f"{forum}/accounts/oidc/{PROVIDER_ID}/login/?process=connect")
    page.get_by_role("button", name="Continue").click()
    heading = page.get_by_role("heading", name="Connect an account")
    expect(authorize.or_(heading)).to_be_visible()
    if authorize.is_visible():
        authorize.click()
    expect(heading).to_be_visible()
    expect(page.get_by_role("link", name=f"Sign in again with {PROVIDER_NAME}")).to_be_visible()
    page.goto(f"{forum}/account/delete/")
    delete = page.get_by_role("button", name="Delete my account")
    expect(delete).to_have_count(0)
    page.get_by_role("link", name=f"Sign in again with {PROVIDER_NAME}").click()
    page.get_by_role("button", name="Continue").click()
    # The forum asks for a fresh sign-in, and the provider asks for the password again although
    # its own session is still open.
    query = parse_qs(urlsplit(authorize_requests[-1]).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]
    confirm_at_provider(page, NINA["password"])
    expect(authorize.or_(delete)).to_be_visible()
    if authorize.is_visible():
        authorize.click()

    # Back on the confirmation page, which now lets the deletion go through, and says what the
    # provider reported: panva's sends auth_time (checked), allauth's IdP sends none.
    expect(page).to_have_url(f"{forum}/account/delete/")
    said = {"node": "confirmed that you signed in there again just now", "allauth": "did not tell us when"}
    expect(page.locator("#messages")).to_contain_text(f"{PROVIDER_NAME} {said[provider_kind]}")
    delete.click()
    expect(page.locator("body")).to_contain_text("Your account is deleted")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_denied_consent_makes_no_account(oidc, new_page):
    forum, _provider = oidc()
    page = new_page()
    start_social_sign_in(page, forum)
    sign_in_at_provider(page, NINA["email"], NINA["password"])
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in cancelled")
    expect(page.get_by_role("link", name="Back to sign in")).to_be_visible()
    assert not User.objects.exists()


def test_same_email_as_a_local_account_is_not_linked_unless_trusted(oidc, new_page, alice):
    forum, _provider = oidc(users=[{**NINA, "email": "alice@example.com"}], trust_email=False)
    page = new_page()
    social_sign_in(page, forum, "alice@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("You already have an account")
    expect(page.locator("main")).to_contain_text(f"connect {PROVIDER_NAME} from your account page")
    assert User.objects.count() == 1 and not SocialAccount.objects.exists()

    # The member signs in the usual way, then connects the provider from the account page (her
    # address is confirmed: connecting needs that).
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    expect(page.get_by_role("link", name="Sign in with e-mail")).to_be_visible()
    sign_in(page, forum, "alice@example.com", "/accounts/3rdparty/")
    page.get_by_role("link", name=f"Connect {PROVIDER_NAME}").click()
    page.get_by_role("button", name="Continue").click()
    if page.get_by_role("button", name="Authorize").count():
        page.get_by_role("button", name="Authorize").click()
    expect(page.locator("body")).to_contain_text("The third-party account has been connected")
    assert SocialAccount.objects.get().user == alice


def test_trusted_provider_with_verified_email_signs_into_the_existing_account(oidc, new_page, alice):
    forum, _provider = oidc(users=[{**NINA, "email": "alice@example.com"}], trust_email=True)
    page = new_page()
    social_sign_in(page, forum, "alice@example.com")
    expect(page.locator(".who")).to_have_text("Alice")
    assert User.objects.count() == 1 and SocialAccount.objects.get().user == alice


def test_trusted_provider_with_unverified_email_is_not_linked(oidc, new_page, alice):
    forum, _provider = oidc(users=[{**NINA, "email": "alice@example.com", "verified": False}], trust_email=True)
    page = new_page()
    social_sign_in(page, forum, "alice@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("You already have an account")
    assert User.objects.count() == 1 and not SocialAccount.objects.exists()


def test_provider_without_an_email_asks_for_one_before_making_the_account(oidc, new_page):
    forum, _provider = oidc(users=[{"username": "noemail", "password": NINA["password"], "name": "Nora Nomail"}])
    page = new_page()
    social_sign_in(page, forum, "noemail")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    expect(page.locator("main")).to_contain_text(f"You are about to use your {PROVIDER_NAME} account")
    assert not User.objects.exists()
    page.get_by_label("Email").fill("nora@example.com")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".who")).to_have_text("Nora Nomail")
    assert User.objects.get().email == "nora@example.com"


@pytest.mark.parametrize("mode", ["foreign-key", "alg-none"])
@pytest.mark.parametrize("provider_kind", ["node"], indirect=True)
def test_an_id_token_not_signed_with_the_published_key_is_refused(oidc, new_page, mode):
    forum, _provider = oidc(mode=mode)
    page = new_page()
    social_sign_in(page, forum, NINA["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in did not work")
    expect(page.locator("main")).to_contain_text("did not pass our security checks")
    expect(page.get_by_role("link", name="Back to sign in")).to_be_visible()
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_trusted_email_never_signs_into_a_staff_account(oidc, new_page, ada):
    forum, _provider = oidc(users=[{**NINA, "email": ada.email}], trust_email=True)
    page = new_page()
    social_sign_in(page, forum, ada.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("You already have an account")
    page.goto(f"{forum}/admin/")
    expect(page).to_have_url(re.compile("/admin/login/"))
    assert User.objects.count() == 1 and not SocialAccount.objects.exists()
