"""What the pipeline announces live: status.changed on the idea, on the list of ideas and on the
`pipeline` topic the roadmap watches, after commit only, with public facts only."""

import json

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from ideas.models import Status
from pipeline.services import (
    MoveNotAllowed,
    idea_bulk_transition,
    idea_merge,
    idea_transition,
    internal_note_add,
)
from tests.core.test_live_socket import connected, expect_nothing, run, subscribe
from tests.factories import IdeaFactory
from tests.pipeline.ideas import idea_in


def test_a_move_announces_status_changed_on_the_idea_the_list_and_the_pipeline(pat, alices_idea, published):
    with published() as events:
        change = idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED, note="Worth doing.")
    data = {
        "id": alices_idea.pk,
        "title": "Oat milk at no extra charge",
        "status": "reviewed",
        "from_status": "new",
        "merged_into": None,
        "score": 0,
        "upvotes": 0,
        "changed_at": change.created_at.isoformat(),
        "url": f"/ideas/{alices_idea.pk}/",
    }
    assert events == [
        {"topic": topic, "event": "status.changed", "data": data}
        for topic in (f"idea:{alices_idea.pk}", "ideas", "pipeline")
    ]


def test_the_event_carries_no_note(pat, alices_idea, published):
    with published() as events:
        idea_transition(actor=pat, idea=alices_idea, to=Status.DECLINED, note="Suppliers said no, sadly.")
    assert "Suppliers" not in json.dumps(events)


def test_an_internal_note_announces_nothing(pat, mo, alices_idea, published):
    with published() as events:
        internal_note_add(actor=mo, idea=alices_idea, body="Legal is worried.")
        internal_note_add(actor=pat, idea=alices_idea, body="Budget is tight.")
    assert events == []


def test_a_merge_announces_where_the_idea_went_and_both_ideas_new_counts(pat, alices_idea, published):
    target = IdeaFactory()
    with published() as events:
        idea_merge(actor=pat, idea=alices_idea, into=target.pk, note="Same.")
    changed = [e for e in events if e["event"] == "status.changed"]
    assert [(e["topic"], e["data"]["status"], e["data"]["merged_into"]) for e in changed] == [
        (topic, "merged", target.pk) for topic in (f"idea:{alices_idea.pk}", "ideas", "pipeline")
    ]
    counted = {e["data"]["id"] for e in events if e["event"] == "vote.changed"}
    assert counted == {alices_idea.pk, target.pk}
    assert "Same." not in json.dumps(events)


def test_a_bulk_move_announces_each_idea(pat, alices_idea, published):
    other = IdeaFactory()
    with published() as events:
        idea_bulk_transition(actor=pat, ids=[alices_idea.pk, other.pk], to=Status.UNDER_REVIEW)
    pipeline = [e["data"]["id"] for e in events if e["topic"] == "pipeline"]
    assert pipeline == [alices_idea.pk, other.pk]


def test_a_refused_move_announces_nothing(pat, published):
    with published() as events, pytest.raises(MoveNotAllowed):
        idea_transition(actor=pat, idea=idea_in(Status.LAUNCHED), to=Status.NEW)
    assert events == []


def test_a_move_rolled_back_announces_nothing(pat, alices_idea, published):
    with published() as events, pytest.raises(RuntimeError), transaction.atomic():
        idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED)
        raise RuntimeError("the caller's transaction fails after the move")
    assert events == []


@pytest.mark.django_db(transaction=True)
def test_a_visitor_watching_the_pipeline_sees_the_move(pat, alices_idea):
    async def body():
        ws = await connected()
        assert (await subscribe(ws, "pipeline"))["type"] == "subscribed"
        await database_sync_to_async(idea_transition)(actor=pat, idea=alices_idea, to=Status.COMING_SOON)
        event = await ws.receive_json_from(timeout=5)
        assert (event["event"], event["data"]["id"], event["data"]["status"]) == (
            "status.changed",
            alices_idea.pk,
            "coming_soon",
        )
        await ws.disconnect()

    run(body)


@pytest.mark.django_db(transaction=True)
def test_a_member_watching_the_pipeline_hears_nothing_of_an_internal_note(alice, pat, alices_idea):
    async def body():
        ws = await connected(alice)
        assert (await subscribe(ws, "pipeline"))["type"] == "subscribed"
        assert (await subscribe(ws, f"idea:{alices_idea.pk}"))["type"] == "subscribed"
        await database_sync_to_async(internal_note_add)(actor=pat, idea=alices_idea, body="Staff only.")
        await expect_nothing(ws)
        await ws.disconnect()

    run(body)
