"""Who may flag, see the queue, decide, sanction and appeal, and why not: used by the moderation services,
the pages, the API and the `moderation` live topic."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotAllowed, NotSignedIn
from core.permissions import ALLOWED, Verdict, refuse
from moderation.models import Action, ActionKind, Appeal


class SignInToFlag(NotSignedIn):
    default_message = _("Sign in to flag something for the moderators.")


class OwnContent(DomainError):
    code = "own_content"
    default_message = _("You cannot flag what you wrote yourself, or yourself.")


class NotModerationStaff(NotAllowed):
    default_message = _("Only moderators and staff see the moderation queue and log.")


class NotModerator(NotAllowed):
    default_message = _("Only moderators decide what happens to flagged content.")


class NotAnAdminForStaff(NotAllowed):
    code = "staff_member"
    default_message = _("Only an admin can suspend or ban a moderator or a member of staff.")


class AdminAccount(NotAllowed):
    code = "admin_account"
    default_message = _("An admin's account cannot be suspended or banned here.")


class NotYourAction(NotAllowed):
    default_message = _("You can appeal only what a moderator did to something of yours.")


class NotAppealable(NotAllowed):
    code = "not_appealable"
    default_message = _("This action cannot be appealed.")


class OwnCase(NotAllowed):
    code = "own_case"
    default_message = _("Another moderator decides what happens to what you wrote, and to your appeals.")


class SameModerator(NotAllowed):
    code = "same_moderator"
    default_message = _("Another moderator decides an appeal against your own action.")


# What an author may appeal: everything done to them, except a dismissal (which is in their favour), the
# decision on an appeal, and a ban (a banned member cannot sign in to appeal; they write to the company).
APPEALABLE = frozenset(
    {
        ActionKind.HIDE,
        ActionKind.DELETE,
        ActionKind.EDIT,
        ActionKind.LOCK,
        ActionKind.DUPLICATE,
        ActionKind.WARN,
        ActionKind.SUSPEND,
    }
)


def can_flag(*, user, author_id: int | None = None) -> Verdict:
    """Anyone signed in flags what someone else wrote, or someone else (`author_id`: whose it is, the member
    for a member); a suspended member's flag is refused by accounts.permissions.can_write."""
    if not user.is_authenticated:
        return refuse(SignInToFlag())
    if author_id is not None and author_id == user.pk:
        return refuse(OwnContent())
    return ALLOWED


def can_see_moderation(*, user) -> Verdict:
    """Moderators and staff read the queue, the alerts and the audit log, and listen to `moderation`."""
    if user.is_authenticated and user.is_staff_member:
        return ALLOWED
    return refuse(NotModerationStaff())


def can_moderate(*, user) -> Verdict:
    """Moderators (and admins, who hold every role) decide cases and acknowledge alerts."""
    if user.is_authenticated and user.is_moderator:
        return ALLOWED
    return refuse(NotModerator())


def can_sanction(*, actor, member) -> Verdict:
    """A moderator suspends or bans members; only an admin does so to a moderator or member of staff, and
    nobody here to an admin (an admin's account is managed in the admin site)."""
    if member.is_superuser:
        return refuse(AdminAccount())
    if member.is_staff_member and not actor.is_superuser:
        return refuse(NotAnAdminForStaff())
    return ALLOWED


def can_appeal(*, user, action: Action) -> Verdict:
    """The member the action was about appeals it, once (the once is the service's to check, under lock)."""
    if not user.is_authenticated or action.subject_id != user.pk:
        return refuse(NotYourAction())
    if action.action not in APPEALABLE or action.undone_at is not None:
        return refuse(NotAppealable())
    return ALLOWED


def can_decide(*, user, author_id: int | None) -> Verdict:
    """A moderator decides cases, but not those about what they wrote (or about themselves)."""
    verdict = can_moderate(user=user)
    if not verdict:
        return verdict
    if author_id is not None and author_id == user.pk:
        return refuse(OwnCase())
    return ALLOWED


def can_decide_appeal(*, user, appeal: Appeal) -> Verdict:
    """A moderator other than the one who acted, and other than the one appealing, decides the appeal."""
    verdict = can_decide(user=user, author_id=appeal.member_id)
    if not verdict:
        return verdict
    if appeal.action.actor_id == user.pk:
        return refuse(SameModerator())
    return ALLOWED
