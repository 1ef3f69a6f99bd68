"""Who may do what with an idea, and why not: used by the idea services, the pages, the API and the live topics."""

from django.utils.translation import gettext_lazy as _

from core.errors import NotAllowed, NotSignedIn
from core.permissions import ALLOWED, Verdict, refuse
from ideas.models import Idea


class NotTheAuthor(NotAllowed):
    default_message = _("Only the author can edit this idea.")


class NotAuthorOrStaff(NotAllowed):
    default_message = _("Only the author or staff can delete this idea.")


def can_edit(*, user, idea: Idea) -> Verdict:
    """The author edits their own idea (staff act on others' content through moderation)."""
    if user.is_authenticated and idea.author_id == user.pk:
        return ALLOWED
    return refuse(NotTheAuthor())


def can_delete(*, user, idea: Idea) -> Verdict:
    """The author, or staff (moderators, product team, admins)."""
    if user.is_authenticated and (idea.author_id == user.pk or user.is_staff_member):
        return ALLOWED
    return refuse(NotAuthorOrStaff())


def is_staff_action(*, user, idea: Idea) -> bool:
    """Staff acting on someone else's idea: recorded in the audit trail, with a reason."""
    return user.is_authenticated and idea.author_id != user.pk and user.is_staff_member


class SignInToFollow(NotSignedIn):
    default_message = _("Sign in to follow ideas.")


def can_follow(*, user, idea: Idea) -> Verdict:
    """Members follow any idea they may see (the idea's visibility is checked where it is read)."""
    if not user.is_authenticated:
        return refuse(SignInToFollow())
    return ALLOWED
