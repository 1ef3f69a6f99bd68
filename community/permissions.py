"""Who may do what in community: share with links that count, see where an idea's visitors came from, and
see the staff dashboard."""

from django.utils.translation import gettext_lazy as _

from core.errors import NotAllowed, NotSignedIn
from core.permissions import ALLOWED, Verdict, refuse
from ideas.models import Idea


class SignInToShare(NotSignedIn):
    default_message = _("Sign in to share ideas with a link that counts.")


class NotAuthorOrStaff(NotAllowed):
    default_message = _("Only the idea's author and staff see where its visitors came from.")


class SignInToSeeSources(NotSignedIn):
    default_message = _("Sign in as the idea's author or as staff.")


def can_share(*, user) -> Verdict:
    """Members share with links that count; a visitor's share buttons carry no code and count nothing."""
    return ALLOWED if user.is_authenticated else refuse(SignInToShare())


def can_see_sources(*, user, idea: Idea) -> Verdict:
    """The idea's author and staff (product team, moderators, admins) see where its visitors came from."""
    if not user.is_authenticated:
        return refuse(SignInToSeeSources())
    if idea.author_id == user.pk or user.is_staff_member:
        return ALLOWED
    return refuse(NotAuthorOrStaff())


class NotProductTeam(NotAllowed):
    default_message = _("Only the product team and admins see the staff dashboard.")


def can_see_insights(*, user) -> Verdict:
    """Analytics are the product team's (PRODUCT.md); admins hold every role."""
    if user.is_authenticated and user.is_product_team:
        return ALLOWED
    return refuse(NotProductTeam())
