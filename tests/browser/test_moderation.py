"""The issue's moderation scenario in Chromium: Mo, with the queue open, sees flags arrive live and hides the
post with a reason through its form; Alice, its author, with the idea page open, sees the notice saying why;
a visitor's open idea page is replaced by the placeholder; all without reloads. The pages are accessible."""

import pytest
from playwright.sync_api import expect

from core import live
from moderation.models import Flag, FlagReason
from moderation.services import flag_create
from tests.browser.pages import (
    assert_accessible,
    elsewhere,
    expect_announced,
    log_in,
    record_announcements,
    wait_subscribed,
)
from tests.factories import IdeaFactory, UserFactory
from tests.moderation.helpers import flagged

pytestmark = pytest.mark.browser

TITLE = "Free espresso refills forever"


@pytest.mark.parametrize("who", ["mo", "alice", "visitor"])
def test_the_queue_and_a_hidden_ideas_pages_are_accessible(live_url, new_page, alice, mo, drinks, who):
    # First in the module: the session's daphne (live_url) is forked before this module's browser starts.
    idea = IdeaFactory(author=alice, category=drinks, title=TITLE)
    flagged(f"idea:{idea.pk}", reason=FlagReason.ABUSIVE, note="Shouting at the baristas.")
    page = new_page()
    if who == "visitor":
        page.goto(f"{live_url}/ideas/{idea.pk}/")
        expect(page.locator(".placeholder")).to_have_text("This idea is hidden while moderators review it.")
    else:
        log_in(page, live_url, mo if who == "mo" else alice, "/moderation/" if who == "mo" else f"/ideas/{idea.pk}/")
        expect(page.get_by_text(TITLE).first).to_be_visible()
    assert_accessible(page)


def test_mo_sees_flags_arrive_and_hides_the_idea_alice_sees_why_and_a_visitor_the_placeholder(
    own_daphne, settings, monkeypatch, new_page, alice, bob, mo, drinks
):
    # This process flags as another process would: through the database, which daphne reads.
    monkeypatch.setattr(live, "_relay_on", True)
    settings.LIVE_RELAY_POLL_SECONDS = 0.05
    base = f"http://127.0.0.1:{own_daphne()}"
    idea = IdeaFactory(author=alice, category=drinks, title=TITLE)
    mos, alices, visitors = new_page(), new_page(), new_page()
    log_in(mos, base, mo, "/moderation/")
    log_in(alices, base, alice, f"/ideas/{idea.pk}/")
    visitors.goto(f"{base}/ideas/{idea.pk}/")
    for page in (mos, alices, visitors):
        wait_subscribed(page)
        page.evaluate("window.notReloaded = true")
    record_announcements(mos)
    expect(mos.locator("#queue-empty")).to_be_visible()

    elsewhere(flag_create, actor=bob, target=f"idea:{idea.pk}", reason=FlagReason.ABUSIVE, note="Rude to staff.")
    case = mos.locator(".case").first
    expect(case).to_contain_text(TITLE)
    expect(case).to_contain_text("Rude to staff.")
    expect_announced(mos, "New flag")
    expect(visitors.get_by_role("heading", level=1)).to_have_text(TITLE)

    for name in ("Carol", "Dave"):
        elsewhere(flag_create, actor=UserFactory(display_name=name), target=f"idea:{idea.pk}", reason=FlagReason.SPAM)
    expect(case).to_contain_text("3 flags")
    expect(case).to_contain_text("Hidden pending review")
    expect(visitors.locator(".placeholder")).to_have_text("This idea is hidden while moderators review it.")
    expect(visitors.get_by_text(TITLE)).to_have_count(0)
    expect(alices.locator(".moderation-notice")).to_contain_text("a moderator will review it soon")

    case.get_by_label("Hide").check()
    case.get_by_label("Reason (the author reads it)").fill("Insults the baristas by name.")
    case.get_by_role("button", name="Decide").click()
    expect(mos.locator("#messages")).to_contain_text("Decided: Hide.")
    expect(mos.locator("#queue-empty")).to_be_visible()

    notice = alices.locator(".moderation-notice")
    expect(notice).to_contain_text("a moderator hid it")
    expect(notice).to_contain_text("Insults the baristas by name.")
    expect(notice.get_by_role("link", name="Read the moderator's action, and appeal it")).to_be_visible()
    expect(alices.get_by_role("heading", level=1)).to_have_text(TITLE)
    for page in (alices, visitors):
        assert page.evaluate("window.notReloaded") is True
        assert [error for error in page.errors if "404" not in error] == []


def test_bob_flags_an_idea_from_its_page_and_stays_on_it(live_url, new_page, alice, bob, drinks):
    idea = IdeaFactory(author=alice, category=drinks, title=TITLE)
    page = new_page()
    log_in(page, live_url, bob, f"/ideas/{idea.pk}/")
    page.evaluate("window.notReloaded = true")
    disclosure = page.locator("#flag-idea")
    disclosure.get_by_text("Flag", exact=True).click()
    disclosure.get_by_label("Other").check()
    disclosure.get_by_role("button", name="Send to the moderators").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Say what is wrong.")
    expect(disclosure.get_by_label("Other")).to_be_checked()
    disclosure.get_by_label("Anything the moderators should know").fill("Shouts at the baristas.")
    disclosure.get_by_role("button", name="Send to the moderators").click()
    expect(disclosure.locator(".message-success")).to_have_text("Thanks: the moderators will look at it.")
    assert page.evaluate("window.notReloaded") is True
    assert Flag.objects.get().note == "Shouts at the baristas."
