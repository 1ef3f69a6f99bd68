"""Comments on ideas, their earlier versions and the members they mention."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.hiding import Hidden, hidden_fields
from ideas.models import Idea

COMMENT_MAX = 5000
DEPTH_MAX = 3
# Ids in a thread key are zero-padded to this width, so the text order of keys is the thread order.
PATH_WIDTH = 20
_NEWEST_BASE = 10**PATH_WIDTH


def path_part(pk: int) -> str:
    return str(pk).zfill(PATH_WIDTH)


def thread_paths(comment_id: int, parent: "Comment | None") -> tuple[str, str]:
    """The comment's keys in both thread orders: its ancestors' ids then its own, oldest first; and
    the same with the top-level id counted down from 10**20, so top-level comments come newest first
    while replies under each stay oldest first. One indexed ORDER BY reads either order."""
    if parent is None:
        return path_part(comment_id), path_part(_NEWEST_BASE - comment_id)
    own = "/" + path_part(comment_id)
    return parent.path + own, parent.path_newest + own


class CommentQuerySet(models.QuerySet):
    """The one visibility rule of comments: every list, page, API answer and task reads through it."""

    def visible_to(self, user) -> "CommentQuerySet":
        """Comments on ideas this person may see. Deleted ones, and hidden ones for all but their author
        and staff, stay as placeholders that keep the thread readable: their text and author are never
        shown (Comment.concealed, Comment.shown_body and friends)."""
        return self.filter(idea__in=Idea.objects.visible_to(user))


class Comment(models.Model):
    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    # Where it sits in the thread; `reply_to` is the comment it answers, which differs from `parent`
    # when a reply to a comment at the deepest level sits beside it.
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    reply_to = models.ForeignKey(
        "self", verbose_name=_("in reply to"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=1)
    body = models.TextField(_("comment"), max_length=COMMENT_MAX)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    path = models.CharField(max_length=(PATH_WIDTH + 1) * DEPTH_MAX, editable=False)
    path_newest = models.CharField(max_length=(PATH_WIDTH + 1) * DEPTH_MAX, editable=False)
    official_at = models.DateTimeField(_("marked official"), null=True, blank=True, editable=False)
    official_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked official by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Moderation: hidden from all but its author and staff (core.hiding), edited by a moderator.
    hidden, hidden_at, hidden_reason = hidden_fields()
    moderated_at = models.DateTimeField(_("edited by a moderator"), null=True, blank=True, editable=False)

    # Whether the reader may see it while hidden: set per reader by discussion.selectors; a comment read
    # any other way shows a hidden one as its placeholder.
    reader_sees_hidden = False

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["idea", "path"], name="discussion_comment_thread"),
            models.Index(fields=["idea", "path_newest"], name="discussion_comment_newest"),
            models.Index(fields=["author", "-created_at"], name="discussion_comment_author"),
            # The early warning's hourly count of new comments (moderation/warning.py).
            models.Index(fields=["created_at"], name="discussion_comment_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(depth__gte=1, depth__lte=DEPTH_MAX), name="discussion_comment_depth_1_to_3"
            ),
            models.UniqueConstraint(
                fields=["idea"],
                condition=models.Q(official_at__isnull=False),
                name="discussion_comment_one_official_per_idea",
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.idea_id}"

    def get_absolute_url(self) -> str:
        """The exact place on the idea's page (no query: the idea's id is enough)."""
        return f"{reverse('idea_detail', args=[self.idea_id])}#comment-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_official(self) -> bool:
        return self.official_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden != Hidden.NO

    @property
    def concealed(self) -> bool:
        """Shown to this reader as a placeholder: deleted, or hidden and the reader is not its author or staff."""
        return self.is_deleted or (self.is_hidden and not self.reader_sees_hidden)

    @property
    def shown_body(self) -> str:
        """The Markdown the reader may read: nothing of a concealed comment."""
        return "" if self.concealed else self.body

    @property
    def shown_body_html(self) -> str:
        return "" if self.concealed else self.body_html

    @property
    def shown_author(self):
        """The author the reader may see: nobody for a concealed comment (the placeholder names no one)."""
        return None if self.concealed else self.author


class CommentRevision(models.Model):
    """An earlier version of a comment, kept by each edit; moderators and staff read them, members never."""

    comment = models.ForeignKey(Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        indexes = [models.Index(fields=["comment", "created_at"], name="discussion_revision_comment")]

    def __str__(self) -> str:
        return f"version of comment {self.comment_id} from {self.created_at:%Y-%m-%d %H:%M}"


class Mention(models.Model):
    """A member a comment mentions, by id: the name in the text is only what the author typed."""

    comment = models.ForeignKey(Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="mentions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="mentions"
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["comment", "member"], name="discussion_mention_once")]

    def __str__(self) -> str:
        return f"{self.member_id} in comment {self.comment_id}"
