"""What notifications announce live, on `user:<id>`, which only that member may watch: a new
notification, one that counted up, notifications read elsewhere; each with the bell's unread count."""

from core.live import Access, LiveEvent
from notifications.models import Notification


def member_topic(member_id: int) -> str:
    return f"user:{member_id}"


def can_watch_member(user, member_id: int) -> Access:
    """A member's notifications are theirs alone; anyone else is told it is forbidden, not that it
    does not exist (which would tell who has an account)."""
    return Access.ALLOWED if user.is_authenticated and user.pk == member_id else Access.FORBIDDEN


def notification_created(notification: Notification, unread: int) -> LiveEvent:
    data = {"id": notification.pk, "kind": notification.kind, "idea": notification.idea_id, "unread": unread}
    return LiveEvent(member_topic(notification.recipient_id), "notification.created", data)


def notification_counted(member_id: int, idea_id: int, unread: int) -> LiveEvent:
    return LiveEvent(member_topic(member_id), "notification.changed", {"idea": idea_id, "unread": unread})


def notifications_read(member_id: int, unread: int) -> LiveEvent:
    return LiveEvent(member_topic(member_id), "notification.read", {"unread": unread})
