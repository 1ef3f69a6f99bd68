"""Share links in Chromium: a member shares an idea; a visitor follows the link, signs up and votes; the sharer
earns for both and sees them where the idea's visitors came from, and so does the staff dashboard."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from playwright.sync_api import expect

from community.models import LedgerEntry, Reason, Share
from community.shares import parse_code
from tests.browser.pages import log_in
from tests.factories import IdeaFactory

pytestmark = pytest.mark.browser


def test_a_shared_link_brings_a_member_and_a_vote_to_its_sharer(live_url, new_page, drinks, alice, pat):
    idea = IdeaFactory(author=alice, category=drinks, title="Bring back the gingerbread latte")
    sharer = new_page()
    sharer.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    log_in(sharer, live_url, alice, idea.get_absolute_url())
    facebook = sharer.get_by_role("link", name="Facebook")
    expect(facebook).to_have_attribute("target", "_blank")
    assert "%3Fs%3D" in facebook.get_attribute("href")  # her code, in the shared URL
    with sharer.expect_response(lambda response: response.url.endswith(f"/ideas/{idea.pk}/shares/")) as posted:
        sharer.get_by_role("button", name="Copy link").click()
    expect(sharer.locator("#share-said")).to_have_text("Link copied")
    assert posted.value.status == 201 and Share.objects.get().channel == "link"
    link = sharer.evaluate("navigator.clipboard.readText()")
    assert parse_code(link.split("?s=")[1]) == (alice.pk, "link")

    visitor = new_page()
    visitor.goto(link)
    expect(visitor).to_have_url(f"{live_url}{idea.get_absolute_url()}")
    expect(visitor.locator("#share-count")).to_have_text("Shared 1 time")
    visitor.get_by_role("link", name="Sign up").click()
    visitor.get_by_label("Email").fill("nina@example.com")
    visitor.get_by_label("Display name").fill("Nina")
    visitor.get_by_label("Password", exact=True).fill("a-long-passphrase")
    visitor.get_by_label("Password (again)").fill("a-long-passphrase")
    visitor.get_by_role("button", name="Sign Up").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    address = EmailAddress.objects.get(email="nina@example.com")
    visitor.goto(f"{live_url}/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")
    visitor.get_by_role("button", name="Confirm").click()
    expect(visitor.locator(".who")).to_have_text("Nina")
    visitor.goto(f"{live_url}{idea.get_absolute_url()}")
    visitor.get_by_role("button", name="Vote up").first.click()
    expect(visitor.get_by_role("button", name="Vote up").first).to_have_attribute("aria-pressed", "true")

    shared = [Reason.SHARE_SIGNUP, Reason.SHARE_VOTE]
    lines = LedgerEntry.objects.filter(member=alice, reason__in=shared).order_by("pk")
    assert [(line.reason, line.by.email) for line in lines] == [(reason, "nina@example.com") for reason in shared]

    sharer.reload()  # the idea is hers: she sees where its visitors came from
    row = sharer.locator("#source-link")
    expect(row.locator("[data-shares]")).to_have_text("1")
    expect(row.locator("[data-visits]")).to_have_text("1")
    expect(row.locator("[data-signups]")).to_have_text("1")
    expect(row.locator("[data-votes]")).to_have_text("1")
    sharer.goto(f"{live_url}/members/{alice.pk}/")
    expect(sharer.locator("#points-total")).to_have_text("33 points")  # 20 + 3 for her share, 10 for Nina's upvote

    staff = new_page()  # the dashboard's word of mouth: the copied link brought a visit, a member and a vote
    log_in(staff, live_url, pat, "/insights/")
    link = staff.get_by_role("rowheader", name="Link", exact=True)
    channel = staff.locator("#insight-channels tbody tr").filter(has=link)
    expect(channel.locator("td")).to_have_text(["1", "1", "1"])
    assert sharer.errors == [] and visitor.errors == [] and staff.errors == []


def test_a_visitors_copy_link_carries_no_code_and_posts_nothing(live_url, new_page, drinks, alice):
    idea = IdeaFactory(author=alice, category=drinks)
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    page.goto(f"{live_url}{idea.get_absolute_url()}")
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#share-said")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_url}{idea.get_absolute_url()}"
    assert not Share.objects.exists() and page.errors == []
