"""Every write of the pipeline: move an idea (alone or several at once), reopen it, merge it into
another, and add an internal note. Pages, the API and the admin call these.

Each checks, then changes the idea under its row lock (so two product-team members moving it at once
apply one after the other and the second is told), records a StatusChange and an audit entry in the
same transaction, enqueues the notifications there (the task row commits with the change), and
announces after commit.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import status

from accounts.models import User
from accounts.permissions import can_write
from core import audit, ratelimit
from core.content import plain_text, render_markdown
from core.errors import DomainError
from core.happenings import Happening, happened
from core.ids import is_id
from core.live import publish
from core.text import has_visible_text
from ideas.models import Idea, Status
from ideas.services import follows_copy
from pipeline import events, tasks
from pipeline.models import NOTE_MAX, InternalNote, StatusChange
from pipeline.moves import NOTE_REQUIRED, allowed_moves, can_merge_from
from pipeline.permissions import can_move, can_see_internal_notes
from voting import events as voting_events
from voting.services import votes_merge

BULK_MAX = 100


class MoveNotAllowed(DomainError):
    """The table of moves does not take the idea from where it is to where it was asked to go."""

    code = "move_not_allowed"
    default_message = _lazy("This move is not allowed.")


class MovedMeanwhile(DomainError):
    """Someone moved the idea after the actor last saw it: nothing was changed."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"
    default_message = _lazy("This idea was moved meanwhile.")


def _label(value: str) -> str:
    return str(Status(value).label)


def _not_allowed(idea: Idea, to: str) -> MoveNotAllowed:
    """Says where the idea is and where it may go from there."""
    values = {"title": idea.title, "status": _label(idea.status)}
    if to == Status.MERGED:
        return MoveNotAllowed(_("A merge names the idea it goes into: merge “%(title)s” instead.") % values)
    choices = allowed_moves(idea.status)
    if not choices:
        return MoveNotAllowed(_("“%(title)s” is %(status)s: it moves no further.") % values)
    values["allowed"] = ", ".join(_label(choice) for choice in choices)
    return MoveNotAllowed(_("“%(title)s” is %(status)s: it can move to %(allowed)s.") % values)


def _moved_meanwhile(idea: Idea) -> MovedMeanwhile:
    last = idea.status_changes.select_related("actor").order_by("-created_at", "-id").first()
    values = {"title": idea.title, "status": _label(idea.status)}
    if last is not None and last.actor is not None:
        values["actor"] = last.actor.public_name
        return MovedMeanwhile(_("%(actor)s moved “%(title)s” to %(status)s meanwhile: nothing was changed.") % values)
    return MovedMeanwhile(_("“%(title)s” is %(status)s now: nothing was changed.") % values)


def _check_status(value: str, field: str) -> None:
    if value not in Status.values:
        choices = ", ".join(Status.values)
        raise ValidationError({field: [_("Choose one of: %(choices)s.") % {"choices": choices}]})


@dataclass(frozen=True)
class _Note:
    """A public note checked and rendered once, before any lock is taken."""

    text: str
    html: str


def note_too_long() -> str:
    return _("Keep the note to %(n)s characters or fewer.") % {"n": f"{NOTE_MAX:,}"}


def _note(note: str, *, required: bool, field: str = "note") -> _Note:
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({field: [note_too_long()]})
    html = render_markdown(note) if note else ""
    # What readers will see, not what was typed: an HTML comment alone renders to nothing.
    if required and not has_visible_text(plain_text(html)):
        raise ValidationError({field: [_("Say why, in a note: the idea's supporters will read it.")]})
    return _Note(note, html)


def _check_move(idea: Idea, to: str, from_status: str | None) -> None:
    """Under the idea's lock: it is still where the actor saw it, and the table allows the move."""
    if from_status is not None and idea.status != from_status:
        raise _moved_meanwhile(idea)
    if idea.status == to:
        # Without from_status, an idea already where the actor sends it was most likely moved there
        # meanwhile: say who did. One never moved is simply not a move.
        raise _moved_meanwhile(idea) if from_status is None and idea.status_changed_at else _not_allowed(idea, to)
    if to not in allowed_moves(idea.status):
        raise _not_allowed(idea, to)


def _record(idea: Idea, *, actor: User, to: str, note: _Note, verb: str, **merge) -> StatusChange:
    """The change itself, on the locked idea: its status, the public record and the audit entry."""
    now = timezone.now()
    change = StatusChange.objects.create(
        idea=idea,
        actor=actor,
        from_status=idea.status,
        to_status=to,
        note=note.text,
        note_html=note.html,
        created_at=now,
        **merge,
    )
    idea.status, idea.status_changed_at = to, now
    idea.merged_into = merge.get("merged_into")
    idea.save(update_fields=["status", "status_changed_at", "merged_into", "updated_at"])
    data = {"from": change.from_status, "to": to, "change": change.pk}
    if "merged_into" in merge:
        data.update(into=merge["merged_into"].pk, votes=change.moved_votes, followers=change.moved_followers)
    audit.record(actor=actor, verb=verb, target=idea, reason=note.text, data=data)
    happened(Happening.IDEA_MOVED, idea=idea, from_status=change.from_status, to_status=to)
    return change


def idea_transition(
    *, actor: User, idea: Idea, to: str, note: str = "", from_status: str | None = None
) -> StatusChange:
    """The product team moves an idea along the pipeline with a public note; its author, voters and
    followers are told. `from_status` is the status the actor saw: if the idea has moved since, the
    move is refused (409) rather than applied to a state they did not see."""
    can_write(user=actor).check()
    can_move(user=actor).check()
    _check_status(to, "status")
    if from_status is not None:
        _check_status(from_status, "from_status")
    if to == Status.MERGED:
        raise _not_allowed(idea, to)
    checked = _note(note, required=to in NOTE_REQUIRED)
    ratelimit.check_write(actor=actor, action="idea_transition")
    with transaction.atomic():
        idea = Idea.objects.visible_to(actor).select_for_update().get(pk=idea.pk)
        _check_move(idea, to, from_status)
        change = _record(idea, actor=actor, to=to, note=checked, verb="idea.transition")
        tasks.status_notify.enqueue(change_id=change.pk)
    publish(*events.status_changed(change, idea))
    return change


def idea_reopen(*, actor: User, idea: Idea, note: str = "", from_status: str | None = None) -> StatusChange:
    """The product team takes a "Not planned" idea back under review."""
    can_write(user=actor).check()
    can_move(user=actor).check()
    if idea.status != Status.DECLINED and from_status is None:
        raise MoveNotAllowed(_("Only an idea that is Not planned can be reopened."))
    return idea_transition(
        actor=actor, idea=idea, to=Status.UNDER_REVIEW, note=note, from_status=from_status or Status.DECLINED
    )


def idea_bulk_transition(
    *, actor: User, ids: Sequence[int], to: str, note: str = "", seen: Mapping[int, str] | None = None
) -> list[StatusChange]:
    """The product team moves several ideas at once with one note: each gets its own StatusChange and
    notifications, and one move the table refuses refuses the whole batch, naming the idea and why.
    `seen` is the status of each idea as the actor's list showed it: if one has moved since, the whole
    batch is refused (409), so a stale triage list never undoes a colleague's move."""
    can_write(user=actor).check()
    can_move(user=actor).check()
    _check_status(to, "status")
    for shown in (seen or {}).values():
        _check_status(shown, "seen")
    ids = list(dict.fromkeys(ids))
    if not all(is_id(pk) for pk in ids):
        raise ValidationError({"ids": [_("Name the ideas by their numbers.")]})
    if not ids:
        raise ValidationError({"ids": [_("Choose at least one idea.")]})
    if len(ids) > BULK_MAX:
        raise ValidationError({"ids": [_("Move at most %(n)d ideas at once.") % {"n": BULK_MAX}]})
    checked = _note(note, required=to in NOTE_REQUIRED)
    ratelimit.check_write(actor=actor, action="idea_transition")
    with transaction.atomic():
        ideas = {i.pk: i for i in Idea.objects.visible_to(actor).select_for_update().filter(pk__in=ids).order_by("pk")}
        missing = [pk for pk in ids if pk not in ideas]
        if missing:
            numbers = ", ".join(f"#{pk}" for pk in missing)
            raise ValidationError(
                {"ids": [_("No idea with the number %(ids)s: nothing was moved.") % {"ids": numbers}]}
            )
        for pk in ids:
            idea = ideas[pk]
            if seen and pk in seen and idea.status != seen[pk]:
                raise MovedMeanwhile(_("Nothing was moved. %(reason)s") % {"reason": _moved_meanwhile(idea).message})
            if to not in allowed_moves(idea.status):  # never Merged, nor where it is
                reason = _not_allowed(idea, to).message
                raise MoveNotAllowed(_("Nothing was moved. %(reason)s") % {"reason": reason})
        changes = []
        for pk in ids:
            change = _record(ideas[pk], actor=actor, to=to, note=checked, verb="idea.transition")
            tasks.status_notify.enqueue(change_id=change.pk)
            changes.append(change)
    for change in changes:
        publish(*events.status_changed(change, ideas[change.idea_id]))
    return changes


NO_MERGE_TARGET = _lazy("There is no idea with that number to merge into.")


def _merge_target_error(target: Idea | None, actor: User) -> str | None:
    """Why `target` cannot take an idea in (its own id was refused before), or None if it can."""
    if target is None or not target.seen_by(actor):
        return str(NO_MERGE_TARGET)
    if target.status == Status.MERGED:
        return _("“%(title)s” was itself merged into another idea: merge into that one.") % {"title": target.title}
    if target.status == Status.DECLINED:
        return _("“%(title)s” is Not planned: merge into an idea that is still going somewhere.") % {
            "title": target.title
        }
    return None


def idea_merge(*, actor: User, idea: Idea, into: int, note: str, from_status: str | None = None) -> StatusChange:
    """The product team merges a duplicate into another idea: its votes move there (a member who voted
    on both keeps their vote there), its followers follow it too, ideas merged into it before now point
    there, and its page points there; its comments stay, readable, closed for new ones. The moved
    voters and followers are told. Counts and sort keys of both ideas are exact when it commits."""
    can_write(user=actor).check()
    can_move(user=actor).check()
    if from_status is not None:
        _check_status(from_status, "from_status")
    checked = _note(note, required=True)
    if not is_id(into):
        raise ValidationError({"into": [str(NO_MERGE_TARGET)]})
    if into == idea.pk:
        raise ValidationError({"into": [_("An idea cannot be merged into itself.")]})
    ratelimit.check_write(actor=actor, action="idea_transition")
    with transaction.atomic():
        # Both rows locked, lowest id first, so two merges of the same pair cannot wait on each other.
        locked = {i.pk: i for i in Idea.objects.select_for_update().filter(pk__in=[idea.pk, into]).order_by("pk")}
        source, target = locked.get(idea.pk), locked.get(into)
        if source is None or not source.seen_by(actor):
            raise Idea.DoesNotExist
        if from_status is not None and source.status != from_status:
            raise _moved_meanwhile(source)
        if not can_merge_from(source.status):
            values = {"title": source.title, "status": _label(source.status)}
            raise MoveNotAllowed(_("“%(title)s” is %(status)s: only an open idea can be merged.") % values)
        if (why := _merge_target_error(target, actor)) is not None:
            raise ValidationError({"into": [why]})
        members = tasks.audience(source)
        moved = votes_merge(source=source, target=target)
        followers = follows_copy(source=source, target=target)
        Idea.objects.filter(merged_into=source).update(merged_into=target)
        change = _record(
            source,
            actor=actor,
            to=Status.MERGED,
            note=checked,
            verb="idea.merged",
            merged_into=target,
            moved_votes=moved,
            moved_followers=followers,
        )
        tasks.enqueue_merge_notices(change, members)
    publish(*events.status_changed(change, source))
    publish(*voting_events.vote_changed(source), *voting_events.vote_changed(target))
    return change


def internal_note_add(*, actor: User, idea: Idea, body: str) -> InternalNote:
    """Staff write a note on an idea for staff only: never on a member's page, in the API they read,
    in a live event or in a notification."""
    can_write(user=actor).check()
    can_see_internal_notes(user=actor).check()
    body = body.strip()
    if not has_visible_text(body):
        raise ValidationError({"body": [_("Write something first.")]})
    if len(body) > NOTE_MAX:
        raise ValidationError({"body": [note_too_long()]})
    html = render_markdown(body)
    ratelimit.check_write(actor=actor, action="internal_note")
    with transaction.atomic():
        idea = Idea.objects.visible_to(actor).select_for_update().get(pk=idea.pk)
        note = InternalNote.objects.create(idea=idea, author=actor, body=body, body_html=html)
        audit.record(actor=actor, verb="idea.internal_note", target=idea, data={"note": note.pk})
    return note
