"""The leaderboard and the points on a profile in Chromium: accessible, no errors, no overflow on a phone."""

import os

import pytest
from playwright.sync_api import expect

from community.models import Award, Reason
from tests.browser.pages import assert_accessible, log_in
from tests.community.helpers import ledger_line
from tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOTS")  # a folder to keep screenshots in, when looking at the pages by eye


@pytest.fixture
def board(live_url, alice, bob, drinks):
    idea = IdeaFactory(author=alice, category=drinks, title="Oat milk at no extra charge")
    ledger_line(alice, 5, idea=idea, reason=Reason.IDEA_SUBMITTED)
    ledger_line(alice, 10, idea=idea, reason=Reason.UPVOTE_RECEIVED)
    for index in range(30):
        ledger_line(UserFactory(display_name=f"Member {chr(65 + index % 26)}{index}"), 100 - index)
    ledger_line(bob, 1)
    Award.objects.create(member=alice, badge="first_idea")
    return idea


@pytest.mark.parametrize("width", [1200, 360])
def test_bob_sees_the_board_and_his_own_rank_below_it(live_url, new_page, board, bob, width):
    page = new_page(width=width)
    log_in(page, live_url, bob, then="/leaderboard/")
    expect(page.locator("#your-rank")).to_contain_text("32")
    page.get_by_role("link", name="All time").click()
    expect(page.locator("#leaderboard tbody tr")).to_have_count(25)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/leaderboard-{width}.png", full_page=True)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.errors == []


def test_alice_reads_how_she_earned_her_points_on_her_profile(live_url, new_page, board, alice):
    page = new_page()
    log_in(page, live_url, alice, then=f"/members/{alice.pk}/")
    expect(page.locator("#points-total")).to_have_text("15 points")
    expect(page.locator("#ledger tbody tr")).to_have_count(2)
    expect(page.locator("#badges .badge-description")).to_have_text("Proposed a first idea.")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/profile.png", full_page=True)
        page.goto(f"{live_url}/points/")
        page.screenshot(path=f"{SHOTS}/points.png", full_page=True)
        page.goto(f"{live_url}{board.get_absolute_url()}")
        page.screenshot(path=f"{SHOTS}/thread.png")
    assert_accessible(page)
    assert page.errors == []
