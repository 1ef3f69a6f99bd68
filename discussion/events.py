"""What the discussion app announces live: ids and counts only, never a comment's text (the page
fetches the rendered comment), so no event carries a deleted body, an earlier version or an address."""

from core.live import LiveEvent
from discussion.models import Comment
from ideas.events import ALL_IDEAS, idea_topic


def _count_changed(idea_id: int, comment_count: int) -> LiveEvent:
    """For the cards on every list: the idea's new comment count."""
    return LiveEvent(ALL_IDEAS, "comment_count.changed", {"id": idea_id, "comment_count": comment_count})


def comment_created(comment: Comment, *, comment_count: int) -> list[LiveEvent]:
    data = {
        "id": comment.pk,
        "idea": comment.idea_id,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "comment_count": comment_count,
    }
    created = LiveEvent(idea_topic(comment.idea_id), "comment.created", data)
    return [created, _count_changed(comment.idea_id, comment_count)]


def comment_changed(comment: Comment, *, comment_count: int, count_changed: bool = False) -> list[LiveEvent]:
    """An edit, a deletion or an official mark; the cards hear of it only when the count moved."""
    data = {
        "id": comment.pk,
        "idea": comment.idea_id,
        "comment_count": comment_count,
        "deleted": comment.is_deleted,
        "official": comment.is_official,
        "edited": comment.edited_at is not None,
    }
    events = [LiveEvent(idea_topic(comment.idea_id), "comment.changed", data)]
    if count_changed:
        events.append(_count_changed(comment.idea_id, comment_count))
    return events
