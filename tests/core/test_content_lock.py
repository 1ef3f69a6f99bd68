"""Rendering happens before the write transaction opens: a slow render never holds the database's
write lock (on SQLite, BEGIN IMMEDIATE takes it for the whole transaction), so others' votes go on."""

import threading

import pytest
from django.db import connection

import core.content
from accounts.services import profile_update
from ideas.services import idea_edit, idea_submit
from tests.factories import IdeaFactory
from voting.models import Vote
from voting.services import vote_cast

WAIT = 30


class PausedRender:
    """render_markdown stops between parsing and sanitising until released, and notes whether the
    rendering thread's connection was inside a transaction there."""

    def __init__(self, monkeypatch):
        self.reached, self.released, self.in_transaction = threading.Event(), threading.Event(), None
        clean = core.content._cleaner.clean

        def paused_clean(html: str) -> str:
            self.in_transaction = connection.in_atomic_block
            self.reached.set()
            self.released.wait(WAIT)
            return clean(html)

        monkeypatch.setattr(core.content._cleaner, "clean", paused_clean)


def in_a_thread(work) -> threading.Thread:
    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


WRITES = {
    "idea_submit": lambda alice, idea: idea_submit(
        actor=alice, title="Oat milk everywhere", body="Please, **yes**.", category=idea.category
    ),
    "idea_edit": lambda alice, idea: idea_edit(
        idea=idea, actor=alice, title=idea.title, body="Now *with* oats.", category=idea.category
    ),
    "profile_update": lambda alice, idea: profile_update(actor=alice, display_name="Alice", bio="I **like** oats."),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_vote_commits_while_a_members_text_is_rendering(
    transactional_db, monkeypatch, alice, bob, alices_idea, write
):
    bobs_idea = IdeaFactory(author=bob, category=alices_idea.category)
    paused = PausedRender(monkeypatch)
    writer = in_a_thread(lambda: WRITES[write](alice, alices_idea))
    try:
        assert paused.reached.wait(WAIT), "the write never rendered"
        voter = in_a_thread(lambda: vote_cast(actor=alice, idea_id=bobs_idea.pk, value=1))
        voter.join(WAIT)
        assert not voter.is_alive(), "the vote waited for the render"
        assert Vote.objects.filter(voter=alice, idea=bobs_idea, value=1).exists()
        assert paused.in_transaction is False
    finally:
        paused.released.set()
        writer.join(WAIT)
    assert not writer.is_alive()
