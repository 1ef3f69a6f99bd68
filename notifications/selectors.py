"""Reads on notifications that pages, the API, the bell and the worker share, with fixed query counts."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from core.batching import batched
from ideas.models import Idea
from notifications.models import Kind, Notification, NotificationSettings


def deliveries_for(member_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Each member's chosen e-mail delivery per kind (members who never chose are left out: defaults)."""
    chosen: dict[int, dict[str, str]] = {}
    for chunk in batched(sorted(set(member_ids)), 1000):
        for settings in NotificationSettings.objects.filter(member_id__in=chunk).only("member_id", "delivery"):
            chosen[settings.member_id] = {kind: settings.delivery_of(kind) for kind in settings.delivery}
    return chosen


def unread_counts(member_ids: Iterable[int]) -> dict[int, int]:
    """Unread notifications per member, for the bell (members with none are left out): counted as
    unread_count counts them, so a live event and the page agree (ideas deleted since are left out)."""
    counts: dict[int, int] = {}
    visible = Q(idea__isnull=True) | Q(idea__in=Idea.objects.visible().values("pk"))
    for chunk in batched(sorted(set(member_ids)), 1000):
        rows = (
            Notification.objects.unread()
            .filter(visible, recipient_id__in=chunk)
            .values("recipient_id")
            .annotate(n=Count("id"))
            .values_list("recipient_id", "n")
        )
        counts.update(rows)
    return counts


def unread_count(*, member) -> int:
    """The bell's number: the member's unread notifications about what they may still see."""
    return Notification.objects.visible_to(member).unread().count()


def notification_list(*, member) -> QuerySet[Notification]:
    """The member's notifications, latest activity first, with who and which idea."""
    return (
        Notification.objects.visible_to(member)
        .select_related("actor", "idea__merged_into")
        .order_by("-updated_at", "-id")
    )


def settings_of(*, member) -> NotificationSettings:
    """The member's choices (unsaved defaults if they never chose)."""
    return NotificationSettings.objects.filter(member=member).first() or NotificationSettings(member=member)


def notifications_export(user) -> list[dict]:
    return [
        {
            "kind": n.kind,
            "idea": n.idea_id,
            "link": n.link,
            "excerpt": n.excerpt,
            "count": n.count,
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
            "email": n.delivery,
            "emailed_at": n.emailed_at.isoformat() if n.emailed_at else None,
        }
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "id")
    ]


def settings_export(user) -> dict:
    settings = settings_of(member=user)
    return {"email": {kind: settings.delivery_of(kind) for kind in Kind.values}, "time_zone": settings.time_zone}


def notification_get(*, member, pk: int) -> Notification:
    """One of the member's own notifications (DoesNotExist for anyone else's: never told apart)."""
    return notification_list(member=member).get(pk=pk)
