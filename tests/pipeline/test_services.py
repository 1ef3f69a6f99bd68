"""The pipeline's services: who may call them, the notes they take, the conflicts they report, the audit
trail they leave, and the bulk move that moves all or nothing."""

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from core.models import AuditEntry
from ideas.models import Idea, Status
from pipeline.models import NOTE_MAX, InternalNote, StatusChange
from pipeline.permissions import NotProductTeam, NotStaff, SignInFirst
from pipeline.services import (
    MovedMeanwhile,
    MoveNotAllowed,
    idea_bulk_transition,
    idea_merge,
    idea_reopen,
    idea_transition,
    internal_note_add,
)
from tests.factories import IdeaFactory
from tests.pipeline.ideas import idea_in, votes


def transition(actor, idea):
    return idea_transition(actor=actor, idea=idea, to=Status.UNDER_REVIEW, note="We are looking.")


def reopen(actor, idea):
    idea.status = Status.DECLINED
    idea.save(update_fields=["status"])
    return idea_reopen(actor=actor, idea=idea, note="We look again.")


def bulk(actor, idea):
    return idea_bulk_transition(actor=actor, ids=[idea.pk], to=Status.REVIEWED, note="Worth doing.")


def merge(actor, idea):
    return idea_merge(actor=actor, idea=idea, into=IdeaFactory().pk, note="A duplicate.")


MOVES = {"transition": transition, "reopen": reopen, "bulk": bulk, "merge": merge}
REFUSED = {"alice": NotProductTeam, "bob": NotProductTeam, "mo": NotProductTeam, "visitor": SignInFirst}


@pytest.mark.parametrize("person", sorted(REFUSED))
@pytest.mark.parametrize("service", sorted(MOVES))
def test_only_the_product_team_moves_ideas(request, alices_idea, person, service):
    actor = request.getfixturevalue(person)
    with pytest.raises(REFUSED[person]) as raised:
        MOVES[service](actor, alices_idea)
    assert raised.value.status_code == (401 if person == "visitor" else 403)
    assert not StatusChange.objects.exists()
    assert not AuditEntry.objects.filter(verb__startswith="idea.").exists()


@pytest.mark.parametrize("person", ["pat", "ada"])
@pytest.mark.parametrize("service", sorted(MOVES))
def test_the_product_team_and_admins_move_ideas(request, alices_idea, person, service):
    actor = request.getfixturevalue(person)
    MOVES[service](actor, alices_idea)
    assert StatusChange.objects.get(idea=alices_idea).actor == actor


@pytest.mark.parametrize("to", [Status.DECLINED])
@pytest.mark.parametrize("note", ["", "   \n\t ", "\u200b\u00a0"])
def test_declining_needs_a_note_with_words(pat, alices_idea, to, note):
    with pytest.raises(ValidationError) as raised:
        idea_transition(actor=pat, idea=alices_idea, to=to, note=note)
    assert "note" in raised.value.message_dict
    assert Idea.objects.get(pk=alices_idea.pk).status == Status.NEW


@pytest.mark.parametrize("note", ["", "   "])
def test_merging_needs_a_note(pat, alices_idea, note):
    with pytest.raises(ValidationError) as raised:
        idea_merge(actor=pat, idea=alices_idea, into=IdeaFactory().pk, note=note)
    assert "note" in raised.value.message_dict
    assert Idea.objects.get(pk=alices_idea.pk).status == Status.NEW


def test_a_member_reopening_an_open_idea_is_told_it_is_not_theirs_to_move(alice, alices_idea):
    with pytest.raises(NotProductTeam):
        idea_reopen(actor=alice, idea=alices_idea)


def test_a_forward_move_needs_no_note(pat, alices_idea):
    assert idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW).note == ""


def test_a_decline_whose_note_renders_to_nothing_is_refused(pat, alices_idea):
    with pytest.raises(ValidationError) as raised:
        idea_transition(actor=pat, idea=alices_idea, to=Status.DECLINED, note="<!-- nothing to read -->")
    assert "note" in raised.value.message_dict
    assert not StatusChange.objects.exists()


def test_a_note_of_5000_characters_is_taken(pat, alices_idea):
    assert len(idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED, note="x" * NOTE_MAX).note) == NOTE_MAX


def test_a_note_over_5000_characters_is_refused(pat, alices_idea):
    with pytest.raises(ValidationError) as raised:
        idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED, note="x" * (NOTE_MAX + 1))
    assert "5,000" in raised.value.message_dict["note"][0]
    assert not StatusChange.objects.exists()


def test_an_unknown_status_is_refused_with_the_choices(pat, alices_idea):
    with pytest.raises(ValidationError) as raised:
        idea_transition(actor=pat, idea=alices_idea, to="shipped")
    assert "under_review" in raised.value.message_dict["status"][0]


def test_a_stale_move_is_refused_naming_who_moved_it_and_where(pat, quinn, alices_idea):
    idea_transition(actor=quinn, idea=alices_idea, to=Status.REVIEWED)
    with pytest.raises(MovedMeanwhile) as raised:
        idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW, from_status=Status.NEW)
    assert raised.value.status_code == 409
    assert "Quinn" in raised.value.message and "Reviewed" in raised.value.message
    assert StatusChange.objects.count() == 1
    assert Idea.objects.get(pk=alices_idea.pk).status == Status.REVIEWED


def test_a_stale_merge_is_refused(pat, alices_idea):
    idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED)
    with pytest.raises(MovedMeanwhile):
        idea_merge(actor=pat, idea=alices_idea, into=IdeaFactory().pk, note="Dup.", from_status=Status.NEW)
    assert Idea.objects.get(pk=alices_idea.pk).merged_into is None


def test_the_note_is_rendered_by_the_one_renderer(pat, alices_idea):
    note = "**Soon**. <script>alert(1)</script> [click](javascript:alert(1)) <b onclick='x()'>b</b>"
    change = idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED, note=note)
    assert "<strong>Soon</strong>" in change.note_html
    assert "<script" not in change.note_html and "javascript:" not in change.note_html
    assert "onclick" not in change.note_html
    assert change.note == note


def test_a_move_sets_when_the_status_changed(pat, alices_idea):
    change = idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED)
    assert Idea.objects.get(pk=alices_idea.pk).status_changed_at == change.created_at


def test_a_move_leaves_an_audit_entry_with_the_note_as_reason(pat, alices_idea):
    change = idea_transition(actor=pat, idea=alices_idea, to=Status.REVIEWED, note="Worth doing.")
    entry = AuditEntry.objects.get(verb="idea.transition")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.reason) == (
        pat.pk,
        "ideas.idea",
        str(alices_idea.pk),
        "Worth doing.",
    )
    assert entry.data == {"from": "new", "to": "reviewed", "change": change.pk}


def test_a_merge_leaves_an_audit_entry_with_what_moved(pat, bob, alices_idea):
    target = IdeaFactory()
    idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW)
    votes(alices_idea, [bob])
    change = idea_merge(actor=pat, idea=alices_idea, into=target.pk, note="Same idea.")
    entry = AuditEntry.objects.get(verb="idea.merged")
    assert (entry.actor_id, entry.target_id, entry.reason) == (pat.pk, str(alices_idea.pk), "Same idea.")
    assert entry.data == {
        "from": "under_review",
        "to": "merged",
        "change": change.pk,
        "into": target.pk,
        "votes": 1,
        "followers": 1,
    }


def test_an_internal_note_leaves_an_audit_entry_without_its_text(mo, alices_idea):
    note = internal_note_add(actor=mo, idea=alices_idea, body="Legal says no.")
    entry = AuditEntry.objects.get(verb="idea.internal_note")
    assert (entry.actor_id, entry.target_id, entry.data) == (mo.pk, str(alices_idea.pk), {"note": note.pk})
    assert "Legal" not in entry.reason


def test_a_bulk_move_gives_each_idea_its_own_change(pat, alices_idea):
    others = [IdeaFactory(), IdeaFactory()]
    ids = [alices_idea.pk, *(idea.pk for idea in others)]
    changes = idea_bulk_transition(actor=pat, ids=ids, to=Status.UNDER_REVIEW, note="Looking.")
    assert [change.idea_id for change in changes] == ids
    assert set(Idea.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.UNDER_REVIEW}
    assert AuditEntry.objects.filter(verb="idea.transition").count() == 3
    assert DBTaskResult.objects.filter(task_path="pipeline.tasks.status_notify").count() == 3


def assert_nothing_moved(ideas):
    assert [Idea.objects.get(pk=idea.pk).status for idea in ideas] == [idea.status for idea in ideas]
    assert not StatusChange.objects.exists()
    assert not AuditEntry.objects.filter(verb="idea.transition").exists()
    assert not DBTaskResult.objects.exists()


def test_a_bulk_move_with_an_unknown_id_moves_nothing(pat, alices_idea, published):
    other = IdeaFactory()
    with published() as events, pytest.raises(ValidationError) as raised:
        idea_bulk_transition(actor=pat, ids=[alices_idea.pk, other.pk, 987654], to=Status.UNDER_REVIEW)
    assert "#987654" in raised.value.message_dict["ids"][0]
    assert_nothing_moved([alices_idea, other])
    assert events == []


def test_a_bulk_move_with_a_deleted_idea_moves_nothing(pat, alices_idea):
    gone = IdeaFactory()
    Idea.objects.filter(pk=gone.pk).update(deleted_at=alices_idea.created_at)
    with pytest.raises(ValidationError):
        idea_bulk_transition(actor=pat, ids=[alices_idea.pk, gone.pk], to=Status.UNDER_REVIEW)
    assert_nothing_moved([alices_idea])


def test_a_bulk_move_with_one_refused_move_moves_nothing_and_names_it(pat, alices_idea, published):
    launched = idea_in(Status.LAUNCHED, title="Cold brew all year round")
    with published() as events, pytest.raises(MoveNotAllowed) as raised:
        idea_bulk_transition(actor=pat, ids=[alices_idea.pk, launched.pk], to=Status.UNDER_REVIEW)
    assert "Cold brew all year round" in raised.value.message and "Coming soon" in raised.value.message
    assert_nothing_moved([alices_idea, launched])
    assert events == []


def test_a_bulk_move_from_a_stale_list_does_not_undo_a_colleagues_move(pat, quinn, alices_idea, published):
    idea_transition(actor=quinn, idea=alices_idea, to=Status.REVIEWED)
    other = IdeaFactory()
    with published() as events, pytest.raises(MovedMeanwhile) as raised:
        idea_bulk_transition(
            actor=pat,
            ids=[other.pk, alices_idea.pk],
            to=Status.UNDER_REVIEW,
            seen={other.pk: Status.NEW, alices_idea.pk: Status.NEW},
        )
    assert "Quinn" in raised.value.message and raised.value.status_code == 409
    assert StatusChange.objects.count() == 1 and not events
    assert Idea.objects.get(pk=other.pk).status == Status.NEW


def test_a_bulk_move_of_nothing_is_refused(pat):
    with pytest.raises(ValidationError) as raised:
        idea_bulk_transition(actor=pat, ids=[], to=Status.UNDER_REVIEW)
    assert "ids" in raised.value.message_dict


def test_a_bulk_move_of_over_100_ideas_is_refused(pat):
    with pytest.raises(ValidationError) as raised:
        idea_bulk_transition(actor=pat, ids=list(range(1, 102)), to=Status.UNDER_REVIEW)
    assert "100" in raised.value.message_dict["ids"][0]


def test_a_bulk_decline_needs_a_note(pat, alices_idea):
    with pytest.raises(ValidationError) as raised:
        idea_bulk_transition(actor=pat, ids=[alices_idea.pk], to=Status.DECLINED, note=" ")
    assert "note" in raised.value.message_dict


@pytest.mark.parametrize("person", ["mo", "pat", "ada"])
def test_staff_add_internal_notes(request, alices_idea, person):
    actor = request.getfixturevalue(person)
    note = internal_note_add(actor=actor, idea=alices_idea, body="Talk to **legal** <script>x</script>")
    assert (note.author, note.idea) == (actor, alices_idea)
    assert "<strong>legal</strong>" in note.body_html and "<script" not in note.body_html


@pytest.mark.parametrize(("person", "error"), [("alice", NotStaff), ("bob", NotStaff), ("visitor", SignInFirst)])
def test_members_and_visitors_cannot_add_internal_notes(request, alices_idea, person, error):
    with pytest.raises(error):
        internal_note_add(actor=request.getfixturevalue(person), idea=alices_idea, body="Let me in.")
    assert not InternalNote.objects.exists()


@pytest.mark.parametrize("body", ["", "  \n ", "x" * (NOTE_MAX + 1)])
def test_an_empty_or_overlong_internal_note_is_refused(pat, alices_idea, body):
    with pytest.raises(ValidationError) as raised:
        internal_note_add(actor=pat, idea=alices_idea, body=body)
    assert "body" in raised.value.message_dict
    assert not InternalNote.objects.exists()


def test_moving_a_deleted_idea_finds_no_idea(pat, alices_idea):
    Idea.objects.filter(pk=alices_idea.pk).update(deleted_at=alices_idea.created_at)
    with pytest.raises(Idea.DoesNotExist):
        idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW)
