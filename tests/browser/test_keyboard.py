"""Keyboard only, in Chromium: voting, a form with errors, and signing in after a wrong password,
checking where focus is and what the focused thing is called at each step."""

import re

import pytest
from playwright.sync_api import expect

from ideas.models import Idea
from tests.browser.pages import (
    assert_accessible,
    expect_announced,
    log_in,
    record_announcements,
    tab_to,
    wait_subscribed,
)
from tests.conftest import PASSWORD
from tests.factories import IdeaFactory
from voting.models import Vote

pytestmark = pytest.mark.browser

LATTE = "Bring back the gingerbread latte"


def test_vote_with_the_keyboard(live_url, new_page, drinks, alice, bob):
    idea = IdeaFactory(author=alice, category=drinks, title=LATTE)
    page = new_page()
    log_in(page, live_url, bob, "/")
    wait_subscribed(page)
    record_announcements(page)
    card = page.locator(f"#idea-{idea.pk}")
    up = card.get_by_role("button", name=f"Vote up: {LATTE}", exact=True)
    expect(card.locator(".score-number")).to_have_text("Score 0")
    expect(card.locator(".vote-split")).to_have_text("0 up, 0 down")

    tab_to(page, up)
    expect(up).to_have_accessible_name(f"Vote up: {LATTE}")
    page.keyboard.press("Enter")
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".score-number")).to_have_text("Score 1")
    expect(card.locator(".vote-split")).to_have_text("1 up, 0 down")
    expect(up).to_be_focused()
    expect_announced(page, f"Your vote up is counted on {LATTE}. Score 1.")
    assert Vote.objects.get(voter=bob).value == 1

    page.keyboard.press("Space")  # pressed again: withdrawn
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(card.locator(".score-number")).to_have_text("Score 0")
    expect(up).to_be_focused()
    expect_announced(page, f"Your vote on {LATTE} is withdrawn. Score 0.")
    assert not Vote.objects.exists()
    assert page.errors == []


def test_idea_form_errors_take_focus_to_a_summary_that_leads_to_each_field(live_url, new_page, drinks, alice):
    page = new_page()
    log_in(page, live_url, alice, "/ideas/new/")
    title = page.get_by_label("Title")
    tab_to(page, title)
    page.keyboard.type("Oat")
    tab_to(page, page.get_by_label("Description"))  # past the Write and Preview tabs
    page.keyboard.type("Oat milk should cost the same as dairy.")
    tab_to(page, page.get_by_role("button", name="Post idea"))
    page.keyboard.press("Enter")

    expect(page).to_have_title("2 errors · Share an idea · Idea Forum")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_accessible_name("There are 2 problems")
    title_link = summary.get_by_role("link", name="Title: Give your idea a title of at least 5 characters.")
    category_link = summary.get_by_role("link", name="Category: Choose one of the categories.")
    expect(summary.get_by_role("link")).to_have_count(2)

    page.keyboard.press("Tab")
    expect(title_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(title).to_be_focused()
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description(
        "One sentence: what should change? Give your idea a title of at least 5 characters."
    )
    expect(page.get_by_label("Description")).to_have_accessible_description(re.compile("^Why it matters"))
    expect(page.get_by_label("Description")).not_to_have_attribute("aria-invalid", "true")

    summary.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(category_link).to_be_focused()
    page.keyboard.press("Enter")
    category = page.get_by_label("Category")
    expect(category).to_be_focused()
    expect(category).to_have_accessible_description("Choose one of the categories.")
    assert_accessible(page)

    # Put right, the idea is posted.
    category.select_option(label="Product › Drinks")
    title.fill("Oat milk at no extra charge")
    title.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oat milk at no extra charge")
    assert Idea.objects.get().title == "Oat milk at no extra charge"
    assert page.errors == []


def test_sign_in_with_a_wrong_password_then_the_right_one(live_url, new_page, drinks, alice):
    page = new_page()
    page.goto(f"{live_url}/accounts/login/?next=/ideas/new/")
    email, password = page.get_by_label("Email"), page.get_by_label("Password")
    tab_to(page, email)
    page.keyboard.type("alice@example.com")
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")

    expect(page).to_have_title("1 error · Sign in · Idea Forum")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_accessible_name("There is 1 problem")
    expect(summary).to_contain_text("The email address and/or password you specified are not correct.")
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(email).to_be_focused()
    expect(email).to_have_value("alice@example.com")
    expect(password).to_have_accessible_description("Forgot your password?")
    assert_accessible(page)

    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_url}/ideas/new/")
    expect(page.locator(".who")).to_have_text("Alice")


def test_without_javascript_the_error_summary_and_the_title_still_say_what_is_wrong(live_url, browser, drinks, alice):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_url, alice, "/ideas/new/")
    page.get_by_role("button", name="Post idea").click()
    expect(page).to_have_title("3 errors · Share an idea · Idea Forum")
    summary = page.locator("#error-summary")
    expect(summary.get_by_role("link")).to_have_count(3)
    expect(summary.get_by_role("link").first).to_have_attribute("href", "#id_title")
    expect(page.get_by_label("Title")).to_have_attribute("aria-describedby", "id_title_helptext id_title_error")
    expect(page.locator("#id_title_error")).to_contain_text("at least 5 characters")
    context.close()

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_url}/accounts/signup/")
    page.get_by_label("Email").fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-passphrase")
    page.get_by_label("Password (again)").fill("another-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_title(re.compile(r"^1 error · "))
    again = page.get_by_label("Password (again)")
    expect(again).to_have_attribute("aria-invalid", "true")
    expect(again).to_have_accessible_description("You must type the same password each time.")
    expect(page.locator("#error-summary").get_by_role("link")).to_have_attribute("href", "#id_password2")
    context.close()
