"""Earned badges on a profile in Chromium: readable, accessible, within a phone's width, no errors."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from community.models import Award
from tests.browser.pages import assert_accessible
from tests.browser.test_accessibility import contrast, style

pytestmark = pytest.mark.browser


@pytest.fixture
def decorated(alice, alices_idea):
    for slug in ["first_idea", "first_comment", "conversation_starter"]:
        Award.objects.create(member=alice, badge=slug, earned_at=datetime(2026, 11, 3, 12, tzinfo=UTC))
    Award.objects.create(
        member=alice, badge="top_contributor", period="2026-10", earned_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    return alice


@pytest.mark.parametrize("width", [1200, 360])
def test_a_profiles_badges_are_readable_at_every_width(live_url, new_page, decorated, width):
    page = new_page(width=width)
    page.goto(f"{live_url}/members/{decorated.pk}/#badges")
    names = page.locator("#badges .badge-earned")
    expect(names).to_have_count(4)
    expect(names.last).to_have_text("Top contributor · October 2026")  # newest first
    colours = style(names.first, "color", "background-color")
    assert contrast(colours["color"], colours["background-color"]) >= 4.5, colours
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.errors == []
