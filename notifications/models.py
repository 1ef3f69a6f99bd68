"""Notifications: what a member is told, how (in the app, by e-mail at once or in a digest), and
their choices per kind. One model and one service (services.notify) that every feature uses."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea, Status

EXCERPT_MAX = 280


class Kind(models.TextChoices):
    """What happened. Later features add their kinds here and their sentences in templates."""

    COMMENT_ON_MY_IDEA = "comment_on_my_idea", _("Comments on my ideas")
    REPLY = "reply", _("Replies to my comments")
    MENTION = "mention", _("Mentions of me")
    FOLLOWED_IDEA = "followed_idea", _("New comments on ideas I follow")
    OFFICIAL_RESPONSE = "official_response", _("Official responses on ideas I follow")
    STATUS_CHANGE = "status_change", _("Status changes of ideas I wrote, voted on or follow")
    MODERATION = "moderation", _("Moderators' actions on what I wrote")
    BADGE = "badge", _("Badges I earn")


class Delivery(models.TextChoices):
    """How a kind reaches the member by e-mail (in the app it always does)."""

    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("Never")


DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)

# What a member gets by e-mail before choosing: what is addressed to them at once, the rest daily.
DEFAULT_DELIVERY = {
    Kind.COMMENT_ON_MY_IDEA: Delivery.IMMEDIATELY,
    Kind.REPLY: Delivery.IMMEDIATELY,
    Kind.MENTION: Delivery.IMMEDIATELY,
    Kind.FOLLOWED_IDEA: Delivery.DAILY,
    Kind.OFFICIAL_RESPONSE: Delivery.IMMEDIATELY,
    Kind.STATUS_CHANGE: Delivery.IMMEDIATELY,
    Kind.MODERATION: Delivery.IMMEDIATELY,
    # Good news that asks nothing of the member: the bell tells it; e-mail only for those who choose it.
    Kind.BADGE: Delivery.NEVER,
}
# Kinds a member cannot turn off or put in a digest: a moderator's action on their content, with its reason.
ALWAYS_ON = frozenset({Kind.MODERATION})
# Kinds about the recipient's own content: in sight whatever became of the idea (deleted, hidden), never
# concealed with what they quote, and e-mailed all the same.
ABOUT_OWN_CONTENT = frozenset({Kind.MODERATION})
# The kinds a member chooses the e-mail of, in their order.
CHOOSABLE = [kind for kind in Kind if kind not in ALWAYS_ON]

HEADLINES = {
    Kind.COMMENT_ON_MY_IDEA: _("%(actor)s commented on your idea “%(title)s”"),
    Kind.REPLY: _("%(actor)s replied to your comment on “%(title)s”"),
    Kind.MENTION: _("%(actor)s mentioned you on “%(title)s”"),
    Kind.FOLLOWED_IDEA: _("%(actor)s commented on “%(title)s”, which you follow"),
    Kind.OFFICIAL_RESPONSE: _("The product team responded officially on “%(title)s”"),
    Kind.STATUS_CHANGE: _("“%(title)s” is now %(status)s"),
    Kind.MODERATION: _("A moderator acted on what you wrote"),
    # The badge's name, in the site's language, is the notification's excerpt.
    Kind.BADGE: _("You earned the badge “%(badge)s”"),
}
# A moderator's action on the member's content (Notification.action), said to its author.
MODERATION_HEADLINES = {
    "dismiss": _("Moderators reviewed the flags on what you wrote and left it as it is"),
    "hide": _("A moderator hid what you wrote on %(on)s"),
    "delete": _("A moderator deleted what you wrote on %(on)s"),
    "edit": _("A moderator edited what you wrote on %(on)s"),
    "lock": _("A moderator locked the comments on %(on)s"),
    "duplicate": _("A moderator marked “%(title)s” as a duplicate"),
    "warn": _("A moderator warned you"),
    "suspend": _("A moderator suspended your account"),
    "ban": _("A moderator banned your account"),
    "pending": _("What you wrote on %(on)s is hidden until a moderator reviews it"),
    "hide_profile": _("A moderator hid your profile"),
    "appeal_upheld": _("Your appeal was turned down"),
    "appeal_overturned": _("Your appeal was granted: the action was undone"),
}

# Kinds that count up on one unread notification per idea instead of one notification per event.
BATCHED = frozenset({Kind.FOLLOWED_IDEA})


class EmailStatus(models.TextChoices):
    """Where the notification's e-mail stands. `sending` is written (and committed) before the message
    is handed to the SMTP server, so a retried task never sends it twice."""

    NONE = "none", _("No e-mail")
    WAITING = "waiting", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """The member's own notifications about what they may still see (an idea deleted or hidden since
        takes its notifications out of sight)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user, concealed=False).filter(
            Q(idea__isnull=True)
            | Q(kind__in=ABOUT_OWN_CONTENT)
            | Q(idea__in=Idea.objects.visible_to(user).values("pk"))
        )

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def out_of_sight(self) -> "NotificationQuerySet":
        """Notifications about an idea that is no longer there for everyone (deleted, later hidden):
        their e-mails are not sent, so no e-mail quotes what the page no longer shows. A moderator's action
        on the recipient's own content is told whatever became of it."""
        gone = self.filter(idea__isnull=False).exclude(kind__in=ABOUT_OWN_CONTENT)
        return gone.exclude(idea__in=Idea.objects.visible().values("pk")) | self.filter(concealed=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    idea = models.ForeignKey(
        "ideas.Idea", verbose_name=_("idea"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What it is about ("comment:17") and the exact place to read it; reading the subject marks it read.
    subject = models.CharField(_("subject"), max_length=60, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    excerpt = models.CharField(_("excerpt"), max_length=EXCERPT_MAX, blank=True)
    # The pipeline status a status change moved the idea to (its headline names it), else empty.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    # The moderator's action a moderation notification tells of (MODERATION_HEADLINES), else empty.
    action = models.CharField(_("moderation action"), max_length=20, blank=True)
    # The comment it quotes is hidden by moderation: out of sight (and not e-mailed) until shown again.
    concealed = models.BooleanField(_("concealed"), default=False)
    count = models.PositiveIntegerField(_("events"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last event"), auto_now=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    delivery = models.CharField(_("e-mail"), max_length=20, choices=Delivery.choices)
    email_status = models.CharField(_("e-mail status"), max_length=20, choices=EmailStatus.choices)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    digest = models.ForeignKey(
        "Digest", verbose_name=_("digest"), null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-updated_at", "-id"], name="notifications_newest"),
            models.Index(fields=["recipient", "subject"], name="notifications_subject"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notifications_unread"),
            models.Index(
                fields=["delivery", "recipient"],
                condition=Q(email_status="waiting"),
                name="notifications_email_waiting",
            ),
        ]
        constraints = [
            # One unread batch per member and idea: new comments on a followed idea count up on it.
            models.UniqueConstraint(
                fields=["recipient", "idea", "kind"],
                condition=Q(read_at__isnull=True, kind__in=[kind.value for kind in BATCHED]),
                name="notifications_one_unread_batch_per_idea",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="notifications_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def shows_excerpt(self) -> bool:
        """Whether the excerpt is quoted below the headline: a badge's name is in the headline already."""
        return bool(self.excerpt) and self.kind != Kind.BADGE

    @property
    def headline(self) -> str:
        """What happened, in one sentence of the reader's language."""
        values = {
            "actor": self.actor.public_name if self.actor else gettext("A deleted member"),
            "title": self.idea.title if self.idea else "",
            "n": self.count,
            "status": self.get_status_display(),
            "badge": self.excerpt if self.kind == Kind.BADGE else "",
        }
        if self.kind == Kind.STATUS_CHANGE and self.status == Status.MERGED and self.idea and self.idea.merged_into:
            if not self.idea.merged_into.is_public:  # hidden by moderation (or gone): not named
                return gettext("“%(title)s” was merged into another idea") % values
            return gettext("“%(title)s” was merged into “%(target)s”") % {
                **values,
                "target": self.idea.merged_into.title,
            }
        if self.kind == Kind.MODERATION and self.action in MODERATION_HEADLINES:
            # The idea is named to the member only if they may see it (their own, or one everyone may see).
            named = self.idea is not None and (self.idea.is_public or self.idea.author_id == self.recipient_id)
            values["on"] = f"“{self.idea.title}”" if named else gettext("an idea under review")
            return str(MODERATION_HEADLINES[self.action]) % values
        if self.kind == Kind.FOLLOWED_IDEA and self.count > 1:
            return (
                ngettext(
                    "%(n)d new comment on “%(title)s”, which you follow",
                    "%(n)d new comments on “%(title)s”, which you follow",
                    self.count,
                )
                % values
            )
        return str(HEADLINES.get(self.kind, _("Something happened on “%(title)s”"))) % values


class Delivered(models.Model):
    """An event whose notifications are written: notify() writes them once, whatever retries a task
    makes, because this row commits with them."""

    event = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivered event")
        verbose_name_plural = _("delivered events")

    def __str__(self) -> str:
        return self.event


class NotificationSettings(models.Model):
    """A member's e-mail choices per kind (DEFAULT_DELIVERY for any kind not chosen) and the time zone
    their digests keep; a member who never chose has no row."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    delivery = models.JSONField(_("e-mail per kind"), default=dict, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"settings of {self.member_id}"

    def delivery_of(self, kind: str) -> str:
        if kind in ALWAYS_ON:
            return DEFAULT_DELIVERY[kind]
        chosen = self.delivery.get(kind)
        return chosen if chosen in Delivery.values else DEFAULT_DELIVERY.get(kind, Delivery.NEVER)


class Digest(models.Model):
    """One digest e-mail: everything of one period since the last one. Unique per member, period and
    local day (or week), so a digest is sent once however often the schedule runs."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(max_length=20, choices=[(d.value, d.label) for d in DIGESTS])
    key = models.CharField(max_length=20)  # the member's local date ("2026-11-26") or ISO week ("2026-W48")
    email_status = models.CharField(max_length=20, choices=EmailStatus.choices, default=EmailStatus.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["member", "period", "key"], name="notifications_one_digest_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.key} for {self.member_id}"
