"""The topic user:<id>: only that member may watch it, and it tells them of their notifications."""

import pytest
from channels.db import database_sync_to_async

from notifications.services import notify
from tests.core.test_live_socket import connected, run, subscribe
from tests.notifications.notices import comment_notice

pytestmark = pytest.mark.django_db(transaction=True)


def test_bob_may_not_watch_alices_notifications(alice, bob):
    async def body():
        ws = await connected(bob)
        answer = await subscribe(ws, f"user:{alice.pk}")
        assert (answer["type"], answer["code"]) == ("error", "forbidden")
        await ws.disconnect()

    run(body)


def test_a_visitor_may_not_watch_alices_notifications(alice):
    async def body():
        ws = await connected()
        assert (await subscribe(ws, f"user:{alice.pk}"))["code"] == "forbidden"
        await ws.disconnect()

    run(body)


def test_alice_watches_her_own_and_hears_of_a_new_notification_with_the_count(alice, bob, alices_idea):
    async def body():
        ws = await connected(alice)
        assert (await subscribe(ws, f"user:{alice.pk}"))["type"] == "subscribed"
        await database_sync_to_async(notify)(
            event="comment.created:1", notices=[comment_notice(alice, alices_idea, actor=bob)]
        )
        event = await ws.receive_json_from(timeout=5)
        assert (event["event"], event["data"]["unread"]) == ("notification.created", 1)
        assert "bob@example.com" not in str(event)
        await ws.disconnect()

    run(body)
