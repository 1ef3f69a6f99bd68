"""Background work of notifications (django-tasks, run by `manage.py worker`): e-mails are sent
here, never inside the request that caused them.

Delivery is at most once: a notification is claimed (`waiting` to `sending`, committed) before its
message is handed to the SMTP server and marked `sent` after, so a task run again (a retry, a second
worker) finds nothing left to send. A message the server refused goes back to `waiting` and is tried
again later, MAX_ATTEMPTS times in all; one whose worker died between the hand-over and `sent` stays
`sending` and is not sent again. A member deactivated (or left without an address) since the
notification was written gets no e-mail: it is marked `none`, not tried again and again."""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from notifications import mail
from notifications.models import Delivery, Digest, EmailStatus, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_SECONDS = (60, 300, 1800, 7200)  # after attempts 1, 2, 3 and 4
SMTP_FAILURES = (smtplib.SMTPException, OSError)


def reachable(member: str = "recipient") -> Q:
    """Members an e-mail may go to: active, with an address."""
    return Q(**{f"{member}__is_active": True}) & ~Q(**{f"{member}__email": ""})


def _claim(ids: list[int]) -> list[Notification]:
    """The notifications of `ids` still waiting to be e-mailed at once, now marked as being sent by
    this task (committed before anything is sent)."""
    with transaction.atomic():
        waiting = Notification.objects.filter(
            pk__in=ids, email_status=EmailStatus.WAITING, delivery=Delivery.IMMEDIATELY
        )
        waiting.exclude(reachable()).update(email_status=EmailStatus.NONE)
        waiting.out_of_sight().update(email_status=EmailStatus.NONE)
        waiting = list(waiting.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=waiting).update(email_status=EmailStatus.SENDING)
    return list(
        Notification.objects.filter(pk__in=waiting)
        .select_related("recipient", "actor", "idea__merged_into")
        .order_by("pk")
    )


@task()
def send_notification_emails(*, notification_ids: list[int], attempt: int = 1) -> int:
    """E-mail these notifications now, over one SMTP connection; how many the server took."""
    claimed = _claim(notification_ids)
    done = sent = 0
    try:
        with get_connection() as connection:
            for notification in claimed:
                message = mail.notification_message(notification)
                message.connection = connection
                try:
                    message.send()
                except SMTP_FAILURES as error:
                    if not _refused_for_good(error):
                        raise
                    # This address is refused for good (550 and the like): the others still go.
                    logger.warning("The SMTP server refused notification %d for good: %s", notification.pk, error)
                    status = EmailStatus.FAILED
                else:
                    sent += 1
                    status = EmailStatus.SENT
                done += 1
                Notification.objects.filter(pk=notification.pk).update(email_status=status, emailed_at=timezone.now())
    except SMTP_FAILURES as error:
        _try_again([n.pk for n in claimed[done:]], attempt, error)
    return sent


def _refused_for_good(error: BaseException) -> bool:
    """A permanent refusal of one message (a 5xx answer to its recipient or data), not a failure of the
    connection or a "try later" (4xx), which the next attempt may get past."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _try_again(ids: list[int], attempt: int, error: BaseException) -> None:
    """The server did not take these: they wait for a later attempt, or fail after the last one."""
    if attempt >= MAX_ATTEMPTS:
        Notification.objects.filter(pk__in=ids, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.FAILED
        )
        logger.error("Gave up e-mailing %d notifications after %d attempts: %s", len(ids), attempt, error)
        return
    Notification.objects.filter(pk__in=ids, email_status=EmailStatus.SENDING).update(email_status=EmailStatus.WAITING)
    delay = timedelta(seconds=RETRY_SECONDS[attempt - 1])
    send_notification_emails.using(run_after=timezone.now() + delay).enqueue(notification_ids=ids, attempt=attempt + 1)
    logger.warning("E-mailing %d notifications failed (%s); trying again in %s", len(ids), error, delay)


def _claim_digest(digest_id: int) -> Digest | None:
    """The digest, now marked as being sent by this task (committed before anything is sent), if it
    was still waiting."""
    with transaction.atomic():
        waiting = Digest.objects.filter(pk=digest_id, email_status=EmailStatus.WAITING)
        waiting.exclude(reachable("member")).update(email_status=EmailStatus.NONE)
        claimed = waiting.update(email_status=EmailStatus.SENDING)
    return Digest.objects.select_related("member").get(pk=digest_id) if claimed else None


@task()
def send_digest_email(*, digest_id: int, attempt: int = 1) -> bool:
    """E-mail one digest (opened by digests.send_due_digests); whether the server took it."""
    digest = _claim_digest(digest_id)
    if digest is None:
        return False
    # What is still to say: a comment or idea deleted, or a kind turned off, since the digest opened is left out.
    digest.items.out_of_sight().filter(email_status=EmailStatus.WAITING).update(email_status=EmailStatus.NONE)
    items = list(
        digest.items.filter(email_status=EmailStatus.WAITING)
        .select_related("actor", "idea__merged_into")
        .order_by("-updated_at", "-id")
    )
    if not items:
        Digest.objects.filter(pk=digest.pk).update(email_status=EmailStatus.NONE)
        return False
    try:
        mail.digest_message(digest, items).send()
    except SMTP_FAILURES as error:
        _try_digest_again(digest, MAX_ATTEMPTS if _refused_for_good(error) else attempt, error)
        return False
    now = timezone.now()
    with transaction.atomic():
        Digest.objects.filter(pk=digest.pk).update(email_status=EmailStatus.SENT, sent_at=now)
        digest.items.filter(email_status=EmailStatus.WAITING).update(email_status=EmailStatus.SENT, emailed_at=now)
    return True


def _try_digest_again(digest: Digest, attempt: int, error: BaseException) -> None:
    """The server did not take the digest: it waits for a later attempt, or fails after the last one."""
    if attempt >= MAX_ATTEMPTS:
        with transaction.atomic():
            Digest.objects.filter(pk=digest.pk).update(email_status=EmailStatus.FAILED)
            digest.items.filter(email_status=EmailStatus.WAITING).update(email_status=EmailStatus.FAILED)
        logger.error("Gave up e-mailing digest %d after %d attempts: %s", digest.pk, attempt, error)
        return
    Digest.objects.filter(pk=digest.pk, email_status=EmailStatus.SENDING).update(email_status=EmailStatus.WAITING)
    delay = timedelta(seconds=RETRY_SECONDS[attempt - 1])
    send_digest_email.using(run_after=timezone.now() + delay).enqueue(digest_id=digest.pk, attempt=attempt + 1)
    logger.warning("E-mailing digest %d failed (%s); trying again in %s", digest.pk, error, delay)
