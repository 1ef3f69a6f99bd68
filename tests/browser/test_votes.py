"""Voting in Chromium: no reload for the voter, counts live in place for everyone else."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from tests.factories import IdeaFactory
from voting.models import Vote

pytestmark = pytest.mark.browser


def test_vote_without_reload_and_see_it_live_elsewhere(live_url, new_page, drinks, alice, bob):
    ideas = [IdeaFactory(author=alice, category=drinks, title=f"Idea number {n} to vote on") for n in range(3)]
    target = ideas[0]
    watcher = new_page()
    watcher.goto(f"{live_url}/?sort=top")
    expect(watcher.locator("html")).to_have_attribute("data-live", "subscribed")
    order_before = watcher.locator(".idea-card").evaluate_all("cards => cards.map(c => c.id)")

    voter = new_page()
    sign_in(voter, live_url, "bob@example.com", "/?sort=top")
    voter.evaluate("window.notReloaded = true")
    card = voter.locator(f"#idea-{target.pk}")
    card.get_by_role("button", name="Vote up").click()
    expect(card.locator("[data-score]")).to_have_text("1")
    expect(card.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "true")
    assert voter.evaluate("window.notReloaded") is True
    assert Vote.objects.get().value == 1

    expect(watcher.locator(f"#idea-{target.pk} [data-score]")).to_have_text("1", timeout=2000)
    assert watcher.locator(".idea-card").evaluate_all("cards => cards.map(c => c.id)") == order_before

    card.get_by_role("button", name="Vote up").click()  # pressed again: withdrawn
    expect(card.locator("[data-score]")).to_have_text("0")
    expect(watcher.locator(f"#idea-{target.pk} [data-score]")).to_have_text("0", timeout=2000)
    assert not Vote.objects.exists()
    assert voter.errors == [] and watcher.errors == []


def test_visitor_who_votes_is_asked_to_sign_in(live_url, new_page, drinks, alice):
    idea = IdeaFactory(author=alice, category=drinks)
    page = new_page()
    page.goto(f"{live_url}/ideas/{idea.pk}/")
    page.get_by_role("button", name="Vote up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert not Vote.objects.exists()


def test_own_idea_cannot_be_voted_on_in_the_page(live_url, new_page, drinks, alice):
    idea = IdeaFactory(author=alice, category=drinks)
    page = new_page()
    sign_in(page, live_url, "alice@example.com", f"/ideas/{idea.pk}/")
    expect(page.get_by_role("button", name="Vote up")).to_be_disabled()
