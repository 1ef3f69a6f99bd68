"""The issue's whole flow in Chromium, with the real worker process beside daphne (as the run command
starts them): two members on one idea page; Bob replies to Alice's comment; Alice's page shows the
reply live and her bell counts up without a reload (the worker's fan-out, relayed to daphne through
the database on SQLite, through Redis on PostgreSQL); she opens the notification and lands on the reply."""

import pytest
from playwright.sync_api import expect

from community.models import Award
from discussion.models import Comment
from notifications.models import Notification
from tests.browser.pages import log_in, wait_subscribed
from tests.factories import IdeaFactory, comment

pytestmark = pytest.mark.browser


def test_bob_replies_alice_sees_it_live_her_bell_counts_up_and_the_notification_lands_on_the_reply(
    own_daphne, settings, worker, new_page, alice, bob, pat, drinks
):
    settings.LIVE_RELAY_POLL_SECONDS = 0.05  # the forked daphne reads what the worker relays
    base = f"http://127.0.0.1:{own_daphne()}"
    worker()
    idea = IdeaFactory(author=pat, category=drinks, title="Cardamom buns on Fridays")
    Award.objects.create(member=alice, badge="first_comment")  # her bell counts only the reply, not a badge
    hers = comment(alice, idea, "Fridays, and with pearl sugar.")
    alices, bobs = new_page(), new_page()
    log_in(alices, base, alice, f"/ideas/{idea.pk}/")
    log_in(bobs, base, bob, f"/ideas/{idea.pk}/")
    for page in (alices, bobs):
        wait_subscribed(page)
    alices.evaluate("window.notReloaded = true")
    bell = alices.locator("#bell")
    expect(bell).to_have_attribute("aria-label", "Notifications")

    bobs.locator(f"#comment-{hers.pk}").get_by_role("link", name="Reply").click()
    bobs.get_by_label("Your reply to Alice").fill("Yes! And cardamom in the coffee.")
    bobs.get_by_role("button", name="Post reply").click()
    expect(bobs.locator(".reply-form")).to_have_count(0)
    reply = Comment.objects.get(author=bob)

    expect(alices.locator(f"#comment-{hers.pk} > .replies > #comment-{reply.pk}")).to_contain_text(
        "And cardamom in the coffee."
    )
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread", timeout=15_000)
    assert alices.evaluate("window.notReloaded") is True

    bell.click()
    alices.get_by_role("link", name="Bob replied to your comment on “Cardamom buns on Fridays”").click()
    expect(alices).to_have_url(f"{base}/ideas/{idea.pk}/#comment-{reply.pk}")
    target = alices.locator(f"#comment-{reply.pk}")
    expect(target).to_be_in_viewport()
    assert target.evaluate("element => element.matches(':target')")
    expect(alices.locator("#bell")).to_have_attribute("aria-label", "Notifications")
    assert Notification.objects.get(recipient=alice).is_read
    assert alices.errors == [] and bobs.errors == []
