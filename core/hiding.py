"""Hidden content: the states moderation puts an idea, a comment or a member's profile in, and who still sees it.

The apps that own the content (ideas, discussion, accounts) store one of these states and apply it in their
one visibility rule; moderation, above them, decides when to change it. Hidden content is seen by its author
(with a notice saying why) and by moderators and staff; everyone else sees a placeholder or nothing.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Hidden(models.TextChoices):
    NO = "", _("Shown")
    PENDING = "pending", _("Hidden pending review")
    BY_MODERATOR = "moderator", _("Hidden by a moderator")


HIDDEN_REASON_MAX = 1000


def sees_hidden(viewer, author_id: int | None) -> bool:
    """Whether this viewer sees content hidden by moderation: its author, moderators and staff."""
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.is_staff_member or (author_id is not None and author_id == viewer.pk)


def hidden_fields() -> tuple[models.Field, models.Field, models.Field]:
    """The three fields that hold a hidden state: what it is, since when, and the reason its author reads."""
    return (
        models.CharField(_("hidden"), max_length=10, choices=Hidden.choices, default=Hidden.NO, blank=True),
        models.DateTimeField(_("hidden since"), null=True, blank=True, editable=False),
        models.TextField(_("why it is hidden"), max_length=HIDDEN_REASON_MAX, blank=True),
    )


# Taken out: content deleted (by its author, staff or a moderator) or hidden by a moderator's decision. What its
# author earned for it is taken back while it is out (community's points and badges); hidden pending review,
# it waits for the decision.


def taken_out(content) -> bool:
    """Whether the idea or comment is taken out."""
    return content.deleted_at is not None or content.hidden == Hidden.BY_MODERATOR


def kept(prefix: str = "") -> models.Q:
    """Ideas or comments (through `prefix`, as "idea__") not taken out, as a query condition."""
    return models.Q(**{f"{prefix}deleted_at__isnull": True}) & ~models.Q(**{f"{prefix}hidden": Hidden.BY_MODERATOR})
