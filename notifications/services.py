"""Every write on notifications: deliver an event's notices, forget a deleted subject, mark read,
change e-mail choices. Features call notify(); pages and the API call the rest."""

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.batching import batched
from core.live import publish
from ideas.models import Idea
from notifications import events, tasks
from notifications.models import (
    ABOUT_OWN_CONTENT,
    BATCHED,
    CHOOSABLE,
    DEFAULT_DELIVERY,
    EXCERPT_MAX,
    Delivered,
    Delivery,
    EmailStatus,
    Kind,
    Notification,
    NotificationSettings,
)
from notifications.selectors import deliveries_for, unread_counts

EMAIL_BATCH = 100  # notifications per e-mail task: one SMTP connection each
NOTIFY_ATTEMPTS = 3


@dataclass(frozen=True)
class Notice:
    """One member to tell about one event."""

    recipient_id: int
    kind: str
    idea_id: int | None = None
    actor_id: int | None = None
    subject: str = ""  # what it is about ("comment:17"): reading it marks the notification read
    link: str = ""  # the exact place to read it ("/ideas/5/#comment-17")
    excerpt: str = ""  # plain text
    status: str = ""  # the pipeline status a status change moved the idea to
    action: str = ""  # the moderator's action a moderation notice tells of


def notify(*, event: str, notices: Iterable[Notice]) -> None:
    """Tell each member of the notices about `event`, once: a retried task that calls this again for the
    same event writes nothing. Inactive members are skipped; batched kinds count up on the member's
    unread notification of the idea; e-mails go by each member's choice, by the worker."""
    by_recipient: dict[int, Notice] = {}
    for notice in notices:
        by_recipient.setdefault(notice.recipient_id, notice)  # one notice per member per event
    for attempt in range(1, NOTIFY_ATTEMPTS + 1):
        try:
            written = _write(event, by_recipient)
            break
        except IntegrityError:
            # A member's account went while the notices were written (PostgreSQL checks the foreign key
            # at commit): nothing was written; again, without them.
            if attempt == NOTIFY_ATTEMPTS:
                raise
    if written is None:
        return
    active, created, counted = written
    counts = unread_counts(active)
    publish(*(events.notification_created(n, counts.get(n.recipient_id, 0)) for n in created))
    publish(
        *(events.notification_counted(member_id, idea_id, counts.get(member_id, 0)) for member_id, idea_id in counted)
    )


def _write(event: str, by_recipient: Mapping[int, Notice]):
    """notify()'s one transaction: (active members, notifications made, (member, idea) counted up), or
    None when the event was delivered before or tells nobody."""
    with transaction.atomic():
        if not Delivered.objects.get_or_create(event=event[:120])[1]:
            return None
        active = set(User.objects.filter(pk__in=list(by_recipient), is_active=True).values_list("pk", flat=True))
        notices_now = [notice for notice in by_recipient.values() if notice.recipient_id in active]
        if not notices_now:
            return None
        # Writes to one idea's notifications go one event after another: two comments fanned out at once
        # must not both open a batch for the same member.
        idea_ids = sorted({notice.idea_id for notice in notices_now if notice.idea_id is not None})
        list(Idea.objects.select_for_update().filter(pk__in=idea_ids).values_list("pk", flat=True))
        counted, rearmed = _count_up(notice for notice in notices_now if notice.kind in BATCHED)
        fresh = [notice for notice in notices_now if (notice.recipient_id, notice.idea_id) not in counted
                 or notice.kind not in BATCHED]  # fmt: skip
        deliveries = deliveries_for([notice.recipient_id for notice in fresh])
        created = Notification.objects.bulk_create([_notification(notice, deliveries) for notice in fresh])
        immediate = [
            n.pk for n in created if n.email_status == EmailStatus.WAITING and n.delivery == Delivery.IMMEDIATELY
        ]
        for chunk in batched(immediate + rearmed, EMAIL_BATCH):
            tasks.send_notification_emails.enqueue(notification_ids=list(chunk))
    return active, created, counted


def _count_up(notices: Iterable[Notice]) -> tuple[set[tuple[int, int]], list[int]]:
    """Add one to each member's unread notification of the idea, where there is one: the (member, idea)
    pairs that had one, and the notifications to e-mail at once again. A batch already e-mailed (at once
    or in a digest) waits for its next e-mail again, so nobody misses the comments since."""
    by_kind_idea: dict[tuple[str, int], list[int]] = defaultdict(list)
    for notice in notices:
        by_kind_idea[(notice.kind, notice.idea_id)].append(notice.recipient_id)
    counted: set[tuple[int, int]] = set()
    rearmed: list[int] = []
    for (kind, idea_id), members in by_kind_idea.items():
        for chunk in batched(members, 1000):
            open_batches = Notification.objects.unread().filter(kind=kind, idea_id=idea_id, recipient_id__in=chunk)
            have = set(open_batches.values_list("recipient_id", flat=True))
            if not have:
                continue
            open_batches = open_batches.filter(recipient_id__in=have)
            emailed = open_batches.filter(email_status__in=[EmailStatus.SENT, EmailStatus.FAILED])
            rearmed += emailed.filter(delivery=Delivery.IMMEDIATELY).values_list("pk", flat=True)
            emailed.update(email_status=EmailStatus.WAITING, digest=None)
            open_batches.update(count=F("count") + 1, updated_at=timezone.now())
            counted |= {(member, idea_id) for member in have}
    return counted, rearmed


def _notification(notice: Notice, deliveries: Mapping[int, Mapping[str, str]]) -> Notification:
    delivery = deliveries.get(notice.recipient_id, {}).get(notice.kind) or DEFAULT_DELIVERY.get(
        notice.kind, Delivery.NEVER
    )
    return Notification(
        recipient_id=notice.recipient_id,
        kind=notice.kind,
        idea_id=notice.idea_id,
        actor_id=notice.actor_id,
        subject=notice.subject[:60],
        link=notice.link[:300],
        excerpt=_excerpt(notice.excerpt),
        status=notice.status,
        action=notice.action,
        delivery=delivery,
        email_status=EmailStatus.NONE if delivery == Delivery.NEVER else EmailStatus.WAITING,
    )


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1].rstrip() + "…"


def notifications_forget(*, subject: str) -> None:
    """What `subject` pointed to is gone (a deleted comment): its words leave every notification, and
    e-mails not yet sent about it alone are not sent. A batch that counts other comments too keeps
    its e-mail, one comment fewer."""
    about = Notification.objects.filter(subject=subject)
    about.update(excerpt="")
    batches = about.filter(kind__in=BATCHED, count__gt=1)
    batches.update(count=F("count") - 1)
    about.exclude(pk__in=batches.values("pk")).filter(email_status=EmailStatus.WAITING).update(
        email_status=EmailStatus.NONE
    )


def notifications_conceal(*, subject: str, concealed: bool) -> None:
    """What `subject` points to was hidden by moderation (or shown again): its notifications leave sight,
    and their e-mails are held (out_of_sight), until it is shown again. Its author is told otherwise."""
    Notification.objects.filter(subject=subject).exclude(kind__in=ABOUT_OWN_CONTENT).update(concealed=concealed)


def notifications_reword(*, subject: str, excerpt: str, unmentioned: Iterable[int] = ()) -> None:
    """What `subject` points to was edited: every notification quotes its words as they are now (the
    earlier ones are for moderators only), and the members it no longer mentions get no e-mail of
    the mention."""
    Notification.objects.filter(subject=subject).update(excerpt=_excerpt(excerpt))
    Notification.objects.filter(
        subject=subject, kind=Kind.MENTION, recipient_id__in=list(unmentioned), email_status=EmailStatus.WAITING
    ).update(email_status=EmailStatus.NONE)


# Marking notifications read and choosing how they arrive do not ask accounts.permissions.can_write: a
# suspended member still reads, and these change only their own inbox, which nobody else sees.


def notifications_read(*, actor: User, ids: Iterable[int] | None = None, everything: bool = False) -> int:
    """The member marks some of their notifications read (or all); ids that are not theirs are refused
    with nothing marked. Returns how many changed."""
    mine = Notification.objects.filter(recipient=actor)
    if not everything:
        ids = sorted(set(ids or ()))
        if not ids:
            raise ValidationError({"ids": [_("Name the notifications to mark read, or mark all.")]})
        if mine.filter(pk__in=ids).count() != len(ids):
            raise ValidationError({"ids": [_("Some of these are not your notifications.")]})
        mine = mine.filter(pk__in=ids)
    return _mark_read(actor, mine)


def notifications_read_subjects(*, actor: User, subjects: Iterable[str] = (), idea_id: int | None = None) -> int:
    """The member read what these notifications point to (comments on a page they opened, or the idea
    itself): they are read. Visitors have none."""
    if not actor.is_authenticated:
        return 0
    subjects = list(subjects)
    if not subjects and idea_id is None:
        return 0
    mine = Notification.objects.filter(recipient=actor)
    mine = mine.filter(idea_id=idea_id) if idea_id is not None else mine.filter(subject__in=subjects)
    return _mark_read(actor, mine)


def _mark_read(actor: User, notifications) -> int:
    changed = notifications.unread().update(read_at=timezone.now())
    if changed:
        unread = unread_counts([actor.pk]).get(actor.pk, 0)
        publish(events.notifications_read(actor.pk, unread))
    return changed


def settings_update(
    *, actor: User, delivery: Mapping[str, str] | None = None, time_zone: str | None = None
) -> NotificationSettings:
    """The member chooses how each kind reaches them by e-mail, and the time zone of their digests."""
    errors: dict[str, list[str]] = {}
    if delivery is not None:
        unknown = [kind for kind in delivery if kind not in CHOOSABLE]
        bad = [kind for kind, choice in delivery.items() if choice not in Delivery.values]
        if unknown:
            errors["delivery"] = [_("Unknown kinds: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}]
        elif bad:
            errors["delivery"] = [_("Choose immediately, daily, weekly or never.")]
    if time_zone not in (None, "") and time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = [_("Choose a time zone from the list.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings, _created = NotificationSettings.objects.select_for_update().get_or_create(member=actor)
        if delivery is not None:
            settings.delivery = {**settings.delivery, **delivery}
        if time_zone is not None:
            settings.time_zone = time_zone
        settings.save(update_fields=["delivery", "time_zone", "updated_at"])
        _apply_to_waiting(actor, settings)
    return settings


def _apply_to_waiting(member: User, settings: NotificationSettings) -> None:
    """Notifications not yet e-mailed follow the member's new choice: "never" stops them, a digest
    gathers them."""
    waiting = Notification.objects.filter(recipient=member, email_status=EmailStatus.WAITING)
    for kind in Kind.values:
        choice = settings.delivery_of(kind)
        if choice == Delivery.NEVER:
            waiting.filter(kind=kind).update(delivery=choice, email_status=EmailStatus.NONE)
        elif choice != Delivery.IMMEDIATELY:
            waiting.filter(kind=kind).exclude(delivery=choice).update(delivery=choice)


def unsubscribe(*, member: User, kind: str) -> NotificationSettings:
    """The one-click link of an e-mail: that kind is no longer e-mailed (it stays in the app)."""
    return settings_update(actor=member, delivery={kind: Delivery.NEVER})
