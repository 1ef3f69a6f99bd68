"""The notifications of a status change, as the worker writes them: the idea's author, voters and
followers, once each, never the one who moved it, by each member's e-mail choice for the new kind."""

import pytest
from django.utils import timezone

from ideas.models import Idea, Status
from ideas.services import idea_follow, idea_unfollow
from notifications.models import Delivery, EmailStatus, Kind, Notification
from notifications.services import settings_update
from pipeline.services import idea_transition
from pipeline.tasks import status_notify
from tests.factories import UserFactory
from tests.notifications.notices import run_worker
from tests.pipeline.ideas import votes


def move(pat, idea, to=Status.REVIEWED, note="Worth doing: we will **plan** it."):
    return idea_transition(actor=pat, idea=idea, to=to, note=note)


def told(change) -> list[int]:
    return sorted(Notification.objects.filter(subject=f"status:{change.pk}").values_list("recipient_id", flat=True))


def test_the_author_voters_up_and_down_and_followers_are_told_once_each(pat, alice, bob, mo, alices_idea):
    carol = UserFactory(display_name="Carol")
    votes(alices_idea, [bob])  # bob follows too, since his vote
    votes(alices_idea, [carol], -1)
    idea_follow(actor=mo, idea=alices_idea)
    change = move(pat, alices_idea)
    status_notify.call(change_id=change.pk)
    assert told(change) == sorted([alice.pk, bob.pk, carol.pk, mo.pk])


def test_the_product_team_member_who_moved_it_is_not_told(pat, alice, alices_idea):
    votes(alices_idea, [pat])
    change = move(pat, alices_idea)
    status_notify.call(change_id=change.pk)
    assert told(change) == [alice.pk]


def test_a_member_who_unfollowed_but_voted_is_still_told(pat, alice, bob, alices_idea):
    votes(alices_idea, [bob])
    idea_unfollow(actor=bob, idea=alices_idea)
    change = move(pat, alices_idea)
    status_notify.call(change_id=change.pk)
    assert told(change) == sorted([alice.pk, bob.pk])


def test_inactive_members_are_not_told(pat, alice, bob, mo, alices_idea):
    votes(alices_idea, [bob])
    idea_follow(actor=mo, idea=alices_idea)
    type(bob).objects.filter(pk__in=[bob.pk, mo.pk]).update(is_active=False)
    change = move(pat, alices_idea)
    status_notify.call(change_id=change.pk)
    assert told(change) == [alice.pk]


def test_the_notification_names_the_new_status_and_links_to_the_change(pat, alice, alices_idea):
    change = move(pat, alices_idea)
    status_notify.call(change_id=change.pk)
    notice = Notification.objects.get(recipient=alice)
    assert (notice.kind, notice.status, notice.actor) == (Kind.STATUS_CHANGE, Status.REVIEWED, pat)
    assert notice.headline == "“Oat milk at no extra charge” is now Reviewed"
    assert notice.link == f"/ideas/{alices_idea.pk}/#status-{change.pk}"
    assert notice.excerpt == "Worth doing: we will plan it."


def test_status_changes_are_emailed_immediately_by_default(pat, alice, alices_idea):
    change = move(pat, alices_idea)
    status_notify.call(change_id=change.pk)
    notice = Notification.objects.get(recipient=alice)
    assert (notice.delivery, notice.email_status) == (Delivery.IMMEDIATELY, EmailStatus.WAITING)


def test_a_member_who_chose_never_gets_no_email_of_status_changes(pat, alice, alices_idea):
    settings_update(actor=alice, delivery={Kind.STATUS_CHANGE: Delivery.NEVER})
    change = move(pat, alices_idea)
    status_notify.call(change_id=change.pk)
    assert Notification.objects.get(recipient=alice).delivery == Delivery.NEVER


def test_a_retried_task_writes_nothing_twice(pat, alice, bob, alices_idea):
    votes(alices_idea, [bob])
    change = move(pat, alices_idea)
    status_notify.call(change_id=change.pk)
    status_notify.call(change_id=change.pk)
    assert told(change) == sorted([alice.pk, bob.pk])


def test_each_change_is_its_own_notification(pat, alice, alices_idea):
    first = move(pat, alices_idea, Status.UNDER_REVIEW, "")
    second = move(pat, alices_idea, Status.REVIEWED)
    for change in (first, second):
        status_notify.call(change_id=change.pk)
    assert list(Notification.objects.filter(recipient=alice).order_by("pk").values_list("status", flat=True)) == [
        Status.UNDER_REVIEW,
        Status.REVIEWED,
    ]


def test_an_idea_deleted_before_the_worker_came_tells_nobody(pat, alice, alices_idea):
    change = move(pat, alices_idea)
    Idea.objects.filter(pk=alices_idea.pk).update(deleted_at=timezone.now())
    status_notify.call(change_id=change.pk)
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_email_carries_the_headline_and_the_note(smtp, pat, alice, alices_idea):
    move(pat, alices_idea, Status.DECLINED, "Not now: the **suppliers** cannot keep up.")
    run_worker()
    [message] = smtp.messages
    assert message["To"] == "alice@example.com"
    assert str(message["Subject"]).strip() == "“Oat milk at no extra charge” is now Not planned"
    text = message.get_body(("plain",)).get_content()
    assert "Not now: the suppliers cannot keep up." in text
    assert f"http://testserver/ideas/{alices_idea.pk}/#status-" in text


@pytest.mark.django_db(transaction=True)
def test_no_email_goes_to_a_member_who_chose_never(smtp, pat, alice, bob, alices_idea):
    votes(alices_idea, [bob])
    settings_update(actor=alice, delivery={Kind.STATUS_CHANGE: Delivery.NEVER})
    move(pat, alices_idea)
    run_worker()
    assert [message["To"] for message in smtp.messages] == [bob.email]
