"""notify(): one notification per member per event, once; batches of followed ideas count up; choices
of e-mail are kept on each notification; live events on the member's own topic."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from accounts.services import account_delete
from ideas.services import idea_delete
from notifications import services
from notifications.models import Delivery, EmailStatus, Kind, Notification
from notifications.selectors import unread_count
from notifications.services import notifications_forget, notifications_read, notify, settings_update
from tests.factories import IdeaFactory, UserFactory
from tests.notifications.notices import comment_notice


def test_alice_is_told_of_a_comment_on_her_idea(alice, bob, alices_idea):
    notify(event="comment.created:1", notices=[comment_notice(alice, alices_idea, actor=bob)])
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.actor) == (alice, Kind.COMMENT_ON_MY_IDEA, bob)
    assert notification.headline == "Bob commented on your idea “Oat milk at no extra charge”"
    assert notification.link == f"/ideas/{alices_idea.pk}/#comment-1"


def test_the_same_event_twice_writes_nothing_the_second_time(alice, alices_idea):
    notify(event="comment.created:1", notices=[comment_notice(alice, alices_idea)])
    notify(event="comment.created:1", notices=[comment_notice(alice, alices_idea)])
    assert Notification.objects.count() == 1


def test_one_member_gets_one_notification_per_event_even_if_named_twice(alice, alices_idea):
    notify(
        event="comment.created:1",
        notices=[comment_notice(alice, alices_idea, Kind.MENTION), comment_notice(alice, alices_idea)],
    )
    assert list(Notification.objects.values_list("kind", flat=True)) == [Kind.MENTION]


def test_inactive_members_are_not_notified(alice, alices_idea):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    notify(event="comment.created:1", notices=[comment_notice(alice, alices_idea)])
    assert not Notification.objects.exists()


def test_new_comments_on_a_followed_idea_count_up_on_one_unread_notification(bob, alices_idea):
    for n in (1, 2, 3):
        notify(event=f"comment.created:{n}", notices=[comment_notice(bob, alices_idea, Kind.FOLLOWED_IDEA, n)])
    notification = Notification.objects.get()
    assert notification.count == 3
    assert notification.link.endswith("#comment-1")  # where the new comments start
    assert notification.headline == "3 new comments on “Oat milk at no extra charge”, which you follow"


def test_once_read_the_next_comment_starts_a_new_batch(bob, alices_idea):
    notify(event="comment.created:1", notices=[comment_notice(bob, alices_idea, Kind.FOLLOWED_IDEA, 1)])
    notifications_read(actor=bob, everything=True)
    notify(event="comment.created:2", notices=[comment_notice(bob, alices_idea, Kind.FOLLOWED_IDEA, 2)])
    assert [(n.count, n.is_read) for n in Notification.objects.order_by("pk")] == [(1, True), (1, False)]


def test_the_members_choice_of_email_is_kept_on_the_notification(alice, bob, alices_idea):
    settings_update(actor=alice, delivery={Kind.COMMENT_ON_MY_IDEA: Delivery.WEEKLY})
    notify(
        event="comment.created:1",
        notices=[comment_notice(alice, alices_idea), comment_notice(bob, alices_idea, Kind.FOLLOWED_IDEA)],
    )
    chosen = dict(Notification.objects.values_list("recipient__display_name", "delivery"))
    assert chosen == {"Alice": Delivery.WEEKLY, "Bob": Delivery.DAILY}


def test_an_immediate_email_is_one_task_enqueued_with_the_notifications(alice, bob, alices_idea):
    notify(
        event="comment.created:1",
        notices=[comment_notice(alice, alices_idea), comment_notice(bob, alices_idea, Kind.FOLLOWED_IDEA)],
    )
    task = DBTaskResult.objects.get()
    assert task.task_path == "notifications.tasks.send_notification_emails"
    assert task.args_kwargs["kwargs"]["notification_ids"] == [Notification.objects.get(recipient=alice).pk]


def test_never_means_no_email_at_all(alice, alices_idea):
    settings_update(actor=alice, delivery={Kind.COMMENT_ON_MY_IDEA: Delivery.NEVER})
    notify(event="comment.created:1", notices=[comment_notice(alice, alices_idea)])
    assert Notification.objects.get().email_status == EmailStatus.NONE
    assert not DBTaskResult.objects.exists()


def test_a_deleted_comment_leaves_no_words_and_no_email_behind(alice, alices_idea):
    notify(event="comment.created:1", notices=[comment_notice(alice, alices_idea)])
    notifications_forget(subject="comment:1")
    notification = Notification.objects.get()
    assert (notification.excerpt, notification.email_status) == ("", EmailStatus.NONE)


def test_the_member_hears_of_it_live_on_their_own_topic_with_the_unread_count(alice, bob, alices_idea, published):
    with published() as events:
        notify(event="comment.created:1", notices=[comment_notice(alice, alices_idea, actor=bob)])
    assert [(e["topic"], e["event"], e["data"]["unread"]) for e in events] == [
        (f"user:{alice.pk}", "notification.created", 1)
    ]


def test_bob_cannot_mark_alices_notification_read(alice, bob, alices_idea):
    notify(event="comment.created:1", notices=[comment_notice(alice, alices_idea)])
    with pytest.raises(ValidationError, match="not your notifications"):
        notifications_read(actor=bob, ids=[Notification.objects.get().pk])
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize(
    ("delivery", "time_zone", "field"),
    [
        ({"no_such_kind": "daily"}, None, "delivery"),
        ({"reply": "hourly"}, None, "delivery"),
        (None, "Mars/Olympus", "time_zone"),
    ],
)
def test_bad_settings_are_refused_with_nothing_stored(alice, delivery, time_zone, field):
    with pytest.raises(ValidationError) as caught:
        settings_update(actor=alice, delivery=delivery, time_zone=time_zone)
    assert field in caught.value.message_dict
    assert not alice.__class__.objects.filter(notification_settings__isnull=False).exists()


def test_many_followers_cost_a_fixed_number_of_queries(alices_idea, django_assert_max_num_queries):
    members = UserFactory.create_batch(50)
    with django_assert_max_num_queries(12):
        notify(
            event="comment.created:1",
            notices=[comment_notice(member, alices_idea, Kind.FOLLOWED_IDEA) for member in members],
        )
    assert Notification.objects.count() == 50


def test_the_live_count_leaves_out_notifications_of_a_deleted_idea_as_the_bell_does(
    alice, bob, drinks, alices_idea, published
):
    deleted = IdeaFactory(author=bob, category=drinks)
    notify(event="comment.created:1", notices=[comment_notice(alice, deleted)])
    idea_delete(idea=deleted, actor=bob)
    with published() as events:
        notify(event="comment.created:2", notices=[comment_notice(alice, alices_idea, comment_id=2)])
    assert [e["data"]["unread"] for e in events] == [unread_count(member=alice)] == [1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite writes one transaction after another anyway")
def test_an_account_deleted_during_a_fan_out_leaves_everyone_else_notified(monkeypatch, bob, mo, alices_idea):
    read, deleted = threading.Event(), threading.Event()
    real = services.deliveries_for

    def slow_deliveries(member_ids):  # a fan-out to many followers takes a while: an account goes meanwhile
        read.set()
        deleted.wait(10)
        return real(member_ids)

    monkeypatch.setattr(services, "deliveries_for", slow_deliveries)

    def delete_mo():
        read.wait(10)
        try:
            account_delete(actor=mo, user=mo)
        finally:
            deleted.set()
            connections.close_all()

    thread = threading.Thread(target=delete_mo)
    thread.start()
    try:
        notify(
            event="comment.created:1",
            notices=[comment_notice(member, alices_idea, Kind.FOLLOWED_IDEA) for member in (bob, mo)],
        )
    finally:
        thread.join()
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [bob.pk]


def test_a_batch_that_counts_up_is_announced_on_the_members_topic(bob, alices_idea, published):
    notify(event="comment.created:1", notices=[comment_notice(bob, alices_idea, Kind.FOLLOWED_IDEA, 1)])
    with published() as events:
        notify(event="comment.created:2", notices=[comment_notice(bob, alices_idea, Kind.FOLLOWED_IDEA, 2)])
    assert events == [
        {
            "topic": f"user:{bob.pk}",
            "event": "notification.changed",
            "data": {"idea": alices_idea.pk, "unread": 1},
        }
    ]


def test_reading_is_announced_to_the_members_other_pages_with_the_new_count(alice, alices_idea, published):
    for n in (1, 2):
        notify(event=f"comment.created:{n}", notices=[comment_notice(alice, alices_idea, comment_id=n)])
    first = Notification.objects.order_by("pk").first()
    with published() as events:
        notifications_read(actor=alice, ids=[first.pk])
        notifications_read(actor=alice, ids=[first.pk])  # already read: nothing to say
    assert events == [{"topic": f"user:{alice.pk}", "event": "notification.read", "data": {"unread": 1}}]
