"""Suspended members read but write nothing, through every service, the API and the pages; they see why on every
page; the suspension lapses by itself; an appeal is the one thing they may still write."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.permissions import Suspended
from accounts.services import member_suspend
from discussion.models import Comment
from discussion.preview import preview_html
from discussion.services import (
    comment_delete,
    comment_edit,
    comment_mark_official,
    comment_post,
    comment_unmark_official,
)
from ideas.models import Follow, Idea, Status
from ideas.services import idea_delete, idea_edit, idea_follow, idea_submit, idea_unfollow
from moderation.models import ActionKind, Flag, FlagReason
from moderation.services import appeal_create, case_decide, flag_create
from notifications.services import notifications_read
from pipeline.models import InternalNote, StatusChange
from pipeline.services import idea_bulk_transition, idea_merge, idea_reopen, idea_transition, internal_note_add
from tests.factories import IdeaFactory, comment
from voting.models import Vote
from voting.services import vote_cast, vote_toggle, vote_withdraw

pytestmark = pytest.mark.django_db

REASON = "Spam links in three comments."


def suspend(member, days: int = 3) -> None:
    member_suspend(member=member, days=days, reason=REASON)


@pytest.fixture
def world(alice, bob, pat, mo, drinks, alices_idea):
    """Bob's idea, comment and vote, Alice's official answer, a declined idea and a case for Mo: everything a
    suspended member could try to change, made before anyone is suspended."""
    bobs_idea = IdeaFactory(author=bob, category=drinks, title="Bob's idea about tea")
    declined = IdeaFactory(author=alice, category=drinks, status=Status.DECLINED)
    official = comment(alice, bobs_idea, "The official word on tea.")
    comment_mark_official(actor=pat, comment=official)
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    idea_follow(actor=bob, idea=alices_idea)
    flag = flag_create(actor=alice, target=f"idea:{bobs_idea.pk}", reason=FlagReason.SPAM)
    return {
        "bobs_idea": bobs_idea,
        "bobs_comment": comment(bob, alices_idea, "I like oat milk too."),
        "alices_comment": comment(alice, alices_idea, "Thanks, Bob."),
        "official": official,
        "declined": declined,
        "case": flag.case,
    }


def state() -> tuple:
    """Everything a write could change, as it stands."""
    return (
        sorted(Idea.objects.values_list("pk", "title", "body", "status", "deleted_at", "merged_into", "hidden")),
        sorted(Comment.objects.values_list("pk", "body", "deleted_at", "official_at")),
        sorted(Vote.objects.values_list("voter", "idea", "value")),
        sorted(Follow.objects.values_list("member", "idea", "following")),
        Flag.objects.count(),
        StatusChange.objects.count(),
        InternalNote.objects.count(),
        sorted(Flag.objects.values_list("pk", "status")),
    )


MEMBER_WRITES = {
    "idea_submit": lambda w, me: idea_submit(actor=me, title="Another tea idea", body="Tea.", category=w["drinks"]),
    "idea_edit": lambda w, me: idea_edit(idea=w["bobs_idea"], actor=me, body="Edited while suspended."),
    "idea_delete": lambda w, me: idea_delete(idea=w["bobs_idea"], actor=me),
    "idea_follow": lambda w, me: idea_follow(actor=me, idea=w["bobs_idea"]),
    "idea_unfollow": lambda w, me: idea_unfollow(actor=me, idea=w["alices_idea"]),
    "vote_cast": lambda w, me: vote_cast(actor=me, idea_id=w["alices_idea"].pk, value=-1),
    "vote_withdraw": lambda w, me: vote_withdraw(actor=me, idea_id=w["alices_idea"].pk),
    "vote_toggle": lambda w, me: vote_toggle(actor=me, idea_id=w["alices_idea"].pk, value=1),
    "comment_post": lambda w, me: comment_post(actor=me, idea=w["alices_idea"], body="Still here."),
    "comment_edit": lambda w, me: comment_edit(actor=me, comment=w["bobs_comment"], body="Changed."),
    "comment_delete": lambda w, me: comment_delete(actor=me, comment=w["bobs_comment"]),
    "flag_create": lambda w, me: flag_create(
        actor=me, target=f"comment:{w['alices_comment'].pk}", reason=FlagReason.ABUSIVE
    ),
    "preview": lambda w, me: preview_html(actor=me, body="**Bold**"),
}

STAFF_WRITES = {
    "comment_mark_official": ("pat", lambda w, me: comment_mark_official(actor=me, comment=w["alices_comment"])),
    "comment_unmark_official": ("pat", lambda w, me: comment_unmark_official(actor=me, idea=w["bobs_idea"])),
    "idea_transition": (
        "pat",
        lambda w, me: idea_transition(actor=me, idea=w["alices_idea"], to=Status.UNDER_REVIEW, note="Looking."),
    ),
    "idea_reopen": ("pat", lambda w, me: idea_reopen(actor=me, idea=w["declined"], note="Again.")),
    "idea_bulk_transition": (
        "pat",
        lambda w, me: idea_bulk_transition(actor=me, ids=[w["alices_idea"].pk], to=Status.UNDER_REVIEW, note="All."),
    ),
    "idea_merge": (
        "pat",
        lambda w, me: idea_merge(actor=me, idea=w["bobs_idea"], into=w["alices_idea"].pk, note="Dup"),
    ),
    "internal_note_add": ("pat", lambda w, me: internal_note_add(actor=me, idea=w["alices_idea"], body="Note.")),
    "case_decide": ("mo", lambda w, me: case_decide(actor=me, case=w["case"], action=ActionKind.HIDE, reason="Spam.")),
}


@pytest.mark.parametrize("write", MEMBER_WRITES.values(), ids=MEMBER_WRITES.keys())
def test_a_suspended_member_writes_nothing_through_any_service(world, bob, drinks, alices_idea, write):
    suspend(bob)
    before = state()
    with pytest.raises(Suspended) as refusal:
        write({**world, "drinks": drinks, "alices_idea": alices_idea}, bob)
    assert REASON in refusal.value.message and refusal.value.code == "suspended"
    assert state() == before


@pytest.mark.parametrize(("who", "write"), STAFF_WRITES.values(), ids=STAFF_WRITES.keys())
def test_suspended_staff_write_nothing_through_any_service(request, world, alices_idea, who, write):
    member = request.getfixturevalue(who)
    suspend(member)
    before = state()
    with pytest.raises(Suspended):
        write({**world, "alices_idea": alices_idea}, member)
    assert state() == before


def test_the_same_writes_go_through_once_the_suspension_has_lapsed(world, bob, alices_idea):
    suspend(bob)
    bob.suspended_until = timezone.now() - timedelta(seconds=1)
    bob.save(update_fields=["suspended_until"])
    comment_post(actor=bob, idea=alices_idea, body="Back again.")
    assert Comment.objects.filter(author=bob, body="Back again.").exists()


def suspended_by_mo(alice, bob, mo, drinks):
    """Bob suspended through the moderation flow: his idea flagged, Mo's decision (Bob is told)."""
    idea = IdeaFactory(author=bob, category=drinks)
    flag = flag_create(actor=alice, target=f"idea:{idea.pk}", reason=FlagReason.SPAM)
    action = case_decide(actor=mo, case=flag.case, action=ActionKind.SUSPEND, reason="Spam, again.")
    bob.refresh_from_db()
    return action


def test_a_suspended_member_still_marks_their_notifications_read(alice, bob, mo, drinks):
    suspended_by_mo(alice, bob, mo, drinks)
    assert notifications_read(actor=bob, everything=True) == 1  # their own inbox: no Suspended


def test_a_member_suspended_by_a_moderator_may_still_appeal(alice, bob, mo, drinks):
    action = suspended_by_mo(alice, bob, mo, drinks)
    with pytest.raises(Suspended):
        comment_post(actor=bob, idea=IdeaFactory(category=drinks), body="Let me explain.")
    appeal = appeal_create(actor=bob, action=action, text="It was not spam.")
    assert appeal.member == bob


# The API: 403 with the code "suspended", nothing changed.

API_WRITES = {
    "submit an idea": ("post", "/api/v1/ideas/", lambda w: {"title": "Tea", "body": "b", "category": w["drinks"].pk}),
    "edit an idea": ("patch", "/api/v1/ideas/{bobs_idea}/", lambda w: {"body": "Changed"}),
    "delete an idea": ("delete", "/api/v1/ideas/{bobs_idea}/", lambda w: None),
    "follow": ("put", "/api/v1/ideas/{bobs_idea}/follow/", lambda w: None),
    "unfollow": ("delete", "/api/v1/ideas/{alices_idea}/follow/", lambda w: None),
    "vote": ("put", "/api/v1/ideas/{alices_idea}/vote/", lambda w: {"value": -1}),
    "withdraw a vote": ("delete", "/api/v1/ideas/{alices_idea}/vote/", lambda w: None),
    "comment": ("post", "/api/v1/ideas/{alices_idea}/comments/", lambda w: {"body": "Hi"}),
    "edit a comment": ("patch", "/api/v1/comments/{bobs_comment}/", lambda w: {"body": "Changed"}),
    "delete a comment": ("delete", "/api/v1/comments/{bobs_comment}/", lambda w: None),
    "preview": ("post", "/api/v1/preview/", lambda w: {"body": "**Bold**"}),
}


@pytest.mark.parametrize(("method", "path", "data"), API_WRITES.values(), ids=API_WRITES.keys())
def test_the_api_refuses_a_suspended_members_writes_with_403(
    api_as, world, bob, drinks, alices_idea, method, path, data
):
    suspend(bob)
    before = state()
    ids = {"alices_idea": alices_idea.pk, "bobs_idea": world["bobs_idea"].pk, "bobs_comment": world["bobs_comment"].pk}
    response = getattr(api_as(bob), method)(path.format(**ids), data({**world, "drinks": drinks}), format="json")
    assert response.status_code == 403 and response.json()["code"] == "suspended", response.content
    assert REASON in response.json()["detail"]
    assert state() == before


def test_the_api_still_reads_for_a_suspended_member(api_as, world, bob, alices_idea):
    suspend(bob)
    client = api_as(bob)
    assert client.get("/api/v1/ideas/").status_code == 200
    assert client.get(f"/api/v1/ideas/{alices_idea.pk}/").status_code == 200
    assert client.get(f"/api/v1/ideas/{alices_idea.pk}/comments/").status_code == 200


# Pages: the refusal is said on the form, which keeps what was typed, or as a message after a button.


def test_the_submit_page_says_why_and_keeps_what_was_typed(client, bob, drinks):
    suspend(bob)
    client.force_login(bob)
    response = client.post(
        "/ideas/new/", {"title": "Green tea in the lounge", "body": "Typed with care", "category": drinks.pk}
    )
    page = response.content.decode()
    assert response.status_code == 403 and REASON in page
    assert "Green tea in the lounge" in page and "Typed with care" in page
    assert not Idea.objects.filter(title="Green tea in the lounge").exists()


def test_the_comment_form_says_why_and_keeps_what_was_typed(client, bob, alices_idea):
    suspend(bob)
    client.force_login(bob)
    response = client.post(f"/ideas/{alices_idea.pk}/comments/", {"body": "A comment typed with care"})
    page = response.content.decode()
    assert response.status_code == 403 and REASON in page and "A comment typed with care" in page
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/ideas/{bobs_idea}/edit/", {"title": "Bob's idea about tea", "body": "Changed"}),
        ("/ideas/{bobs_idea}/delete/", {}),
        ("/comments/{bobs_comment}/edit/", {"body": "Changed"}),
        ("/comments/{bobs_comment}/delete/", {}),
    ],
    ids=["edit an idea", "delete an idea", "edit a comment", "delete a comment"],
)
def test_edit_and_delete_pages_refuse_with_403_and_the_reason(client, world, bob, drinks, path, data):
    suspend(bob)
    client.force_login(bob)
    before = state()
    ids = {"bobs_idea": world["bobs_idea"].pk, "bobs_comment": world["bobs_comment"].pk}
    response = client.post(path.format(**ids), {**data, "category": drinks.pk})
    assert response.status_code == 403 and REASON in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    ("path", "data"),
    [("/ideas/{alices_idea}/vote/", {"value": "-1"}), ("/ideas/{alices_idea}/follow/", {"follow": "0"})],
    ids=["vote", "follow"],
)
def test_vote_and_follow_buttons_say_why_after_the_press(client, world, bob, alices_idea, path, data):
    suspend(bob)
    client.force_login(bob)
    before = state()
    response = client.post(path.format(alices_idea=alices_idea.pk), data, follow=True)
    assert response.status_code == 200 and REASON in response.content.decode()
    assert state() == before


# The banner


def test_every_page_shows_a_suspended_member_the_reason_and_the_end_date(client, bob, alices_idea):
    suspend(bob)
    client.force_login(bob)
    bob.refresh_from_db()
    for path in ("/", alices_idea.get_absolute_url(), "/notifications/"):
        page = client.get(path).content.decode()
        assert 'id="suspension"' in page and REASON in page
        assert str(Suspended(bob).message) in page  # with the end date, as the refusals say it


def test_the_banner_goes_when_the_suspension_lapses(client, bob):
    suspend(bob)
    bob.suspended_until = timezone.now() - timedelta(seconds=1)
    bob.save(update_fields=["suspended_until"])
    client.force_login(bob)
    assert 'id="suspension"' not in client.get("/").content.decode()


def test_members_who_are_not_suspended_see_no_banner(client, bob):
    client.force_login(bob)
    assert 'id="suspension"' not in client.get("/").content.decode()


def test_the_banner_costs_no_query(client, bob, alices_idea):
    client.force_login(bob)
    with CaptureQueriesContext(connection) as free:
        client.get(alices_idea.get_absolute_url())
    suspend(bob)
    with CaptureQueriesContext(connection) as suspended:
        page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert 'id="suspension"' in page and len(suspended) == len(free)
