"""What the ideas app announces live, and who may listen: the `ideas` and `idea:<id>` topics."""

from core.live import Access, LiveEvent
from ideas.models import Idea

ALL_IDEAS = "ideas"


def idea_topic(idea_id: int) -> str:
    return f"idea:{idea_id}"


def _public(idea: Idea) -> dict:
    """What anyone who may see the idea may know of it: counts, status, title."""
    return {
        "id": idea.pk,
        "title": idea.title,
        "status": idea.status,
        "upvotes": idea.upvotes,
        "downvotes": idea.downvotes,
        "score": idea.score,
        "comment_count": idea.comment_count,
        "comments_locked": idea.comments_locked_at is not None,
        "url": idea.get_absolute_url(),
        "updated_at": idea.updated_at.isoformat(),
    }


def public_topics(idea: Idea, *topics: str) -> list[str]:
    """The public `topics` (the list of all ideas, the roadmap) while everyone may see the idea, else none:
    an event of a hidden idea never reaches someone who may not see it."""
    return list(topics) if idea.is_public else []


def idea_topics(idea: Idea, *public: str) -> list[str]:
    """Where an event of the idea goes: its own topic, whose subscribers are re-checked when it is hidden,
    and the `public` ones while everyone may see it."""
    return [idea_topic(idea.pk), *public_topics(idea, *public)]


def idea_created(idea: Idea) -> list[LiveEvent]:
    return [LiveEvent(ALL_IDEAS, "idea.created", _public(idea))]


def idea_changed_data(idea: Idea) -> dict:
    """A deleted idea tells only that it is gone, a hidden one only that it is hidden."""
    if idea.is_deleted:
        return {"id": idea.pk, "deleted": True}
    if idea.is_hidden:
        return {"id": idea.pk, "deleted": False, "hidden": True}
    return {**_public(idea), "deleted": False, "hidden": False}


def idea_changed(idea: Idea) -> list[LiveEvent]:
    """The idea itself changed (an edit, a deletion, a hiding, a lock), on the list of all ideas and on the
    idea's own topic: lists drop a card whose idea is deleted or hidden, pages read the idea again. Votes
    announce `vote.changed` instead (voting/events.py)."""
    data = idea_changed_data(idea)
    return [LiveEvent(ALL_IDEAS, "idea.changed", data), LiveEvent(idea_topic(idea.pk), "idea.changed", data)]


def can_watch_all_ideas(user) -> Access:
    return Access.ALLOWED


def can_watch_idea(user, idea_id: int) -> Access:
    """Anyone who may see the idea (the one visibility rule); a deleted idea is seen by no one."""
    if Idea.objects.visible_to(user).filter(pk=idea_id).exists():
        return Access.ALLOWED
    return Access.FORBIDDEN if Idea.objects.filter(pk=idea_id).exists() else Access.UNKNOWN
