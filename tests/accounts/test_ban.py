"""Banned members cannot sign in by any method (password form, provider, API token, token endpoint), are told
why, and lose their sessions and open live sockets; other members keep theirs."""

import pytest
from channels.db import database_sync_to_async
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services import member_ban, member_flags_update
from core.consumers import CLOSE_SIGNED_OUT
from ideas.services import idea_submit
from moderation.models import ActionKind, FlagReason
from moderation.services import case_decide, flag_create
from tests.accounts.providers import NODE_USER, through_the_provider
from tests.core.test_live_socket import connected, run, subscribe
from tests.factories import IdeaFactory

PASSWORD = "correct-horse-battery"  # tests/factories.py
REASON = "Selling fake tickets in every thread."


def ban(member, *, by, flagger) -> None:
    """The moderator bans the member through the queue: a flag on their idea, then the decision."""
    idea = IdeaFactory(author=member)
    flag = flag_create(actor=flagger, target=f"idea:{idea.pk}", reason=FlagReason.SPAM)
    case_decide(actor=by, case=flag.case, action=ActionKind.BAN, reason=REASON)
    member.refresh_from_db()


@pytest.mark.django_db
def test_the_sign_in_form_refuses_a_banned_member_with_the_reason(client, alice, bob, mo):
    ban(bob, by=mo, flagger=alice)
    response = client.post("/accounts/login/", {"login": bob.email, "password": PASSWORD})
    assert response.status_code == 403 and REASON in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_banned_member_with_a_wrong_password_learns_nothing_of_the_ban(client, alice, bob, mo):
    ban(bob, by=mo, flagger=alice)
    response = client.post("/accounts/login/", {"login": bob.email, "password": "not-the-password"})
    assert response.status_code == 200 and REASON not in response.content.decode()


@pytest.mark.django_db
def test_a_banned_members_session_ends_at_the_next_request(client, alice, bob, mo):
    client.force_login(bob)
    assert client.get("/account/").status_code == 200
    ban(bob, by=mo, flagger=alice)
    response = client.get("/account/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_a_banned_members_api_token_stops_working(api, alice, bob, mo):
    key = Token.objects.create(user=bob).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").status_code == 200
    ban(bob, by=mo, flagger=alice)
    assert api.get("/api/v1/me/").status_code == 401
    assert not Token.objects.filter(user=bob).exists()


@pytest.mark.django_db
def test_a_token_made_for_a_banned_member_anyway_is_refused(api, bob):
    member_ban(member=bob, reason=REASON)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=bob).key}")
    assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_the_token_endpoint_refuses_a_banned_members_password_with_the_reason(api, alice, bob, mo):
    ban(bob, by=mo, flagger=alice)
    response = api.post("/api/v1/auth/token/", {"email": bob.email, "password": PASSWORD}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "banned"
    assert REASON in response.json()["detail"]
    assert not Token.objects.filter(user=bob).exists()


@pytest.mark.django_db
def test_the_token_endpoint_tells_a_wrong_password_nothing_of_the_ban(api, alice, bob, mo):
    ban(bob, by=mo, flagger=alice)
    response = api.post("/api/v1/auth/token/", {"email": bob.email, "password": "not-it"}, format="json")
    assert response.status_code == 400 and REASON not in response.content.decode()


@pytest.mark.django_db
def test_a_banned_member_cannot_sign_in_through_their_provider(client, node, alice, mo):
    url, _process = node()
    assert client.get(through_the_provider(client, url)).status_code == 302  # the first sign-in makes the account
    nina = User.objects.get(email=NODE_USER["email"])
    client.logout()
    ban(nina, by=mo, flagger=alice)
    response = client.get(through_the_provider(client, url))
    assert response.status_code == 403 and REASON in response.content.decode()
    assert "_auth_user_id" not in client.session


# Live sockets: a ban closes the member's sockets in every process (here, this one), and only theirs.


@pytest.mark.django_db(transaction=True)
def test_a_ban_closes_the_members_open_sockets(alice, bob, mo, drinks):
    async def body():
        ws = await connected(bob)
        assert (await subscribe(ws, "ideas"))["type"] == "subscribed"
        await database_sync_to_async(ban)(bob, by=mo, flagger=alice)
        assert await ws.receive_output(timeout=2) == {"type": "websocket.close", "code": CLOSE_SIGNED_OUT}
        await ws.disconnect()

    run(body)


@pytest.mark.django_db(transaction=True)
def test_a_ban_closes_a_socket_that_subscribed_to_nothing(alice, bob, mo):
    async def body():
        ws = await connected(bob)
        await database_sync_to_async(ban)(bob, by=mo, flagger=alice)
        assert await ws.receive_output(timeout=2) == {"type": "websocket.close", "code": CLOSE_SIGNED_OUT}
        await ws.disconnect()

    run(body)


@pytest.mark.django_db(transaction=True)
def test_a_ban_leaves_other_members_sockets_open(alice, bob, mo, drinks):
    async def body():
        ws = await connected(alice)
        await subscribe(ws, "ideas")
        await database_sync_to_async(ban)(bob, by=mo, flagger=alice)
        await database_sync_to_async(idea_submit)(
            actor=alice, title="Still here, still live", body="b", category=drinks
        )
        event = await ws.receive_json_from(timeout=2)
        assert event["event"] == "idea.created" and event["data"]["title"] == "Still here, still live"
        await ws.disconnect()

    run(body)


@pytest.mark.django_db(transaction=True)
def test_an_admin_turning_an_account_off_closes_its_sockets_too(ada, bob):
    async def body():
        ws = await connected(bob)
        await database_sync_to_async(member_flags_update)(actor=ada, user=bob, is_active=False)
        assert await ws.receive_output(timeout=2) == {"type": "websocket.close", "code": CLOSE_SIGNED_OUT}
        await ws.disconnect()

    run(body)
