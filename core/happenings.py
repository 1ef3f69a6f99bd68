"""Happenings: what a service reports, inside its transaction, for the apps above it to act on.

A lower app cannot call the apps above it, yet some of them keep a record of what the lower apps do:
`community` writes a member's points when their idea is submitted, upvoted or launched. So the service
that does the thing says so, explicitly, at the line where it happens: `happened(Happening.X, ...)`.
The apps above register their listeners in `AppConfig.ready` (as `core.live.register_topic` and
`core.member_data` are filled in). A listener runs in the reporting service's transaction: what it
writes commits or rolls back with the action, and if it fails the action fails. No signals: the call
is in the service, so a reader sees every place a happening comes from by searching for its name.

Each happening's facts are keyword arguments, listed with its member below; a listener takes them all.
"""

from collections import defaultdict
from collections.abc import Callable
from enum import StrEnum

from django.db import models, transaction

from core.hiding import Hidden


class Happening(StrEnum):
    # idea=Idea: a member proposed it.
    IDEA_SUBMITTED = "idea.submitted"
    # idea=Idea, voter_id=int, before=int|None, after=int|None: a member's vote went from `before` to
    # `after` (1 up, -1 down, None no vote): cast, changed or withdrawn (also when their account goes).
    VOTE_CHANGED = "vote.changed"
    # comment=Comment: a member commented.
    COMMENT_POSTED = "comment.posted"
    # comment=Comment: the product team marked the comment as the official response on comment.idea.
    OFFICIAL_RESPONSE = "comment.official"
    # idea=Idea, from_status=str, to_status=str: the product team moved the idea through the pipeline.
    IDEA_MOVED = "idea.moved"
    # author_id=int|None, target="idea:5"|"comment:7", idea_id=int: content was deleted (by its author,
    # staff or a moderator) or hidden by a moderator's decision.
    CONTENT_REMOVED = "content.removed"
    # author_id, target, idea_id as above: a deletion or a moderator's hiding was undone.
    CONTENT_RESTORED = "content.restored"
    # flagger_ids=list[int], target="idea:5"|"comment:7"|"member:3": a moderator upheld these flags.
    FLAGS_UPHELD = "flags.upheld"
    # flagger_ids=list[int], target as above: the decision that upheld these flags was overturned on appeal.
    FLAGS_OVERTURNED = "flags.overturned"


_listeners: dict[Happening, list[Callable[..., None]]] = defaultdict(list)


def listen(happening: Happening, listener: Callable[..., None]) -> None:
    """Call `listener(**facts)` whenever `happening` is reported (registered in AppConfig.ready)."""
    _listeners[Happening(happening)].append(listener)


def happened(happening: Happening, **facts) -> None:
    """Report `happening` to its listeners, inside the service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("happened() belongs inside the service's transaction.")
    for listener in _listeners[happening]:
        listener(**facts)


def _report(content: models.Model, *, present: bool) -> None:
    happened(
        Happening.CONTENT_RESTORED if present else Happening.CONTENT_REMOVED,
        author_id=content.author_id,
        target=f"{content._meta.model_name}:{content.pk}",
        idea_id=getattr(content, "idea_id", content.pk),
    )


def report_deletion(content: models.Model, *, deleted: bool) -> None:
    """Say that an idea or a comment was deleted or undeleted, called before the change is saved: it is taken
    out or back unless a moderator's hiding keeps it out anyway (core.hiding.taken_out)."""
    if content.hidden != Hidden.BY_MODERATOR:
        _report(content, present=not deleted)


def report_hiding(content: models.Model, *, hidden: Hidden) -> None:
    """Say that an idea or a comment's hidden state changes to `hidden`, called before the change is saved: a
    moderator's hiding takes it out as a deletion does (hidden pending review, it waits for the decision);
    undoing it brings it back. Deleted content stays out."""
    if (content.hidden == Hidden.BY_MODERATOR) != (hidden == Hidden.BY_MODERATOR) and content.deleted_at is None:
        _report(content, present=hidden != Hidden.BY_MODERATOR)
