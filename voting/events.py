"""What voting announces live: new counts on the idea's topic and on the list of all ideas."""

from config.live import LiveEvent
from ideas.events import ALL_IDEAS, idea_changed_data, idea_topic
from ideas.models import Idea


def vote_changed(idea: Idea) -> list[LiveEvent]:
    counts = {"id": idea.pk, "upvotes": idea.upvotes, "downvotes": idea.downvotes, "score": idea.score}
    return [
        LiveEvent(idea_topic(idea.pk), "vote.changed", counts),
        LiveEvent(ALL_IDEAS, "idea.changed", idea_changed_data(idea)),
    ]
