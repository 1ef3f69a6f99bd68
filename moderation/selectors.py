"""Reads of moderation that pages and the API share: the queue, one case, a member's actions, the export."""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from core.paging import Page, keyset_page
from discussion.models import CommentRevision
from ideas.models import IdeaRevision
from moderation.models import Action, ActionKind, Alert, Appeal, Case, CaseStatus, Flag, FlagStatus
from moderation.permissions import can_see_moderation

QUEUE_PAGE_SIZE = 50
QUEUE_PAGE_MAX = 200


def _cases(viewer) -> QuerySet[Case]:
    """Cases with everything the queue shows, in a fixed number of queries: the content and its author, the
    edit history, the open flags with their flaggers, the appeal and the action it is against, and the
    author's record (earlier actions on them, counted)."""
    can_see_moderation(user=viewer).check()
    return (
        Case.objects.select_related(
            "idea__author",
            "idea__category",
            "comment__author",
            "comment__idea",
            "member",
            "author",
            "decided_by",
            "appeal__action__actor",
        )
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.filter(status=FlagStatus.OPEN)
                .select_related("flagger", "original")
                .order_by("-weight", "created_at"),
                to_attr="open_flags",
            ),
            Prefetch("idea__revisions", queryset=IdeaRevision.objects.order_by("created_at", "id")),
            Prefetch("comment__revisions", queryset=CommentRevision.objects.order_by("created_at", "id")),
        )
        .annotate(
            author_warnings=Count(
                "author__moderation_actions_received",
                filter=Q(author__moderation_actions_received__action=ActionKind.WARN),
                distinct=True,
            ),
            author_actions=Count(
                "author__moderation_actions_received",
                filter=~Q(
                    author__moderation_actions_received__action__in=[
                        ActionKind.DISMISS,
                        ActionKind.OVERTURN,
                        ActionKind.UPHOLD,
                    ]
                ),
                distinct=True,
            ),
        )
    )


def queue(*, viewer, cursor: str | None = None, size: int = QUEUE_PAGE_SIZE) -> Page:
    """The open cases, heaviest first, then oldest (ids grow with age): what a moderator works through."""
    cases = _cases(viewer).filter(status=CaseStatus.OPEN)
    return keyset_page(cases, field="weight", cursor=cursor, size=size, ids_ascending=True)


def case_get(*, pk: int, viewer) -> Case:
    """One case (open or decided) with all the queue shows; Case.DoesNotExist if there is none."""
    return _cases(viewer).get(pk=pk)


def queue_count(*, viewer) -> int:
    return Case.objects.filter(status=CaseStatus.OPEN).count() if can_see_moderation(user=viewer) else 0


def actions_about(*, member: User) -> QuerySet[Action]:
    """What moderators did to the member's content, newest first, with their appeals: the member's own page."""
    return (
        Action.objects.filter(subject=member)
        .exclude(action__in=[ActionKind.DISMISS, ActionKind.UPHOLD, ActionKind.OVERTURN])
        .select_related("idea", "comment__idea", "appeal")
        .order_by("-created_at", "-id")
    )


def action_get(*, pk: int, viewer) -> Action:
    """An action as its subject (or a moderator) reads it; Action.DoesNotExist for anyone else."""
    actions = Action.objects.select_related("idea", "comment__idea", "appeal", "actor")
    if not can_see_moderation(user=viewer):
        if not viewer.is_authenticated:
            raise Action.DoesNotExist
        actions = actions.filter(subject=viewer)
    return actions.get(pk=pk)


def moderation_export(user: User) -> dict:
    """The member's flags, appeals, and the actions taken on their content, for their data export."""
    return {
        "flags": [
            {
                "target": flag.target,
                "reason": flag.reason,
                "note": flag.note,
                "status": flag.status,
                "flagged_at": flag.created_at.isoformat(),
            }
            for flag in Flag.objects.filter(flagger=user).order_by("created_at", "id")
        ],
        "appeals": [
            {
                "action": appeal.action_id,
                "text": appeal.text,
                "status": appeal.status,
                "appealed_at": appeal.created_at.isoformat(),
            }
            for appeal in Appeal.objects.filter(member=user).order_by("created_at", "id")
        ],
        "actions_on_my_content": [
            {
                "id": action.pk,
                "action": action.action,
                "target": action.target,
                "reason": action.reason,
                "days": action.days,
                "at": action.created_at.isoformat(),
                "undone_at": action.undone_at.isoformat() if action.undone_at else None,
            }
            for action in Action.objects.filter(subject=user).order_by("created_at", "id")
        ],
    }


# Early warning: the alerts moderation/warning.py raises.

ALERTS_SHOWN = 20
ALERT_PAGE_SIZE = 50
ALERT_PAGE_MAX = 200


def _alerts(viewer) -> QuerySet[Alert]:
    can_see_moderation(user=viewer).check()
    return Alert.objects.select_related("idea", "acknowledged_by")


def open_alerts(*, viewer) -> list[Alert]:
    """The alerts nobody has acknowledged yet, newest hour first, with their ideas: the top of the queue."""
    return list(_alerts(viewer).filter(acknowledged_at__isnull=True).order_by("-hour", "-id")[:ALERTS_SHOWN])


def alerts(*, viewer, acknowledged: bool | None = None, cursor: str | None = None, size: int = ALERT_PAGE_SIZE) -> Page:
    """Alerts newest hour first, all or only the (un)acknowledged ones, a page at a time."""
    rows = _alerts(viewer)
    if acknowledged is not None:
        rows = rows.filter(acknowledged_at__isnull=not acknowledged)
    return keyset_page(rows, field="hour", cursor=cursor, size=size)


def alert_get(*, pk: int, viewer) -> Alert:
    """One alert; Alert.DoesNotExist if there is none."""
    return _alerts(viewer).get(pk=pk)
