"""Reads of moderation that pages and the API share: the queue, one case, a member's actions, the export."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from core.ids import id_from
from core.models import AuditEntry
from core.paging import Page, keyset_page
from discussion.models import Comment, CommentRevision
from ideas.models import Idea, IdeaRevision
from ideas.selectors import BadListParameter, list_cursor, page_size
from moderation.models import (
    HIDING,
    NOT_AGAINST_AUTHOR,
    Action,
    ActionKind,
    Alert,
    Appeal,
    Case,
    CaseStatus,
    Flag,
    FlagStatus,
    TargetKind,
    parse_target,
)
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
                filter=Q(
                    author__moderation_actions_received__action=ActionKind.WARN,
                    author__moderation_actions_received__undone_at__isnull=True,
                ),
                distinct=True,
            ),
            author_actions=Count(
                "author__moderation_actions_received",
                # Actions against them still standing: not a dismissal, an appeal's decision or one undone.
                filter=Q(author__moderation_actions_received__undone_at__isnull=True)
                & ~Q(author__moderation_actions_received__action__in=NOT_AGAINST_AUTHOR),
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
        .exclude(action__in=NOT_AGAINST_AUTHOR)
        .select_related("idea", "comment__idea", "appeal")
        .order_by("-created_at", "-id")
    )


def action_in_force(*, target: str, subject: User) -> Action | None:
    """The latest action still in force that hid the member's content (its notice links to it, to appeal)."""
    return (
        Action.objects.filter(
            target=target,
            subject=subject,
            undone_at__isnull=True,
            action__in=HIDING,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def actions_page(*, member: User, cursor: str | None = None, size: int = 20) -> Page:
    """A page of actions_about, newest first (keyset on the time they were taken)."""
    return keyset_page(actions_about(member=member), field="created_at", cursor=cursor, size=size)


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


# --- The audit log ---------------------------------------------------------------------------------

LOG_PAGE_SIZE = 50
LOG_PAGE_MAX = 200
LOG_EXPORT_BATCH = 500

# The log shows the entries of these verbs, and a verb is how it is chosen rather than the actor's roles:
# each verb here is recorded only when a moderator, the product team or an admin acts (a member deleting
# their own idea or comment records nothing), so the verb alone finds every staff action and nothing else,
# and keeps finding it after the actor loses the role or leaves (their roles today would not). Left out:
# account housekeeping (an account deleted, a password set, sign-in connections removed), which is a
# member's own business or a security matter, not moderation or product work; and entries without an actor
# (a role granted by a command on the server, the demo's seeding), which no moderator or staff member made:
# the admin's audit trail shows those.
LOG_VERBS = {
    "moderation.dismiss": _lazy("Dismissed the flags"),
    "moderation.hide": _lazy("Hid"),
    "moderation.delete": _lazy("Deleted"),
    "moderation.edit": _lazy("Edited"),
    "moderation.lock": _lazy("Locked the thread"),
    "moderation.duplicate": _lazy("Marked as a duplicate"),
    "moderation.warn": _lazy("Warned the author"),
    "moderation.suspend": _lazy("Suspended the author"),
    "moderation.ban": _lazy("Banned the author"),
    "moderation.appeal_upheld": _lazy("Turned an appeal down"),
    "moderation.appeal_overturned": _lazy("Granted an appeal"),
    "moderation.alert_acknowledge": _lazy("Acknowledged an early-warning alert"),
    "idea.transition": _lazy("Moved the idea"),
    "idea.merged": _lazy("Merged the idea"),
    "idea.internal_note": _lazy("Wrote an internal note"),
    "idea.deleted": _lazy("Deleted the idea"),
    "comment.deleted": _lazy("Deleted the comment"),
    "comment.official_marked": _lazy("Marked the official response"),
    "comment.official_unmarked": _lazy("Unmarked the official response"),
    "role.granted": _lazy("Granted a role"),
    "role.revoked": _lazy("Took a role back"),
    "member.flags_changed": _lazy("Changed the account's access"),
}
# The log's actions, as the API's schema names them (config's ENUM_NAME_OVERRIDES).
LOG_ACTIONS = list(LOG_VERBS)
# How a log names a target ("idea:12") and how the audit trail stores it (core.audit.record).
LOG_TARGETS = {"idea": "ideas.idea", "comment": "discussion.comment", "member": "accounts.user"}
_TARGET_KINDS = {stored: kind for kind, stored in LOG_TARGETS.items()}


@dataclass(frozen=True)
class LogParams:
    actor: int | None = None
    action: str = ""
    target: str = ""
    cursor: str | None = None
    size: int = LOG_PAGE_SIZE


@dataclass(frozen=True)
class LogRow:
    """One line of the log, ready to show: who (by number and public name), what, to what, why and when."""

    id: int
    at: datetime
    actor_id: int
    actor_name: str
    action: str
    label: str
    target: str
    target_name: str
    target_url: str | None
    reason: str
    data: dict


def log_params(query: Mapping[str, str], *, default_size: int = LOG_PAGE_SIZE) -> LogParams:
    """The log's filters (actor, action, target), cursor and page size, read once for the page, the API and
    the CSV export; BadListParameter names a bad one and the choices."""
    actor = None
    if raw := query.get("actor") or "":
        actor = id_from(raw.strip())
        if actor is None:
            raise BadListParameter("actor", _("Name the actor by their member number."))
    action = query.get("action") or ""
    if action and action not in LOG_VERBS:
        raise BadListParameter("action", _("Choose an action of: %(verbs)s.") % {"verbs": ", ".join(LOG_VERBS)})
    target = (query.get("target") or "").strip()
    if target and parse_target(target) is None:
        raise BadListParameter(
            "target", _("Name the target as idea:<number>, comment:<number> or member:<number>, as idea:12.")
        )
    size = page_size(query, default=default_size, maximum=LOG_PAGE_MAX)
    return LogParams(actor, action, target, list_cursor(query, key=datetime), size)


def _log_entries(viewer, params: LogParams) -> QuerySet[AuditEntry]:
    can_see_moderation(user=viewer).check()
    entries = AuditEntry.objects.filter(verb__in=list(LOG_VERBS), actor_id__isnull=False)
    if params.actor is not None:
        entries = entries.filter(actor_id=params.actor)
    if params.action:
        entries = entries.filter(verb=params.action)
    if params.target:
        kind, number = parse_target(params.target)
        entries = entries.filter(target_type=LOG_TARGETS[kind], target_id=str(number))
    return entries


def _log_rows(entries: list[AuditEntry]) -> list[LogRow]:
    """The entries with their actors' names and their targets' names and links, in three queries at most
    however many rows (members, ideas, comments: each skipped when the page names none)."""
    wanted = {kind: set() for kind in LOG_TARGETS}
    for entry in entries:
        if (kind := _TARGET_KINDS.get(entry.target_type)) and (number := id_from(entry.target_id)):
            wanted[kind].add(number)
    member_ids = wanted["member"] | {entry.actor_id for entry in entries}
    members = {member.pk: member for member in User.objects.filter(pk__in=member_ids).only("id", "display_name")}
    ideas = {
        idea.pk: idea
        for idea in Idea.objects.filter(pk__in=wanted["idea"], deleted_at__isnull=True).only("id", "title")
    }
    comments = {
        comment.pk: comment
        for comment in Comment.objects.filter(
            pk__in=wanted["comment"], deleted_at__isnull=True, idea__deleted_at__isnull=True
        )
        .select_related("idea")
        .only("id", "idea__id", "idea__title")
    }
    rows = []
    for entry in entries:
        kind = _TARGET_KINDS.get(entry.target_type, "")
        number = id_from(entry.target_id) if kind else None
        target = f"{kind}:{number}" if number else (f"{entry.target_type}:{entry.target_id}" if entry.target_id else "")
        name, url = _target_name(kind, number, members=members, ideas=ideas, comments=comments)
        actor = members.get(entry.actor_id)
        rows.append(
            LogRow(
                id=entry.pk,
                at=entry.created_at,
                actor_id=entry.actor_id,
                actor_name=actor.public_name if actor else _("Deleted member"),
                action=entry.verb,
                label=str(LOG_VERBS.get(entry.verb, entry.verb)),
                target=target,
                target_name=name,
                target_url=url,
                reason=entry.reason,
                data=entry.data,
            )
        )
    return rows


def _target_name(
    kind: str, number: int | None, *, members: dict, ideas: dict, comments: dict
) -> tuple[str, str | None]:
    """What the target is called and where it is, or what it was and None once it is gone."""
    if kind == "idea" and number in ideas:
        return ideas[number].title, ideas[number].get_absolute_url()
    if kind == "comment" and number in comments:
        comment = comments[number]
        return _("A comment on “%(title)s”") % {"title": comment.idea.title}, comment.get_absolute_url()
    if kind == "member" and number in members:
        return members[number].public_name, members[number].get_absolute_url()
    if kind and number:
        return _("%(kind)s %(number)d (gone)") % {"kind": TargetKind(kind).label, "number": number}, None
    return "", None


def audit_log(*, viewer, params: LogParams) -> Page:
    """Every moderator and product-team action (LOG_VERBS says which), newest first, keyset paged, each row
    named and linked (LogRow): the audit log of moderators and staff. Fixed queries, whatever the rows."""
    page = keyset_page(_log_entries(viewer, params), field="created_at", cursor=params.cursor, size=params.size)
    return Page(_log_rows(page.rows), page.next_cursor)


def audit_log_all(*, viewer, params: LogParams, batch: int = LOG_EXPORT_BATCH) -> Iterator[list[LogRow]]:
    """Every row the filters match (not one page), newest first, a batch at a time by keyset: the CSV export.
    The viewer is checked now, before the first batch is read."""
    entries = _log_entries(viewer, params)

    def batches(cursor: str | None) -> Iterator[list[LogRow]]:
        while True:
            page = keyset_page(entries, field="created_at", cursor=cursor, size=batch)
            yield _log_rows(page.rows)
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    return batches(params.cursor)


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
