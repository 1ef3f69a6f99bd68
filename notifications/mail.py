"""The e-mails of notifications: one per notification sent at once, or one digest of many. Each has a
text and an HTML part, a signed one-click unsubscribe link for its kind (List-Unsubscribe and
List-Unsubscribe-Post, RFC 8058), and a Message-ID of its own that says which notification or digest
it is, so a mail server or client that ever sees it twice shows it once."""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.models import ALWAYS_ON, Digest, Kind, Notification
from notifications.unsubscribe import make_token


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(*, member_id: int, kind: str) -> str:
    return absolute(reverse("notifications_unsubscribe", args=[make_token(member_id=member_id, kind=kind)]))


def _message(*, to: str, subject: str, template: str, context: dict, unsubscribe: str | None, message_id: str):
    """An e-mail with its text and HTML parts; without `unsubscribe` (a kind that is always on, whose
    one-click link would be refused) it has no List-Unsubscribe header and no link to stop it."""
    context = {**context, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL,
               "unsubscribe_url": unsubscribe, "settings_url": absolute(reverse("notification_settings"))}  # fmt: skip
    headers = {"Message-ID": f"<{message_id}@{settings.EMAIL_MESSAGE_DOMAIN}>", "Auto-Submitted": "auto-generated"}
    if unsubscribe:
        headers |= {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"email/{template}.txt", context),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    return message


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail of one notification, sent at once."""
    with translation.override(settings.LANGUAGE_CODE):
        return _message(
            to=notification.recipient.email,
            subject=notification.headline,
            template="notification",
            context={
                "notification": notification,
                "link": absolute(notification.link),
                "moderation": notification.kind == Kind.MODERATION,
            },
            unsubscribe=None
            if notification.kind in ALWAYS_ON
            else unsubscribe_url(member_id=notification.recipient_id, kind=notification.kind),
            message_id=f"notification-{notification.pk}-{notification.count}",
        )


def digest_message(digest: Digest, notifications: Sequence[Notification]) -> EmailMultiAlternatives:
    """One e-mail for everything of a period; its unsubscribe link stops the kind most of it is about."""
    kinds = [n.kind for n in notifications]
    main_kind = max(set(kinds), key=kinds.count) if kinds else Kind.FOLLOWED_IDEA
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            _("Your daily digest from %(site)s") if digest.period == "daily" else _("Your weekly digest from %(site)s")
        ) % {"site": settings.SITE_NAME}
        items = [{"notification": n, "link": absolute(n.link)} for n in notifications]
        return _message(
            to=digest.member.email,
            subject=subject,
            template="digest",
            context={"digest": digest, "items": items},
            unsubscribe=unsubscribe_url(member_id=digest.member_id, kind=main_kind),
            message_id=f"digest-{digest.pk}",
        )
