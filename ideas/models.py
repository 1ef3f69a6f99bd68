"""Ideas, their categories and tags."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import holds_role
from core.hiding import Hidden, hidden_fields, sees_hidden

TITLE_MIN = 5
TITLE_MAX = 120
BODY_MAX = 10_000
TAGS_MAX = 5
TAG_MAX = 40


class Category(models.Model):
    """An admin-managed area of the company, optionally under a parent category."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("open for new ideas"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="ideas_category_unique_name_in_parent"),
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="ideas_category_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=TAG_MAX, unique=True)
    slug = models.SlugField(_("slug"), max_length=TAG_MAX, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    """The public pipeline, from proposal to launch (PRODUCT section 4)."""

    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    REVIEWED = "reviewed", _("Reviewed")
    COMING_SOON = "coming_soon", _("Coming soon")
    LAUNCHED = "launched", _("Launched")
    DECLINED = "declined", _("Not planned")
    MERGED = "merged", _("Merged")


VOTING_CLOSED = frozenset({Status.LAUNCHED, Status.DECLINED, Status.MERGED})
# A merged idea's conversation goes on at the idea it was merged into; its own stays readable.
COMMENTS_CLOSED = frozenset({Status.MERGED})


def in_category(category: "Category", prefix: str = "") -> models.Q:
    """The rule "a category includes its subcategories" (one level: categories nest once), as a condition on
    ideas, or through `prefix` ("idea__") on what belongs to an idea."""
    return models.Q(**{f"{prefix}category": category}) | models.Q(**{f"{prefix}category__parent": category})


def readers_of_hidden(idea: "Idea") -> models.Q:
    """The members who see the idea while moderation hides it, as a filter on members: its author, moderators,
    product team and admins (IdeaQuerySet.visible_to's rule, from the members' side)."""
    return models.Q(pk=idea.author_id) | models.Q(is_superuser=True) | models.Q(holds_role(models.OuterRef("pk")))


class IdeaQuerySet(models.QuerySet):
    """The one visibility rule of ideas: every list, page, API response, vote and live topic reads through it."""

    def in_category(self, category: "Category | None") -> "IdeaQuerySet":
        """A category includes its subcategories; None is every category."""
        return self if category is None else self.filter(in_category(category))

    def visible(self) -> "IdeaQuerySet":
        """What everyone may see: ideas that are neither deleted nor hidden by moderation."""
        return self.filter(deleted_at__isnull=True, hidden=Hidden.NO)

    def visible_to(self, user) -> "IdeaQuerySet":
        """What this person may see: what everyone may, and ideas hidden by moderation to their author
        and to moderators and staff (core.hiding.sees_hidden says the same of one idea)."""
        if user is None or not user.is_authenticated:
            return self.visible()
        live = self.filter(deleted_at__isnull=True)
        if user.is_superuser:
            return live
        # The roles in SQL, not in Python: no query of its own for the member's groups.
        return live.filter(models.Q(hidden=Hidden.NO) | models.Q(author=user.pk) | models.Q(holds_role(user.pk)))


class Idea(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("description"), max_length=BODY_MAX)
    body_html = models.TextField(editable=False)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="ideas")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="ideas")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    # When the product team last moved it (None while it is new); the pipeline sets both.
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_ideas",
        editable=False,
    )
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    # Sort keys, stored and indexed, recomputed only when votes (or comments) change: ideas/ranking.py.
    hot = models.FloatField(default=0.0)
    wilson = models.FloatField(default=0.0)
    trending = models.FloatField(default=0.0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Moderation: hidden from all but its author and staff (core.hiding), its thread locked, edited by a moderator.
    hidden, hidden_at, hidden_reason = hidden_fields()
    comments_locked_at = models.DateTimeField(_("comments locked"), null=True, blank=True, editable=False)
    moderated_at = models.DateTimeField(_("edited by a moderator"), null=True, blank=True, editable=False)
    # The revision of what the author edits (title, body, category, tags), one up per edit: the API's
    # ETag, so a client's If-Match refuses an edit made on an older revision. Votes do not change it.
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="ideas_idea_new"),
            models.Index(fields=["status", "-created_at", "-id"], name="ideas_idea_status_new"),
            models.Index(fields=["-hot", "-id"], name="ideas_idea_hot"),
            models.Index(fields=["status", "-hot", "-id"], name="ideas_idea_status_hot"),
            models.Index(fields=["-wilson", "-id"], name="ideas_idea_top"),
            models.Index(fields=["status", "-wilson", "-id"], name="ideas_idea_status_top"),
            models.Index(fields=["-trending", "-id"], name="ideas_idea_trending"),
            models.Index(fields=["status", "-trending", "-id"], name="ideas_idea_status_trending"),
            models.Index(fields=["-comment_count", "-id"], name="ideas_idea_discussed"),
            models.Index(fields=["status", "-comment_count", "-id"], name="ideas_idea_status_discussed"),
            models.Index(fields=["category", "-created_at", "-id"], name="ideas_idea_category_new"),
            models.Index(fields=["author", "-created_at"], name="ideas_idea_author_new"),
            # The roadmap's columns and the Launched page: latest move first within a status.
            models.Index(fields=["status", "-status_changed_at", "-id"], name="ideas_idea_status_moved"),
            # Triage: the most supported first within a status.
            models.Index(fields=["status", "-score", "-id"], name="ideas_idea_status_score"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="ideas_idea_status_valid"),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("title"), TITLE_MIN), name="ideas_idea_title_min_length"
            ),
            models.CheckConstraint(
                condition=models.Q(score=models.F("upvotes") - models.F("downvotes")), name="ideas_idea_score_is_net"
            ),
            # A merged idea names the idea it was merged into, and only a merged one does.
            models.CheckConstraint(
                condition=models.Q(status=Status.MERGED, merged_into__isnull=False)
                | (~models.Q(status=Status.MERGED) & models.Q(merged_into__isnull=True)),
                name="ideas_idea_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")), name="ideas_idea_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("idea_detail", args=[self.pk])

    @property
    def etag(self) -> str:
        """The strong entity tag of this revision of the idea, quoted as in the ETag header."""
        return f'"{self.pk}.{self.revision}"'

    @property
    def voting_open(self) -> bool:
        return self.status not in VOTING_CLOSED

    @property
    def comments_open(self) -> bool:
        return self.status not in COMMENTS_CLOSED and self.comments_locked_at is None

    @property
    def is_hidden(self) -> bool:
        return self.hidden != Hidden.NO

    @property
    def is_public(self) -> bool:
        """Whether everyone may see it: what the public live topics may tell of it."""
        return not self.is_deleted and not self.is_hidden

    def seen_by(self, user) -> bool:
        """The visibility rule (IdeaQuerySet.visible_to) for one idea already read: whether this person may
        see it, so a page that names it (a merge's target, an action's idea) names it only to them."""
        return self.is_public or (not self.is_deleted and sees_hidden(user, self.author_id))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Follow(models.Model):
    """A member following an idea (told of its new comments and official response). A row with
    `following` False is an explicit unfollow, kept so a later vote or comment does not follow again."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="follows"
    )
    following = models.BooleanField(_("following"), default=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["idea", "member"], name="ideas_follow_one_per_member_and_idea")]
        indexes = [models.Index(fields=["idea", "following", "member"], name="ideas_follow_followers")]

    def __str__(self) -> str:
        return f"{self.member_id} {'follows' if self.following else 'unfollowed'} {self.idea_id}"


class IdeaRevision(models.Model):
    """An earlier version of an idea's title and description, kept by each edit; moderators and staff read them."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("description"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        indexes = [models.Index(fields=["idea", "created_at"], name="ideas_revision_idea")]

    def __str__(self) -> str:
        return f"version of idea {self.idea_id} from {self.created_at:%Y-%m-%d %H:%M}"
