"""The early warning in Chromium, with the real worker process beside daphne: Mo has the alerts open (the
region the queue shows at its top) when the worker's hourly job finds a spike of downvotes; the alert
arrives without a reload, is said in the live region, passes axe-core, and leaves once Mo acknowledges it."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import assert_accessible, expect_announced, log_in, record_announcements, wait_subscribed
from tests.moderation.history import HOUR, downvotes, members, scheduled, warmed_up

pytestmark = pytest.mark.browser


def test_mo_sees_an_alert_arrive_live_and_acknowledges_it(own_daphne, settings, worker, new_page, mo, alices_idea):
    settings.LIVE_RELAY_POLL_SECONDS = 0.05  # the forked daphne reads what the worker relays
    base = f"http://127.0.0.1:{own_daphne()}"
    hour = warmed_up()
    downvotes(alices_idea, members(12), hour)
    page = new_page()
    log_in(page, base, mo, "/moderation/alerts/")
    wait_subscribed(page)
    expect(page.locator("#moderation-alerts .alert-none")).to_be_visible()
    record_announcements(page)
    page.evaluate("window.notReloaded = true")

    scheduled(hour + HOUR)
    worker()
    item = page.locator("#moderation-alerts .alert-item")
    expect(item).to_contain_text("12 downvotes in an hour, against 0.0 an hour usually (12×)", timeout=15_000)
    expect(item.get_by_role("link", name="Oat milk at no extra charge")).to_have_attribute(
        "href", f"/ideas/{alices_idea.pk}/"
    )
    expect_announced(page, "Downvotes rose on an idea: 12 downvotes in an hour")
    assert page.evaluate("window.notReloaded") is True
    assert_accessible(page)

    item.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#messages")).to_contain_text("Alert acknowledged")
    expect(page.locator("#moderation-alerts .alert-item")).to_have_count(0)
    assert page.errors == []
