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


def _alert_data(alert) -> dict:
    idea = alert.idea
    return {
        "id": alert.pk,
        "scope": alert.scope,
        "series": alert.series,
        "hour": alert.hour.isoformat(),
        "count": alert.count,
        "mean": round(alert.mean, 2),
        "factor": round(alert.factor, 1),
        "what": alert.what_rose,
        "idea": None if idea is None else {"id": idea.pk, "title": idea.title, "url": idea.get_absolute_url()},
    }


def alert_raised(alert) -> LiveEvent:
    """A series rose suddenly (moderation/warning.py): the queue shows the alert at its top. Staff only, as
    the whole topic is, so a hidden idea's title may go with it."""
    return LiveEvent(MODERATION, "alert.raised", _alert_data(alert))


def alert_acknowledged(alert) -> LiveEvent:
    """A moderator acknowledged an alert: it leaves the top of every open queue."""
    return LiveEvent(
        MODERATION,
        "alert.acknowledged",
        {"id": alert.pk, "acknowledged_at": alert.acknowledged_at.isoformat(), "by": alert.acknowledged_by_id},
    )
