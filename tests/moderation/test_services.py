"""The moderation services directly: bad input changes nothing, weights, each action, suspensions, appeals,
the audit trail, the author's notifications and the member's data export."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.permissions import Suspended, is_suspended
from accounts.services import account_delete
from core.hiding import Hidden
from core.models import AuditEntry
from discussion.models import Comment, CommentRevision
from discussion.permissions import ThreadLocked
from discussion.services import comment_post
from ideas.models import Idea, IdeaRevision
from moderation.models import NOTE_MAX, Action, ActionKind, Appeal, Case, Flag, FlagReason, FlagStatus
from moderation.permissions import (
    NotAnAdminForStaff,
    NotModerator,
    NotYourAction,
    OwnCase,
    OwnContent,
    SameModerator,
)
from moderation.selectors import moderation_export
from moderation.services import (
    AlreadyAppealed,
    AlreadyDecided,
    AlreadyFlagged,
    FlaggedRecently,
    TargetNotFound,
    appeal_create,
    flag_create,
)
from notifications.models import Kind, Notification
from pipeline.models import InternalNote
from tests.factories import IdeaFactory, UserFactory, comment
from tests.moderation.helpers import decide, flag, hide_by_members, key

pytestmark = pytest.mark.django_db


def nothing_stored() -> bool:
    return not Flag.objects.exists() and not Case.objects.exists()


# Flags: bad input


def test_alice_cannot_flag_her_own_idea(alice, alices_idea):
    with pytest.raises(OwnContent):
        flag(alice, alices_idea)
    assert nothing_stored()


def test_alice_cannot_flag_herself(alice):
    with pytest.raises(OwnContent):
        flag(alice, alice)
    assert nothing_stored()


def test_bob_cannot_flag_the_same_idea_twice(bob, alices_idea):
    flag(bob, alices_idea)
    with pytest.raises(AlreadyFlagged):
        flag(bob, alices_idea, FlagReason.ABUSIVE)
    assert Flag.objects.count() == 1 and Case.objects.get().weight == 1


@pytest.mark.parametrize("reason", ["", "rude", "SPAM", None, 3])
def test_a_reason_outside_the_list_is_refused(bob, alices_idea, reason):
    with pytest.raises(ValidationError) as error:
        flag_create(actor=bob, target=key(alices_idea), reason=reason)
    assert "reason" in error.value.message_dict
    assert nothing_stored()


@pytest.mark.parametrize("note", ["", "   ", "\u200b"])
def test_other_without_text_is_refused(bob, alices_idea, note):
    with pytest.raises(ValidationError) as error:
        flag(bob, alices_idea, FlagReason.OTHER, note=note)
    assert "note" in error.value.message_dict
    assert nothing_stored()


def test_an_over_long_note_is_refused(bob, alices_idea):
    with pytest.raises(ValidationError) as error:
        flag(bob, alices_idea, FlagReason.OTHER, note="x" * (NOTE_MAX + 1))
    assert "note" in error.value.message_dict
    assert nothing_stored()


def test_a_note_of_the_full_length_is_kept(bob, alices_idea):
    assert flag(bob, alices_idea, FlagReason.OTHER, note="x" * NOTE_MAX).note == "x" * NOTE_MAX


@pytest.mark.parametrize("target", ["idea", "idea:", "idea:abc", "idea:0", "post:1", "idea:1:2", f"idea:{2**63}", 7])
def test_a_target_that_names_nothing_is_refused(bob, alices_idea, target):
    with pytest.raises(ValidationError) as error:
        flag_create(actor=bob, target=target, reason=FlagReason.SPAM)
    assert "target" in error.value.message_dict


def test_a_target_bob_may_not_see_is_not_found(bob, alice, alices_idea):
    hidden = IdeaFactory(author=alice, category=alices_idea.category)
    hide_by_members(hidden)
    with pytest.raises(TargetNotFound):
        flag(bob, hidden)
    with pytest.raises(TargetNotFound):
        flag_create(actor=bob, target="idea:999999", reason=FlagReason.SPAM)


def test_a_duplicate_flag_needs_the_original(bob, alices_idea):
    with pytest.raises(ValidationError) as error:
        flag(bob, alices_idea, FlagReason.DUPLICATE)
    assert "original" in error.value.message_dict
    assert nothing_stored()


def test_a_duplicate_flag_names_the_original_by_its_address(bob, alice, alices_idea):
    first = IdeaFactory(author=bob, category=alices_idea.category)
    made = flag(bob, alices_idea, FlagReason.DUPLICATE, original=f"http://testserver/ideas/{first.pk}/")
    assert made.original == first


def test_a_suspended_member_cannot_flag(bob, mo, alices_idea):
    decide(mo, flag(mo, bob).case, ActionKind.SUSPEND)
    bob.refresh_from_db()
    with pytest.raises(Suspended):
        flag(bob, alices_idea)
    assert Flag.objects.filter(flagger=bob).count() == 0


def test_bob_flags_again_only_a_day_after_his_flag_was_dismissed(bob, mo, alices_idea):
    decide(mo, flag(bob, alices_idea).case, ActionKind.DISMISS)
    with pytest.raises(FlaggedRecently):
        flag(bob, alices_idea)
    Flag.objects.filter(flagger=bob).update(decided_at=Flag.objects.get().decided_at.replace(year=2000))
    assert flag(bob, alices_idea).status == FlagStatus.OPEN


# Weights and hiding


def test_a_members_flag_weighs_one(bob, alices_idea):
    assert flag(bob, alices_idea).weight == 1


def test_a_moderators_flag_weighs_three_and_hides_at_once(mo, alices_idea):
    made = flag(mo, alices_idea)
    alices_idea.refresh_from_db()
    assert made.weight == 3 and alices_idea.hidden == Hidden.PENDING


def test_a_member_with_a_good_flag_record_weighs_two(bob, mo, drinks):
    for _ in range(5):
        decide(mo, flag(bob, IdeaFactory(category=drinks)).case, ActionKind.HIDE)
    assert flag(bob, IdeaFactory(category=drinks)).weight == 2


def test_one_dismissal_too_many_keeps_a_members_weight_at_one(bob, mo, drinks):
    for action in [ActionKind.HIDE] * 5 + [ActionKind.DISMISS] * 2:
        decide(mo, flag(bob, IdeaFactory(category=drinks)).case, action)
    assert flag(bob, IdeaFactory(category=drinks)).weight == 1


def test_three_member_flags_hide_a_comment_pending_review(bob, alices_idea):
    said = comment(bob, alices_idea, "Buy cheap watches")
    hide_by_members(said)
    said.refresh_from_db()
    assert said.hidden == Hidden.PENDING


def test_three_member_flags_hide_a_profile_pending_review(bob):
    hide_by_members(bob)
    bob.refresh_from_db()
    assert bob.profile_hidden == Hidden.PENDING


def test_the_author_is_told_once_when_flags_hide_their_idea(alice, mo, alices_idea):
    hide_by_members(alices_idea)
    flag(mo, alices_idea)
    [told] = Notification.objects.filter(recipient=alice, kind=Kind.MODERATION)
    assert told.action == "pending"


# Actions


def test_dismissing_shows_the_idea_again_and_dismisses_the_flags(mo, alices_idea):
    decide(mo, hide_by_members(alices_idea), ActionKind.DISMISS, "Nothing wrong here.")
    alices_idea.refresh_from_db()
    assert alices_idea.hidden == Hidden.NO
    assert set(Flag.objects.values_list("status", flat=True)) == {FlagStatus.DISMISSED}


def test_hiding_keeps_the_idea_hidden_by_the_moderator_with_the_reason(mo, alices_idea):
    decide(mo, hide_by_members(alices_idea), ActionKind.HIDE, "Advertising.")
    alices_idea.refresh_from_db()
    assert (alices_idea.hidden, alices_idea.hidden_reason) == (Hidden.BY_MODERATOR, "Advertising.")
    assert set(Flag.objects.values_list("status", flat=True)) == {FlagStatus.UPHELD}


def test_deleting_deletes_the_idea(mo, alices_idea):
    decide(mo, flag(mo, alices_idea).case, ActionKind.DELETE)
    alices_idea.refresh_from_db()
    assert alices_idea.is_deleted


def test_editing_an_idea_keeps_the_original_and_marks_the_edit(mo, alices_idea):
    decide(mo, flag(mo, alices_idea).case, ActionKind.EDIT, body="Please.")
    alices_idea.refresh_from_db()
    assert alices_idea.body == "Please." and alices_idea.moderated_at is not None
    assert IdeaRevision.objects.filter(idea=alices_idea, body="Please, **yes**.").exists()


def test_editing_a_comment_keeps_the_original_and_marks_the_edit(mo, bob, alices_idea):
    said = comment(bob, alices_idea, "Call me on 555-1234")
    decide(mo, flag(mo, said).case, ActionKind.EDIT, body="Call me.")
    said.refresh_from_db()
    assert said.body == "Call me." and said.moderated_at is not None
    assert CommentRevision.objects.filter(comment=said, body="Call me on 555-1234").exists()


def test_an_edit_without_new_text_is_refused_and_the_case_stays_open(mo, alices_idea):
    case = flag(mo, alices_idea).case
    with pytest.raises(ValidationError):
        decide(mo, case, ActionKind.EDIT)
    case.refresh_from_db()
    assert case.is_open and not Action.objects.exists()


def test_locking_refuses_new_comments(mo, bob, alices_idea):
    decide(mo, flag(mo, alices_idea).case, ActionKind.LOCK)
    alices_idea.refresh_from_db()
    with pytest.raises(ThreadLocked):
        comment_post(actor=bob, idea=alices_idea, body="Me too")
    assert not Comment.objects.exists()


def test_locking_from_a_comment_locks_its_ideas_thread(mo, bob, alices_idea):
    decide(mo, flag(mo, comment(bob, alices_idea, "Flame")).case, ActionKind.LOCK)
    alices_idea.refresh_from_db()
    assert alices_idea.comments_locked_at is not None


def test_marking_a_duplicate_writes_an_internal_note_for_the_product_team(mo, bob, alices_idea):
    original = IdeaFactory(author=bob, category=alices_idea.category, title="Plant milks for free")
    decide(mo, flag(mo, alices_idea).case, ActionKind.DUPLICATE, "Asked before.", original=str(original.pk))
    [note] = InternalNote.objects.filter(idea=alices_idea)
    assert "Plant milks for free" in note.body and note.author == mo


def test_warning_tells_the_author_with_the_reason(mo, alice, alices_idea):
    decide(mo, flag(mo, alices_idea).case, ActionKind.WARN, "Keep it civil.")
    told = Notification.objects.get(recipient=alice, action=ActionKind.WARN)
    assert told.kind == Kind.MODERATION and told.excerpt == "Keep it civil."


def test_suspensions_escalate_one_three_seven_thirty_days(mo, alice, drinks):
    days = []
    for _ in range(5):
        idea = IdeaFactory(author=alice, category=drinks)
        days.append(decide(mo, flag(mo, idea).case, ActionKind.SUSPEND).days)
    assert days == [1, 3, 7, 30, 30]


def test_a_suspension_for_days_outside_the_ladder_is_refused(mo, alices_idea):
    case = flag(mo, alices_idea).case
    with pytest.raises(ValidationError) as error:
        decide(mo, case, ActionKind.SUSPEND, days=2)
    assert "days" in error.value.message_dict and not Action.objects.exists()


def test_banning_deactivates_the_member_and_deletes_their_tokens(mo, alice, alices_idea):
    Token.objects.create(user=alice)
    decide(mo, flag(mo, alices_idea).case, ActionKind.BAN)
    alice.refresh_from_db()
    assert not alice.is_active and alice.is_banned and not Token.objects.filter(user=alice).exists()


def test_deciding_a_case_twice_is_a_conflict_and_changes_nothing(mo, alices_idea):
    case = flag(mo, alices_idea).case
    decide(mo, case, ActionKind.DISMISS)
    with pytest.raises(AlreadyDecided):
        decide(mo, case, ActionKind.DELETE)
    alices_idea.refresh_from_db()
    assert not alices_idea.is_deleted and Action.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "  ", "\u200b\u200b"])
def test_an_action_without_a_reason_is_refused(mo, alices_idea, reason):
    case = flag(mo, alices_idea).case
    with pytest.raises(ValidationError) as error:
        decide(mo, case, ActionKind.HIDE, reason)
    assert "reason" in error.value.message_dict and not Action.objects.exists()


def test_an_action_that_does_not_fit_the_target_is_refused(mo, bob):
    case = flag(mo, bob).case
    with pytest.raises(ValidationError) as error:
        decide(mo, case, ActionKind.DELETE)
    assert "action" in error.value.message_dict and not Action.objects.exists()


def test_a_member_cannot_decide(bob, mo, alices_idea):
    case = flag(mo, alices_idea).case
    with pytest.raises(NotModerator):
        decide(bob, case, ActionKind.DISMISS)
    case.refresh_from_db()
    assert case.is_open


def test_the_product_team_cannot_decide(pat, mo, alices_idea):
    with pytest.raises(NotModerator):
        decide(pat, flag(mo, alices_idea).case, ActionKind.DISMISS)


def test_a_moderator_cannot_suspend_a_moderator(mo, mia, drinks):
    case = flag(mo, IdeaFactory(author=mia, category=drinks)).case
    with pytest.raises(NotAnAdminForStaff):
        decide(mo, case, ActionKind.SUSPEND)
    mia.refresh_from_db()
    assert mia.suspended_until is None and not Action.objects.exists()


def test_a_moderator_cannot_ban_the_product_team(mo, pat, drinks):
    with pytest.raises(NotAnAdminForStaff):
        decide(mo, flag(mo, IdeaFactory(author=pat, category=drinks)).case, ActionKind.BAN)
    pat.refresh_from_db()
    assert pat.is_active


def test_an_admin_may_suspend_a_moderator(mo, ada, drinks):
    case = flag(ada, IdeaFactory(author=mo, category=drinks)).case
    decide(ada, case, ActionKind.SUSPEND)
    mo.refresh_from_db()
    assert mo.suspended_until is not None


@pytest.mark.parametrize("action", [a for a in ActionKind.values if a not in {"uphold", "overturn"}])
def test_every_action_writes_the_audit_trail(mo, alices_idea, action):
    extra = {"body": "Edited."} if action == ActionKind.EDIT else {}
    if action == ActionKind.DUPLICATE:
        extra = {"original": str(IdeaFactory(category=alices_idea.category).pk)}
    done = decide(mo, flag(mo, alices_idea).case, action, "Because.", **extra)
    entry = AuditEntry.objects.get(verb=f"moderation.{action}")
    assert (entry.actor_id, entry.reason, entry.data["action"]) == (mo.pk, "Because.", done.pk)


@pytest.mark.parametrize("action", [a for a in ActionKind.values if a not in {"uphold", "overturn"}])
def test_the_author_hears_of_every_action_with_the_reason(mo, alice, alices_idea, action):
    extra = {"body": "Edited."} if action == ActionKind.EDIT else {}
    if action == ActionKind.DUPLICATE:
        extra = {"original": str(IdeaFactory(category=alices_idea.category).pk)}
    done = decide(mo, flag(mo, alices_idea).case, action, "Because.", **extra)
    told = Notification.objects.get(recipient=alice, action=action)
    assert (told.kind, told.excerpt, told.link) == (Kind.MODERATION, "Because.", f"/moderation/actions/{done.pk}/")


# Appeals


def test_alice_appeals_once(mo, alice, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    appeal_create(actor=alice, action=action, text="It was a quote.")
    with pytest.raises(AlreadyAppealed):
        appeal_create(actor=alice, action=action, text="Please.")
    assert Appeal.objects.count() == 1 and Case.objects.filter(appeal__isnull=False).count() == 1


def test_bob_cannot_appeal_alices_action(mo, bob, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    with pytest.raises(NotYourAction):
        appeal_create(actor=bob, action=action, text="Unfair to Alice.")
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_an_appeal_needs_a_text_of_sensible_length(mo, alice, alices_idea, text):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    with pytest.raises(ValidationError) as error:
        appeal_create(actor=alice, action=action, text=text)
    assert "text" in error.value.message_dict and not Appeal.objects.exists()


def test_a_suspended_member_may_appeal_the_suspension(mo, alice, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.SUSPEND)
    alice.refresh_from_db()
    assert appeal_create(actor=alice, action=action, text="I was quoting.").action == action


def test_the_moderator_who_acted_cannot_decide_the_appeal(mo, alice, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    case = appeal_create(actor=alice, action=action, text="It was a quote.").case
    with pytest.raises(SameModerator):
        decide(mo, case, ActionKind.OVERTURN)
    case.refresh_from_db()
    assert case.is_open


def test_an_appeal_takes_only_uphold_or_overturn(mo, mia, alice, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    case = appeal_create(actor=alice, action=action, text="It was a quote.").case
    with pytest.raises(ValidationError):
        decide(mia, case, ActionKind.DELETE)


def test_upholding_keeps_the_action_and_tells_the_author(mo, mia, alice, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    case = appeal_create(actor=alice, action=action, text="It was a quote.").case
    decide(mia, case, ActionKind.UPHOLD, "Still rude.")
    alices_idea.refresh_from_db()
    assert alices_idea.hidden == Hidden.BY_MODERATOR
    assert Notification.objects.get(recipient=alice, action="appeal_upheld").excerpt == "Still rude."


def _state(idea: Idea, author: User) -> tuple:
    idea.refresh_from_db()
    author.refresh_from_db()
    return (idea.hidden, idea.is_deleted, idea.body, idea.comments_locked_at, author.suspended_until, author.is_active)


@pytest.mark.parametrize(
    "action", [ActionKind.HIDE, ActionKind.DELETE, ActionKind.EDIT, ActionKind.LOCK, ActionKind.SUSPEND]
)
def test_overturning_undoes_each_kind_of_action(mo, mia, alice, alices_idea, action):
    before = _state(alices_idea, alice)
    done = decide(mo, flag(mo, alices_idea).case, action, body="Edited." if action == ActionKind.EDIT else None)
    assert _state(alices_idea, alice) != before
    case = appeal_create(actor=alice, action=done, text="Please look again.").case
    decide(mia, case, ActionKind.OVERTURN, "Fair point.")
    assert _state(alices_idea, alice) == before
    done.refresh_from_db()
    assert done.undone_at is not None
    assert AuditEntry.objects.filter(verb="moderation.appeal_overturned", actor_id=mia.pk).exists()


def test_overturning_a_ban_lets_the_member_sign_in_again(mo, mia, ada, alice, alices_idea):
    done = decide(mo, flag(mo, alices_idea).case, ActionKind.BAN)
    appeal = Appeal.objects.create(action=done, member=alice, text="Wrong person.")
    case = Case.objects.create(kind=done.kind, target=done.target, idea=alices_idea, author=alice, appeal=appeal)
    decide(mia, case, ActionKind.OVERTURN, "Wrong person indeed.")
    alice.refresh_from_db()
    assert alice.is_active and not alice.is_banned


# The member's data


def test_the_export_holds_the_members_flags_appeals_and_the_actions_on_their_content(mo, alice, bob, alices_idea):
    flag(alice, bob, FlagReason.OTHER, note="Impersonates me")
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE, "Rude.")
    appeal_create(actor=alice, action=action, text="It was a quote.")
    data = moderation_export(alice)
    assert [(f["target"], f["note"]) for f in data["flags"]] == [(key(bob), "Impersonates me")]
    assert [(a["action"], a["text"]) for a in data["appeals"]] == [(action.pk, "It was a quote.")]
    actions = [(a["id"], a["action"], a["reason"]) for a in data["actions_on_my_content"]]
    assert actions == [(action.pk, "hide", "Rude.")]
    assert moderation_export(bob)["flags"] == []


# Conflicts of interest, and records that stay true after appeals.


def test_a_moderator_cannot_grant_their_own_appeal(mo, mia, drinks):
    mias_idea = IdeaFactory(author=mia, category=drinks)
    action = decide(mo, flag(mo, mias_idea).case, ActionKind.HIDE)
    case = appeal_create(actor=mia, action=action, text="It is not spam.").case
    with pytest.raises(OwnCase):
        decide(mia, case, ActionKind.OVERTURN)
    assert Idea.objects.get(pk=mias_idea.pk).hidden == Hidden.BY_MODERATOR


def test_a_moderator_cannot_decide_the_flags_on_their_own_idea(mo, drinks):
    case = hide_by_members(IdeaFactory(author=mo, category=drinks))
    with pytest.raises(OwnCase):
        decide(mo, case, ActionKind.DISMISS)
    assert Case.objects.get(pk=case.pk).is_open


def test_a_second_suspension_never_shortens_the_one_running(mo, alice, drinks):
    decide(mo, flag(mo, IdeaFactory(author=alice, category=drinks)).case, ActionKind.SUSPEND, days=30)
    alice.refresh_from_db()
    running = alice.suspended_until
    decide(mo, flag(mo, IdeaFactory(author=alice, category=drinks)).case, ActionKind.SUSPEND, days=1)
    alice.refresh_from_db()
    assert alice.suspended_until == running and alice.suspension_count == 2


def test_granting_an_appeal_against_a_lapsed_suspension_keeps_the_one_running(mo, mia, alice, drinks):
    first = decide(mo, flag(mo, IdeaFactory(author=alice, category=drinks)).case, ActionKind.SUSPEND)
    User.objects.filter(pk=alice.pk).update(suspended_until=timezone.now() - timedelta(hours=1))
    decide(mo, flag(mo, IdeaFactory(author=alice, category=drinks)).case, ActionKind.SUSPEND)
    decide(mia, appeal_create(actor=alice, action=first, text="The first was wrong.").case, ActionKind.OVERTURN)
    alice.refresh_from_db()
    assert is_suspended(alice) and alice.suspension_count == 1


def test_granting_an_appeal_against_the_running_suspension_ends_it(mo, mia, alice, drinks):
    done = decide(mo, flag(mo, IdeaFactory(author=alice, category=drinks)).case, ActionKind.SUSPEND)
    decide(mia, appeal_create(actor=alice, action=done, text="Wrong person.").case, ActionKind.OVERTURN)
    alice.refresh_from_db()
    assert not is_suspended(alice) and alice.suspension_count == 0


def test_overturning_a_duplicate_tells_the_product_team(mo, mia, alice, bob, drinks):
    idea, original = IdeaFactory(author=alice, category=drinks), IdeaFactory(author=bob, category=drinks)
    done = decide(mo, flag(mo, idea).case, ActionKind.DUPLICATE, original=str(original.pk))
    decide(mia, appeal_create(actor=alice, action=done, text="It is not.").case, ActionKind.OVERTURN, "Different.")
    withdrawn = InternalNote.objects.filter(idea=idea).latest("created_at", "id")
    assert "withdrew" in withdrawn.body and "Different." in withdrawn.body


def test_a_moderators_deletion_is_one_audit_entry(mo, alices_idea):
    decide(mo, flag(mo, alices_idea).case, ActionKind.DELETE)
    about = AuditEntry.objects.filter(target_type="ideas.idea", target_id=str(alices_idea.pk))
    assert list(about.values_list("verb", flat=True)) == ["moderation.delete"]


def test_a_suspension_is_recorded_on_the_member_it_is_about(mo, alice, alices_idea):
    decide(mo, flag(mo, alices_idea).case, ActionKind.SUSPEND)
    entry = AuditEntry.objects.get(verb="moderation.suspend")
    assert (entry.target_type, entry.target_id, entry.data["target"]) == (
        "accounts.user",
        str(alice.pk),
        f"idea:{alices_idea.pk}",
    )


# A flagger's account deleted.


def test_a_deleted_flaggers_open_flags_leave_the_weight_of_the_case(alice, bob, alices_idea):
    flag(bob, alices_idea)
    case = flag(UserFactory(), alices_idea).case
    account_delete(actor=bob, user=bob)
    case.refresh_from_db()
    assert (case.weight, case.flag_count) == (1, 1)


def test_a_case_only_a_deleted_flagger_opened_leaves_the_queue(bob, alices_idea):
    case = flag(bob, alices_idea).case
    account_delete(actor=bob, user=bob)
    assert not Case.objects.filter(pk=case.pk).exists()


def test_a_case_whose_flags_hid_the_content_stays_for_a_moderator_when_its_flaggers_go(alices_idea):
    flaggers = [UserFactory() for _ in range(3)]
    for flagger in flaggers:
        case = flag(flagger, alices_idea).case
    for flagger in flaggers:
        account_delete(actor=flagger, user=flagger)
    case.refresh_from_db()
    assert case.is_open and case.flag_count == 0 and Idea.objects.get(pk=alices_idea.pk).hidden == Hidden.PENDING
