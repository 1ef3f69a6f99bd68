"""Casting, changing and withdrawing votes; counts and sort keys change in the same transaction."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can_write
from core import ratelimit
from core.happenings import Happening, happened
from core.live import publish
from ideas import ranking
from ideas.models import Idea
from ideas.services import follow_auto
from voting import events
from voting.models import Vote
from voting.permissions import OwnIdea, VotingClosed, can_vote

__all__ = [
    "OwnIdea",
    "VoteResult",
    "VotingClosed",
    "vote_cast",
    "vote_toggle",
    "vote_withdraw",
    "votes_merge",
    "votes_withdraw_all",
]


@dataclass(frozen=True)
class VoteResult:
    idea: Idea
    my_vote: int | None


def _locked_idea(idea_id: int, actor: User) -> Idea:
    """The idea as the voter may see it, locked until commit, so votes on one idea apply one after another."""
    return Idea.objects.visible_to(actor).select_for_update().get(pk=idea_id)


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


def _check_value(value) -> None:
    if value not in Vote.Value.values:
        raise ValidationError({"value": [_("A vote is 1 (up) or -1 (down).")]})


def _cast(idea: Idea, actor: User, vote: Vote | None, value: int) -> bool:
    """Set the member's vote on the locked idea to `value`; False if it already was."""
    if vote and vote.value == value:
        return False
    before = (vote.value, vote.updated_at) if vote else None
    if vote:
        vote.value = value
        vote.save(update_fields=["value", "updated_at"])
    else:
        vote = Vote.objects.create(voter=actor, idea=idea, value=value)
    _apply(idea, before, (vote.value, vote.updated_at))
    follow_auto(member=actor, idea=idea)
    happened(Happening.VOTE_CHANGED, idea=idea, voter_id=actor.pk, before=before[0] if before else None, after=value)
    return True


def _withdraw(idea: Idea, vote: Vote | None) -> bool:
    """Take the member's vote off the locked idea; False if there was none."""
    if vote is None:
        return False
    vote.delete()
    _apply(idea, (vote.value, vote.updated_at), None)
    happened(Happening.VOTE_CHANGED, idea=idea, voter_id=vote.voter_id, before=vote.value, after=None)
    return True


def _vote(*, actor: User, idea_id: int, decide) -> VoteResult:
    """Lock the idea, check, and let `decide(idea, current vote)` change the vote: cast, change or
    withdraw is chosen from the vote as it stands under the lock, never from an earlier read."""
    can_write(user=actor).check()
    ratelimit.check_write(actor=actor, action="vote")
    with transaction.atomic():
        idea = _locked_idea(idea_id, actor)
        can_vote(user=actor, idea=idea).check()
        vote = Vote.objects.filter(voter=actor, idea=idea).first()
        changed, mine = decide(idea, vote)
    if changed:
        publish(*events.vote_changed(idea))
    return VoteResult(idea, mine)


def vote_cast(*, actor: User, idea_id: int, value: int) -> VoteResult:
    """A member votes an idea up or down, or changes their vote."""
    _check_value(value)
    return _vote(actor=actor, idea_id=idea_id, decide=lambda idea, vote: (_cast(idea, actor, vote, value), value))


def vote_withdraw(*, actor: User, idea_id: int) -> VoteResult:
    """A member takes their vote back; withdrawing a vote that is not there changes nothing."""
    return _vote(actor=actor, idea_id=idea_id, decide=lambda idea, vote: (_withdraw(idea, vote), None))


def vote_toggle(*, actor: User, idea_id: int, value: int) -> VoteResult:
    """A press of a vote button: the other way or no vote becomes `value`; pressing one's current
    vote takes it back. Two quick presses apply one after the other."""
    _check_value(value)

    def decide(idea: Idea, vote: Vote | None) -> tuple[bool, int | None]:
        if vote and vote.value == value:
            return _withdraw(idea, vote), None
        return _cast(idea, actor, vote, value), value

    return _vote(actor=actor, idea_id=idea_id, decide=decide)


def votes_withdraw_all(*, member: User) -> None:
    """Before a member's account goes, their votes go, and every count stays true. The ideas are
    locked first and the votes read under the locks, again until none is left, so a vote cast
    meanwhile is withdrawn too."""
    changed = {}
    with transaction.atomic():
        while idea_ids := list(Vote.objects.filter(voter=member).values_list("idea_id", flat=True)):
            ideas = list(Idea.objects.select_for_update().filter(pk__in=idea_ids).order_by("pk"))
            votes = {vote.idea_id: vote for vote in Vote.objects.filter(voter=member, idea_id__in=idea_ids)}
            for idea in ideas:
                if _withdraw(idea, votes.get(idea.pk)):
                    changed[idea.pk] = idea
    for idea in changed.values():
        if not idea.is_deleted:  # a deleted idea's topic is closed: nobody may hear of it
            publish(*events.vote_changed(idea))


def _recount(idea: Idea, trending: float) -> None:
    """Set the idea's counts from its votes as they now are, and its sort keys from those counts."""
    counts = Vote.objects.filter(idea=idea).aggregate(
        upvotes=Count("pk", filter=Q(value=Vote.Value.UP)), downvotes=Count("pk", filter=Q(value=Vote.Value.DOWN))
    )
    idea.upvotes, idea.downvotes = counts["upvotes"], counts["downvotes"]
    idea.score = idea.upvotes - idea.downvotes
    idea.hot = ranking.hot(idea.score, idea.created_at)
    idea.wilson = ranking.wilson(idea.upvotes, idea.downvotes)
    idea.trending = trending
    idea.save(update_fields=["upvotes", "downvotes", "score", "hot", "wilson", "trending", "updated_at"])


def votes_merge(*, source: Idea, target: Idea) -> int:
    """Move the votes of `source` to `target` (a merge), in set-based SQL whatever their number: a
    member who voted on both keeps the vote on `target`, and the target's author never gets a vote on
    their own idea; both ideas' counts and sort keys are exact afterwards. Runs in the caller's
    transaction, which holds both ideas' row locks (so no vote comes or goes meanwhile). How many votes
    moved."""
    on_source = Vote.objects.filter(idea=source)
    kept = Q(voter_id__in=Vote.objects.filter(idea=target).values("voter_id"))
    if target.author_id is not None:
        kept |= Q(voter_id=target.author_id)
    leaving_up = list(on_source.filter(value=Vote.Value.UP).values_list("updated_at", flat=True))
    arriving_up = list(on_source.filter(value=Vote.Value.UP).exclude(kept).values_list("updated_at", flat=True))
    on_source.filter(kept).delete()  # the member's vote on the target stays
    moved = on_source.update(idea=target)
    _recount(source, ranking.trending_remove_all(source.trending, leaving_up))
    _recount(target, ranking.trending_add_all(target.trending, arriving_up))
    return moved
