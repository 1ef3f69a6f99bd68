"""Role badges in Chromium: readable beside staff names, in words, and still outlined in forced colours."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import assert_accessible
from tests.browser.test_accessibility import contrast, style
from tests.factories import IdeaFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def staff_ideas(live_url, alice, mo, pat, drinks):
    IdeaFactory(author=alice, category=drinks, title="Oat milk at no extra charge")
    IdeaFactory(author=mo, category=drinks, title="Kind words only, please")
    return IdeaFactory(author=pat, category=drinks, title="A public roadmap for the app")


@pytest.mark.parametrize("width", [1200, 360])
def test_badges_name_the_role_in_readable_text(live_url, new_page, staff_ideas, width):
    page = new_page(width=width)
    page.goto(f"{live_url}/")
    badges = page.locator(".idea-meta .role-badge")
    expect(badges).to_have_text(["Product team", "Moderator"])
    for badge in badges.all():
        colours = style(badge, "color", "background-color", "border-top-color")
        assert contrast(colours["color"], colours["background-color"]) >= 4.5, colours
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_badges_stay_outlined_in_forced_colours(live_url, new_page, staff_ideas):
    page = new_page()
    page.emulate_media(forced_colors="active")
    page.goto(f"{live_url}/ideas/{staff_ideas.pk}/")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    badge = page.locator(".role-badge")
    expect(badge).to_have_text("Product team")
    edge = style(badge, "border-top-style", "border-top-color", "background-color", "color")
    assert edge["border-top-style"] == "solid"
    assert contrast(edge["border-top-color"], edge["background-color"]) >= 3, edge
