"""Digests: once an hour the schedule asks which members' daily or weekly digest is due, in each
member's own time zone (else the site's), at settings.DIGEST_HOUR and (weekly) on
settings.DIGEST_WEEKDAY. A due digest gathers everything of its period not yet in one, read or not;
a member with nothing waiting gets no digest and no e-mail.

A digest is opened once per member, period and local day (or ISO week): the Digest row's unique
constraint makes a second run of the same hour, or a second worker, a no-op. The row, its
notifications and the task that e-mails it commit together, so an opened digest is always sent
(tasks.send_digest_email claims it before sending, like every e-mail here)."""

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from core.batching import batched
from notifications import tasks
from notifications.models import DIGESTS, Delivery, Digest, EmailStatus, Notification, NotificationSettings


def member_zone(time_zone: str) -> zoneinfo.ZoneInfo:
    """The member's time zone, or the site's when they chose none (or one this system no longer knows)."""
    try:
        return zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def digest_key(*, period: str, local: datetime) -> str | None:
    """The key of the digest of `period` due at this local time ("2026-11-26", "2026-W48"), or None
    if none is due then."""
    if local.hour < settings.DIGEST_HOUR:
        return None
    if period == Delivery.DAILY:
        return local.date().isoformat()
    if local.weekday() != settings.DIGEST_WEEKDAY:
        return None
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def _waiting() -> list[tuple[int, str]]:
    """(member, period) of every notification waiting for a digest: one query, whatever the members."""
    rows = Notification.objects.filter(email_status=EmailStatus.WAITING, delivery__in=DIGESTS, digest__isnull=True)
    return list(rows.values_list("recipient_id", "delivery").distinct().order_by("recipient_id", "delivery"))


def _zones(member_ids: list[int]) -> dict[int, str]:
    zones: dict[int, str] = {}
    for chunk in batched(sorted(set(member_ids)), 1000):
        chosen = NotificationSettings.objects.filter(member_id__in=chunk).exclude(time_zone="")
        zones.update(chosen.values_list("member_id", "time_zone"))
    return zones


def send_due_digests(*, due: datetime) -> int:
    """Open every digest due at `due` (an aware datetime: the hour the schedule runs for) and enqueue
    its e-mail; how many were opened. Run again for the same hour, it opens none."""
    waiting = _waiting()
    zones = _zones([member_id for member_id, _period in waiting])
    opened = 0
    for member_id, period in waiting:
        key = digest_key(period=period, local=due.astimezone(member_zone(zones.get(member_id, ""))))
        if key is not None and _open(member_id=member_id, period=period, key=key):
            opened += 1
    return opened


def _open(*, member_id: int, period: str, key: str) -> bool:
    """The member's digest of `period` for `key`, with everything of that period not yet in one, and
    the task that sends it; False if it exists already or has nothing to say."""
    try:
        with transaction.atomic():
            digest = Digest.objects.create(member_id=member_id, period=period, key=key)
            gathered = Notification.objects.filter(
                recipient_id=member_id, delivery=period, email_status=EmailStatus.WAITING, digest__isnull=True
            ).update(digest=digest)
            if not gathered:  # the member changed their choice since the scan: nothing to say
                raise _NothingToSay
            tasks.send_digest_email.enqueue(digest_id=digest.pk)
    except (IntegrityError, _NothingToSay):
        return False
    return True


class _NothingToSay(Exception):
    pass
