"""What the comment services announce live: ids and counts, never a comment's text."""

import json

import pytest
from django.core.exceptions import ValidationError

from discussion.services import (
    comment_delete,
    comment_edit,
    comment_mark_official,
    comment_post,
    comment_unmark_official,
)
from tests.factories import comment


def test_a_comment_announces_itself_on_the_idea_and_its_count_on_the_cards(published, bob, alices_idea):
    parent = comment(bob, alices_idea)
    with published() as events:
        reply = comment_post(actor=bob, idea=alices_idea, body="Secret words", parent=parent)
    topic = f"idea:{alices_idea.pk}"
    assert events == [
        {
            "topic": topic,
            "event": "comment.created",
            "data": {"id": reply.pk, "idea": alices_idea.pk, "parent": parent.pk, "depth": 2, "comment_count": 2},
        },
        {"topic": "ideas", "event": "comment_count.changed", "data": {"id": alices_idea.pk, "comment_count": 2}},
    ]


def test_an_edit_announces_a_change_without_the_old_or_new_text(published, alice, alices_idea):
    posted = comment(alice, alices_idea, "Old secret words")
    with published() as events:
        comment_edit(actor=alice, comment=posted, body="New secret words")
    assert events == [
        {
            "topic": f"idea:{alices_idea.pk}",
            "event": "comment.changed",
            "data": {
                "id": posted.pk,
                "idea": alices_idea.pk,
                "comment_count": 1,
                "deleted": False,
                "hidden": False,
                "official": False,
                "edited": True,
            },
        }
    ]
    assert "secret" not in json.dumps(events)


def test_a_deletion_announces_the_placeholder_and_the_new_count(published, alice, alices_idea):
    posted = comment(alice, alices_idea, "Deleted secret words")
    with published() as events:
        comment_delete(actor=alice, comment=posted)
    assert [(e["event"], e["data"].get("deleted"), e["data"]["comment_count"]) for e in events] == [
        ("comment.changed", True, 0),
        ("comment_count.changed", None, 0),
    ]
    assert "secret" not in json.dumps(events)


def test_moving_the_official_mark_announces_both_comments(published, pat, alice, bob, alices_idea):
    first, second = comment(bob, alices_idea), comment(alice, alices_idea)
    comment_mark_official(actor=pat, comment=first)
    with published() as events:
        comment_mark_official(actor=pat, comment=second)
    assert [(e["event"], e["data"]["id"], e["data"]["official"]) for e in events] == [
        ("comment.changed", first.pk, False),
        ("comment.changed", second.pk, True),
    ]


def test_unmarking_announces_the_change(published, pat, bob, alices_idea):
    posted = comment(bob, alices_idea)
    comment_mark_official(actor=pat, comment=posted)
    with published() as events:
        comment_unmark_official(actor=pat, idea=alices_idea)
    assert [(e["event"], e["data"]["official"]) for e in events] == [("comment.changed", False)]


def test_a_refused_comment_announces_nothing(published, bob, alices_idea):
    with published() as events, pytest.raises(ValidationError):
        comment_post(actor=bob, idea=alices_idea, body="")
    assert events == []
