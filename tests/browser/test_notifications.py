"""The bell in Chromium: the unread count in words and as a badge, kept up to date live when the
member reads notifications elsewhere (another tab, a script), and the notifications page with it."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from playwright.sync_api import expect

from core import live
from notifications.models import Kind, Notification
from notifications.services import notify
from notifications.unsubscribe import make_token
from tests.browser.pages import (
    api,
    assert_accessible,
    expect_announced,
    log_in,
    record_announcements,
    wait_subscribed,
)
from tests.notifications.notices import comment_notice

pytestmark = pytest.mark.browser


def test_the_bell_counts_down_live_when_notifications_are_read_elsewhere(live_url, new_page, alice, bob, alices_idea):
    for n in (1, 2):
        notify(event=f"comment.created:{n}", notices=[comment_notice(alice, alices_idea, comment_id=n, actor=bob)])
    first = Notification.objects.order_by("pk").first()
    page = new_page()
    log_in(page, live_url, alice, "/notifications/")
    wait_subscribed(page)
    bell = page.locator("#bell")
    expect(bell).to_have_attribute("aria-label", "Notifications, 2 unread")
    expect(page.locator(f"#notification-{first.pk} .unread-mark")).to_have_text("Unread")
    assert_accessible(page)

    api(live_url, alice, "POST", "/api/v1/notifications/read/", {"ids": [first.pk]})
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    expect(page.locator("#bell-count")).to_have_text("1")
    expect(page.locator(f"#notification-{first.pk} .unread-mark")).to_have_count(0)

    api(live_url, alice, "POST", "/api/v1/notifications/read/", {"all": True})
    expect(bell).to_have_attribute("aria-label", "Notifications")
    expect(page.locator("#bell-count")).to_be_hidden()
    assert page.errors == []


def notify_elsewhere(**arguments) -> None:
    """notify() as the worker calls it: on a thread of its own, away from the event loop Playwright
    keeps on this one (publishing to Redis needs a thread without one)."""

    def run():
        try:
            notify(**arguments)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(run).result()


def test_a_new_notification_counts_up_the_bell_is_said_and_appears_at_the_top(
    own_daphne, settings, new_page, alice, bob, alices_idea, monkeypatch
):
    # This process tells daphne as the worker does: through the database, which daphne reads.
    monkeypatch.setattr(live, "_relay_on", True)
    settings.LIVE_RELAY_POLL_SECONDS = 0.05
    live_url = f"http://127.0.0.1:{own_daphne()}"
    page = new_page()
    log_in(page, live_url, alice, "/notifications/")
    wait_subscribed(page)
    record_announcements(page)

    notify_elsewhere(event="comment.created:1", notices=[comment_notice(alice, alices_idea, comment_id=1, actor=bob)])
    first = Notification.objects.get()
    expect(page.locator("#bell")).to_have_attribute("aria-label", "Notifications, 1 unread")
    expect(page.locator(f"#notifications-today #notification-{first.pk}")).to_contain_text("Bob commented")
    expect_announced(page, "New notification. 1 unread.")

    mention = comment_notice(alice, alices_idea, Kind.MENTION, 2, actor=bob)
    notify_elsewhere(event="comment.created:2", notices=[mention])
    second = Notification.objects.latest("pk")
    expect(page.locator("#bell-count")).to_have_text("2")
    expect(page.locator("#notifications-today .notification").first).to_have_id(f"notification-{second.pk}")
    expect(page.locator(f"#notification-{second.pk}")).to_have_class(re.compile(r"\bis-new\b"))
    assert page.errors == []


def test_the_settings_page_and_the_unsubscribe_page_are_accessible(live_url, new_page, alice):
    page = new_page()
    log_in(page, live_url, alice, "/account/notifications/")
    page.get_by_role("group", name="Mentions of me").get_by_label("Weekly digest").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save notification settings").click()
    expect(page.locator(".messages")).to_contain_text("Your notification settings are saved.")

    signed_out = new_page()
    signed_out.goto(f"{live_url}/notifications/unsubscribe/{make_token(member_id=alice.pk, kind='mention')}/")
    expect(signed_out.locator("main")).to_contain_text("E-mails about: Mentions of me")
    assert_accessible(signed_out)
    signed_out.get_by_role("button", name="Stop these e-mails").click()
    expect(signed_out.locator("main")).to_contain_text("You will get no more e-mails about: Mentions of me.")
    assert page.errors == [] and signed_out.errors == []
