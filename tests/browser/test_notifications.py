"""The bell in Chromium: the unread count in words and as a badge, kept up to date live when the
member reads notifications elsewhere (another tab, a script), and the notifications page with it."""

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from notifications.services import notify
from notifications.unsubscribe import make_token
from tests.browser.pages import api, assert_accessible, log_in, wait_subscribed
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
