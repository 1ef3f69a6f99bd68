"""Live updates in Chromium: a new idea reaches an open list at once, and a page recovers from a lost server."""

import pytest
from playwright.sync_api import expect

from ideas.models import Idea
from tests.browser.pages import sign_in, wait_subscribed
from tests.factories import CategoryFactory, IdeaFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def drinks_live(live_url):
    product = CategoryFactory(name="Product", slug="product")
    return CategoryFactory(name="Drinks", slug="drinks", parent=product)


def test_new_idea_appears_on_an_open_list_without_reload(live_url, new_page, drinks_live, alice, bob):
    IdeaFactory(author=bob, category=drinks_live, title="An older idea already here")
    reader = new_page()
    reader.goto(f"{live_url}/")
    wait_subscribed(reader)
    reader.evaluate("window.notReloaded = true")

    author = new_page()
    sign_in(author, live_url, "alice@example.com", "/ideas/new/")
    author.get_by_label("Title").fill("Lingonberry iced tea in summer")
    author.get_by_label("Description").fill("Tart and *pretty*.")
    author.get_by_label("Category").select_option(label="Product › Drinks")
    author.get_by_role("button", name="Post idea").click()
    expect(author.get_by_role("heading", level=1)).to_have_text("Lingonberry iced tea in summer")

    idea = Idea.objects.get(title="Lingonberry iced tea in summer")
    card = reader.locator(f"#idea-{idea.pk}")
    expect(card).to_be_visible(timeout=1000)
    expect(card).to_have_class("idea-card is-new")
    expect(card.locator(".new-badge")).to_have_text("Just in")
    expect(reader.locator(".idea-card").first).to_have_id(f"idea-{idea.pk}")
    assert reader.evaluate("window.notReloaded") is True
    assert reader.errors == [] and author.errors == []


def test_edit_updates_the_list_and_the_detail_page_in_place(live_url, new_page, drinks_live, alice):
    idea = IdeaFactory(author=alice, category=drinks_live, title="Oat milk at no extra charge")
    on_list, on_detail = new_page(), new_page()
    on_list.goto(f"{live_url}/")
    on_detail.goto(f"{live_url}/ideas/{idea.pk}/")
    wait_subscribed(on_list)
    wait_subscribed(on_detail)

    author = new_page()
    sign_in(author, live_url, "alice@example.com", f"/ideas/{idea.pk}/edit/")
    author.get_by_label("Title").fill("Oat milk for free, please")
    author.get_by_role("button", name="Save changes").click()

    expect(on_list.locator(f"#idea-{idea.pk} .idea-title")).to_have_text("Oat milk for free, please", timeout=2000)
    expect(on_detail.get_by_role("heading", level=1)).to_have_text("Oat milk for free, please", timeout=2000)

    author.goto(f"{live_url}/ideas/{idea.pk}/delete/")
    author.get_by_role("button", name="Delete idea").click()
    expect(on_list.locator(f"#idea-{idea.pk}")).to_have_count(0, timeout=2000)
    expect(on_detail.locator("#idea-gone")).to_be_visible(timeout=2000)


def test_page_recovers_after_the_server_goes_away_and_shows_what_it_missed(own_daphne, new_page, live_url, drinks_live):
    port = own_daphne()
    base = f"http://127.0.0.1:{port}"
    reader = new_page()
    reader.goto(f"{base}/")
    wait_subscribed(reader)

    own_daphne.stop()
    expect(reader.locator("#live-status")).to_be_visible(timeout=5000)
    expect(reader.locator("#live-status")).to_have_text("Offline, reconnecting…")
    missed = IdeaFactory(category=drinks_live, title="Submitted while the page was offline")

    own_daphne(port)
    # The attempts back off meanwhile (each wait up to twice the last, at most 30 s).
    expect(reader.locator("html")).to_have_attribute("data-live", "subscribed", timeout=45_000)
    expect(reader.locator(f"#idea-{missed.pk}")).to_be_visible(timeout=5000)
    expect(reader.locator("#live-status")).to_be_hidden()
    assert [e for e in reader.errors if "WebSocket" not in e and "ERR_CONNECTION_REFUSED" not in e] == []


def test_pages_work_without_javascript(live_url, browser, drinks_live, alice):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_url, "alice@example.com", "/ideas/new/")
    page.get_by_label("Title").fill("Works without scripts")
    page.get_by_label("Description").fill("Plain **HTML** forms.")
    page.get_by_label("Category").select_option(label="Product › Drinks")
    page.get_by_role("button", name="Post idea").click()
    expect(page.locator(".prose strong")).to_have_text("HTML")
    context.close()
