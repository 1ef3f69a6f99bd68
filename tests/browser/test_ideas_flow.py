"""A new member's first minutes, in Chromium against daphne: sign up, share an idea, see it rendered."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from playwright.sync_api import expect

from ideas.models import Idea
from tests.browser.pages import sign_in
from tests.factories import CategoryFactory, IdeaFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def categories(live_url):
    product = CategoryFactory(name="Product", slug="product")
    return CategoryFactory(name="Drinks", slug="drinks", parent=product)


def test_sign_up_submit_markdown_and_see_it_rendered(live_url, new_page, categories):
    page = new_page()
    page.goto(f"{live_url}/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("nina@example.com")
    page.get_by_label("Display name").fill("Nina")
    page.get_by_label("Password", exact=True).fill("a-long-passphrase")
    page.get_by_label("Password (again)").fill("a-long-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    # The link of the confirmation e-mail (the server's outbox is in its own process: the same key).
    address = EmailAddress.objects.get(email="nina@example.com")
    page.goto(f"{live_url}/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".who")).to_have_text("Nina")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Share an idea").click()
    page.get_by_label("Title").fill("Oat milk at no extra charge")
    page.get_by_label("Description").fill(
        "Oat milk should cost the **same** as dairy.\n\n- better for the climate\n- kinder to stomachs\n\n"
        "<script>document.title='pwned'</script>"
    )
    page.get_by_label("Category").select_option(label="Product › Drinks")
    page.get_by_label("Tags").fill("pricing, dairy free")
    page.get_by_role("button", name="Post idea").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Oat milk at no extra charge")
    expect(page.locator(".prose strong")).to_have_text("same")
    expect(page.locator(".prose li")).to_have_count(2)
    expect(page.locator(".messages")).to_contain_text("Your idea is posted")
    assert page.title() != "pwned"
    idea = Idea.objects.get()
    assert page.url.endswith(idea.get_absolute_url())

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ideas", exact=True).click()
    card = page.locator(".idea-card").filter(has_text="Oat milk at no extra charge")
    expect(card).to_contain_text("Oat milk should cost the same as dairy.")
    expect(card).to_contain_text("Nina")
    expect(card.locator(".tag")).to_have_count(2)
    assert page.errors == []


def test_similar_ideas_appear_while_typing_a_title(live_url, new_page, categories, alice):
    IdeaFactory(title="Oat milk at no extra charge", category=categories, author=alice)
    page = new_page()
    sign_in(page, live_url, "alice@example.com", "/ideas/new/")
    expect(page).to_have_url(re.compile(r"/ideas/new/$"))
    similar = page.locator("#similar-ideas")
    expect(similar).to_be_hidden()
    page.get_by_label("Title").press_sequentially("Free oat milk")
    expect(similar).to_be_visible()
    expect(similar.get_by_role("link")).to_have_text("Oat milk at no extra charge")
    assert page.errors == []


def test_form_errors_keep_what_was_typed(live_url, new_page, categories, alice):
    page = new_page(width=360)
    sign_in(page, live_url, "alice@example.com", "/ideas/new/")
    page.get_by_label("Title").fill("Oat")
    page.get_by_label("Description").fill("A body I do not want to type again")
    page.get_by_role("button", name="Post idea").click()
    expect(page.locator("#id_title_error")).to_contain_text("at least 5 characters")
    expect(page.locator("#id_category_error")).to_contain_text("Choose one of the categories")
    expect(page.get_by_label("Description")).to_have_value("A body I do not want to type again")
    # Nothing wider than a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not Idea.objects.exists()
