"""Accessibility in Chromium: axe-core finds nothing on any page the browser tests visit, vote
buttons and tabs keep their contrast in every state, and forced colours keep their states apart."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from discussion.models import Comment
from discussion.services import comment_delete, comment_edit, comment_mark_official
from ideas.models import Status
from tests.browser.pages import assert_accessible, axe_violations, log_in, sign_in
from tests.factories import IdeaFactory, comment
from voting.services import vote_cast

pytestmark = pytest.mark.browser

LATTE = "Bring back the gingerbread latte"


@pytest.fixture
def forum(live_url, alice, bob, mo, pat, drinks):
    """Alice's idea that Bob voted up (returned), one he voted down, Bob's own idea, and a launched (closed) one."""
    latte = IdeaFactory(author=alice, category=drinks, title=LATTE, body="Every **December**.")
    sour = IdeaFactory(author=alice, category=drinks, title="Sour milk on Mondays")
    IdeaFactory(author=bob, category=drinks, title="Bob's own idea about cups")
    IdeaFactory(author=alice, category=drinks, title="Oat milk, launched", status=Status.LAUNCHED)
    vote_cast(actor=bob, idea_id=latte.pk, value=1)
    vote_cast(actor=bob, idea_id=sour.pk, value=-1)
    return latte


def submit_empty_idea(page, base, idea):
    log_in(page, base, idea.author, "/ideas/new/")
    page.get_by_role("button", name="Post idea").click()
    expect(page).to_have_title(re.compile(r"^\d+ errors · Share an idea"))


def sign_in_wrongly(page, base, idea):
    sign_in(page, base, "alice@example.com", password="not-the-password")
    expect(page).to_have_title("1 error · Sign in · Idea Forum")


def sign_up_wrongly(page, base, idea):
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("other")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator("#error-summary")).to_be_visible()


def staff_delete_with_a_long_reason(page, base, idea):
    log_in(page, base, User.objects.get(email="mo@example.com"), f"/ideas/{idea.pk}/delete/")
    reason = page.get_by_label("Why are you deleting it?")
    reason.evaluate("textarea => textarea.removeAttribute('maxlength')")
    reason.fill("x" * 1001)
    page.get_by_role("button", name="Delete idea").click()
    expect(page).to_have_title(re.compile("^1 error · Delete idea"))


def as_member(email, path, through_the_form=False):
    def visit(page, base, idea):
        where = path.format(pk=idea.pk, author=idea.author_id)
        if through_the_form:  # deleting one's account asks for a recent sign-in with the password
            sign_in(page, base, email, where)
        else:
            log_in(page, base, User.objects.get(email=email), where)
        expect(page).to_have_url(f"{base}{where}")

    return visit


def discussed(idea) -> Comment:
    """A conversation on the idea: nested replies, an edit, a deletion, a mention, the official response."""
    alice, bob, pat = (User.objects.get(email=f"{name}@example.com") for name in ("alice", "bob", "pat"))
    first = comment(bob, idea, f"Yes, with **cinnamon**. What do you think, @[Alice](member:{alice.pk})?")
    reply = comment(alice, idea, "Nutmeg!", parent=first)
    comment_edit(actor=alice, comment=reply, body="Nutmeg, or both.")
    comment(bob, idea, "Both, then.", parent=reply)
    comment_delete(actor=bob, comment=comment(bob, idea, "Never mind."))
    comment_mark_official(actor=pat, comment=first)
    return reply


def with_comments(email, path="/ideas/{pk}/"):
    def visit(page, base, idea):
        reply = discussed(idea)
        as_member(email, path.replace("{comment}", str(reply.pk)))(page, base, idea)

    return visit


def visitor_with_comments(page, base, idea):
    discussed(idea)
    as_visitor("/ideas/{pk}/")(page, base, idea)


def as_visitor(path):
    def visit(page, base, idea):
        page.goto(f"{base}{path.format(pk=idea.pk, author=idea.author_id)}")

    return visit


PAGES = {
    "list": as_visitor("/"),
    "list-signed-in": as_member("bob@example.com", "/?sort=top"),
    "detail": as_visitor("/ideas/{pk}/"),
    "detail-voted": as_member("bob@example.com", "/ideas/{pk}/"),
    "detail-own-idea": as_member("alice@example.com", "/ideas/{pk}/"),
    "submit-with-errors": submit_empty_idea,
    "edit": as_member("alice@example.com", "/ideas/{pk}/edit/"),
    "delete-confirmation": as_member("alice@example.com", "/ideas/{pk}/delete/"),
    "staff-delete-with-errors": staff_delete_with_a_long_reason,
    "sign-in": as_visitor("/accounts/login/"),
    "sign-in-with-errors": sign_in_wrongly,
    "sign-up": as_visitor("/accounts/signup/"),
    "sign-up-with-errors": sign_up_wrongly,
    "profile": as_member("bob@example.com", "/members/{author}/"),
    "account": as_member("bob@example.com", "/account/"),
    "account-delete-confirmation": as_member("bob@example.com", "/account/delete/", through_the_form=True),
    "not-found": as_visitor("/ideas/999999/"),
    "detail-with-comments": visitor_with_comments,
    "detail-with-comments-signed-in": with_comments("bob@example.com"),
    "detail-with-comments-moderator": with_comments("mo@example.com"),
    "detail-with-comments-product-team": with_comments("pat@example.com"),
    "comment-edit": with_comments("alice@example.com", "/comments/{comment}/edit/"),
    "comment-history": with_comments("mo@example.com", "/comments/{comment}/history/"),
}


@pytest.mark.parametrize("width", [1200, 360])
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_axe_violations(live_url, new_page, forum, name, width):
    page = new_page(width=width)
    PAGES[name](page, live_url, forum)
    page.wait_for_load_state("load")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The 404 and 400 pages are loaded with their status, which Chromium logs; no other request may fail.
    assert [r.url for r in page.failed_responses if r.request.resource_type != "document"] == []
    assert [e for e in page.errors if "the server responded with a status of 4" not in e] == []


def test_the_axe_check_can_fail(live_url, new_page, forum):
    page = new_page()
    page.goto(f"{live_url}/")
    page.evaluate("document.querySelector('.idea-title a').textContent = ''")
    page.evaluate("document.querySelector('.vote-up:not([disabled])').removeAttribute('aria-label')")
    page.evaluate("document.querySelector('.vote-up:not([disabled])').textContent = ''")
    assert any(v.startswith("button-name") for v in axe_violations(page))


def channels(css: str) -> tuple[float, ...]:
    return tuple(float(n) for n in re.findall(r"[\d.]+", css))


def luminance(css: str) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = channels(css)[:3]
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def style(locator, *properties: str) -> dict[str, str]:
    return locator.evaluate(
        "(element, properties) => Object.fromEntries(properties.map("
        "(p) => [p, getComputedStyle(element).getPropertyValue(p)]))",
        list(properties),
    )


def assert_readable_button(name: str, button, behind: str) -> None:
    """The glyph at 4.5:1 on the button, and the button's edge at 3:1 on what is behind it
    (its border, or its fill where it has one)."""
    colours = style(button, "color", "background-color", "border-top-color")
    glyph = contrast(colours["color"], colours["background-color"])
    edge = max(contrast(colours["border-top-color"], behind), contrast(colours["background-color"], behind))
    assert glyph >= 4.5, f"{name}: glyph {glyph:.2f}:1 ({colours})"
    assert edge >= 3, f"{name}: edge {edge:.2f}:1 ({colours})"


def test_vote_buttons_keep_their_contrast_in_every_state(live_url, new_page, forum):
    page = new_page()
    log_in(page, live_url, User.objects.get(email="bob@example.com"), "/?sort=top")
    latte = page.locator(f"#idea-{forum.pk}")
    behind = style(latte, "background-color")["background-color"]
    rest = latte.get_by_role("button", name=f"Vote down: {LATTE}")
    pressed_up = latte.get_by_role("button", name=f"Vote up: {LATTE}")
    pressed_down = page.get_by_role("button", name="Vote down: Sour milk on Mondays")
    disabled = page.get_by_role("button", name="Vote up: Bob's own idea about cups")
    expect(pressed_up).to_have_attribute("aria-pressed", "true")
    expect(pressed_down).to_have_attribute("aria-pressed", "true")
    expect(disabled).to_be_disabled()

    page.mouse.move(1, 1)
    at_rest = {name: style(b, "background-color") for name, b in [("rest", rest), ("pressed", pressed_up)]}
    assert at_rest["rest"] != at_rest["pressed"], "a pressed vote looks like one not pressed"
    for name, button in [("rest", rest), ("pressed up", pressed_up), ("pressed down", pressed_down)]:
        assert_readable_button(name, button, behind)
    own_card = page.locator("li", has=disabled)
    assert_readable_button("disabled", disabled, style(own_card, "background-color")["background-color"])
    for name, button in [("hover", rest), ("pressed up + hover", pressed_up), ("pressed down + hover", pressed_down)]:
        button.hover()
        assert_readable_button(name, button, behind)

    # Focus from the keyboard: a solid ring at 3:1 on the card around the button.
    page.mouse.move(1, 1)
    pressed_up.focus()
    page.keyboard.press("Tab")  # to the score's neighbour, the ▼ button, by keyboard
    expect(rest).to_be_focused()
    ring = style(rest, "outline-style", "outline-width", "outline-color")
    assert ring["outline-style"] == "solid" and float(ring["outline-width"].removesuffix("px")) >= 2
    assert contrast(ring["outline-color"], behind) >= 3


def test_inputs_and_the_current_sort_tab_are_told_apart_by_more_than_colour_or_weight(live_url, new_page, forum):
    page = new_page()
    page.goto(f"{live_url}/?sort=top")
    search = page.get_by_label("Search")
    border = style(search, "border-top-color")["border-top-color"]
    for behind in [search, page.locator("body")]:
        assert contrast(border, style(behind, "background-color")["background-color"]) >= 3
    tabs = page.get_by_role("navigation", name="Sort ideas")
    current, other = tabs.get_by_role("link", name="Top"), tabs.get_by_role("link", name="Hot")
    expect(current).to_have_attribute("aria-current", "page")
    marks = ("background-color", "border-bottom-color")
    assert all(style(current, m)[m] != style(other, m)[m] for m in marks)


def test_forced_colours_keep_a_pressed_vote_and_the_current_sort_tab_apart(live_url, new_page, forum):
    page = new_page()
    page.emulate_media(forced_colors="active")
    log_in(page, live_url, User.objects.get(email="bob@example.com"), "/?sort=top")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    latte = page.locator(f"#idea-{forum.pk}")
    pressed, rest = latte.locator(".vote-up"), latte.locator(".vote-down")
    expect(pressed).to_have_attribute("aria-pressed", "true")
    page.mouse.move(1, 1)
    looks = ("background-color", "color")
    assert all(style(pressed, p)[p] != style(rest, p)[p] for p in looks)
    tabs = page.get_by_role("navigation", name="Sort ideas")
    current, other = tabs.get_by_role("link", name="Top"), tabs.get_by_role("link", name="Hot")
    assert all(style(current, p)[p] != style(other, p)[p] for p in looks)
