"""Who may move ideas and read or write internal notes, and why not: used by the pipeline services, the
pages, the API and the live topics."""

from django.utils.translation import gettext_lazy as _

from core.errors import NotAllowed, NotSignedIn
from core.permissions import ALLOWED, Verdict, refuse


class NotProductTeam(NotAllowed):
    default_message = _("Only the product team moves ideas through the pipeline.")


class NotStaff(NotAllowed):
    default_message = _("Only the product team and moderators see internal notes.")


class SignInFirst(NotSignedIn):
    default_message = _("Sign in as a member of the product team.")


def can_move(*, user) -> Verdict:
    """The product team (and admins) move ideas, merge them and reopen them; nobody else does."""
    if not user.is_authenticated:
        return refuse(SignInFirst())
    if user.is_product_team:
        return ALLOWED
    return refuse(NotProductTeam())


def can_see_internal_notes(*, user) -> Verdict:
    """Staff: the product team, moderators and admins read and write internal notes; members never."""
    if not user.is_authenticated:
        return refuse(SignInFirst())
    if user.is_staff_member:
        return ALLOWED
    return refuse(NotStaff())
