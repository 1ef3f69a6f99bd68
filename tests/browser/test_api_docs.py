"""The API docs: ReDoc and Swagger render in Chromium, and only ReDoc's page has a looser policy."""

import pytest
from playwright.sync_api import expect

STRICT_PAGES = ["/", "/accounts/login/", "/api/v1/docs/", "/api/v1/schema/", "/api/v1/ideas/"]


def policy(response) -> dict[str, set[str]]:
    """The Content-Security-Policy header as {directive: sources}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


@pytest.fixture
def offline_redocly(new_page):
    """A page on which ReDoc's footer logo from cdn.redoc.ly (off this machine) is an empty image."""

    def open_page():
        page = new_page()
        svg = '<svg xmlns="http://www.w3.org/2000/svg"/>'
        page.route("https://cdn.redoc.ly/**", lambda route: route.fulfill(content_type="image/svg+xml", body=svg))
        return page

    return open_page


@pytest.mark.browser
def test_redoc_renders_the_operations_with_no_console_errors(live_url, offline_redocly):
    page = offline_redocly()
    page.goto(f"{live_url}/api/v1/redoc/")
    expect(page.get_by_role("heading", name="ideas_list")).to_be_visible()
    expect(page.get_by_role("heading", name="ideas_vote_update")).to_be_visible()
    expect(page.get_by_text("Something went wrong")).to_have_count(0)
    assert page.errors == []


@pytest.mark.browser
def test_redoc_search_runs_in_its_worker(live_url, offline_redocly):
    page = offline_redocly()
    page.goto(f"{live_url}/api/v1/redoc/")
    page.get_by_placeholder("Search...").fill("vote")
    expect(page.locator("[data-role='search:results'] li").first).to_be_visible()
    assert page.errors == []


@pytest.mark.browser
def test_swagger_still_renders_the_operations(live_url, new_page):
    page = new_page()
    page.goto(f"{live_url}/api/v1/docs/")
    expect(page.locator("#operations-ideas-ideas_list")).to_be_visible()
    expect(page.locator("#operations-ideas-ideas_list")).to_contain_text("/api/v1/ideas/")


def test_redoc_policy_adds_only_inline_styles_and_blob_workers(client, db):
    strict = policy(client.get("/"))
    redoc = policy(client.get("/api/v1/redoc/"))
    assert redoc["style-src"] - strict["style-src"] == {"'unsafe-inline'"}
    assert redoc["worker-src"] == {"blob:"} and "worker-src" not in strict
    rest = {name: sources for name, sources in redoc.items() if name not in {"style-src", "worker-src"}}
    assert rest == {name: sources for name, sources in strict.items() if name != "style-src"}
    assert "'unsafe-inline'" not in redoc["script-src"] and "'unsafe-eval'" not in redoc["script-src"]


@pytest.mark.parametrize("path", STRICT_PAGES)
def test_other_pages_keep_the_strict_policy(client, db, path):
    directives = policy(client.get(path))
    assert directives["script-src"] == {"'self'"} and directives["style-src"] == {"'self'"}
    assert "worker-src" not in directives and directives["object-src"] == {"'none'"}


def test_redoc_page_asks_no_third_party_for_fonts(client, db):
    page = client.get("/api/v1/redoc/").content.decode()
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page
    assert "<script>" not in page  # ReDoc starts from its <redoc spec-url> element, not an inline script
