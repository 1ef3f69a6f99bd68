"""Live updates for people who do not see them happen: in Chromium, changes arrive in place without
moving focus, and the page's one polite live region says briefly what changed, never in a flood."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from core import live
from ideas.models import Status
from pipeline.services import idea_transition
from tests.browser.pages import (
    announcements,
    api,
    elsewhere,
    expect_announced,
    log_in,
    record_announcements,
    wait_subscribed,
)
from tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.browser

LATTE = "Bring back the gingerbread latte"


def focus_and_remember(page, target):
    target.focus()
    page.evaluate("window.focusedBefore = document.activeElement")


def focus_unmoved(page) -> bool:
    return page.evaluate("document.activeElement === window.focusedBefore && window.focusedBefore.isConnected")


def test_votes_and_edits_arrive_in_place_and_focus_stays_on_the_vote_button(live_url, new_page, drinks, alice, bob):
    idea = IdeaFactory(author=alice, category=drinks, title=LATTE)
    carol = UserFactory(email="carol@example.com", display_name="Carol")
    on_list, on_detail = new_page(), new_page()
    log_in(on_list, live_url, bob, "/")
    log_in(on_detail, live_url, bob, f"/ideas/{idea.pk}/")
    for page in (on_list, on_detail):
        wait_subscribed(page)
        record_announcements(page)
        focus_and_remember(page, page.get_by_role("button", name=f"Vote up: {LATTE}"))

    api(live_url, carol, "PUT", f"/api/v1/ideas/{idea.pk}/vote/", {"value": 1})
    for page in (on_list, on_detail):
        expect(page.locator(f'form.vote[data-idea-id="{idea.pk}"] [data-score]')).to_have_text("1")
        expect(page.locator(f'form.vote[data-idea-id="{idea.pk}"] .vote-split')).to_have_text("1 up, 0 down")
        expect_announced(page, f"{LATTE}: score 1 (1 up, 0 down).")
        assert focus_unmoved(page)

    api(live_url, alice, "PATCH", f"/api/v1/ideas/{idea.pk}/", {"title": "Gingerbread latte all winter"})
    expect(on_list.locator(f"#idea-{idea.pk} .idea-title")).to_have_text("Gingerbread latte all winter")
    expect(on_detail.get_by_role("heading", level=1)).to_have_text("Gingerbread latte all winter")
    for page in (on_list, on_detail):
        expect_announced(page, "Gingerbread latte all winter was updated.")
        assert focus_unmoved(page)
        expect(page.locator(":focus")).to_have_accessible_name("Vote up: Gingerbread latte all winter")
        assert page.errors == []


def test_new_and_removed_ideas_are_announced_and_focus_leaves_a_removed_card_for_the_next(
    live_url, new_page, drinks, alice
):
    older = IdeaFactory(author=alice, category=drinks, title="An older idea already here")
    doomed = IdeaFactory(author=alice, category=drinks, title="An idea about to be deleted")
    page = new_page()
    page.goto(f"{live_url}/?sort=new")
    wait_subscribed(page)
    record_announcements(page)

    new_idea = {"title": "Lingonberry iced tea", "body": "Tart.", "category": drinks.pk}
    api(live_url, alice, "POST", "/api/v1/ideas/", new_idea)
    expect(page.locator(".idea-card").first).to_contain_text("Lingonberry iced tea")
    expect(page.locator("#announcer")).to_have_text("New idea: Lingonberry iced tea.")

    page.get_by_role("button", name="Vote up: An idea about to be deleted").focus()
    api(live_url, alice, "DELETE", f"/api/v1/ideas/{doomed.pk}/")
    expect(page.locator(f"#idea-{doomed.pk}")).to_have_count(0)
    expect(page.locator(":focus")).to_have_accessible_name(older.title)
    expect(page.locator("#announcer")).to_have_text("An idea about to be deleted was removed.")
    assert announcements(page) == ["New idea: Lingonberry iced tea.", "An idea about to be deleted was removed."]
    assert page.errors == []


def test_a_burst_of_changes_is_announced_together_not_one_by_one(live_url, new_page, drinks, alice):
    ideas = [IdeaFactory(author=alice, category=drinks, title=f"Idea {n} in a busy minute") for n in range(6)]
    voters = [UserFactory() for _ in ideas]
    page = new_page()
    page.goto(f"{live_url}/")
    wait_subscribed(page)
    record_announcements(page)

    for voter, idea in zip(voters, ideas, strict=True):
        api(live_url, voter, "PUT", f"/api/v1/ideas/{idea.pk}/vote/", {"value": 1})
    for idea in ideas:
        expect(page.locator(f"#idea-{idea.pk} [data-score]")).to_have_text("1")
    # Wait until every change held back has been said, however the burst was batched.
    page.wait_for_function(
        """total => (window.said || []).reduce((n, [, text]) => {
            const count = text.match(/^(\\d+) updates on this page/);
            return n + (count ? Number(count[1]) : text.split(": score 1 (1 up, 0 down).").length - 1);
        }, 0) >= total""",
        arg=len(ideas),
    )

    said = page.evaluate("window.said")
    assert 1 < len(said) < len(ideas), said
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(said)]
    assert min(gaps) >= 1900, said

    def changes_told(text: str) -> int:
        count = re.match(r"(\d+) updates on this page", text)
        return int(count[1]) if count else text.count(": score 1 (1 up, 0 down).")

    assert sum(changes_told(text) for _, text in said) == len(ideas), said
    assert page.errors == []


def test_a_vote_button_closed_by_a_live_change_hands_focus_to_the_reason(
    own_daphne, settings, monkeypatch, new_page, drinks, alice, bob, pat
):
    """The pipeline closes voting on ideas people are looking at: focus must not fall to <body>."""
    # This process tells daphne as the worker does: through the database, which daphne reads.
    monkeypatch.setattr(live, "_relay_on", True)
    settings.LIVE_RELAY_POLL_SECONDS = 0.05
    base = f"http://127.0.0.1:{own_daphne()}"
    idea = IdeaFactory(author=alice, category=drinks, title=LATTE)
    on_list, on_detail = new_page(), new_page()
    log_in(on_list, base, bob, "/")
    log_in(on_detail, base, bob, f"/ideas/{idea.pk}/")
    for page in (on_list, on_detail):
        wait_subscribed(page)
        page.get_by_role("button", name=f"Vote up: {LATTE}").focus()

    elsewhere(idea_transition, actor=pat, idea=idea, to=Status.LAUNCHED, note="On the menu now.")

    for page in (on_list, on_detail):
        expect(page.get_by_role("button", name=f"Vote up: {LATTE}")).to_be_disabled()
        expect(page.locator(":focus")).to_have_id(f"vote-why-{idea.pk}")
        expect(page.locator(":focus")).to_have_text("Voting is closed: this idea has launched.")
        assert page.errors == []
