"""What moderation announces live, to moderators and staff only: `queue.changed` on the `moderation` topic."""

from core.live import Access, LiveEvent
from moderation.models import Case
from moderation.permissions import can_see_moderation

MODERATION = "moderation"


def queue_changed(case: Case) -> LiveEvent:
    """A case opened, gained a flag or was decided: the queue page reads itself again."""
    return LiveEvent(
        MODERATION,
        "queue.changed",
        {
            "case": case.pk,
            "target": case.target,
            "status": case.status,
            "weight": case.weight,
            "flags": case.flag_count,
            "appeal": case.is_appeal,
            "hidden": case.hid_content,
        },
    )


def can_watch_moderation(user) -> Access:
    return Access.ALLOWED if can_see_moderation(user=user) else Access.FORBIDDEN
