"""Concurrent edits and deletes of one idea: each change lands on the row as it stands under its lock.

First the interleavings one at a time (an idea read, then changed by someone else, then edited
from the old read), then real races of threads against a live daphne server."""

from functools import partial

import pytest
from rest_framework.authtoken.models import Token

from core.errors import NotAllowed
from core.models import AuditEntry
from ideas.models import Idea
from ideas.services import StaleIdea, idea_delete, idea_edit
from tests.factories import IdeaFactory
from tests.net import all_at_once, request


def _stale(idea: Idea) -> Idea:
    """A copy of the idea as one request read it, before another request changes it."""
    return Idea.objects.get(pk=idea.pk)


def test_an_edit_from_an_old_read_keeps_what_changed_since(alice, alices_idea):
    old = _stale(alices_idea)
    idea_edit(idea=alices_idea, actor=alice, body="Changed in another tab.")
    idea_edit(idea=old, actor=alice, title="Oat milk for free")
    alices_idea.refresh_from_db()
    assert (alices_idea.title, alices_idea.body) == ("Oat milk for free", "Changed in another tab.")
    assert alices_idea.body_html == "<p>Changed in another tab.</p>" and alices_idea.revision == 3


def test_an_edit_of_an_idea_deleted_since_it_was_read_writes_nothing(alice, alices_idea, published):
    old = _stale(alices_idea)
    idea_delete(idea=alices_idea, actor=alice)
    with published() as events, pytest.raises(Idea.DoesNotExist):
        idea_edit(idea=old, actor=alice, title="Edited after the delete")
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk at no extra charge" and events == []


def test_an_edit_checks_the_author_again_on_the_locked_row(alice, alices_idea):
    old = _stale(alices_idea)
    Idea.objects.filter(pk=alices_idea.pk).update(author=None)  # the author's account was erased meanwhile
    with pytest.raises(NotAllowed):
        idea_edit(idea=old, actor=alice, title="Edited by nobody")
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk at no extra charge"


def test_a_delete_checks_the_author_again_on_the_locked_row(alice, alices_idea):
    old = _stale(alices_idea)
    Idea.objects.filter(pk=alices_idea.pk).update(author=None)
    with pytest.raises(NotAllowed):
        idea_delete(idea=old, actor=alice)
    alices_idea.refresh_from_db()
    assert not alices_idea.is_deleted


def test_an_edit_naming_the_revision_it_read_is_refused_once_that_revision_is_gone(alice, alices_idea):
    read = alices_idea.etag
    idea_edit(idea=alices_idea, actor=alice, body="Changed in another tab.", if_match=[read])
    with pytest.raises(StaleIdea):
        idea_edit(idea=alices_idea, actor=alice, title="Based on the first read", if_match=[read])
    with pytest.raises(StaleIdea):
        idea_delete(idea=alices_idea, actor=alice, if_match=[read])
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk at no extra charge" and not alices_idea.is_deleted


def test_an_edit_that_sends_nothing_changes_nothing(alice, alices_idea, published):
    with published() as events:
        idea_edit(idea=alices_idea, actor=alice)
    alices_idea.refresh_from_db()
    assert alices_idea.revision == 1 and alices_idea.edited_at is None and events == []


# Races against a live server: real threads, each request on its own connection to daphne.


def _url(live_url: str, idea: Idea) -> str:
    return f"{live_url}/api/v1/ideas/{idea.pk}/"


ROUNDS = 30


def test_two_concurrent_patches_of_different_fields_both_stay(live_url, alice, drinks):
    idea = IdeaFactory(author=alice, category=drinks)
    token = Token.objects.create(user=alice).key
    for n in range(ROUNDS):
        title, body = f"Title of round {n}", f"Body of round {n}"
        statuses = all_at_once(
            [
                partial(request, _url(live_url, idea), "PATCH", token, {"title": title}),
                partial(request, _url(live_url, idea), "PATCH", token, {"body": body}),
            ]
        )
        assert statuses == [200, 200], f"round {n}"
        idea.refresh_from_db()
        assert (idea.title, idea.body) == (title, body), f"round {n}"
    assert idea.revision == 1 + 2 * ROUNDS


def test_an_edit_racing_a_delete_wins_before_it_or_is_404_and_writes_nothing(live_url, alice, drinks):
    token = Token.objects.create(user=alice).key
    outcomes = []
    for n in range(ROUNDS // 2):
        idea = IdeaFactory(author=alice, category=drinks, title=f"Before round {n}")
        edit, delete = all_at_once(
            [
                partial(request, _url(live_url, idea), "PATCH", token, {"title": f"Edited in round {n}"}),
                partial(request, _url(live_url, idea), "DELETE", token),
            ]
        )
        idea.refresh_from_db()
        assert delete == 204 and idea.is_deleted, f"round {n}"
        assert (edit, idea.title) in {(200, f"Edited in round {n}"), (404, f"Before round {n}")}, f"round {n}"
        outcomes.append(edit)
    print(f"edit racing a delete, {len(outcomes)} rounds: {outcomes.count(200)} edits first, {outcomes.count(404)} 404")


def test_of_three_concurrent_deletes_one_deletes_and_two_are_404(live_url, alice, mo, drinks):
    token = Token.objects.create(user=mo).key
    for n in range(ROUNDS // 3):
        idea = IdeaFactory(author=alice, category=drinks)
        statuses = all_at_once([partial(request, _url(live_url, idea), "DELETE", token, {"reason": "Spam"})] * 3)
        assert sorted(statuses) == [204, 404, 404], f"round {n}"
        assert AuditEntry.objects.filter(verb="idea.deleted", target_id=str(idea.pk)).count() == 1
