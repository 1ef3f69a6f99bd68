"""Voting in Chromium: no reload for the voter, counts live in place for everyone else."""

import pytest
from playwright.sync_api import expect

from ideas.models import Idea, Status
from tests.browser.pages import log_in, sign_in, wait_subscribed
from tests.conftest import PASSWORD
from tests.factories import IdeaFactory
from voting.models import Vote

pytestmark = pytest.mark.browser


def test_vote_without_reload_and_see_it_live_elsewhere(live_url, new_page, drinks, alice, bob):
    ideas = [IdeaFactory(author=alice, category=drinks, title=f"Idea number {n} to vote on") for n in range(3)]
    target = ideas[0]
    watcher = new_page()
    watcher.goto(f"{live_url}/?sort=top")
    wait_subscribed(watcher)
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


def test_visitor_presses_vote_up_signs_in_and_the_vote_is_counted(live_url, new_page, drinks, alice, bob):
    idea = IdeaFactory(author=alice, category=drinks, title="Bring back the gingerbread latte")
    page = new_page()
    page.goto(f"{live_url}/?sort=top")
    page.get_by_role("button", name="Vote up: Bring back the gingerbread latte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert not Vote.objects.exists()

    page.get_by_label("Email").fill("bob@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_url}/?sort=top")
    expect(page.locator(".messages")).to_contain_text("Your vote up is counted.")
    card = page.locator(f"#idea-{idea.pk}")
    expect(card.get_by_role("button", name="Vote up: Bring back the gingerbread latte")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card.locator("[data-score]")).to_have_text("1")
    assert Vote.objects.get(voter=bob, idea=idea).value == 1
    assert page.errors == []


def test_a_vote_after_the_session_ended_says_so_in_words_with_a_sign_in_link(live_url, new_page, drinks, alice, bob):
    idea = IdeaFactory(author=alice, category=drinks, title="Bring back the gingerbread latte")
    page = new_page(width=360)
    log_in(page, live_url, bob, "/")
    page.context.clear_cookies(name="sessionid")  # signed out elsewhere, or the session expired

    card = page.locator(f"#idea-{idea.pk}")
    card.get_by_role("button", name="Vote up: Bring back the gingerbread latte").click()
    refusal = card.get_by_role("alert")
    expect(refusal).to_have_text("You are signed out, so your vote was not counted. Sign in again")
    expect(card).not_to_contain_text("Authentication credentials")
    expect(refusal.get_by_role("link", name="Sign in again")).to_have_attribute("href", "/accounts/login/?next=%2F")
    # In the card's flow, below the idea's text, covering none of it.
    text_bottom = card.locator(".idea-meta").evaluate("e => e.getBoundingClientRect().bottom")
    assert refusal.evaluate("e => e.getBoundingClientRect().top") >= text_bottom
    assert not Vote.objects.exists()

    refusal.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Email").fill("bob@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_url}/")
    expect(page.locator(".who")).to_have_text("Bob")


def test_a_vote_on_an_idea_closed_since_the_page_opened_gives_the_reason(live_url, new_page, drinks, alice, bob):
    idea = IdeaFactory(author=alice, category=drinks, title="Bring back the gingerbread latte")
    page = new_page()
    log_in(page, live_url, bob, f"/ideas/{idea.pk}/")
    Idea.objects.filter(pk=idea.pk).update(status=Status.LAUNCHED)
    page.get_by_role("button", name="Vote down: Bring back the gingerbread latte").click()
    expect(page.get_by_role("alert")).to_have_text("Voting is closed: this idea has launched.")
    assert not Vote.objects.exists()
    assert all("409" in error for error in page.errors)  # only the refused request itself


def test_disabled_vote_buttons_say_why_as_text(live_url, new_page, drinks, alice):
    idea = IdeaFactory(author=alice, category=drinks, title="Bring back the gingerbread latte")
    page = new_page()
    log_in(page, live_url, alice, "/")
    card = page.locator(f"#idea-{idea.pk}")
    expect(card.locator(".vote-why")).to_have_text("You cannot vote on your own idea.")
    expect(card.locator(".vote-why")).to_be_visible()
    up = card.get_by_role("button", name="Vote up: Bring back the gingerbread latte")
    expect(up).to_be_disabled()
    expect(up).to_have_accessible_description("You cannot vote on your own idea.")
