"""E-mail, delivered for real to a local SMTP server (aiosmtpd): each choice of delivery, digests in
the member's time zone, the one-click unsubscribe link, and retries that never send twice."""

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import ScheduledRun
from core.schedule import run_periodic
from ideas.services import idea_delete
from notifications.digests import send_due_digests
from notifications.models import Delivery, Digest, EmailStatus, Kind, Notification
from notifications.selectors import settings_of
from notifications.services import Notice, notifications_forget, notify, settings_update
from notifications.tasks import MAX_ATTEMPTS, send_notification_emails
from notifications.unsubscribe import make_token
from tests.factories import UserFactory
from tests.notifications.notices import comment_notice, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

# Thursday 26 November 2026; Copenhagen (the site's zone) is UTC+1.
THURSDAY_7_UTC = datetime(2026, 11, 26, 7, tzinfo=UTC)  # 08:00 in Copenhagen
MONDAY_7_UTC = datetime(2026, 11, 30, 7, tzinfo=UTC)


def subject(message) -> str:
    """The decoded subject (Django folds a long encoded one onto a continuation line)."""
    return str(message["Subject"]).strip()


def tell(member, idea, kind=Kind.COMMENT_ON_MY_IDEA, n=1, actor=None):
    notify(event=f"comment.created:{n}", notices=[comment_notice(member, idea, kind, n, actor)])


def test_immediately_is_sent_by_the_worker(smtp, alice, bob, alices_idea):
    tell(alice, alices_idea, actor=bob)
    assert smtp.messages == []  # nothing inside the request
    run_worker()
    [message] = smtp.messages
    assert message["To"] == "alice@example.com"
    assert subject(message) == "Bob commented on your idea “Oat milk at no extra charge”"
    assert Notification.objects.get().email_status == EmailStatus.SENT


def test_every_email_has_a_text_and_an_html_part(smtp, alice, bob, alices_idea):
    tell(alice, alices_idea, actor=bob)
    run_worker()
    [message] = smtp.messages
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"http://testserver/ideas/{alices_idea.pk}/#comment-1" in text
    assert f'href="http://testserver/ideas/{alices_idea.pk}/#comment-1"' in html


def test_every_email_has_one_click_unsubscribe_headers(smtp, alice, alices_idea):
    tell(alice, alices_idea)
    run_worker()
    [message] = smtp.messages
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://testserver/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_email_names_no_one_elses_address(smtp, alice, bob, alices_idea):
    tell(alice, alices_idea, actor=bob)
    run_worker()
    assert smtp.envelopes[0][1] == ["alice@example.com"]
    assert "bob@example.com" not in smtp.messages[0].as_string()


def test_never_sends_nothing(smtp, alice, alices_idea):
    settings_update(actor=alice, delivery={Kind.COMMENT_ON_MY_IDEA: Delivery.NEVER})
    tell(alice, alices_idea)
    run_worker()
    send_due_digests(due=THURSDAY_7_UTC)
    run_worker()
    assert smtp.messages == []


def test_daily_waits_for_the_digest_hour_in_the_sites_time_zone(smtp, bob, alices_idea):
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA)
    run_worker()
    assert send_due_digests(due=datetime(2026, 11, 26, 6, tzinfo=UTC)) == 0  # 07:00 in Copenhagen
    assert send_due_digests(due=THURSDAY_7_UTC) == 1
    run_worker()
    [message] = smtp.messages
    assert subject(message) == "Your daily digest from Idea Forum"
    assert "Oat milk at no extra charge" in message.get_body(("plain",)).get_content()
    assert Digest.objects.get().key == "2026-11-26"


def test_daily_keeps_the_members_own_time_zone(smtp, bob, alices_idea):
    settings_update(actor=bob, time_zone="America/New_York")
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA)
    assert send_due_digests(due=THURSDAY_7_UTC) == 0  # 02:00 in New York
    assert send_due_digests(due=datetime(2026, 11, 26, 13, tzinfo=UTC)) == 1  # 08:00 in New York
    run_worker()
    assert len(smtp.messages) == 1


def test_weekly_waits_for_the_digest_weekday(smtp, alice, alices_idea):
    settings_update(actor=alice, delivery={Kind.COMMENT_ON_MY_IDEA: Delivery.WEEKLY})
    tell(alice, alices_idea, n=1)
    tell(alice, alices_idea, n=2)
    assert send_due_digests(due=THURSDAY_7_UTC) == 0
    assert send_due_digests(due=MONDAY_7_UTC) == 1
    run_worker()
    [message] = smtp.messages
    assert subject(message) == "Your weekly digest from Idea Forum"
    assert message.get_body(("plain",)).get_content().count("commented on your idea") == 2
    assert Digest.objects.get().key == "2026-W49"


def test_a_digest_covers_read_notifications_too(smtp, bob, alices_idea):
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA)
    Notification.objects.update(read_at=THURSDAY_7_UTC)
    send_due_digests(due=THURSDAY_7_UTC)
    run_worker()
    assert len(smtp.messages) == 1
    assert Notification.objects.get().email_status == EmailStatus.SENT


def test_a_digest_with_nothing_to_say_is_not_sent(smtp, bob, alices_idea):
    assert send_due_digests(due=THURSDAY_7_UTC) == 0
    run_worker()
    assert (smtp.messages, Digest.objects.count()) == ([], 0)


def test_a_second_digest_run_the_same_day_sends_nothing(smtp, bob, alices_idea):
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA, n=1)
    send_due_digests(due=THURSDAY_7_UTC)
    run_worker()
    Notification.objects.update(read_at=THURSDAY_7_UTC)
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA, n=2)  # after today's digest: tomorrow's
    assert send_due_digests(due=datetime(2026, 11, 26, 8, tzinfo=UTC)) == 0
    run_worker()
    assert len(smtp.messages) == 1


def test_the_digest_scan_costs_a_fixed_number_of_queries_for_members_with_nothing_due(
    bob, alices_idea, django_assert_num_queries
):
    for member in UserFactory.create_batch(20):
        tell(member, alices_idea, Kind.FOLLOWED_IDEA, n=member.pk)
    with django_assert_num_queries(2):  # who waits, and their time zones
        assert send_due_digests(due=datetime(2026, 11, 26, 3, tzinfo=UTC)) == 0


def unsubscribe_path(message) -> str:
    return urlsplit(str(message["List-Unsubscribe"]).strip().strip("<>")).path


def test_the_unsubscribe_link_of_an_email_works_signed_out(smtp, alice, alices_idea):
    settings_update(actor=alice, delivery={Kind.MENTION: Delivery.IMMEDIATELY})
    tell(alice, alices_idea, Kind.MENTION)
    run_worker()
    client = Client(enforce_csrf_checks=True)
    path = unsubscribe_path(smtp.messages[0])
    page = client.get(path)
    assert "E-mails about: Mentions of me" in page.content.decode()
    assert client.post(path).status_code == 200
    assert settings_of(member=alice).delivery_of(Kind.MENTION) == Delivery.NEVER


def test_the_one_click_post_of_a_mail_client_unsubscribes(smtp, alice, alices_idea):
    tell(alice, alices_idea)
    run_worker()
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(smtp.messages[0]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert settings_of(member=alice).delivery_of(Kind.COMMENT_ON_MY_IDEA) == Delivery.NEVER


def test_running_the_email_task_twice_sends_once(smtp, alice, alices_idea):
    tell(alice, alices_idea)
    ids = [Notification.objects.get().pk]
    assert send_notification_emails.call(notification_ids=ids) == 1
    assert send_notification_emails.call(notification_ids=ids) == 0
    assert len(smtp.messages) == 1


def test_a_refused_email_is_sent_exactly_once_by_the_retry(smtp, alice, alices_idea):
    smtp.refuse(1)
    tell(alice, alices_idea)
    run_worker()
    assert smtp.messages == []
    assert Notification.objects.get().email_status == EmailStatus.WAITING
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2 and retry.run_after is not None
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # its time has come
    run_worker()
    run_worker()
    assert len(smtp.messages) == 1
    assert Notification.objects.get().email_status == EmailStatus.SENT


def test_after_the_last_attempt_the_email_is_given_up(smtp, alice, alices_idea):
    tell(alice, alices_idea)
    smtp.refuse(1)
    assert send_notification_emails.call(notification_ids=[Notification.objects.get().pk], attempt=MAX_ATTEMPTS) == 0
    assert Notification.objects.get().email_status == EmailStatus.FAILED
    assert not [task for task in DBTaskResult.objects.all() if task.args_kwargs["kwargs"].get("attempt")]


def test_a_refused_digest_is_sent_exactly_once_by_the_retry(smtp, bob, alices_idea):
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA)
    smtp.refuse(1)
    send_due_digests(due=THURSDAY_7_UTC)
    run_worker()
    assert Digest.objects.get().email_status == EmailStatus.WAITING
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    assert len(smtp.messages) == 1
    assert Digest.objects.get().email_status == EmailStatus.SENT


def test_a_forged_or_changed_unsubscribe_link_is_refused(client, alice):
    token = make_token(member_id=alice.pk, kind=Kind.MENTION)
    for bad in (token[:-2] + "xx", signing.dumps([alice.pk, Kind.MENTION], salt="another.salt"), "nonsense"):
        response = client.post(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert settings_of(member=alice).pk is None


def test_an_expired_unsubscribe_link_is_refused(client, alice, monkeypatch):
    long_ago = time.time() - 400 * 24 * 3600
    with monkeypatch.context() as past:
        past.setattr(signing.time, "time", lambda: long_ago)
        token = make_token(member_id=alice.pk, kind=Kind.MENTION)
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 400
    assert settings_of(member=alice).pk is None


def test_a_link_naming_a_deleted_member_or_an_unknown_kind_is_refused(client, alice, bob):
    gone = make_token(member_id=bob.pk, kind=Kind.MENTION)
    bob.delete()
    assert client.get(f"/notifications/unsubscribe/{gone}/").status_code == 400
    unknown = make_token(member_id=alice.pk, kind="weather")
    assert client.post(f"/notifications/unsubscribe/{unknown}/").status_code == 400
    assert settings_of(member=alice).pk is None


def test_the_workers_hourly_schedule_sends_the_digests(smtp, bob, alices_idea):
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA)
    ScheduledRun.objects.create(name="notifications.digests", due_at=THURSDAY_7_UTC)  # as the worker schedules it
    assert run_periodic.call(name="notifications.digests", due=THURSDAY_7_UTC.isoformat()) is True
    run_worker()
    assert [subject(message) for message in smtp.messages] == ["Your daily digest from Idea Forum"]


def test_a_member_deactivated_before_the_worker_came_gets_no_email_and_no_retries(smtp, alice, bob, alices_idea):
    tell(alice, alices_idea, actor=bob)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    run_worker()
    assert smtp.messages == []
    assert Notification.objects.get().email_status == EmailStatus.NONE


def test_a_digest_of_a_member_deactivated_since_it_opened_is_not_sent(smtp, bob, alices_idea):
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA)
    send_due_digests(due=THURSDAY_7_UTC)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    run_worker()
    assert smtp.messages == []
    assert Digest.objects.get().email_status == EmailStatus.NONE


FRIDAY_7_UTC = datetime(2026, 11, 27, 7, tzinfo=UTC)


def test_comments_after_a_digest_are_in_the_next_days_digest_though_the_batch_is_still_unread(smtp, bob, alices_idea):
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA, n=1)
    send_due_digests(due=THURSDAY_7_UTC)
    run_worker()
    for n in (2, 3):  # Bob read the e-mail, not the site: his batch is still unread and counts up
        tell(bob, alices_idea, Kind.FOLLOWED_IDEA, n=n)
    assert send_due_digests(due=FRIDAY_7_UTC) == 1
    run_worker()
    assert len(smtp.messages) == 2
    assert "3 new comments" in smtp.messages[1].get_body(("plain",)).get_content()


def test_an_immediate_batch_is_emailed_again_when_it_counts_up_after_its_email(smtp, alice, bob, alices_idea):
    settings_update(actor=bob, delivery={Kind.FOLLOWED_IDEA: Delivery.IMMEDIATELY})
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA, n=1, actor=alice)
    run_worker()
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA, n=2, actor=alice)
    run_worker()
    assert [subject(m) for m in smtp.messages] == [
        "Alice commented on “Oat milk at no extra charge”, which you follow",
        "2 new comments on “Oat milk at no extra charge”, which you follow",
    ]
    assert len({m["Message-ID"] for m in smtp.messages}) == 2  # not taken for the same message twice


def test_deleting_the_first_comment_of_a_batch_keeps_the_others_in_the_digest(smtp, bob, alices_idea):
    for n in (1, 2, 3):
        tell(bob, alices_idea, Kind.FOLLOWED_IDEA, n=n)
    notifications_forget(subject="comment:1")
    batch = Notification.objects.get()
    assert (batch.count, batch.email_status) == (2, EmailStatus.WAITING)
    send_due_digests(due=THURSDAY_7_UTC)
    run_worker()
    assert "2 new comments" in smtp.messages[0].get_body(("plain",)).get_content()


def test_a_digest_leaves_out_an_idea_deleted_since(smtp, alice, bob, alices_idea):
    tell(bob, alices_idea, Kind.FOLLOWED_IDEA)
    idea_delete(idea=alices_idea, actor=alice)
    send_due_digests(due=THURSDAY_7_UTC)
    run_worker()
    assert smtp.messages == []


def test_an_immediate_email_about_an_idea_deleted_before_the_worker_came_is_not_sent(smtp, alice, bob, alices_idea):
    tell(alice, alices_idea, actor=bob)
    idea_delete(idea=alices_idea, actor=alice)
    run_worker()
    assert smtp.messages == []
    assert Notification.objects.get().email_status == EmailStatus.NONE


def test_an_address_refused_for_good_fails_alone_and_the_rest_of_its_batch_is_sent(smtp, alice, bob, mo, alices_idea):
    smtp.refused_addresses.add("alice@example.com")
    notify(
        event="comment.created:1",
        notices=[comment_notice(member, alices_idea, Kind.MENTION, 1, bob) for member in (alice, mo)],
    )
    run_worker()
    assert [m["To"] for m in smtp.messages] == ["mo@example.com"]
    assert dict(Notification.objects.values_list("recipient__email", "email_status")) == {
        "alice@example.com": EmailStatus.FAILED,
        "mo@example.com": EmailStatus.SENT,
    }
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no retry of a refusal for good


def badge_notice(member) -> Notice:
    return Notice(
        recipient_id=member.pk, kind=Kind.BADGE, subject="badge:1", link="/members/1/#badges", excerpt="First idea"
    )


def test_a_badge_chosen_by_e_mail_is_sent_with_its_name_in_the_subject_and_not_quoted(smtp, alice):
    settings_update(actor=alice, delivery={Kind.BADGE: Delivery.IMMEDIATELY})
    notify(event="badge:1", notices=[badge_notice(alice)])
    run_worker()
    [message] = smtp.messages
    text = message.get_body(("plain",)).get_content()
    assert subject(message) == "You earned the badge “First idea”"
    assert "http://testserver/members/1/#badges" in text and "“First idea”" not in text.splitlines()


def test_a_badge_in_a_digest_is_listed_by_its_headline(smtp, alice):
    settings_update(actor=alice, delivery={Kind.BADGE: Delivery.DAILY})
    notify(event="badge:1", notices=[badge_notice(alice)])
    send_due_digests(due=THURSDAY_7_UTC)
    run_worker()
    [message] = smtp.messages
    lines = message.get_body(("plain",)).get_content().splitlines()
    assert "* You earned the badge “First idea”" in lines and "  “First idea”" not in lines
