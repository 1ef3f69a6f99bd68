"""Comments in Chromium: Alice previews and posts a comment, it appears live on Bob's open page, Bob
replies inline, and the reply appears under Alice's comment on her page; Bob follows with one click."""

import pytest
from playwright.sync_api import expect

from discussion.models import Comment
from tests.browser.pages import expect_announced, log_in, record_announcements, wait_subscribed
from tests.factories import IdeaFactory

pytestmark = pytest.mark.browser


def test_two_members_talk_on_one_idea_page_without_reloading(live_url, new_page, alice, bob, pat, drinks):
    idea = IdeaFactory(author=pat, category=drinks, title="Cardamom buns on Fridays", body="Like in *Stockholm*.")
    url = f"/ideas/{idea.pk}/"
    bobs, alices = new_page(), new_page()
    log_in(bobs, live_url, bob, url)
    log_in(alices, live_url, alice, url)
    wait_subscribed(bobs)
    wait_subscribed(alices)
    for page in (bobs, alices):
        page.evaluate("window.notReloaded = true")
    record_announcements(bobs)

    follow = bobs.get_by_role("button", name="Follow")
    follow.click()
    expect(bobs.locator("#follow button")).to_have_attribute("aria-pressed", "true")
    expect(bobs.locator("#follow button")).to_have_text("Following")
    expect(bobs.locator("#follower-count")).to_have_text("1 follower")

    box = alices.get_by_label("Your comment")
    box.fill("Cardamom, **please**.")
    alices.get_by_role("tab", name="Preview").click()
    expect(alices.get_by_role("tabpanel", name="Preview").locator("strong")).to_have_text("please")
    alices.get_by_role("tab", name="Write").click()
    alices.get_by_role("button", name="Post comment").click()
    expect(alices.locator(".comment-item")).to_have_count(1)
    posted = Comment.objects.get(author=alice)
    expect(alices.locator(f"#comment-{posted.pk}")).to_contain_text("Cardamom, please.")

    arrived = bobs.locator(f"#comment-{posted.pk}")
    expect(arrived).to_contain_text("Cardamom, please.")
    expect(arrived).to_have_class("comment-item depth-1 is-new")
    expect(bobs.locator("#comments-title")).to_have_text("1 comment")
    expect_announced(bobs, "New comment by Alice.")

    arrived.get_by_role("link", name="Reply").click()
    reply_box = arrived.get_by_label("Your reply to Alice")
    expect(reply_box).to_be_focused()
    reply_box.fill("Agreed, and with pearl sugar.")
    arrived.get_by_role("button", name="Post reply").click()
    expect(bobs.locator(".reply-form")).to_have_count(0)
    reply = Comment.objects.get(author=bob)
    expect(bobs.locator(f"#comment-{posted.pk} > .replies > #comment-{reply.pk}")).to_have_count(1)

    under = alices.locator(f"#comment-{posted.pk} > .replies > #comment-{reply.pk}")
    expect(under).to_contain_text("Agreed, and with pearl sugar.")
    expect(alices.locator("#comments-title")).to_have_text("2 comments")
    expect(alices.locator(f"#comment-{posted.pk}")).to_have_count(1)  # her own comment, not added twice
    for page in (bobs, alices):
        assert page.evaluate("window.notReloaded") is True
        assert page.errors == []
