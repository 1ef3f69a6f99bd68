"""Comments in Chromium: Alice previews and posts a comment, it appears live on Bob's open page, Bob
replies inline, and the reply appears under Alice's comment on her page (and the count on the list's
card follows); an edit and the official mark show on the open pages; Bob follows with one click.
A page that lost its connection catches up on the comments written meanwhile. The comment box suggests
members to mention and previews from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from discussion.models import Comment
from tests.browser.pages import api, expect_announced, log_in, record_announcements, wait_subscribed
from tests.factories import IdeaFactory, comment

pytestmark = pytest.mark.browser


def test_two_members_talk_on_one_idea_page_without_reloading(live_url, new_page, alice, bob, pat, drinks):
    idea = IdeaFactory(author=pat, category=drinks, title="Cardamom buns on Fridays", body="Like in *Stockholm*.")
    url = f"/ideas/{idea.pk}/"
    bobs, alices, listing = new_page(), new_page(), new_page()
    log_in(bobs, live_url, bob, url)
    log_in(alices, live_url, alice, url)
    listing.goto(f"{live_url}/")
    for page in (bobs, alices, listing):
        wait_subscribed(page)
    for page in (bobs, alices, listing):
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
    expect(listing.locator(f'[data-comment-count-of="{idea.pk}"]')).to_have_text("2 comments")

    assert api(live_url, alice, "PATCH", f"/api/v1/comments/{posted.pk}/", {"body": "Cardamom, *always*."}) == 200
    expect(bobs.locator(f"#comment-{posted.pk} > article")).to_contain_text("Cardamom, always.")
    expect(bobs.locator(f"#comment-{posted.pk} > article .edited")).to_have_text("edited")
    assert api(live_url, pat, "POST", f"/api/v1/comments/{posted.pk}/official/") == 200
    expect(alices.locator("#official-response")).to_contain_text("Cardamom, always.")
    expect(alices.locator(f"#comment-{posted.pk} > article .official-badge")).to_have_text("Official response")
    for page in (bobs, alices, listing):
        assert page.evaluate("window.notReloaded") is True
        assert page.errors == []


def test_comments_written_while_the_page_was_offline_appear_once_it_is_back(live_url, new_page, alice, bob, drinks):
    idea = IdeaFactory(author=alice, category=drinks, title="Cardamom buns on Fridays")
    first = comment(alice, idea, "Fridays, and Tuesdays.")
    reader = new_page()
    sockets, down = [], []

    def relay(socket):
        if down:
            socket.close()  # the server is "away": every attempt fails until it is back
        else:
            socket.connect_to_server()
            sockets.append(socket)

    reader.route_web_socket(re.compile(r"/ws/live/$"), relay)
    log_in(reader, live_url, bob, f"/ideas/{idea.pk}/")
    wait_subscribed(reader)
    down.append(True)
    sockets[-1].close()
    expect(reader.locator("html")).not_to_have_attribute("data-live", "subscribed")

    reply = comment(bob, idea, "Tuesdays too!", parent=first)
    later = comment(alice, idea, "And oat milk with them.")
    down.clear()
    wait_subscribed(reader)
    expect(reader.locator(f"#comment-{first.pk} > .replies > #comment-{reply.pk}")).to_have_count(1)
    expect(reader.locator(".thread > .comment-item").last).to_have_id(f"comment-{later.pk}")
    expect(reader.locator("#comments-title")).to_have_text("3 comments")
    assert [error for error in reader.errors if "WebSocket" not in error] == []


def test_the_comment_box_suggests_members_and_previews_from_the_keyboard(live_url, new_page, alice, bob, drinks):
    idea = IdeaFactory(author=bob, category=drinks, title="Cardamom buns on Fridays")
    page = new_page()
    log_in(page, live_url, alice, f"/ideas/{idea.pk}/")
    box = page.get_by_label("Your comment")
    box.click()
    page.keyboard.type("Thanks @bo")
    option = page.get_by_role("option", name="Bob")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", f"id_body-mentions-{bob.pk}")
    page.keyboard.press("Enter")
    expect(box).to_have_value(f"Thanks @[Bob](member:{bob.pk}) ")
    expect(page.get_by_role("listbox")).to_be_hidden()

    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("tab", name="Write")).to_be_focused()
    page.keyboard.press("ArrowRight")
    preview = page.get_by_role("tab", name="Preview")
    expect(preview).to_be_focused()
    expect(preview).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Preview").get_by_role("link", name="@Bob")).to_have_attribute(
        "href", f"/members/{bob.pk}/"
    )
    assert page.errors == []


# The network answers the first comment fragment of the page a little later than the next one.
SLOW_FIRST_FRAGMENT = r"""
const realFetch = window.fetch;
let fragments = 0;
window.fetch = async (url, options) => {
  if (/\/comments\/\d+\/$/.test(String(url)) && fragments++ === 0) await new Promise((r) => setTimeout(r, 400));
  return realFetch(url, options);
};
"""


def test_two_comments_that_arrive_close_together_keep_the_threads_order(live_url, new_page, alice, bob, pat, drinks):
    idea = IdeaFactory(author=pat, category=drinks, title="Cardamom buns on Fridays")
    comment(pat, idea, "Already here.")
    page = new_page()
    page.add_init_script(SLOW_FIRST_FRAGMENT)
    log_in(page, live_url, bob, f"/ideas/{idea.pk}/")
    wait_subscribed(page)
    assert api(live_url, alice, "POST", f"/api/v1/ideas/{idea.pk}/comments/", {"body": "First."}) == 201
    assert api(live_url, pat, "POST", f"/api/v1/ideas/{idea.pk}/comments/", {"body": "Second."}) == 201
    expect(page.locator("#thread > .comment-item")).to_have_count(3)
    texts = page.locator("#thread > .comment-item").all_inner_texts()
    assert texts.index(next(t for t in texts if "First." in t)) < texts.index(next(t for t in texts if "Second." in t))
