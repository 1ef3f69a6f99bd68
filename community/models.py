"""Community: the points ledger, badges earned, and share links with the visits they brought.

Points are an append-only ledger, never a bare counter: a member's total is the sum of their lines, so
every total is explained line by line and recomputed by summing. A reversal (an upvote withdrawn, content
removed) is a line of its own. Shares count visits without keeping anything personal about the visitor:
a visitor is a hash of their client salted with a secret that changes daily and is then thrown away.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User, holds_role
from ideas.models import Category, Idea, in_category


def local_midnight(day: date) -> datetime:
    """Where `day` begins in the site's time zone (settings.TIME_ZONE): the site's days, weeks and months
    (the leaderboards, the dashboard's buckets, the month's top contributor) begin there."""
    return timezone.make_aware(datetime.combine(day, time.min))


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


class Reason(models.TextChoices):
    """Why a ledger line was written. The rewards' points are in settings.POINTS under the same names."""

    IDEA_SUBMITTED = "idea_submitted", _("Idea submitted")
    UPVOTE_RECEIVED = "upvote_received", _("Upvote received")
    UPVOTE_WITHDRAWN = "upvote_withdrawn", _("Upvote withdrawn")
    COMMENT_POSTED = "comment_posted", _("Comment posted")
    OFFICIAL_RESPONSE = "official_response", _("Official response received")
    IDEA_REVIEWED = "idea_reviewed", _("Idea reviewed")
    IDEA_COMING_SOON = "idea_coming_soon", _("Idea coming soon")
    IDEA_LAUNCHED = "idea_launched", _("Idea launched")
    FLAG_UPHELD = "flag_upheld", _("Flag upheld")
    FLAG_OVERTURNED = "flag_overturned", _("Upheld flag overturned on appeal")
    SHARE_SIGNUP = "share_signup", _("A share brought a new member")
    SHARE_VOTE = "share_vote", _("A share brought a vote")
    SHARE_VOTE_WITHDRAWN = "share_vote_withdrawn", _("A vote a share brought was withdrawn")
    CONTENT_REMOVED = "content_removed", _("Content removed")
    CONTENT_RESTORED = "content_restored", _("Content restored")


# The reasons that earn, in the order "How points work" lists them; the others take back or give back.
REWARDS = [
    Reason.IDEA_SUBMITTED,
    Reason.UPVOTE_RECEIVED,
    Reason.COMMENT_POSTED,
    Reason.OFFICIAL_RESPONSE,
    Reason.IDEA_REVIEWED,
    Reason.IDEA_COMING_SOON,
    Reason.IDEA_LAUNCHED,
    Reason.FLAG_UPHELD,
    Reason.SHARE_SIGNUP,
    Reason.SHARE_VOTE,
]


class LedgerQuerySet(models.QuerySet):
    def ranked(self, *, since: datetime | None, until: datetime | None = None, category: Category | None = None):
        """Each member's points in the window [since, until) and the category (with its subcategories), for
        the members who may be ranked, positive totals only: rows of member_id and total. The one rule of
        the leaderboards, the dashboard's top contributors and the month's top contributor. Left out, in
        SQL: inactive accounts (deleted or banned), banned and suspended members, and staff (moderators,
        product team, admins), who hand out what members earn."""
        # The few members left out, as one set the lines are checked against: no line is joined to its member.
        left_out = User.objects.filter(
            Q(is_active=False)
            | Q(banned_at__isnull=False)
            | Q(suspended_until__gt=timezone.now())
            | Q(is_superuser=True)
            | Q(holds_role(OuterRef("pk")))
        )
        lines = self.exclude(member_id__in=left_out.values("pk"))
        if since is not None:
            lines = lines.filter(created_at__gte=since)
        if until is not None:
            lines = lines.filter(created_at__lt=until)
        if category is not None:
            # Through the line's idea, not as `idea_id IN (Idea.objects.in_category(...))`: so SQLite drives the
            # query from the window, not the ideas, 3 to 10 times faster (bench/leaderboard.py).
            lines = lines.filter(in_category(category, prefix="idea__"))
        return lines.values("member_id").annotate(total=Sum("points")).filter(total__gt=0)


class LedgerEntry(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="ledger"
    )
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    # What earned it, as the API names it: "idea:5", "comment:7", "member:3" (a flag on a profile).
    target = models.CharField(_("for"), max_length=40)
    # The idea it belongs to, for the per-category leaderboards (none for a flag on a profile).
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whose action brought it: the voter, the new member a share brought.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("brought by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Leaderboards of a window: the lines since a time, summed per member.
            models.Index(fields=["created_at", "member", "points"], name="ledger_window"),
            # A member's total and history.
            models.Index(fields=["member", "created_at"], name="ledger_member"),
            # What a member earned for one thing (a reversal takes it back).
            models.Index(fields=["member", "target", "reason"], name="ledger_member_target"),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.reason} {self.target}"


class Award(models.Model):
    """A badge a member earned, once (once per month for a monthly badge: `period` is "2026-03")."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="awards"
    )
    badge = models.CharField(_("badge"), max_length=40)
    period = models.CharField(_("period"), max_length=7, blank=True)
    earned_at = models.DateTimeField(_("earned"), default=timezone.now)

    class Meta:
        verbose_name = _("badge earned")
        verbose_name_plural = _("badges earned")
        ordering = ["-earned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "badge", "period"], name="award_once"),
        ]

    def __str__(self) -> str:
        return f"{self.badge} {self.period}".strip()


class Channel(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X"
    LINKEDIN = "linkedin", "LinkedIn"
    EMAIL = "email", _("E-mail")
    LINK = "link", _("Link")


class Share(models.Model):
    """A member shared an idea on a channel (once per idea, member and channel, however often they press)."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="shares")
    sharer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("shared by"), on_delete=models.CASCADE, related_name="shares"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("shared"), default=timezone.now)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(fields=["idea", "sharer", "channel"], name="share_once"),
        ]

    def __str__(self) -> str:
        return f"idea:{self.idea_id} {self.channel}"


class Visit(models.Model):
    """A visitor came to the idea through a share: counted once per share, visitor and day. The visitor is
    the day's salted hash of their client; if they sign up or sign in in the same browser session, the
    member they are becomes known, and a sign-up or a vote that follows is the share's."""

    share = models.ForeignKey(Share, verbose_name=_("share"), on_delete=models.CASCADE, related_name="visits")
    day = models.DateField(_("day"))
    visitor = models.CharField(_("visitor"), max_length=32)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    joined_at = models.DateTimeField(_("signed up"), null=True, blank=True)
    voted_at = models.DateTimeField(_("voted"), null=True, blank=True)
    created_at = models.DateTimeField(_("visited"), default=timezone.now)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(fields=["share", "day", "visitor"], name="visit_once_a_day"),
            # A new member is brought by one share, however many they came through.
            models.UniqueConstraint(fields=["member"], condition=Q(joined_at__isnull=False), name="joined_once"),
        ]
        indexes = [
            models.Index(fields=["day", "share"], name="visit_day"),
            models.Index(fields=["member", "created_at"], name="visit_member"),
        ]

    def __str__(self) -> str:
        return f"share:{self.share_id} {self.day}"


class DailySalt(models.Model):
    """Today's secret salt for hashing visitors; a day's salt is deleted after it, so no hash is reversible."""

    day = models.DateField(_("day"), unique=True)
    salt = models.CharField(_("salt"), max_length=64)

    class Meta:
        verbose_name = _("daily salt")
        verbose_name_plural = _("daily salts")

    def __str__(self) -> str:
        return str(self.day)


# The staff dashboard's figures (community/insights.py): rollups the worker keeps, so a page never counts
# every vote or status change. A row's `category` is the scope it counts: a category with its
# subcategories, or every category when empty. Distinct members do not add up across days or categories,
# so each scope has rows of its own rather than a sum of its parts.


def _scoped(name: str, *fields: str) -> list[models.UniqueConstraint]:
    """One row per bucket and scope: "every category" (no category) is a scope of its own."""
    return [
        models.UniqueConstraint(
            fields=[*fields, "category"], condition=Q(category__isnull=False), name=f"{name}_per_category"
        ),
        models.UniqueConstraint(fields=list(fields), condition=Q(category__isnull=True), name=f"{name}_overall"),
    ]


def _scope_field() -> models.ForeignKey:
    return models.ForeignKey(
        "ideas.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )


class DayFigures(models.Model):
    """What happened on a day (in the site's time zone): ideas submitted, votes cast (still standing),
    comments written."""

    day = models.DateField(_("day"))
    category = _scope_field()
    ideas = models.PositiveIntegerField(_("ideas"), default=0)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)

    class Meta:
        verbose_name = _("day's figures")
        verbose_name_plural = _("days' figures")
        constraints = _scoped("dayfigures", "day")

    def __str__(self) -> str:
        return f"{self.day} {self.category_id or '*'}"


class WeekActive(models.Model):
    """Distinct members who submitted, voted or commented in an ISO week (starting on its Monday)."""

    week = models.DateField(_("week"))
    category = _scope_field()
    members = models.PositiveIntegerField(_("active members"), default=0)

    class Meta:
        verbose_name = _("week's active members")
        verbose_name_plural = _("weeks' active members")
        constraints = _scoped("weekactive", "week")

    def __str__(self) -> str:
        return f"{self.week} {self.category_id or '*'}"


class PipelineFigures(models.Model):
    """Ideas submitted on a day, by their status now and the furthest step they ever reached (an index in
    insights.STEPS): the funnel and its conversions for the ideas of any range of days."""

    day = models.DateField(_("day"))
    category = _scope_field()
    status = models.CharField(_("status"), max_length=20)
    furthest = models.PositiveSmallIntegerField(_("furthest step"))
    ideas = models.PositiveIntegerField(_("ideas"), default=0)

    class Meta:
        verbose_name = _("pipeline figures")
        verbose_name_plural = _("pipeline figures")
        constraints = _scoped("pipelinefigures", "day", "status", "furthest")

    def __str__(self) -> str:
        return f"{self.day} {self.status} {self.furthest}"


class StatusDays(models.Model):
    """How many ideas left a status on a day after `days` whole days in it: the medians' histogram."""

    day = models.DateField(_("day"))
    category = _scope_field()
    status = models.CharField(_("status"), max_length=20)
    days = models.PositiveIntegerField(_("days in status"))
    ideas = models.PositiveIntegerField(_("ideas"), default=0)

    class Meta:
        verbose_name = _("days in a status")
        verbose_name_plural = _("days in a status")
        constraints = _scoped("statusdays", "day", "status", "days")

    def __str__(self) -> str:
        return f"{self.day} {self.status} {self.days}d"


class QuarterLaunched(models.Model):
    """Ideas launched in a quarter (starting on its first day) and the distinct members who had upvoted
    them: the value the forum created."""

    quarter = models.DateField(_("quarter"))
    category = _scope_field()
    ideas = models.PositiveIntegerField(_("ideas launched"), default=0)
    supporters = models.PositiveIntegerField(_("supporters"), default=0)

    class Meta:
        verbose_name = _("quarter's launches")
        verbose_name_plural = _("quarters' launches")
        constraints = _scoped("quarterlaunched", "quarter")

    def __str__(self) -> str:
        return f"{self.quarter} {self.category_id or '*'}"


class RollupRun(models.Model):
    """One run of the dashboard's rollup: the page says when its figures were computed."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("computed at"))
    since = models.DateField(_("recomputed from"), null=True, blank=True)

    class Meta:
        verbose_name = _("figures computed")
        verbose_name_plural = _("figures computed")
        indexes = [models.Index(fields=["-finished_at"], name="rollup_latest")]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}"
