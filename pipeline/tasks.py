"""Background work of the pipeline: telling the author, the voters and the followers of an idea that it
moved. Enqueued by the services inside their transaction; notify() makes a retry write nothing twice."""

from django_tasks import task

from core.batching import batched
from core.content import plain_text
from ideas.models import Idea
from ideas.selectors import follower_ids, members_who_may_see
from notifications.models import EXCERPT_MAX, Kind
from notifications.services import Notice, notify
from pipeline.models import StatusChange
from voting.models import Vote

# Members per notification task of a merge, whose audience is read before its votes move.
AUDIENCE_CHUNK = 1000


def audience(idea: Idea) -> set[int]:
    """Who hears of the idea's moves: its author, everyone who voted on it and everyone who follows it."""
    members = set(follower_ids(idea_id=idea.pk))
    members.update(Vote.objects.filter(idea=idea).values_list("voter_id", flat=True))
    if idea.author_id is not None:
        members.add(idea.author_id)
    return members


def enqueue_merge_notices(change: StatusChange, members: set[int]) -> None:
    """A merge's audience is read before the votes move (they leave the merged idea): it goes to the
    worker in parts, each its own event, so a retry of one part writes nothing twice."""
    members.discard(change.actor_id)
    for part, chunk in enumerate(batched(sorted(members), AUDIENCE_CHUNK)):
        status_notify.enqueue(change_id=change.pk, member_ids=list(chunk), part=part)


@task()
def status_notify(change_id: int, member_ids: list[int] | None = None, part: int = 0) -> None:
    """Tell the idea's audience (or `member_ids`, a part of a merge's) of a status change, with its note;
    not the one who made it."""
    change = StatusChange.objects.select_related("idea").filter(pk=change_id).first()
    if change is None or change.idea.is_deleted:
        return
    idea = change.idea
    members = set(member_ids) if member_ids is not None else audience(idea)
    members.discard(change.actor_id)
    allowed = members_who_may_see(idea=idea, member_ids=members)
    link = f"{idea.get_absolute_url()}#{change.anchor}"
    text = plain_text(change.note_html)[:EXCERPT_MAX]
    notices = [
        Notice(
            recipient_id=member_id,
            kind=Kind.STATUS_CHANGE,
            idea_id=idea.pk,
            actor_id=change.actor_id,
            subject=f"status:{change.pk}",
            link=link,
            excerpt=text,
            status=change.to_status,
        )
        for member_id in sorted(allowed)
    ]
    notify(event=f"status.changed:{change.pk}:{part}", notices=notices)
