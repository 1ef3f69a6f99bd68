"""What the pipeline announces live: `status.changed`, on the idea's topic, on the list of all ideas and
on the `pipeline` topic the roadmap listens to. Public facts only: internal notes are never announced."""

from core.live import Access, LiveEvent
from ideas.events import ALL_IDEAS, idea_topics
from ideas.models import Idea
from pipeline.models import StatusChange

PIPELINE = "pipeline"


def status_changed(change: StatusChange, idea: Idea) -> list[LiveEvent]:
    data = {
        "id": idea.pk,
        "title": idea.title,
        "status": change.to_status,
        "from_status": change.from_status,
        "merged_into": change.merged_into_id,
        "score": idea.score,
        "upvotes": idea.upvotes,
        "changed_at": change.created_at.isoformat(),
        "url": idea.get_absolute_url(),
    }
    return [LiveEvent(topic, "status.changed", data) for topic in idea_topics(idea, ALL_IDEAS, PIPELINE)]


def can_watch_pipeline(user) -> Access:
    return Access.ALLOWED
