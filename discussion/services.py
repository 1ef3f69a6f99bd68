"""Every write on comments: post, edit, delete, mark official. Pages and the API both call these.

Each renders before its transaction (the renderer is bounded, not free), changes the comment and the
idea's counts in one transaction with the idea locked, enqueues the fan-out there (the task row
commits with the comment), and announces after commit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from rest_framework import status

from accounts.models import User
from accounts.permissions import can_write, new_account_allows, new_account_links_allow
from accounts.selectors import mention_links
from core import audit, ratelimit
from core.content import MENTIONS_MAX, mentioned_ids, render_markdown
from core.errors import DomainError
from core.happenings import Happening, happened, report_deletion, report_hiding
from core.hiding import Hidden
from core.live import publish
from core.text import has_visible_text
from discussion import events, tasks
from discussion.models import COMMENT_MAX, DEPTH_MAX, Comment, CommentRevision, Mention, thread_paths
from discussion.permissions import (
    can_comment,
    can_delete_comment,
    can_edit_comment,
    can_mark_official,
    is_staff_deletion,
)
from ideas import ranking
from ideas.models import Idea
from ideas.services import REASON_MAX, follow_auto
from notifications.services import notifications_conceal, notifications_forget, notifications_reword

# What a comment adds to an idea's trending value: as much as an upvote (PRODUCT section 3: "votes and
# comments of the last 7 days"); a deleted comment takes it back.
COMMENT_TRENDING_WEIGHT = 1.0


class CommentDeleted(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "comment_deleted"
    default_message = _lazy("A deleted comment cannot be the official response.")


class _Rendered:
    """A body checked and rendered, with the members it mentions who exist (to link and to store)."""

    def __init__(self, body: str):
        body = body.strip()
        ids = mentioned_ids(body) if body else []
        errors = []
        if not body or not has_visible_text(body):
            errors.append(_("Write something first."))
        elif len(body) > COMMENT_MAX:
            errors.append(_("Keep the comment to %(n)s characters or fewer.") % {"n": f"{COMMENT_MAX:,}"})
        elif len(ids) > MENTIONS_MAX:
            errors.append(
                ngettext(
                    "Mention at most %(n)d member in one comment.",
                    "Mention at most %(n)d members in one comment.",
                    MENTIONS_MAX,
                )
                % {"n": MENTIONS_MAX}
            )
        if errors:
            raise ValidationError({"body": errors})
        self.body = body
        self.known: dict[int, tuple[str, str]] = {}
        self.html = render_markdown(body, mentions=self._resolve)

    def _resolve(self, ids):
        self.known.update(mention_links(ids))
        return self.known

    @property
    def mentioned(self) -> set[int]:
        """The active members mentioned: a mention of an unknown or deleted member stays plain text."""
        return set(self.known)


def _parent_error() -> ValidationError:
    return ValidationError({"parent": [_("Reply to a comment of this idea that is still there.")]})


def _counted(idea_id: int, delta: int, at, *, taking_back: bool = False) -> int:
    """Add `delta` to the locked idea's comment_count and move its trending value; the new count."""
    Idea.objects.filter(pk=idea_id).update(comment_count=F("comment_count") + delta)
    row = Idea.objects.values("comment_count", "trending").get(pk=idea_id)
    change = ranking.trending_remove if taking_back else ranking.trending_add
    Idea.objects.filter(pk=idea_id).update(trending=change(row["trending"], at, COMMENT_TRENDING_WEIGHT))
    return row["comment_count"]


def comment_post(*, actor: User, idea: Idea, body: str, parent: Comment | None = None) -> Comment:
    """A member comments on an idea, or replies to a comment (a reply to the deepest level sits beside
    the comment it answers). They follow the idea; the fan-out to the others is the worker's task."""
    can_write(user=actor).check()
    can_comment(user=actor, idea=idea).check()
    if parent is not None and (parent.idea_id != idea.pk or parent.is_deleted):
        raise _parent_error()
    rendered = _Rendered(body)
    new_account_links_allow(user=actor, html=rendered.html).check()
    ratelimit.check_write(actor=actor, action="comment_post")
    with transaction.atomic():
        idea = Idea.objects.visible_to(actor).select_for_update().get(pk=idea.pk)
        can_comment(user=actor, idea=idea).check()  # merged meanwhile?
        new_account_allows(user=actor, kind="comments", posts=Comment.objects.filter(author=actor)).check()
        if parent is not None:
            # Read again under the idea's lock: a deletion of the parent is ordered before or after.
            parent = Comment.objects.filter(pk=parent.pk, idea=idea, deleted_at__isnull=True).first()
            if parent is None:
                raise _parent_error()
        place = parent.parent if parent is not None and parent.depth == DEPTH_MAX else parent
        comment = Comment.objects.create(
            idea=idea,
            author=actor,
            parent=place,
            reply_to=parent,
            depth=min(parent.depth + 1, DEPTH_MAX) if parent is not None else 1,
            body=rendered.body,
            body_html=rendered.html,
        )
        comment.path, comment.path_newest = thread_paths(comment.pk, place)
        comment.save(update_fields=["path", "path_newest"])
        count = _counted(idea.pk, 1, comment.created_at)
        Mention.objects.bulk_create([Mention(comment=comment, member_id=pk) for pk in sorted(rendered.mentioned)])
        follow_auto(member=actor, idea=idea)
        happened(Happening.COMMENT_POSTED, comment=comment)
        tasks.comment_notify.enqueue(comment_id=comment.pk)
    publish(*events.comment_created(comment, idea=idea, comment_count=count))
    return comment


def _locked_comment(comment: Comment, actor: User) -> tuple[Idea, Comment]:
    """The comment's idea and the comment as they stand, locked until commit; Idea.DoesNotExist or
    Comment.DoesNotExist if either was deleted meanwhile (a comment is deleted once)."""
    idea = Idea.objects.visible_to(actor).select_for_update().get(pk=comment.idea_id)
    return idea, Comment.objects.select_for_update().get(pk=comment.pk, idea=idea, deleted_at__isnull=True)


def _keep_revision(comment: Comment) -> CommentRevision:
    """Keep the comment as it was before an edit: moderators and staff read the earlier versions."""
    return CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        body_html=comment.body_html,
        created_at=comment.edited_at or comment.created_at,
    )


def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    """The author changes their comment: the earlier version is kept (moderators and staff read it),
    the comment shows "edited", and members newly mentioned are told."""
    can_write(user=actor).check()
    can_edit_comment(user=actor, comment=comment).check()
    if comment.is_deleted:
        raise Comment.DoesNotExist("This comment was deleted.")
    rendered = _Rendered(body)
    new_account_links_allow(user=actor, html=rendered.html).check()
    ratelimit.check_write(actor=actor, action="comment_edit")
    with transaction.atomic():
        idea, comment = _locked_comment(comment, actor)
        can_edit_comment(user=actor, comment=comment).check()
        if rendered.body == comment.body:
            return comment
        revision = _keep_revision(comment)
        comment.body, comment.body_html, comment.edited_at = rendered.body, rendered.html, timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        before = set(comment.mentions.values_list("member_id", flat=True))
        comment.mentions.filter(member_id__in=before - rendered.mentioned).delete()
        added = rendered.mentioned - before
        Mention.objects.bulk_create([Mention(comment=comment, member_id=pk) for pk in sorted(added)])
        # Notifications quote the comment as it is now: the earlier words are for moderators only.
        notifications_reword(
            subject=f"comment:{comment.pk}", excerpt=tasks.excerpt(comment), unmentioned=before - rendered.mentioned
        )
        if added - {actor.pk}:
            tasks.mentions_notify.enqueue(
                comment_id=comment.pk, member_ids=sorted(added - {actor.pk}), revision_id=revision.pk
            )
    publish(*events.comment_changed(comment, idea=idea, comment_count=idea.comment_count))
    return comment


def comment_delete(*, actor: User, comment: Comment, reason: str = "") -> None:
    """The author, or staff with a reason for the audit trail, deletes a comment: a placeholder keeps
    the thread and its replies; the count and trending take it back; notifications lose its words.
    A comment deleted meanwhile raises Comment.DoesNotExist: it is deleted once."""
    can_write(user=actor).check()
    can_delete_comment(user=actor, comment=comment).check()
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("Keep the reason to %(n)d characters or fewer.") % {"n": REASON_MAX}]})
    if comment.is_deleted:
        raise Comment.DoesNotExist("This comment was deleted.")
    ratelimit.check_write(actor=actor, action="comment_delete")
    with transaction.atomic():
        idea, comment = _locked_comment(comment, actor)
        can_delete_comment(user=actor, comment=comment).check()
        comment_remove(comment=comment)
        if is_staff_deletion(user=actor, comment=comment):
            audit.record(actor=actor, verb="comment.deleted", target=comment, reason=reason, data={"idea": idea.pk})


def _unmark(comment: Comment) -> None:
    comment.official_at, comment.official_by = None, None
    comment.save(update_fields=["official_at", "official_by"])


def comment_mark_official(*, actor: User, comment: Comment) -> Comment:
    """The product team pins a comment as the idea's official response; one marked before is unmarked
    in the same transaction (the idea's lock orders two marks: exactly one stays). Followers are told."""
    can_write(user=actor).check()
    can_mark_official(user=actor).check()
    with transaction.atomic():
        idea = Idea.objects.visible_to(actor).select_for_update().get(pk=comment.idea_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk, idea=idea)
        if comment.is_deleted:
            raise CommentDeleted()
        if comment.is_official:
            return comment
        previous = list(Comment.objects.select_for_update().filter(idea=idea, official_at__isnull=False))
        for old in previous:
            _unmark(old)
        comment.official_at, comment.official_by = timezone.now(), actor
        comment.save(update_fields=["official_at", "official_by"])
        audit.record(
            actor=actor,
            verb="comment.official_marked",
            target=comment,
            data={"idea": idea.pk, "previous": [old.pk for old in previous]},
        )
        happened(Happening.OFFICIAL_RESPONSE, comment=comment)
        tasks.official_notify.enqueue(comment_id=comment.pk)
    for old in previous:
        publish(*events.comment_changed(old, idea=idea, comment_count=idea.comment_count))
    publish(*events.comment_changed(comment, idea=idea, comment_count=idea.comment_count))
    return comment


def comment_unmark_official(*, actor: User, idea: Idea, comment: Comment | None = None) -> Comment | None:
    """The product team takes the idea's official response back (only `comment`, if given: another one
    marked meanwhile stays). The comment unmarked, or None if there was nothing to unmark."""
    can_write(user=actor).check()
    can_mark_official(user=actor).check()
    with transaction.atomic():
        idea = Idea.objects.visible_to(actor).select_for_update().get(pk=idea.pk)
        current = Comment.objects.filter(idea=idea, official_at__isnull=False)
        if comment is not None:
            current = current.filter(pk=comment.pk)
        official = current.first()
        if official is None:
            return None
        _unmark(official)
        audit.record(actor=actor, verb="comment.official_unmarked", target=official, data={"idea": idea.pk})
    publish(*events.comment_changed(official, idea=idea, comment_count=idea.comment_count))
    return official


def comments_anonymise(*, member: User) -> None:
    """Before a member's account goes: their comments stay under "Deleted member" (the author link goes
    with the row), the mentions of them go, and the comments that mentioned them are rendered again so
    their name no longer links to a profile that is gone."""
    written = f"](member:{member.pk})"  # in a version from before an edit that took the mention out, too
    mentioned_in = list(
        Comment.objects.filter(
            Q(mentions__member=member) | Q(body__contains=written) | Q(revisions__body__contains=written)
        ).distinct()
    )
    Mention.objects.filter(member=member).delete()
    gone = member.pk

    def without_member(ids):
        return {pk: link for pk, link in mention_links(ids).items() if pk != gone}

    for comment in mentioned_in:
        comment.body_html = render_markdown(comment.body, mentions=without_member)
        comment.save(update_fields=["body_html"])
        for revision in comment.revisions.all():
            revision.body_html = render_markdown(revision.body, mentions=without_member)
            revision.save(update_fields=["body_html"])


# The states moderation (a higher layer, which checks, records and announces) puts a comment in. Each locks
# the idea and the comment inside the caller's transaction; what it announces goes out after that commits.


def _for_moderation(comment: Comment) -> tuple[Idea, Comment]:
    idea = Idea.objects.select_for_update().get(pk=comment.idea_id)
    return idea, Comment.objects.select_for_update().get(pk=comment.pk)


def comment_set_hidden(*, comment: Comment, hidden: Hidden, reason: str = "") -> Comment:
    """Hide the comment from all but its author and staff (they see it with a notice; the rest a
    placeholder), or show it again; the notifications that quote it leave sight while it is hidden."""
    idea, comment = _for_moderation(comment)
    report_hiding(comment, hidden=hidden)
    comment.hidden = hidden
    comment.hidden_at = timezone.now() if hidden else None
    comment.hidden_reason = reason if hidden else ""
    comment.save(update_fields=["hidden", "hidden_at", "hidden_reason"])
    notifications_conceal(subject=f"comment:{comment.pk}", concealed=bool(hidden))
    publish(*events.comment_changed(comment, idea=idea, comment_count=idea.comment_count))
    return comment


def comment_moderate_edit(*, comment: Comment, body: str) -> Comment:
    """A moderator's edit: the version before is kept, and the comment is marked as edited by a moderator.
    Nobody is told of the mentions it adds: a moderator's edit mentions no one."""
    rendered = _Rendered(body)
    now = timezone.now()
    return _rewrite(comment, {"body": rendered.body, "body_html": rendered.html, "edited_at": now, "moderated_at": now})


def comment_restore_version(*, comment: Comment, body: str) -> Comment:
    """Undo a moderator's edit (an appeal granted): the author's words are back, the edit mark goes."""
    rendered = _Rendered(body)
    return _rewrite(comment, {"body": rendered.body, "body_html": rendered.html, "moderated_at": None})


def _rewrite(comment: Comment, changes: dict) -> Comment:
    """Write a moderator's edit of the comment, or its undoing: the version before is kept, notifications
    quote it as it now is, and its readers hear of it."""
    idea, comment = _for_moderation(comment)
    _keep_revision(comment)
    for name, value in changes.items():
        setattr(comment, name, value)
    comment.save(update_fields=list(changes))
    notifications_reword(subject=f"comment:{comment.pk}", excerpt=tasks.excerpt(comment))
    publish(*events.comment_changed(comment, idea=idea, comment_count=idea.comment_count))
    return comment


def comment_remove(*, comment: Comment) -> Comment:
    """Delete the comment (its author's or staff's deletion, or a moderator's): a placeholder keeps the thread
    and its replies, the count and trending take it back, notifications lose its words."""
    idea, comment = _for_moderation(comment)
    comment.deleted_at = timezone.now()
    comment.official_at, comment.official_by = None, None
    comment.save(update_fields=["deleted_at", "official_at", "official_by"])
    report_deletion(comment, deleted=True)
    count = _counted(idea.pk, -1, comment.created_at, taking_back=True)
    notifications_forget(subject=f"comment:{comment.pk}")
    publish(*events.comment_changed(comment, idea=idea, comment_count=count, count_changed=True))
    return comment


def comment_restore(*, comment: Comment) -> Comment:
    """Undo a moderator's deletion (an appeal granted): the comment and its count are back."""
    idea, comment = _for_moderation(comment)
    comment.deleted_at = None
    comment.save(update_fields=["deleted_at"])
    report_deletion(comment, deleted=False)
    count = _counted(idea.pk, 1, comment.created_at)
    publish(*events.comment_changed(comment, idea=idea, comment_count=count, count_changed=True))
    return comment
