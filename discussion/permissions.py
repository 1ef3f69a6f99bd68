"""Who may do what with comments, and why not: used by the comment services, the pages and the API."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotAllowed, NotSignedIn
from core.permissions import ALLOWED, Verdict, refuse
from discussion.models import Comment


class SignInToComment(NotSignedIn):
    default_message = _("Sign in to comment.")


class CommentsClosed(DomainError):
    status_code = 409
    code = "comments_closed"
    default_message = _("This idea was merged into another: the conversation goes on there.")


class ThreadLocked(DomainError):
    status_code = 409
    code = "thread_locked"
    default_message = _("A moderator locked the comments on this idea: no new comments.")


class NotTheCommentAuthor(NotAllowed):
    default_message = _("Only the author can edit this comment.")


class NotCommentAuthorOrStaff(NotAllowed):
    default_message = _("Only the author or staff can delete this comment.")


class NotProductTeam(NotAllowed):
    default_message = _("Only the product team marks the official response.")


class NotStaffForHistory(NotAllowed):
    default_message = _("Only moderators and staff see the earlier versions of a comment.")


def can_comment(*, user, idea) -> Verdict:
    """Members comment on any idea they may see (the idea's visibility is checked where it is read),
    unless a moderator locked its thread or it was merged into another."""
    if not user.is_authenticated:
        return refuse(SignInToComment())
    if idea.comments_locked_at is not None:
        return refuse(ThreadLocked())
    if not idea.comments_open:
        return refuse(CommentsClosed())
    return ALLOWED


def can_edit_comment(*, user, comment: Comment) -> Verdict:
    """The author edits their own comment; nobody else changes what a member wrote."""
    if user.is_authenticated and comment.author_id is not None and comment.author_id == user.pk:
        return ALLOWED
    return refuse(NotTheCommentAuthor())


def can_delete_comment(*, user, comment: Comment) -> Verdict:
    """The author, or staff (moderators, product team, admins), who give a reason for the audit trail."""
    if user.is_authenticated and (
        (comment.author_id is not None and comment.author_id == user.pk) or user.is_staff_member
    ):
        return ALLOWED
    return refuse(NotCommentAuthorOrStaff())


def is_staff_deletion(*, user, comment: Comment) -> bool:
    """Staff removing someone else's comment: recorded in the audit trail, with a reason."""
    return user.is_authenticated and comment.author_id != user.pk and user.is_staff_member


def can_mark_official(*, user) -> Verdict:
    """The product team answers for the company: only they mark (or unmark) the official response."""
    if user.is_authenticated and user.is_product_team:
        return ALLOWED
    return refuse(NotProductTeam())


def can_see_history(*, user) -> Verdict:
    """Moderators and staff read the earlier versions of an edited comment; members never do."""
    if user.is_authenticated and user.is_staff_member:
        return ALLOWED
    return refuse(NotStaffForHistory())
