"""The points rules: each listens to one happening (core.happenings) and writes ledger lines.

How the ledger is fed: the apps whose actions earn points sit below `community`, so they cannot call it.
Their services report what happened (`core.happenings.happened`) inside their own transaction, and the
rules here, registered in `CommunityConfig.ready`, write the lines in that same transaction: a vote and
the upvote's points commit together or not at all. Every rule is fed this one way; the share rewards
(community/shares.py) are written by community's own services, in the transaction of the visit or vote.

A line says what earned it (`target`), so a reversal takes back exactly what was earned for that thing:
a withdrawn upvote what that voter's upvote earned, removed content everything its author earned for it.
"""

from django.conf import settings
from django.db.models import Sum

from community.badges import award_later
from community.models import LedgerEntry, Reason
from core.happenings import Happening, listen
from core.hiding import taken_out
from discussion.models import Comment
from ideas.models import Idea, Status
from pipeline.models import StatusChange
from voting.models import Vote

MILESTONES = {
    Status.REVIEWED: Reason.IDEA_REVIEWED,
    Status.COMING_SOON: Reason.IDEA_COMING_SOON,
    Status.LAUNCHED: Reason.IDEA_LAUNCHED,
}


def earn(member_id: int | None, reason: Reason, *, target: str, idea_id: int | None = None, by_id=None, points=None):
    """Write one ledger line: the reward's points from settings.POINTS, or `points` for a reversal."""
    points = settings.POINTS[reason] if points is None else points
    award_later(member_id)  # the member's badges are checked once this commits, even for a rule worth 0
    if member_id is None or not points:
        return None
    return LedgerEntry.objects.create(
        member_id=member_id, points=points, reason=reason, target=target, idea_id=idea_id, by_id=by_id
    )


def earned(member_id: int, *, target: str, reasons=None, by_id=None) -> int:
    """What the member's lines for `target` (of these reasons, brought by `by_id`) add up to now."""
    lines = LedgerEntry.objects.filter(member_id=member_id, target=target)
    if reasons is not None:
        lines = lines.filter(reason__in=reasons)
    if by_id is not None:
        lines = lines.filter(by_id=by_id)
    return lines.aggregate(total=Sum("points"))["total"] or 0


def take_back(member_id: int, reason: Reason, *, target: str, reasons=None, idea_id=None, by_id=None) -> None:
    """Write the reversal of what the member's lines for `target` (of these reasons, brought by `by_id`) earned,
    if they earned anything: an upvote that came with a merge earned nothing here, and takes nothing back."""
    owed = earned(member_id, target=target, reasons=reasons, by_id=by_id)
    if owed > 0:
        earn(member_id, reason, target=target, idea_id=idea_id, by_id=by_id, points=-owed)


def idea_submitted(*, idea: Idea) -> None:
    earn(idea.author_id, Reason.IDEA_SUBMITTED, target=f"idea:{idea.pk}", idea_id=idea.pk)


def vote_changed(*, idea: Idea, voter_id: int, before: int | None, after: int | None) -> None:
    """An upvote earns the idea's author; one that goes (withdrawn, turned down) takes back what it earned.
    Nothing moves while the idea is taken out: its removal took back all it had earned."""
    was_up, is_up = before == Vote.Value.UP, after == Vote.Value.UP
    if was_up == is_up or idea.author_id is None or taken_out(idea):
        return
    target = f"idea:{idea.pk}"
    if is_up:
        earn(idea.author_id, Reason.UPVOTE_RECEIVED, target=target, idea_id=idea.pk, by_id=voter_id)
        return
    reasons = [Reason.UPVOTE_RECEIVED, Reason.UPVOTE_WITHDRAWN]
    take_back(idea.author_id, Reason.UPVOTE_WITHDRAWN, target=target, reasons=reasons, idea_id=idea.pk, by_id=voter_id)


def comment_posted(*, comment) -> None:
    earn(comment.author_id, Reason.COMMENT_POSTED, target=f"comment:{comment.pk}", idea_id=comment.idea_id)


def official_response(*, comment) -> None:
    """The idea's author is answered officially: rewarded once per idea, however often the answer changes;
    not while the idea is taken out (its restoring rewards it then)."""
    idea = comment.idea
    if idea.author_id in (None, comment.author_id) or taken_out(idea):
        return
    _reward_once(idea, Reason.OFFICIAL_RESPONSE)


def idea_moved(*, idea: Idea, from_status: str, to_status: str) -> None:
    """Reaching reviewed, coming soon or launched rewards the author once per idea and step; not while the
    idea is taken out (its restoring rewards it then)."""
    if to_status in MILESTONES and idea.author_id is not None and not taken_out(idea):
        _reward_once(idea, MILESTONES[to_status])


def _reward_once(idea: Idea, reason: Reason) -> None:
    target = f"idea:{idea.pk}"
    if not earned(idea.author_id, target=target, reasons=[reason]):
        earn(idea.author_id, reason, target=target, idea_id=idea.pk)


def _rewards_reached(idea_id: int) -> None:
    """An idea back after being taken out: the steps it reached and the official answer it got meanwhile."""
    idea = Idea.objects.get(pk=idea_id)
    if idea.author_id is None:
        return
    reached = StatusChange.objects.filter(idea=idea, to_status__in=MILESTONES).values_list("to_status", flat=True)
    for status in set(reached):
        _reward_once(idea, MILESTONES[status])
    answered = Comment.objects.filter(idea=idea, official_at__isnull=False).exclude(author_id=idea.author_id)
    if answered.exists():
        _reward_once(idea, Reason.OFFICIAL_RESPONSE)


def content_removed(*, author_id: int | None, target: str, idea_id: int) -> None:
    """Everything the author earned for the idea or comment is taken back."""
    if author_id:
        take_back(author_id, Reason.CONTENT_REMOVED, target=target, idea_id=idea_id)


def content_restored(*, author_id: int | None, target: str, idea_id: int) -> None:
    """What its removal took back is given back."""
    reasons = [Reason.CONTENT_REMOVED, Reason.CONTENT_RESTORED]
    taken = earned(author_id, target=target, reasons=reasons) if author_id else 0
    if taken < 0:
        earn(author_id, Reason.CONTENT_RESTORED, target=target, idea_id=idea_id, points=-taken)
    if target.startswith("idea:"):
        _rewards_reached(idea_id)


def flags_upheld(*, flagger_ids: list[int], target: str) -> None:
    for flagger_id in flagger_ids:
        earn(flagger_id, Reason.FLAG_UPHELD, target=target)


def flags_overturned(*, flagger_ids: list[int], target: str) -> None:
    """The decision is undone on appeal: what each flagger earned for flagging the target is taken back."""
    reasons = [Reason.FLAG_UPHELD, Reason.FLAG_OVERTURNED]
    for flagger_id in flagger_ids:
        take_back(flagger_id, Reason.FLAG_OVERTURNED, target=target, reasons=reasons)


def register() -> None:
    listen(Happening.IDEA_SUBMITTED, idea_submitted)
    listen(Happening.VOTE_CHANGED, vote_changed)
    listen(Happening.COMMENT_POSTED, comment_posted)
    listen(Happening.OFFICIAL_RESPONSE, official_response)
    listen(Happening.IDEA_MOVED, idea_moved)
    listen(Happening.CONTENT_REMOVED, content_removed)
    listen(Happening.CONTENT_RESTORED, content_restored)
    listen(Happening.FLAGS_UPHELD, flags_upheld)
    listen(Happening.FLAGS_OVERTURNED, flags_overturned)
