"""What voting announces live: `vote.changed` with the new counts, on the idea's topic and on the list of all ideas."""

from core.live import LiveEvent
from ideas.events import ALL_IDEAS, idea_topics
from ideas.models import Idea


def vote_changed(idea: Idea) -> list[LiveEvent]:
    counts = {"id": idea.pk, "upvotes": idea.upvotes, "downvotes": idea.downvotes, "score": idea.score}
    return [LiveEvent(topic, "vote.changed", counts) for topic in idea_topics(idea, ALL_IDEAS)]
