"""Every write of moderation: flag, decide a case (each action), appeal. Pages and the API call these.

Each follows STYLE.md's four steps: check (permissions, input, the member's record), change (the content's
own app sets its state: ideas, discussion, accounts), record (the Action and the audit trail, in the same
transaction) and announce (`queue.changed` on `moderation` after commit; the author's notification).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import status

from accounts.models import User
from accounts.permissions import can_write
from accounts.selectors import member_get
from accounts.services import (
    member_ban,
    member_suspend,
    member_unban,
    member_unsuspend,
    profile_set_hidden,
    suspension_days,
)
from core import audit, ratelimit
from core.errors import DomainError
from core.happenings import Happening, happened
from core.hiding import Hidden
from core.ids import id_from
from core.live import publish
from core.text import has_visible_text, moment
from discussion.models import Comment
from discussion.selectors import comment_get
from discussion.services import (
    comment_moderate_edit,
    comment_remove,
    comment_restore,
    comment_restore_version,
    comment_set_hidden,
)
from ideas.models import Idea
from ideas.services import (
    idea_lock_comments,
    idea_moderate_edit,
    idea_remove,
    idea_restore,
    idea_restore_version,
    idea_set_hidden,
)
from moderation import events
from moderation.models import (
    APPEAL_MAX,
    HIDING,
    NOTE_MAX,
    REASON_MAX,
    Action,
    ActionKind,
    Alert,
    Appeal,
    AppealStatus,
    Case,
    CaseStatus,
    Flag,
    FlagReason,
    FlagStatus,
    TargetKind,
    parse_target,
)
from moderation.permissions import (
    can_appeal,
    can_decide,
    can_decide_appeal,
    can_flag,
    can_moderate,
    can_sanction,
)
from notifications.models import Kind
from notifications.services import Notice, notify
from pipeline.services import internal_note_add

_IDEA_LINK = re.compile(r"(?:https?://[^/\s]+)?/ideas/([0-9]{1,19})/?(?:[#?].*)?")

# The actions a case on each kind of target can end in.
ACTIONS = {
    TargetKind.IDEA: [
        ActionKind.DISMISS,
        ActionKind.HIDE,
        ActionKind.DELETE,
        ActionKind.EDIT,
        ActionKind.LOCK,
        ActionKind.DUPLICATE,
        ActionKind.WARN,
        ActionKind.SUSPEND,
        ActionKind.BAN,
    ],
    TargetKind.COMMENT: [
        ActionKind.DISMISS,
        ActionKind.HIDE,
        ActionKind.DELETE,
        ActionKind.EDIT,
        ActionKind.LOCK,
        ActionKind.WARN,
        ActionKind.SUSPEND,
        ActionKind.BAN,
    ],
    TargetKind.MEMBER: [ActionKind.DISMISS, ActionKind.HIDE, ActionKind.WARN, ActionKind.SUSPEND, ActionKind.BAN],
}
APPEAL_ACTIONS = [ActionKind.UPHOLD, ActionKind.OVERTURN]
# Content hidden pending review stays hidden (now by the moderator) after the HIDING actions; every other
# decision but a deletion shows it again. Sanctions are about the author, and are recorded on them.
SANCTIONS = frozenset({ActionKind.WARN, ActionKind.SUSPEND, ActionKind.BAN})


# Why content hidden by members' flags is hidden, as its author reads it.
PENDING_REVIEW = _lazy("Members flagged it; a moderator will review it soon.")


class TargetNotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
    default_message = _lazy("There is nothing to flag there: it was deleted, or you cannot see it.")


class AlreadyFlagged(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_flagged"
    default_message = _lazy("You flagged this already; the moderators will look at it.")


class FlaggedRecently(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "flagged_recently"


class AlreadyDecided(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_decided"


class AlreadyAppealed(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_appealed"
    default_message = _lazy("You appealed this action already: a moderator decides once.")


class NoAuthor(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "author_gone"
    default_message = _lazy("The author's account is gone: there is nobody to warn, suspend or ban.")


@dataclass(frozen=True)
class Target:
    """What a flag or a case is about: its kind, its key ("idea:12"), the row, and whose it is."""

    kind: str
    key: str
    obj: Idea | Comment | User
    author: User | None

    @property
    def fields(self) -> dict:
        return {"idea": None, "comment": None, "member": None, self.kind: self.obj}

    @property
    def hidden(self) -> str:
        return self.obj.profile_hidden if self.kind == TargetKind.MEMBER else self.obj.hidden


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _bad_target() -> ValidationError:
    return _field_error("target", _("Name what you flag as idea:<id>, comment:<id> or member:<id>."))


def target_of(text: str, *, viewer) -> Target:
    """The target named "idea:12", "comment:7" or "member:3", if the viewer may see it (TargetNotFound if not):
    each kind read through its own app's rule of who sees what."""
    parsed = parse_target(text)
    if parsed is None:
        raise _bad_target()
    kind, pk = parsed
    key = f"{kind}:{pk}"
    try:
        if kind == TargetKind.IDEA:
            idea = Idea.objects.visible_to(viewer).select_related("author").get(pk=pk)
            return Target(kind, key, idea, idea.author)
        if kind == TargetKind.COMMENT:
            comment = comment_get(pk=pk, viewer=viewer)
            if comment.concealed:
                raise TargetNotFound()
            return Target(kind, key, comment, comment.author)
        member = member_get(pk=pk)
        return Target(kind, key, member, member)
    except (Idea.DoesNotExist, Comment.DoesNotExist, User.DoesNotExist):
        raise TargetNotFound() from None


def _original_of(value, *, viewer, target: Target) -> Idea:
    """The idea a duplicate repeats, named by its id, "idea:<id>" or its address."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if link := _IDEA_LINK.fullmatch(text):
        pk = id_from(link[1])
    elif parsed := parse_target(text):
        pk = parsed[1] if parsed[0] == TargetKind.IDEA else None
    else:
        pk = id_from(text)
    original = Idea.objects.visible_to(viewer).filter(pk=pk).first() if pk else None
    if original is None:
        raise _field_error("original", _("Give the address or number of the idea this one repeats."))
    if original.pk == target.obj.pk:
        raise _field_error("original", _("An idea cannot be a duplicate of itself."))
    return original


def _clean_text(value: str, *, field: str, limit: int, required: str | None) -> str:
    text = (value or "").strip()
    if required and not has_visible_text(text):
        raise _field_error(field, required)
    if len(text) > limit:
        raise _field_error(field, _("Keep this to %(n)s characters or fewer.") % {"n": f"{limit:,}"})
    return text


def flag_weight(member: User) -> int:
    """1 for a member, 2 for a member with a good flag record (FLAG_GOOD_UPHELD upheld, at most
    FLAG_GOOD_MAX_DISMISSED_PERCENT dismissed), 3 for moderators and staff."""
    if member.is_staff_member:
        return 3
    record = Flag.objects.filter(flagger=member).aggregate(
        upheld=Count("pk", filter=Q(status=FlagStatus.UPHELD)),
        dismissed=Count("pk", filter=Q(status=FlagStatus.DISMISSED)),
    )
    decided = record["upheld"] + record["dismissed"]
    good = (
        record["upheld"] >= settings.FLAG_GOOD_UPHELD
        and record["dismissed"] * 100 <= settings.FLAG_GOOD_MAX_DISMISSED_PERCENT * decided
    )
    return 2 if good else 1


def _lock(target: Target) -> Target:
    """The target's row, locked: flags and decisions on one target happen one after the other."""
    model = type(target.obj)
    return Target(target.kind, target.key, model.objects.select_for_update().get(pk=target.obj.pk), target.author)


def _set_hidden(target: Target, hidden: Hidden, reason: str = "") -> None:
    if target.kind == TargetKind.IDEA:
        idea_set_hidden(idea=target.obj, hidden=hidden, reason=reason)
    elif target.kind == TargetKind.COMMENT:
        comment_set_hidden(comment=target.obj, hidden=hidden, reason=reason)
    else:
        profile_set_hidden(member=target.obj, hidden=hidden, reason=reason)


def _idea_of(target: Target) -> Idea | None:
    if target.kind == TargetKind.IDEA:
        return target.obj
    if target.kind == TargetKind.COMMENT:
        return target.obj.idea
    return None


def _tell_author(*, action: Action, headline: str, target: Target) -> None:
    """The author hears of every action on what they wrote, with the reason (kind "moderation", always on)."""
    if action.subject_id is None or action.subject_id == action.actor_id:
        return
    _notify_author(
        target,
        recipient_id=action.subject_id,
        event=f"moderation.action:{action.pk}",
        subject=f"moderation:{action.pk}",
        link=action_link(action),
        excerpt=action.reason,
        headline=headline,
    )


def _notify_author(target: Target, *, recipient_id: int, event: str, subject: str, link: str, excerpt: str,
                   headline: str) -> None:  # fmt: skip
    idea = _idea_of(target)
    notice = Notice(
        recipient_id=recipient_id,
        kind=Kind.MODERATION,
        idea_id=idea.pk if idea is not None else None,
        subject=subject,
        link=link,
        excerpt=excerpt,
        action=headline,
    )
    notify(event=event, notices=[notice])


def action_link(action: Action) -> str:
    """Where the author reads what was done and why, and appeals."""
    return reverse("moderation_action", args=[action.pk])


def flag_create(*, actor: User, target: str, reason: str, note: str = "", original=None) -> Flag:
    """A member flags an idea, a comment or a member for the moderators. Once the open flags on it weigh
    FLAG_HIDE_WEIGHT, it is hidden pending review (its author is told why); the queue hears of it live."""
    can_write(user=actor).check()
    can_flag(user=actor).check()
    if reason not in FlagReason.values:
        raise _field_error("reason", _("Choose one of: %(reasons)s.") % {"reasons": ", ".join(FlagReason.values)})
    note = _clean_text(
        note,
        field="note",
        limit=NOTE_MAX,
        required=_("Say what is wrong.") if reason == FlagReason.OTHER else None,
    )
    found = target_of(target, viewer=actor)
    can_flag(user=actor, author_id=found.author.pk if found.author else None).check()
    duplicate_of = None
    if reason == FlagReason.DUPLICATE:
        if found.kind != TargetKind.IDEA:
            raise _field_error("reason", _("Only an idea can be a duplicate of another."))
        duplicate_of = _original_of(original, viewer=actor, target=found)
    ratelimit.check_write(actor=actor, action="flag")
    weight = flag_weight(actor)
    with transaction.atomic():
        found = _lock(found)
        mine = Flag.objects.filter(flagger=actor, target=found.key)
        if mine.filter(status=FlagStatus.OPEN).exists():
            raise AlreadyFlagged()
        since = timezone.now() - timedelta(hours=settings.FLAG_AGAIN_AFTER_HOURS)
        dismissed = mine.filter(status=FlagStatus.DISMISSED, decided_at__gt=since).order_by("-decided_at").first()
        if dismissed is not None:
            again = dismissed.decided_at + timedelta(hours=settings.FLAG_AGAIN_AFTER_HOURS)
            raise FlaggedRecently(
                _("Moderators dismissed your flag on this; you can flag it again after %(when)s.")
                % {"when": moment(again)}
            )
        case = Case.objects.select_for_update().filter(target=found.key, status=CaseStatus.OPEN, appeal=None).first()
        if case is None:
            case = Case.objects.create(kind=found.kind, target=found.key, author=found.author, **found.fields)
        flag = Flag.objects.create(
            case=case, target=found.key, flagger=actor, reason=reason, note=note, original=duplicate_of, weight=weight
        )
        case.weight += weight
        case.flag_count += 1
        case.flagged_at = flag.created_at
        hide = not case.hid_content and found.hidden == Hidden.NO and case.weight >= settings.FLAG_HIDE_WEIGHT
        if hide:
            _set_hidden(found, Hidden.PENDING, str(PENDING_REVIEW))
            case.hid_content = True
        case.save(update_fields=["weight", "flag_count", "flagged_at", "hid_content"])
        if hide and found.author is not None:
            _tell_pending(case, found)
    publish(events.queue_changed(case))
    return flag


def _tell_pending(case: Case, target: Target) -> None:
    _notify_author(
        target,
        recipient_id=target.author.pk,
        event=f"moderation.pending:{case.pk}",
        subject=f"moderation:case:{case.pk}",
        link=target.obj.get_absolute_url(),
        excerpt=str(PENDING_REVIEW),
        headline="pending",
    )


def _decided(case: Case) -> AlreadyDecided:
    who = case.decided_by.public_name if case.decided_by else _("a moderator")
    return AlreadyDecided(
        _("%(who)s decided this already, at %(when)s.") % {"who": who, "when": moment(case.decided_at)}
    )


def _check_days(action: str, days) -> int | None:
    if action != ActionKind.SUSPEND:
        return None
    if days in (None, ""):
        return None
    allowed = settings.SUSPENSION_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or days not in allowed:
        raise _field_error(
            "days", _("Suspend for one of: %(days)s days.") % {"days": ", ".join(str(d) for d in allowed)}
        )
    return days


def case_decide(
    *,
    actor: User,
    case: Case,
    action: str,
    reason: str,
    days: int | None = None,
    original=None,
    title: str | None = None,
    body: str | None = None,
) -> Action:
    """A moderator decides a case with one action and a reason its author reads: the flags are upheld (or
    dismissed), the content's app changes its state, the action and the audit entry are written, the
    author is told, and the queue hears of it. A case is decided once: a second decision is a conflict."""
    can_write(user=actor).check()
    can_decide(user=actor, author_id=case.author_id).check()
    reason = _clean_text(reason, field="reason", limit=REASON_MAX, required=_("Give a reason: the author reads it."))
    choices = APPEAL_ACTIONS if case.is_appeal else ACTIONS[case.kind]
    if action not in choices:
        raise _field_error("action", _("Choose one of: %(actions)s.") % {"actions": ", ".join(choices)})
    days = _check_days(action, days)
    ratelimit.check_write(actor=actor, action="moderate")
    with transaction.atomic():
        # The target first, then the case: flag_create locks in the same order, so the two never deadlock.
        target = _case_target(case)
        case = Case.objects.select_for_update(of=("self",)).select_related("decided_by").get(pk=case.pk)
        if not case.is_open:
            raise _decided(case)
        if case.is_appeal:
            done = _decide_appeal(actor=actor, case=case, target=target, action=action, reason=reason)
        else:
            done = _decide_flags(
                actor=actor,
                case=case,
                target=target,
                action=action,
                reason=reason,
                days=days,
                original=original,
                title=title,
                body=body,
            )
        case.status, case.decided_at, case.decided_by = CaseStatus.DECIDED, timezone.now(), actor
        case.save(update_fields=["status", "decided_at", "decided_by"])
    publish(events.queue_changed(case))
    return done


def _locked_author(obj: Idea | Comment) -> User | None:
    return User.objects.select_for_update().filter(pk=obj.author_id).first() if obj.author_id else None


def _case_target(case: Case) -> Target:
    """The case's target as it stands, locked (deleted content included: a decision may still be owed)."""
    # The author is locked apart: PostgreSQL locks no row on the nullable side of an outer join (an author
    # may be gone), and a sanction changes the author's row.
    if case.kind == TargetKind.IDEA:
        obj = Idea.objects.select_for_update().get(pk=case.idea_id)
        return Target(case.kind, case.target, obj, _locked_author(obj))
    if case.kind == TargetKind.COMMENT:
        obj = Comment.objects.select_for_update(of=("self",)).select_related("idea").get(pk=case.comment_id)
        return Target(case.kind, case.target, obj, _locked_author(obj))
    obj = User.objects.select_for_update().get(pk=case.member_id)
    return Target(case.kind, case.target, obj, obj)


def _decide_flags(*, actor, case, target, action, reason, days, original, title, body) -> Action:
    subject = target.author
    data: dict = {}
    if action in SANCTIONS:
        if subject is None:
            raise NoAuthor()
        if action != ActionKind.WARN:
            can_sanction(actor=actor, member=subject).check()
    hidden_by_flags = case.hid_content and target.hidden == Hidden.PENDING
    if action == ActionKind.DELETE:
        _delete(target)
    elif action == ActionKind.HIDE or (action in HIDING and hidden_by_flags):
        _set_hidden(target, Hidden.BY_MODERATOR, reason)
    elif hidden_by_flags:
        _set_hidden(target, Hidden.NO)
    if action == ActionKind.EDIT:
        data = _edit(target, title=title, body=body)
    elif action == ActionKind.LOCK:
        idea = _idea_of(target)
        idea_lock_comments(idea=idea, locked=True)
        data = {"idea": idea.pk}
    elif action == ActionKind.DUPLICATE:
        duplicate_of = _original_of(original, viewer=actor, target=target)
        internal_note_add(
            actor=actor,
            idea=target.obj,
            body=_("A moderator marked this idea as a duplicate of “%(title)s” (%(link)s): %(reason)s")
            % {"title": duplicate_of.title, "link": duplicate_of.get_absolute_url(), "reason": reason},
        )
        data = {"original": duplicate_of.pk}
    elif action == ActionKind.SUSPEND:
        days = days or suspension_days(subject)
        data = {"until": member_suspend(member=subject, days=days, reason=reason).isoformat()}
    decided = FlagStatus.DISMISSED if action == ActionKind.DISMISS else FlagStatus.UPHELD
    open_flags = case.flags.filter(status=FlagStatus.OPEN)
    flagger_ids = list(open_flags.values_list("flagger_id", flat=True))
    open_flags.update(status=decided, decided_at=timezone.now())
    if decided == FlagStatus.UPHELD:
        happened(Happening.FLAGS_UPHELD, flagger_ids=flagger_ids, target=case.target)
    done = Action.objects.create(
        case=case,
        actor=actor,
        action=action,
        kind=case.kind,
        target=case.target,
        subject=subject,
        reason=reason,
        days=days if action == ActionKind.SUSPEND else None,
        data=data,
        **target.fields,
    )
    # A sanction is recorded on the member it is about (the log finds it under member:<id>), the rest on the
    # content; each names the case's target.
    audit.record(
        actor=actor,
        verb=f"moderation.{action}",
        target=subject if action in SANCTIONS else target.obj,
        reason=reason,
        data={"case": case.pk, "action": done.pk, "target": case.target, **data},
    )
    headline = "hide_profile" if action == ActionKind.HIDE and case.kind == TargetKind.MEMBER else action
    _tell_author(action=done, headline=headline, target=target)
    if action == ActionKind.BAN:
        member_ban(member=subject, reason=reason)  # after the notice: it is written for an active member
    return done


def _delete(target: Target) -> None:
    """A moderator's deletion (ACTIONS offers it for ideas and comments only), through the content's app."""
    if target.obj.is_deleted:
        return
    if target.kind == TargetKind.IDEA:
        idea_remove(idea=target.obj)
    else:
        comment_remove(comment=target.obj)


def _edit(target: Target, *, title: str | None, body: str | None) -> dict:
    """A moderator's edit: what the author wrote is kept in the action, to restore on appeal."""
    if target.obj.is_deleted:
        raise _field_error("action", _("This was deleted: there is nothing to edit."))
    if target.kind == TargetKind.IDEA:
        if title is None and body is None:
            raise _field_error("body", _("Give the new title or description."))
        before = {"title": target.obj.title, "body": target.obj.body}
        idea_moderate_edit(idea=target.obj, title=title, body=body)
        return before
    if body is None:
        raise _field_error("body", _("Give the comment's new text."))
    before = {"body": target.obj.body}
    comment_moderate_edit(comment=target.obj, body=body)
    return before


def flags_withdraw_all(*, member: User) -> None:
    """Before a member's account goes (the member-data registry): their open flags leave the queue, each case
    weighing what its other flags weigh; a case left without flags goes, unless its flags had hidden the
    content (a moderator still decides that). Their flags and appeals go with the account."""
    mine = Flag.objects.filter(flagger=member, status=FlagStatus.OPEN, case=OuterRef("pk")).values("case")
    cases = Case.objects.select_for_update().filter(
        pk__in=Flag.objects.filter(flagger=member, status=FlagStatus.OPEN).values("case")
    )
    touched = list(cases.values_list("pk", flat=True))
    if not touched:
        return
    Case.objects.filter(pk__in=touched).update(
        weight=F("weight") - Coalesce(Subquery(mine.annotate(total=Sum("weight")).values("total")), 0),
        flag_count=F("flag_count") - Coalesce(Subquery(mine.annotate(total=Count("pk")).values("total")), 0),
    )
    changed = list(Case.objects.filter(pk__in=touched))
    Case.objects.filter(pk__in=touched, flag_count=0, hid_content=False).delete()
    publish(*(events.queue_changed(case) for case in changed))


def appeal_create(*, actor: User, action: Action, text: str) -> Appeal:
    """The author appeals an action on their content once, with a text; the appeal comes back into the queue,
    marked, for another moderator. A suspended member may appeal: it is the one thing they may write."""
    can_appeal(user=actor, action=action).check()
    text = _clean_text(text, field="text", limit=APPEAL_MAX, required=_("Say why the action should be undone."))
    ratelimit.check_write(actor=actor, action="appeal")
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if Appeal.objects.filter(action=action).exists():
            raise AlreadyAppealed()
        appeal = Appeal.objects.create(action=action, member=actor, text=text)
        case = Case.objects.create(
            kind=action.kind,
            target=action.target,
            idea_id=action.idea_id,
            comment_id=action.comment_id,
            member_id=action.member_id,
            author=actor,
            appeal=appeal,
            weight=settings.FLAG_HIDE_WEIGHT,
            flagged_at=appeal.created_at,
        )
    publish(events.queue_changed(case))
    return appeal


def _decide_appeal(*, actor: User, case: Case, target: Target, action: str, reason: str) -> Action:
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("action").get(pk=case.appeal_id)
    can_decide_appeal(user=actor, appeal=appeal).check()
    appealed = appeal.action
    if action == ActionKind.OVERTURN:
        _undo(appealed, target, moderator=actor, reason=reason)
        appealed.undone_at = timezone.now()
        appealed.save(update_fields=["undone_at"])
        flagger_ids = list(appealed.case.flags.filter(status=FlagStatus.UPHELD).values_list("flagger_id", flat=True))
        happened(Happening.FLAGS_OVERTURNED, flagger_ids=flagger_ids, target=appealed.target)
    appeal.status = AppealStatus.OVERTURNED if action == ActionKind.OVERTURN else AppealStatus.UPHELD
    appeal.save(update_fields=["status"])
    done = Action.objects.create(
        case=case,
        actor=actor,
        action=action,
        kind=case.kind,
        target=case.target,
        subject=appealed.subject,
        reason=reason,
        data={"appeal": appeal.pk, "appealed_action": appealed.pk},
        **target.fields,
    )
    audit.record(
        actor=actor,
        verb=f"moderation.appeal_{appeal.status}",
        target=target.obj,
        reason=reason,
        data={"case": case.pk, "action": done.pk, "appealed_action": appealed.pk, "target": case.target},
    )
    _tell_author(action=done, headline=f"appeal_{appeal.status}", target=target)
    return done


def _undo(action: Action, target: Target, *, moderator: User, reason: str) -> None:
    """Put back what the action changed (an appeal granted)."""
    kind = action.action
    if kind == ActionKind.HIDE or (kind in HIDING and target.hidden == Hidden.BY_MODERATOR):
        _set_hidden(target, Hidden.NO)
    if kind == ActionKind.DELETE and target.obj.is_deleted:
        if target.kind == TargetKind.IDEA:
            idea_restore(idea=target.obj)
        else:
            comment_restore(comment=target.obj)
        if target.hidden == Hidden.PENDING:  # the flags that hid it were decided by the deletion: none is pending
            _set_hidden(target, Hidden.NO)
    elif kind == ActionKind.EDIT and not target.obj.is_deleted:
        if target.kind == TargetKind.IDEA:
            idea_restore_version(idea=target.obj, title=action.data["title"], body=action.data["body"])
        else:
            comment_restore_version(comment=target.obj, body=action.data["body"])
    elif kind == ActionKind.LOCK:
        idea_lock_comments(idea=_idea_of(target), locked=False)
    elif kind == ActionKind.DUPLICATE and not target.obj.is_deleted:
        internal_note_add(
            actor=moderator,
            idea=target.obj,
            body=_("On appeal, a moderator withdrew the marking of this idea as a duplicate: %(reason)s")
            % {"reason": reason},
        )
    # The member a sanction was about is the content's author, locked with the target (_case_target).
    elif kind == ActionKind.SUSPEND and target.author is not None:
        member_unsuspend(member=target.author, until=datetime.fromisoformat(action.data["until"]))
    elif kind == ActionKind.BAN and target.author is not None:
        member_unban(member=target.author)


# Early warning: a moderator acknowledges an alert (moderation/warning.py raises them).


class AlreadyAcknowledged(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_acknowledged"


def alert_acknowledge(*, actor: User, alert: Alert) -> Alert:
    """A moderator has seen the alert and is on it: it leaves the top of the queue, for every moderator at
    once. Acknowledged once: a second is a conflict naming who did it first."""
    can_moderate(user=actor).check()
    ratelimit.check_write(actor=actor, action="moderate")
    with transaction.atomic():
        alert = Alert.objects.select_for_update(of=("self",)).select_related("acknowledged_by").get(pk=alert.pk)
        if alert.is_acknowledged:
            who = alert.acknowledged_by.public_name if alert.acknowledged_by else _("a moderator")
            when = moment(alert.acknowledged_at)
            raise AlreadyAcknowledged(
                _("%(who)s acknowledged this alert already, at %(when)s.") % {"who": who, "when": when}
            )
        alert.acknowledged_at, alert.acknowledged_by = timezone.now(), actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(
            actor=actor,
            verb="moderation.alert_acknowledge",
            target=alert,
            data={"series": alert.series, "scope": alert.scope, "idea": alert.idea_id, "hour": alert.hour.isoformat()},
        )
    publish(events.alert_acknowledged(alert))
    return alert
