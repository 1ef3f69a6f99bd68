"""What voting announces live: `vote.changed` with the new counts, on the idea's topic and on the list of all ideas."""

from core.live import LiveEvent
from ideas.events import ALL_IDEAS, idea_topic
from ideas.models import Idea


def vote_changed(idea: Idea) -> list[LiveEvent]:
    counts = {"id": idea.pk, "upvotes": idea.upvotes, "downvotes": idea.downvotes, "score": idea.score}
    return [LiveEvent(idea_topic(idea.pk), "vote.changed", counts), LiveEvent(ALL_IDEAS, "vote.changed", counts)]
