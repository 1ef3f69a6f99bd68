"""What the discussion app announces live: ids and counts only, never a comment's text (the page
fetches the rendered comment), so no event carries a deleted body, an earlier version or an address."""

from core.live import LiveEvent
from discussion.models import Comment
from ideas.events import ALL_IDEAS, idea_topic, public_topics
from ideas.models import Idea


def _count_changed(idea: Idea, comment_count: int) -> list[LiveEvent]:
    """For the cards on every list: the idea's new comment count (not of an idea hidden from the list)."""
    data = {"id": idea.pk, "comment_count": comment_count}
    return [LiveEvent(topic, "comment_count.changed", data) for topic in public_topics(idea, ALL_IDEAS)]


def comment_created(comment: Comment, *, idea: Idea, comment_count: int) -> list[LiveEvent]:
    data = {
        "id": comment.pk,
        "idea": comment.idea_id,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "comment_count": comment_count,
    }
    created = LiveEvent(idea_topic(comment.idea_id), "comment.created", data)
    return [created, *_count_changed(idea, comment_count)]


def comment_changed(
    comment: Comment, *, idea: Idea, comment_count: int, count_changed: bool = False
) -> list[LiveEvent]:
    """An edit, a deletion, a hiding or an official mark; the cards hear of it only when the count moved.
    Pages fetch the comment again as their reader, who sees a hidden one's text or its placeholder."""
    data = {
        "id": comment.pk,
        "idea": comment.idea_id,
        "comment_count": comment_count,
        "deleted": comment.is_deleted,
        "hidden": comment.is_hidden,
        "official": comment.is_official,
        "edited": comment.edited_at is not None,
    }
    events = [LiveEvent(idea_topic(comment.idea_id), "comment.changed", data)]
    if count_changed:
        events += _count_changed(idea, comment_count)
    return events
