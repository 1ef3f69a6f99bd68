"""Every write on ideas: submit, edit, delete. Pages and the API both call these."""

from collections.abc import Collection, Sequence
from enum import Enum

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from rest_framework import status

from accounts.models import User
from accounts.permissions import can_write, new_account_allows, new_account_links_allow
from core import audit, ratelimit
from core.content import render_markdown
from core.errors import DomainError
from core.happenings import Happening, happened, report_deletion, report_hiding
from core.hiding import Hidden
from core.live import publish, recheck
from core.text import has_visible_text, strip_invisible, tidy_line
from ideas import events, ranking
from ideas.models import BODY_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX, TITLE_MIN, Category, Follow, Idea, IdeaRevision, Tag
from ideas.permissions import can_delete, can_edit, can_follow, is_staff_action

REASON_MAX = 1000


def _clean_tags(names: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        name = tidy_line(name)
        if name and name.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(name)
    return cleaned


def _validate(**values) -> None:
    """Raise one ValidationError naming every field given that is wrong, before anything is stored
    (an edit checks only the fields it changes)."""
    errors: dict[str, list[str]] = {}
    title = values.get("title")
    if title is not None and (len(title) < TITLE_MIN or not has_visible_text(title)):
        errors["title"] = [
            ngettext(
                "Give your idea a title of at least %(n)d character.",
                "Give your idea a title of at least %(n)d characters.",
                TITLE_MIN,
            )
            % {"n": TITLE_MIN}
        ]
    elif title is not None and len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title to %(n)d characters or fewer.") % {"n": TITLE_MAX}]
    body = values.get("body")
    if body is not None and not body:
        errors["body"] = [_("Describe your idea.")]
    elif body is not None and len(body) > BODY_MAX:
        errors["body"] = [_("Keep the description to %(n)s characters or fewer.") % {"n": f"{BODY_MAX:,}"}]
    if "category" in values and (values["category"] is None or not values["category"].is_active):
        errors["category"] = [_("Choose one of the categories.")]
    tags = values.get("tags", [])
    if len(tags) > TAGS_MAX:
        errors["tags"] = [_("Use at most %(n)d tags.") % {"n": TAGS_MAX}]
    elif any(len(tag) > TAG_MAX or not slugify(tag) for tag in tags):
        errors["tags"] = [_("Each tag needs letters or digits and at most %(n)d characters.") % {"n": TAG_MAX}]
    if errors:
        raise ValidationError(errors)


def _set_tags(idea: Idea, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        tags.append(tag)
    idea.tags.set(tags)


def idea_submit(*, actor: User, title: str, body: str, category: Category | None, tags: Sequence[str] = ()) -> Idea:
    """A member proposes an idea; it starts as `new`, open for votes."""
    can_write(user=actor).check()
    title, body, tags = strip_invisible(title).strip(), body.strip(), _clean_tags(list(tags))
    _validate(title=title, body=body, category=category, tags=tags)
    ratelimit.check_write(actor=actor, action="idea_submit")
    body_html = render_markdown(body)
    new_account_links_allow(user=actor, html=body_html).check()
    with transaction.atomic():
        new_account_allows(user=actor, kind="ideas", posts=Idea.objects.filter(author=actor)).check()
        idea = Idea.objects.create(author=actor, title=title, body=body, body_html=body_html, category=category)
        idea.hot = ranking.hot(0, idea.created_at)
        idea.save(update_fields=["hot"])
        _set_tags(idea, tags)
        follow_auto(member=actor, idea=idea)
        happened(Happening.IDEA_SUBMITTED, idea=idea)
    publish(*events.idea_created(idea))
    return idea


class Unchanged(Enum):
    """An edit's field that was not sent: it stays as it is, whatever a concurrent edit made it."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


class StaleIdea(DomainError):
    """If-Match named a revision of the idea that is no longer the current one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    code = "precondition_failed"
    default_message = _lazy("The idea has changed since you read it: read it again, then make your change.")


def _locked(idea: Idea, actor: User, if_match: Collection[str] | None) -> Idea:
    """The idea as it stands now, locked until commit: Idea.DoesNotExist if it was deleted (or
    hidden from the actor) meanwhile, StaleIdea if If-Match names none of its current ETag or "*"."""
    idea = Idea.objects.visible_to(actor).select_for_update().get(pk=idea.pk)
    if if_match is not None and "*" not in if_match and idea.etag not in if_match:
        raise StaleIdea()
    return idea


def idea_edit(
    *,
    idea: Idea,
    actor: User,
    title: str | Unchanged = UNCHANGED,
    body: str | Unchanged = UNCHANGED,
    category: Category | Unchanged | None = UNCHANGED,
    tags: Sequence[str] | Unchanged = UNCHANGED,
    if_match: Collection[str] | None = None,
) -> Idea:
    """The author changes some of their idea: only the fields given are written, on the row as it
    stands under its lock, so two concurrent edits of different fields both stay."""
    can_write(user=actor).check()
    can_edit(user=actor, idea=idea).check()
    ratelimit.check_write(actor=actor, action="idea_edit")
    changes: dict = {}
    if title is not UNCHANGED:
        changes["title"] = strip_invisible(title).strip()
    if body is not UNCHANGED:
        changes["body"] = body.strip()
    if category is not UNCHANGED:
        changes["category"] = category
    tags = _clean_tags(tags) if tags is not UNCHANGED else None
    _validate(**changes, **({} if tags is None else {"tags": tags}))
    if "body" in changes:
        changes["body_html"] = render_markdown(changes["body"])  # before the transaction: no lock while rendering
        new_account_links_allow(user=actor, html=changes["body_html"]).check()
    with transaction.atomic():
        idea = _locked(idea, actor, if_match)
        can_edit(user=actor, idea=idea).check()
        if not changes and tags is None:
            return idea
        if {"title", "body"} & set(changes):
            _keep_revision(idea)
        for name, value in changes.items():
            setattr(idea, name, value)
        idea.edited_at = timezone.now()
        idea.revision += 1
        idea.save(update_fields=[*changes, "edited_at", "revision", "updated_at"])
        if tags is not None:
            _set_tags(idea, tags)
    publish(*events.idea_changed(idea))
    return idea


def _keep_revision(idea: Idea) -> None:
    """Keep the title and description as they were before an edit: moderators and staff read them."""
    IdeaRevision.objects.create(
        idea=idea,
        title=idea.title,
        body=idea.body,
        body_html=idea.body_html,
        created_at=idea.edited_at or idea.created_at,
    )


class MergedHere(DomainError):
    """Other ideas were merged into this one: their votes and followers are here, and their pages point here."""

    status_code = status.HTTP_409_CONFLICT
    code = "merged_here"
    default_message = _lazy(
        "Other ideas were merged into this one: their supporters' votes count here, so it cannot be deleted."
    )


def idea_delete(
    *,
    idea: Idea,
    actor: User,
    reason: str = "",
    if_match: Collection[str] | None = None,
) -> None:
    """The author or staff removes an idea; it disappears from every list and page. Staff removing
    someone else's idea is written to the audit trail with their reason. An idea deleted meanwhile
    raises Idea.DoesNotExist: it is deleted once, recorded once and announced once."""
    can_write(user=actor).check()
    can_delete(user=actor, idea=idea).check()
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("Keep the reason to %(n)d characters or fewer.") % {"n": REASON_MAX}]})
    ratelimit.check_write(actor=actor, action="idea_delete")
    with transaction.atomic():
        idea = _locked(idea, actor, if_match)
        can_delete(user=actor, idea=idea).check()
        idea = idea_remove(idea=idea)
        if is_staff_action(user=actor, idea=idea):
            audit.record(actor=actor, verb="idea.deleted", target=idea, reason=reason)


def _set_following(idea: Idea, member: User, following: bool, *, only_if_new: bool = False) -> bool:
    """Make the member's row say `following`, and the idea's follower_count with it (F(), in the
    caller's transaction, which holds the idea's row lock, so two writers apply one after the other).
    False if nothing changed (or, with `only_if_new`, the member already had a row: an unfollow sticks)."""
    row = Follow.objects.filter(idea=idea, member=member).first()
    if row is not None and (only_if_new or row.following == following):
        return False
    if row is None:
        Follow.objects.create(idea=idea, member=member, following=following)
        if not following:
            return True
    else:
        row.following = following
        row.save(update_fields=["following", "updated_at"])
    Idea.objects.filter(pk=idea.pk).update(follower_count=F("follower_count") + (1 if following else -1))
    return True


def follow_auto(*, member: User, idea: Idea) -> bool:
    """The member follows the idea they submitted, voted on or commented on, unless they already
    have a say about it (an explicit unfollow sticks). Runs inside the caller's transaction, which
    holds the idea's row lock (or made the idea: nobody else sees it before the commit)."""
    if not member.is_authenticated:
        return False
    if Follow.objects.filter(idea=idea, member=member).exists():
        return False  # the common case, read without a lock
    return _set_following(idea, member, True, only_if_new=True)


def _follow(*, actor: User, idea: Idea, following: bool) -> bool:
    can_write(user=actor).check()
    can_follow(user=actor, idea=idea).check()
    ratelimit.check_write(actor=actor, action="idea_follow")
    with transaction.atomic():
        idea = Idea.objects.visible_to(actor).select_for_update().get(pk=idea.pk)
        return _set_following(idea, actor, following)


def idea_follow(*, actor: User, idea: Idea) -> bool:
    """A member follows an idea with the button, also after an earlier unfollow; False if they
    already followed it. Idea.DoesNotExist if it is deleted (or hidden from them)."""
    return _follow(actor=actor, idea=idea, following=True)


def idea_unfollow(*, actor: User, idea: Idea) -> bool:
    """A member stops following an idea, for good: a later vote or comment does not follow it again."""
    return _follow(actor=actor, idea=idea, following=False)


def follows_copy(*, source: Idea, target: Idea) -> int:
    """The followers of `source` follow `target` too (a merge), unless they already have a say about
    it (an explicit unfollow sticks): one INSERT ... SELECT, however many they are, and `target`'s
    follower_count goes up by as many. Runs in the caller's transaction, which holds both ideas' locks.
    Returns how many now follow `target` who did not."""
    table = connection.ops.quote_name(Follow._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (idea_id, member_id, following, created_at, updated_at) "
            f"SELECT %s, f.member_id, %s, %s, %s FROM {table} f "
            f"WHERE f.idea_id = %s AND f.following = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {table} g WHERE g.idea_id = %s AND g.member_id = f.member_id)",
            [target.pk, True, now, now, source.pk, True, target.pk],
        )
        added = cursor.rowcount
    if added:
        Idea.objects.filter(pk=target.pk).update(follower_count=F("follower_count") + added)
    return added


def follows_erase_all(*, member: User) -> None:
    """Before a member's account goes, their follows go, and every follower_count stays true: the
    ideas they follow are locked first and the rows read under the locks, until none is left."""
    with transaction.atomic():
        while ids := list(Follow.objects.filter(member=member).values_list("idea_id", flat=True)[:500]):
            list(Idea.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
            rows = Follow.objects.filter(member=member, idea_id__in=ids)
            followed = list(rows.filter(following=True).values_list("idea_id", flat=True))
            Idea.objects.filter(pk__in=followed).update(follower_count=F("follower_count") - 1)
            rows.delete()


# The states moderation (a higher layer, which checks, records and announces) puts an idea in. Each locks the
# idea inside the caller's transaction, and what it announces goes out after that commits.


def _for_moderation(idea: Idea) -> Idea:
    return Idea.objects.select_for_update().get(pk=idea.pk)


def idea_set_hidden(*, idea: Idea, hidden: Hidden, reason: str = "") -> Idea:
    """Hide the idea from all but its author and staff (pending review, or by a moderator), or show it again.
    Hidden, it leaves every list and its readers who may no longer see it are dropped from its topic."""
    idea = _for_moderation(idea)
    report_hiding(idea, hidden=hidden)
    idea.hidden = hidden
    idea.hidden_at = timezone.now() if hidden else None
    idea.hidden_reason = reason if hidden else ""
    idea.save(update_fields=["hidden", "hidden_at", "hidden_reason", "updated_at"])
    publish(*events.idea_changed(idea))
    if hidden:
        recheck(events.idea_topic(idea.pk))
    return idea


def idea_lock_comments(*, idea: Idea, locked: bool) -> Idea:
    """Lock the idea's thread (no new comments: discussion.permissions.can_comment), or open it again."""
    idea = _for_moderation(idea)
    idea.comments_locked_at = timezone.now() if locked else None
    idea.save(update_fields=["comments_locked_at", "updated_at"])
    publish(*events.idea_changed(idea))
    return idea


def idea_moderate_edit(*, idea: Idea, title: str | None = None, body: str | None = None) -> Idea:
    """A moderator's edit: the version before is kept, and the idea is marked as edited by a moderator."""
    changes = {}
    if title is not None:
        changes["title"] = strip_invisible(title).strip()
    if body is not None:
        changes["body"] = body.strip()
    _validate(**changes)
    if "body" in changes:
        changes["body_html"] = render_markdown(changes["body"])
    now = timezone.now()
    return _rewrite(idea, {**changes, "edited_at": now, "moderated_at": now})


def _rewrite(idea: Idea, changes: dict) -> Idea:
    """Write a moderator's edit of the idea, or its undoing: the version before is kept, the revision goes
    up, and its readers hear of it."""
    idea = _for_moderation(idea)
    _keep_revision(idea)
    for name, value in changes.items():
        setattr(idea, name, value)
    idea.revision += 1
    idea.save(update_fields=[*changes, "revision", "updated_at"])
    publish(*events.idea_changed(idea))
    return idea


def idea_remove(*, idea: Idea) -> Idea:
    """Delete the idea (the author's or staff's deletion, or a moderator's): gone from every list and page,
    its readers told and dropped from its topic. MergedHere if others were merged into it."""
    idea = _for_moderation(idea)
    if Idea.objects.filter(merged_into=idea).exists():
        raise MergedHere()
    idea.deleted_at = timezone.now()
    idea.save(update_fields=["deleted_at", "updated_at"])
    report_deletion(idea, deleted=True)
    publish(*events.idea_changed(idea))
    recheck(events.idea_topic(idea.pk))
    return idea


def idea_restore(*, idea: Idea) -> Idea:
    """Undo a moderator's deletion (an appeal granted): the idea is back where it was."""
    idea = _for_moderation(idea)
    idea.deleted_at = None
    idea.save(update_fields=["deleted_at", "updated_at"])
    report_deletion(idea, deleted=False)
    publish(*events.idea_changed(idea))
    return idea


def idea_restore_version(*, idea: Idea, title: str, body: str) -> Idea:
    """Undo a moderator's edit (an appeal granted): the author's words are back, the edit mark goes."""
    return _rewrite(idea, {"title": title, "body": body, "body_html": render_markdown(body), "moderated_at": None})
