"""Background work of the discussion: telling members of a new comment, a mention or an official
response. Enqueued by the services inside their transaction; notify() makes a retry write nothing twice."""

from django_tasks import task

from core.content import plain_text
from discussion.models import Comment
from ideas.selectors import follower_ids, members_who_may_see
from notifications.models import EXCERPT_MAX, Kind
from notifications.services import Notice, notify


def excerpt(comment: Comment) -> str:
    """The comment as plain text, short: what a notification and its e-mail quote."""
    return plain_text(comment.body_html)[:EXCERPT_MAX]


def _live_comment(comment_id: int) -> Comment | None:
    """The comment, unless it (or its idea) was deleted, or moderation hid it, before the worker came to it: a
    hidden comment tells nobody its words."""
    comment = Comment.objects.select_related("idea", "reply_to").filter(pk=comment_id).first()
    if comment is None or comment.is_deleted or comment.is_hidden or comment.idea.is_deleted:
        return None
    return comment


def _notices(comment: Comment, kinds: dict[int, str], *, actor_id: int | None) -> list[Notice]:
    allowed = members_who_may_see(idea=comment.idea, member_ids=kinds)
    link, text = comment.get_absolute_url(), excerpt(comment)
    return [
        Notice(
            recipient_id=member_id,
            kind=kind,
            idea_id=comment.idea_id,
            actor_id=actor_id,
            subject=f"comment:{comment.pk}",
            link=link,
            excerpt=text,
        )
        for member_id, kind in kinds.items()
        if member_id in allowed
    ]


@task()
def comment_notify(comment_id: int) -> None:
    """One notice per member for a new comment, the most specific kind winning: a mention, a reply to
    their comment, a comment on their idea, a comment on an idea they follow."""
    comment = _live_comment(comment_id)
    if comment is None:
        return
    kinds: dict[int, str] = {}
    for member_id in comment.mentions.values_list("member_id", flat=True):
        kinds.setdefault(member_id, Kind.MENTION)
    if comment.reply_to is not None and comment.reply_to.author_id is not None:
        kinds.setdefault(comment.reply_to.author_id, Kind.REPLY)
    if comment.idea.author_id is not None:
        kinds.setdefault(comment.idea.author_id, Kind.COMMENT_ON_MY_IDEA)
    for member_id in follower_ids(idea_id=comment.idea_id).iterator(chunk_size=2000):
        kinds.setdefault(member_id, Kind.FOLLOWED_IDEA)
    kinds.pop(comment.author_id, None)  # nobody is told of their own comment
    notify(event=f"comment.created:{comment.pk}", notices=_notices(comment, kinds, actor_id=comment.author_id))


@task()
def mentions_notify(comment_id: int, member_ids: list[int], revision_id: int) -> None:
    """Members an edit newly mentions (and who are still mentioned) are told, once per edit (the
    version it kept names the edit, however late the worker comes to it)."""
    comment = _live_comment(comment_id)
    if comment is None:
        return
    still = set(comment.mentions.filter(member_id__in=member_ids).values_list("member_id", flat=True))
    kinds = dict.fromkeys(sorted(still - {comment.author_id}), Kind.MENTION)
    event = f"comment.mentioned:{comment.pk}:{revision_id}"
    notify(event=event, notices=_notices(comment, kinds, actor_id=comment.author_id))


@task()
def official_notify(comment_id: int) -> None:
    """The followers of the idea hear of its official response (not the one who marked it)."""
    comment = _live_comment(comment_id)
    if comment is None or not comment.is_official:
        return
    kinds = dict.fromkeys(follower_ids(idea_id=comment.idea_id), Kind.OFFICIAL_RESPONSE)
    kinds.pop(comment.official_by_id, None)
    event = f"comment.official:{comment.pk}:{comment.official_at.timestamp()}"
    notices = _notices(comment, kinds, actor_id=comment.official_by_id)
    notify(event=event, notices=notices)
