"""What the idea services announce live, with which payload, on which topics."""

import pytest

from core.errors import NotAllowed
from ideas.services import idea_delete, idea_edit, idea_submit


def test_submitting_announces_idea_created_on_ideas(published, alice, drinks):
    with published() as events:
        idea = idea_submit(actor=alice, title="Paper straws that last", body="Please.", category=drinks)
    assert events == [
        {
            "topic": "ideas",
            "event": "idea.created",
            "data": {
                "id": idea.pk,
                "title": "Paper straws that last",
                "status": "new",
                "upvotes": 0,
                "downvotes": 0,
                "score": 0,
                "comment_count": 0,
                "comments_locked": False,
                "url": f"/ideas/{idea.pk}/",
                "updated_at": idea.updated_at.isoformat(),
            },
        }
    ]


def test_editing_announces_idea_changed_on_ideas_and_on_the_idea(published, alice, alices_idea, drinks):
    with published() as events:
        idea_edit(idea=alices_idea, actor=alice, title="Oat milk for free", body="Yes.", category=drinks)
    assert [(e["topic"], e["event"]) for e in events] == [
        ("ideas", "idea.changed"),
        (f"idea:{alices_idea.pk}", "idea.changed"),
    ]
    assert events[0]["data"] == events[1]["data"]
    assert events[0]["data"]["title"] == "Oat milk for free" and events[0]["data"]["deleted"] is False


def test_deleting_announces_only_that_the_idea_is_gone(published, alice, alices_idea):
    with published() as events:
        idea_delete(idea=alices_idea, actor=alice)
    assert [e["data"] for e in events] == [{"id": alices_idea.pk, "deleted": True}] * 2
    assert {e["topic"] for e in events} == {"ideas", f"idea:{alices_idea.pk}"}


def test_a_refused_edit_announces_nothing(published, bob, alices_idea, drinks):
    with published() as events, pytest.raises(NotAllowed):
        idea_edit(idea=alices_idea, actor=bob, title="Taken over", body="Mine now.", category=drinks)
    assert events == []
