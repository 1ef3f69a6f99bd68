"""Moderation: members' flags, the queue's cases, moderators' actions with their reasons, and appeals.

A target is written as the API names it ("idea:12", "comment:7", "member:3") and also held by a foreign
key, so one open case per target is a plain unique constraint and the queue reads the content in a join.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.ids import id_from

NOTE_MAX = 1000
REASON_MAX = 1000
APPEAL_MAX = 2000


class TargetKind(models.TextChoices):
    IDEA = "idea", _("Idea")
    COMMENT = "comment", _("Comment")
    MEMBER = "member", _("Member")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    ABUSIVE = "abusive", _("Abusive")
    OFF_TOPIC = "off_topic", _("Off-topic")
    DUPLICATE = "duplicate", _("Duplicate")
    PERSONAL_INFORMATION = "personal_information", _("Personal information")
    OTHER = "other", _("Other")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class ActionKind(models.TextChoices):
    """What a moderator does with a case (the first nine) or with an appeal (the last two)."""

    DISMISS = "dismiss", _("Dismiss")
    HIDE = "hide", _("Hide")
    DELETE = "delete", _("Delete")
    EDIT = "edit", _("Edit")
    LOCK = "lock", _("Lock the thread")
    DUPLICATE = "duplicate", _("Mark as duplicate")
    WARN = "warn", _("Warn the author")
    SUSPEND = "suspend", _("Suspend the author")
    BAN = "ban", _("Ban the author")
    UPHOLD = "uphold", _("Keep the action")
    OVERTURN = "overturn", _("Undo the action")


# Decisions that are no action against the author: a dismissal of flags, and an appeal's decision.
NOT_AGAINST_AUTHOR = frozenset({ActionKind.DISMISS, ActionKind.UPHOLD, ActionKind.OVERTURN})
# Actions that leave the content hidden by the moderator (a suspension or ban keeps hidden what flags hid).
HIDING = frozenset({ActionKind.HIDE, ActionKind.SUSPEND, ActionKind.BAN})

_TARGET = re.compile(r"(idea|comment|member):([0-9]{1,19})")


def parse_target(text) -> tuple[str, int] | None:
    """A target as the API and the log name it ("idea:12", "comment:7", "member:3"): its kind and id, or None."""
    match = _TARGET.fullmatch(text.strip()) if isinstance(text, str) else None
    pk = id_from(match[2]) if match else None
    return (match[1], pk) if pk is not None else None


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a moderator")
    UPHELD = "upheld", _("Turned down")
    OVERTURNED = "overturned", _("Granted")


def _target_fields(related: str):
    """The three foreign keys of a target, one of which is set (the others null)."""
    return (
        models.ForeignKey(
            "ideas.Idea", verbose_name=_("idea"), null=True, blank=True, on_delete=models.CASCADE, related_name=related
        ),
        models.ForeignKey(
            "discussion.Comment",
            verbose_name=_("comment"),
            null=True,
            blank=True,
            on_delete=models.CASCADE,
            related_name=related,
        ),
        models.ForeignKey(
            settings.AUTH_USER_MODEL,
            verbose_name=_("member"),
            null=True,
            blank=True,
            on_delete=models.CASCADE,
            related_name=related,
        ),
    )


def _one_target(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(
            Q(kind=TargetKind.IDEA, idea__isnull=False, comment__isnull=True, member__isnull=True)
            | Q(kind=TargetKind.COMMENT, idea__isnull=True, comment__isnull=False, member__isnull=True)
            | Q(kind=TargetKind.MEMBER, idea__isnull=True, comment__isnull=True, member__isnull=False)
        ),
        name=f"{prefix}_one_target_of_its_kind",
    )


class Case(models.Model):
    """One item of the queue: a target's open flags, or an appeal against an action. One open flag case
    per target; it is decided once."""

    kind = models.CharField(_("kind"), max_length=10, choices=TargetKind.choices)
    target = models.CharField(_("target"), max_length=40)
    idea, comment, member = _target_fields("moderation_cases")
    # Whose content it is (for a member target, the member): their record shows beside the case.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appeal = models.OneToOneField(
        "Appeal", verbose_name=_("appeal"), null=True, blank=True, on_delete=models.CASCADE, related_name="case"
    )
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    weight = models.PositiveIntegerField(_("open weight"), default=0)
    flag_count = models.PositiveIntegerField(_("open flags"), default=0)
    # The flags' weight reached the threshold and hid the content pending review: a dismissal shows it again.
    hid_content = models.BooleanField(_("hid the content"), default=False)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    flagged_at = models.DateTimeField(_("last flagged"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The queue: open cases by weight, then age.
            models.Index(fields=["status", "-weight", "id"], name="moderation_case_queue"),
            models.Index(fields=["author", "-opened_at"], name="moderation_case_author"),
        ]
        constraints = [
            _one_target("moderation_case"),
            models.UniqueConstraint(
                fields=["target"],
                condition=Q(status=CaseStatus.OPEN, appeal__isnull=True),
                name="moderation_case_one_open_per_target",
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.pk} on {self.target}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def is_appeal(self) -> bool:
        return self.appeal_id is not None


class Flag(models.Model):
    """A member's report of a target, with its reason; its weight counts toward hiding the target."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="flags")
    target = models.CharField(_("target"), max_length=40)
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("flagged by"), on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(_("reason"), max_length=30, choices=FlagReason.choices)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    # For a duplicate: the idea it repeats.
    original = models.ForeignKey(
        "ideas.Idea",
        verbose_name=_("original"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    weight = models.PositiveSmallIntegerField(_("weight"))
    status = models.CharField(_("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        indexes = [
            models.Index(fields=["flagger", "status"], name="moderation_flag_record"),
            models.Index(fields=["target", "flagger", "-decided_at"], name="moderation_flag_again"),
            models.Index(fields=["created_at"], name="moderation_flag_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["flagger", "target"],
                condition=Q(status=FlagStatus.OPEN),
                name="moderation_flag_one_open_per_member_and_target",
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="moderation_flag_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} flag on {self.target} by {self.flagger_id}"


class Action(models.Model):
    """What a moderator did, and why: its author reads the reason and may appeal it once."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    action = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=TargetKind.choices)
    target = models.CharField(_("target"), max_length=40)
    idea, comment, member = _target_fields("+")
    # The member the action is about (the content's author): they are told and may appeal.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("about"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions_received",
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    # What undoing it needs: the text before an edit, the idea marked as its original, a suspension's end.
    data = models.JSONField(_("details"), default=dict, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        indexes = [models.Index(fields=["subject", "-created_at"], name="moderation_action_subject")]
        constraints = [_one_target("moderation_action")]

    def __str__(self) -> str:
        return f"{self.action} on {self.target}"


class Appeal(models.Model):
    """The author's one appeal against an action on their content, decided by another moderator."""

    action = models.OneToOneField(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="appeal")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="appeals"
    )
    text = models.TextField(_("appeal"), max_length=APPEAL_MAX)
    status = models.CharField(_("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    created_at = models.DateTimeField(_("appealed"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal of {self.member_id} against action {self.action_id}"


# Early warning (moderation/warning.py): hourly series, their baselines, and the alerts a spike raises.


class AlertScope(models.TextChoices):
    IDEA = "idea", _("Idea")
    SITE = "site", _("Whole site")


class Series(models.TextChoices):
    FLAGS = "flags", _("Flags")
    DOWNVOTES = "downvotes", _("Downvotes")
    COMMENTS = "comments", _("New comments")


def _one_scope(prefix: str) -> list[models.BaseConstraint]:
    """An idea's row names its idea, the site's names none."""
    return [
        models.CheckConstraint(
            condition=Q(scope=AlertScope.IDEA, idea__isnull=False) | Q(scope=AlertScope.SITE, idea__isnull=True),
            name=f"{prefix}_idea_when_scope_is_idea",
        ),
    ]


class Baseline(models.Model):
    """One series' recent normal: the exponentially weighted mean and variance of its hourly counts, as of
    the last hour folded in. A row exists from a series' first event until it has decayed to nothing."""

    scope = models.CharField(_("scope"), max_length=10, choices=AlertScope.choices)
    idea = models.ForeignKey(
        "ideas.Idea", verbose_name=_("idea"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    series = models.CharField(_("series"), max_length=12, choices=Series.choices)
    mean = models.FloatField(_("mean per hour"), default=0.0)
    variance = models.FloatField(_("variance"), default=0.0)
    hours = models.PositiveIntegerField(_("hours seen"), default=0)
    hour = models.DateTimeField(_("last hour folded in"))

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        # No index on `hour`: each hour's decay reads and writes nearly every row anyway, and the site's three
        # rows (the job's clock) are found through the partial unique index on series where idea is null.
        constraints = [
            *_one_scope("moderation_baseline"),
            models.UniqueConstraint(
                fields=["idea", "series"], condition=Q(idea__isnull=False), name="moderation_baseline_one_per_idea"
            ),
            models.UniqueConstraint(
                fields=["series"], condition=Q(idea__isnull=True), name="moderation_baseline_one_per_site_series"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} of {self.idea_id or 'the site'}: {self.mean:.2f}/h"


class Alert(models.Model):
    """A sudden rise of one series in one hour, raised once, shown to moderators until one acknowledges it."""

    scope = models.CharField(_("scope"), max_length=10, choices=AlertScope.choices)
    idea = models.ForeignKey(
        "ideas.Idea", verbose_name=_("idea"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    series = models.CharField(_("series"), max_length=12, choices=Series.choices)
    hour = models.DateTimeField(_("hour"))
    count = models.PositiveIntegerField(_("count in the hour"))
    mean = models.FloatField(_("usual per hour"))
    deviation = models.FloatField(_("deviation"))
    factor = models.FloatField(_("times the usual"))
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["acknowledged_at", "-hour", "-id"], name="moderation_alert_open")]
        constraints = [
            *_one_scope("moderation_alert"),
            models.UniqueConstraint(
                fields=["idea", "series", "hour"],
                condition=Q(idea__isnull=False),
                name="moderation_alert_once_per_idea_hour",
            ),
            models.UniqueConstraint(
                fields=["series", "hour"], condition=Q(idea__isnull=True), name="moderation_alert_once_per_site_hour"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} alert on {self.idea_id or 'the site'} at {self.hour:%Y-%m-%d %H:00}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def what_rose(self) -> str:
        """What rose and by how much, in words: "14 downvotes in an hour, against 1.2 an hour usually (12×)"."""
        counts = {
            Series.FLAGS: ngettext("%(n)s flag in an hour", "%(n)s flags in an hour", self.count),
            Series.DOWNVOTES: ngettext("%(n)s downvote in an hour", "%(n)s downvotes in an hour", self.count),
            Series.COMMENTS: ngettext("%(n)s new comment in an hour", "%(n)s new comments in an hour", self.count),
        }
        return gettext("%(count)s, against %(mean).1f an hour usually (%(factor)s×)") % {
            "count": counts[self.series] % {"n": self.count},
            "mean": self.mean,
            "factor": f"{self.factor:.1f}" if self.factor < 10 else f"{self.factor:.0f}",
        }
