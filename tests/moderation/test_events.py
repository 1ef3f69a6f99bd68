"""Live events of moderation and of hidden content: the queue hears of flags on `moderation` only; no event
of a hidden idea reaches `ideas` or `pipeline`; a socket that may no longer see a hidden idea loses its topic."""

import pytest
from channels.db import database_sync_to_async

from accounts.models import Role
from accounts.services import account_delete, role_revoke
from core.consumers import CLOSE_SIGNED_OUT
from discussion.services import comment_post
from ideas.events import ALL_IDEAS, idea_topic
from moderation.events import MODERATION
from moderation.models import ActionKind
from moderation.services import appeal_create
from pipeline.services import idea_transition
from tests.core.test_live_socket import connected, expect_nothing, run, subscribe
from tests.factories import UserFactory, comment
from tests.moderation.helpers import decide, flag, hide_by_members
from voting.services import vote_cast

pytestmark = pytest.mark.django_db


def hidden_data(idea) -> dict:
    """All an event tells of a hidden idea."""
    return {"id": idea.pk, "deleted": False, "hidden": True}


def topics(events: list[dict]) -> set[str]:
    return {event["topic"] for event in events}


def test_a_flag_is_announced_to_the_queue_only(published, bob, alices_idea):
    with published() as events:
        made = flag(bob, alices_idea)
    assert [(e["topic"], e["event"]) for e in events] == [(MODERATION, "queue.changed")]
    assert (events[0]["data"]["case"], events[0]["data"]["weight"]) == (made.case_id, 1)


def test_hiding_tells_the_list_of_ideas_only_that_the_idea_is_hidden(published, mo, alices_idea):
    with published() as events:
        flag(mo, alices_idea)
    [listed] = [e for e in events if e["topic"] == "ideas"]
    assert listed == {
        "topic": "ideas",
        "event": "idea.changed",
        "data": hidden_data(alices_idea),
    }


def test_a_vote_on_a_hidden_idea_is_announced_only_on_the_ideas_own_topic(published, mo, alices_idea):
    hide_by_members(alices_idea)
    with published() as events:
        vote_cast(actor=mo, idea_id=alices_idea.pk, value=1)
    assert events and topics(events) == {idea_topic(alices_idea.pk)}


def test_a_status_change_of_a_hidden_idea_reaches_neither_ideas_nor_pipeline(published, pat, alices_idea):
    from ideas.models import Status

    hide_by_members(alices_idea)
    with published() as events:
        idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED, note="")
    assert events and topics(events) == {idea_topic(alices_idea.pk)}


def test_a_comment_on_a_hidden_idea_reaches_no_list(published, alice, alices_idea):
    hide_by_members(alices_idea)
    alices_idea.refresh_from_db()
    with published() as events:
        comment_post(actor=alice, idea=alices_idea, body="Still here")
    assert events and topics(events) == {idea_topic(alices_idea.pk)}


def test_the_same_vote_on_a_shown_idea_reaches_the_list(published, mo, alices_idea):
    with published() as events:
        vote_cast(actor=mo, idea_id=alices_idea.pk, value=1)
    assert topics(events) == {idea_topic(alices_idea.pk), "ideas"}


def test_a_hidden_comment_is_announced_without_its_text(published, bob, alices_idea):
    said = comment(bob, alices_idea, "Buy cheap watches")
    with published() as events:
        hide_by_members(said)
    [changed] = [e for e in events if e["event"] == "comment.changed"]
    assert changed["topic"] == idea_topic(alices_idea.pk)
    assert changed["data"]["hidden"] is True and "Buy cheap watches" not in str(events)


def test_a_decision_is_announced_to_the_queue(published, mo, alices_idea):
    case = flag(mo, alices_idea).case
    with published() as events:
        decide(mo, case, ActionKind.DISMISS)
    [queue] = [e for e in events if e["topic"] == MODERATION]
    assert (queue["event"], queue["data"]["status"]) == ("queue.changed", "decided")


def test_an_appeal_is_announced_to_the_queue_marked(published, mo, alice, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    with published() as events:
        appeal_create(actor=alice, action=action, text="It was a quote.")
    [queue] = events
    assert (queue["topic"], queue["event"], queue["data"]["appeal"]) == (MODERATION, "queue.changed", True)


def test_locking_a_thread_tells_the_ideas_readers_it_is_locked(published, mo, alices_idea):
    case = flag(mo, alices_idea).case
    with published() as events:
        decide(mo, case, ActionKind.LOCK)
    # Shown again (Mo's flag had hidden it pending review), then locked: the last word on each topic says so.
    last = {e["topic"]: e["data"] for e in events if e["event"] == "idea.changed"}
    assert set(last) == {ALL_IDEAS, idea_topic(alices_idea.pk)}
    assert all(data["comments_locked"] is True for data in last.values())


def test_a_moderators_edit_of_a_comment_is_announced_without_either_text(published, mo, bob, alices_idea):
    said = comment(bob, alices_idea, "Old rude words")
    case = flag(mo, said).case
    with published() as events:
        decide(mo, case, ActionKind.EDIT, body="Kind new words")
    changed = [e for e in events if e["event"] == "comment.changed"]
    assert changed[-1]["data"]["edited"] is True and "words" not in str(events)


def test_a_deleted_flaggers_withdrawn_flag_is_announced_to_the_queue(published, bob, alices_idea):
    case = flag(bob, alices_idea).case
    with published() as events:
        account_delete(actor=bob, user=bob)
    assert [(e["topic"], e["event"], e["data"]["case"]) for e in events if e["topic"] == MODERATION] == [
        (MODERATION, "queue.changed", case.pk)
    ]


# Through the socket


@pytest.mark.django_db(transaction=True)
def test_a_visitor_watching_an_idea_is_dropped_when_it_is_hidden_and_its_author_and_mo_stay(alice, mo, alices_idea):
    topic = idea_topic(alices_idea.pk)

    async def body():
        visitor, author, moderator = await connected(), await connected(alice), await connected(mo)
        for ws in (visitor, author, moderator):
            assert await subscribe(ws, topic) == {"type": "subscribed", "topic": topic}
        await database_sync_to_async(flag)(mo, alices_idea)
        # The visitor's page hears that the idea is hidden (nothing of it), then loses the topic.
        hidden = {"type": "event", "topic": topic, "event": "idea.changed", "data": hidden_data(alices_idea)}
        assert await visitor.receive_json_from(timeout=5) == hidden
        assert await visitor.receive_json_from(timeout=5) == {"type": "error", "topic": topic, "code": "forbidden"}
        for ws in (author, moderator):
            message = await ws.receive_json_from(timeout=5)
            assert (message["topic"], message["event"], message["data"]["hidden"]) == (topic, "idea.changed", True)
        await database_sync_to_async(vote_cast)(actor=mo, idea_id=alices_idea.pk, value=1)
        for ws in (author, moderator):
            assert (await ws.receive_json_from(timeout=5))["event"] == "vote.changed"
        await expect_nothing(visitor)
        for ws in (visitor, author, moderator):
            await ws.disconnect()

    run(body)


@pytest.mark.django_db(transaction=True)
def test_bob_watching_an_idea_is_dropped_when_members_flags_hide_it(alice, bob, alices_idea):
    topic = idea_topic(alices_idea.pk)
    flaggers = [UserFactory() for _ in range(3)]

    async def body():
        ws = await connected(bob)
        assert await subscribe(ws, topic) == {"type": "subscribed", "topic": topic}
        for flagger in flaggers:
            await database_sync_to_async(flag)(flagger, alices_idea)
        assert (await ws.receive_json_from(timeout=5))["data"] == hidden_data(alices_idea)
        assert await ws.receive_json_from(timeout=5) == {"type": "error", "topic": topic, "code": "forbidden"}
        await ws.disconnect()

    run(body)


@pytest.mark.django_db(transaction=True)
def test_bob_cannot_subscribe_to_the_queue_and_mo_hears_a_new_flag(alice, bob, mo, alices_idea):
    async def body():
        member, moderator = await connected(bob), await connected(mo)
        assert await subscribe(member, MODERATION) == {"type": "error", "topic": MODERATION, "code": "forbidden"}
        assert await subscribe(moderator, MODERATION) == {"type": "subscribed", "topic": MODERATION}
        await database_sync_to_async(flag)(bob, alices_idea)
        message = await moderator.receive_json_from(timeout=5)
        assert (message["event"], message["data"]["target"]) == ("queue.changed", f"idea:{alices_idea.pk}")
        await expect_nothing(member)
        for ws in (member, moderator):
            await ws.disconnect()

    run(body)


@pytest.mark.django_db(transaction=True)
def test_a_moderator_whose_role_is_taken_back_is_dropped_from_the_queue(ada, mo):
    async def body():
        ws = await connected(mo)
        assert (await subscribe(ws, MODERATION))["type"] == "subscribed"
        await database_sync_to_async(role_revoke)(actor=ada, user=mo, role=Role.MODERATOR)
        assert await ws.receive_output(timeout=2) == {"type": "websocket.close", "code": CLOSE_SIGNED_OUT}
        await ws.disconnect()
        again = await connected(mo)  # the page reconnects: checked afresh, no longer a moderator
        assert (await subscribe(again, MODERATION))["type"] == "error"
        await again.disconnect()

    run(body)
