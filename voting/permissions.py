"""Who may vote on an idea, and why not: used by the vote services, the pages and the API."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotAllowed, NotSignedIn
from core.permissions import ALLOWED, Verdict, refuse
from ideas.models import Status


class SignInToVote(NotSignedIn):
    default_message = _("Sign in to vote.")


class OwnIdea(NotAllowed):
    code = "own_idea"
    default_message = _("You cannot vote on your own idea.")


class VotingClosed(DomainError):
    status_code = 409
    code = "voting_closed"
    default_message = _("Voting on this idea is closed.")


# Why voting on an idea is closed, in words beside its vote buttons.
CLOSED_BECAUSE = {
    Status.LAUNCHED: _("Voting is closed: this idea has launched."),
    Status.DECLINED: _("Voting is closed: this idea is not planned."),
    Status.MERGED: _("Voting is closed: this idea was merged into another, where its votes now count."),
}


def voting_closed(idea) -> str:
    """Why voting on the idea is closed, in words ("" while it is open): the same for visitors and members."""
    return "" if idea.voting_open else str(CLOSED_BECAUSE.get(idea.status, VotingClosed.default_message))


def can_vote(*, user, idea) -> Verdict:
    """Members vote on other members' ideas while they are open."""
    if not user.is_authenticated:
        return refuse(SignInToVote())
    if idea.author_id == user.pk:
        return refuse(OwnIdea())
    if not idea.voting_open:
        return refuse(VotingClosed(voting_closed(idea)))
    return ALLOWED
