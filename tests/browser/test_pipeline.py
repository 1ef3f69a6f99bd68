"""The issue's scenario in Chromium, with the real worker process beside daphne: Pat, of the product
team, moves an idea with a note on its page while Bob watches the roadmap and sees the card move to its
new column with a short highlight, and Alice, the idea's author, sees her bell count up (the worker's
status_notify, relayed to daphne). The roadmap and the idea page at 360 px: stacked, and accessible."""

import re
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from community.models import Award
from ideas.models import Status
from pipeline.models import StatusChange
from pipeline.services import idea_transition
from tests.browser.pages import (
    assert_accessible,
    elsewhere,
    expect_announced,
    log_in,
    record_announcements,
    wait_subscribed,
)
from tests.factories import IdeaFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/roadmap/", "/launched/", "/idea/"])
def test_the_pipeline_pages_are_accessible_and_stacked_at_360_px(live_url, new_page, alice, pat, drinks, path):
    # First in the module: the session's daphne (live_url) is forked before this module's browser
    # starts, so it never holds the browser's pipes open (closing the browser would wait on it).
    idea = IdeaFactory(author=alice, category=drinks, title="Cardamom buns on Fridays")
    for status in (Status.UNDER_REVIEW, Status.COMING_SOON, Status.LAUNCHED):
        elsewhere(idea_transition, actor=pat, idea=idea, to=status, note="On its way.")
    page = new_page(width=360)
    log_in(page, live_url, pat, f"/ideas/{idea.pk}/" if path == "/idea/" else path)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= 360")
    if path == "/roadmap/":
        columns = page.locator(".roadmap-column")
        boxes = [columns.nth(i).bounding_box() for i in range(columns.count())]
        assert all(later["y"] > earlier["y"] for earlier, later in pairwise(boxes))
    assert page.errors == []


def test_pat_moves_an_idea_bob_sees_the_card_move_on_the_roadmap_and_alices_bell_counts_up(
    own_daphne, settings, worker, new_page, alice, bob, pat, drinks
):
    settings.LIVE_RELAY_POLL_SECONDS = 0.05  # the forked daphne reads what the worker relays
    base = f"http://127.0.0.1:{own_daphne()}"
    idea = IdeaFactory(author=alice, category=drinks, title="Cardamom buns on Fridays")
    Award.objects.create(member=alice, badge="first_idea")  # her bell counts only the moves, not a badge
    elsewhere(idea_transition, actor=pat, idea=idea, to=Status.UNDER_REVIEW)  # its notice waits for the worker
    alices, bobs, pats = new_page(), new_page(), new_page()
    log_in(alices, base, alice, "/")
    log_in(bobs, base, bob, "/roadmap/")
    log_in(pats, base, pat, f"/ideas/{idea.pk}/")
    for page in (alices, bobs):
        wait_subscribed(page)
    expect(alices.locator("#bell")).to_have_attribute("aria-label", "Notifications")
    worker()
    record_announcements(bobs)
    bobs.evaluate("window.notReloaded = true")
    card = bobs.locator(f"#card-{idea.pk}")
    expect(bobs.locator(f"#column-under_review #card-{idea.pk}")).to_be_visible()
    bell = alices.locator("#bell")
    # The worker, started once she is subscribed, tells Alice of the first move (to Under review).
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread", timeout=15_000)

    panel = pats.locator("#move")
    panel.get_by_label("Coming soon").check()
    panel.get_by_label("Public note").fill("Baking starts in **March**.")
    panel.get_by_role("button", name="Move").click()
    expect(pats).to_have_url(re.compile(rf"/ideas/{idea.pk}/#status-\d+$"))
    change = StatusChange.objects.get(to_status=Status.COMING_SOON)
    assert pats.url.endswith(f"#status-{change.pk}")
    expect(pats.locator(f"#status-{change.pk} .timeline-note")).to_contain_text("Baking starts in March.")

    expect(bobs.locator(f"#column-coming_soon #card-{idea.pk}")).to_be_visible()
    expect(card).to_have_class(re.compile(r"\bis-moved\b"))
    expect(bobs.locator(f"#column-under_review #card-{idea.pk}")).to_have_count(0)
    expect_announced(bobs, "Cardamom buns on Fridays is now Coming soon.")
    expect(card).not_to_have_class(re.compile(r"\bis-moved\b"))
    assert bobs.evaluate("window.notReloaded") is True

    expect(bell).to_have_attribute("aria-label", "Notifications, 2 unread", timeout=15_000)
    assert alices.errors == [] and bobs.errors == [] and pats.errors == []
