"""Casting, changing and withdrawing votes; counts and sort keys change in the same transaction."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from config.errors import DomainError, NotAllowed
from config.live import publish
from ideas.models import Idea
from voting import events, ranking
from voting.models import Vote


class OwnIdea(NotAllowed):
    code = "own_idea"
    default_message = gettext_lazy("You cannot vote on your own idea.")


class VotingClosed(DomainError):
    status_code = 409
    code = "voting_closed"
    default_message = gettext_lazy("Voting on this idea is closed.")


@dataclass(frozen=True)
class VoteResult:
    idea: Idea
    my_vote: int | None


def _locked_idea(idea_id: int) -> Idea:
    """The idea, locked until commit, so votes on one idea apply one after another."""
    return Idea.objects.select_for_update().get(pk=idea_id, deleted_at__isnull=True)


def _check(idea: Idea, voter: User) -> None:
    if idea.author_id == voter.pk:
        raise OwnIdea()
    if not idea.voting_open:
        raise VotingClosed()


# A vote as it stood: its value and when it took that value (the time its trending weight has).
Cast = tuple[int, datetime]


def _apply(idea: Idea, before: Cast | None, after: Cast | None) -> Idea:
    """Move the idea from one member's vote `before` to `after` (None: no vote): add to the counts
    in the database (no read-modify-write), then recompute the sort keys from the row this
    transaction holds locked. An upvote that goes leaves trending, one that comes adds to it."""
    old, new = before[0] if before else None, after[0] if after else None
    up = (new == Vote.Value.UP) - (old == Vote.Value.UP)
    down = (new == Vote.Value.DOWN) - (old == Vote.Value.DOWN)
    Idea.objects.filter(pk=idea.pk).update(
        upvotes=F("upvotes") + up, downvotes=F("downvotes") + down, score=F("score") + up - down
    )
    counts = Idea.objects.values("upvotes", "downvotes", "score", "trending").get(pk=idea.pk)
    keys = {
        "hot": ranking.hot(counts["score"], idea.created_at),
        "wilson": ranking.wilson(counts["upvotes"], counts["downvotes"]),
    }
    if old == Vote.Value.UP:
        keys["trending"] = counts["trending"] = ranking.trending_remove(counts["trending"], before[1])
    if new == Vote.Value.UP:
        keys["trending"] = ranking.trending_add(counts["trending"], after[1])
    Idea.objects.filter(pk=idea.pk).update(**keys)
    for name, value in {**counts, **keys}.items():
        setattr(idea, name, value)
    return idea


def vote_cast(*, voter: User, idea_id: int, value: int) -> VoteResult:
    """A member votes an idea up or down, or changes their vote."""
    if value not in Vote.Value.values:
        raise ValidationError({"value": [_("A vote is 1 (up) or -1 (down).")]})
    with transaction.atomic():
        idea = _locked_idea(idea_id)
        _check(idea, voter)
        vote = Vote.objects.filter(voter=voter, idea=idea).first()
        if vote and vote.value == value:
            return VoteResult(idea, value)
        before = (vote.value, vote.updated_at) if vote else None
        if vote:
            vote.value = value
            vote.save(update_fields=["value", "updated_at"])
        else:
            vote = Vote.objects.create(voter=voter, idea=idea, value=value)
        _apply(idea, before, (vote.value, vote.updated_at))
    publish(*events.vote_changed(idea))
    return VoteResult(idea, value)


def vote_withdraw(*, voter: User, idea_id: int) -> VoteResult:
    """A member takes their vote back; withdrawing a vote that is not there changes nothing."""
    with transaction.atomic():
        idea = _locked_idea(idea_id)
        _check(idea, voter)
        deleted = _withdraw(idea, voter)
    if deleted:
        publish(*events.vote_changed(idea))
    return VoteResult(idea, None)


def _withdraw(idea: Idea, voter: User) -> bool:
    vote = Vote.objects.filter(voter=voter, idea=idea).first()
    if vote is None:
        return False
    vote.delete()
    _apply(idea, (vote.value, vote.updated_at), None)
    return True


def votes_withdraw_all(*, voter: User) -> None:
    """Before a member's account goes, their votes go, and every count stays true."""
    idea_ids = list(Vote.objects.filter(voter=voter).values_list("idea_id", flat=True))
    changed = []
    with transaction.atomic():
        for idea in Idea.objects.select_for_update().filter(pk__in=idea_ids).order_by("pk"):
            if _withdraw(idea, voter):
                changed.append(idea)
    for idea in changed:
        publish(*events.vote_changed(idea))
