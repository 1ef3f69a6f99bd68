"""The staff dashboard in Chromium: Pat of the product team opens it on a known history; every chart is
drawn (pygal's SVG as an image: bars or lines), each with its table; the page passes axe-core and the CSP reports
no violation (Chromium logs one as a console error, which the page fixture collects)."""

import pytest
from playwright.sync_api import expect

from community import insights
from tests.browser.pages import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_pat_sees_every_chart_drawn_with_its_table_and_no_csp_violation(live_url, new_page, pat, rolled):
    # First in the module: the session's daphne (live_url) is forked before this module's browser starts.
    page = new_page()
    log_in(page, live_url, pat, "/insights/")
    expect(page.get_by_role("heading", name="Staff dashboard")).to_be_visible()
    charts = page.locator("img.chart")
    expect(charts).to_have_count(len(insights.TABLES))
    for index in range(len(insights.TABLES)):
        chart = charts.nth(index)
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("image => image.naturalWidth") > 0
        svg = page.request.get(live_url + chart.get_attribute("src")).text()
        assert 'class="pygal-chart"' in svg and ("<path" in svg or "<rect" in svg)
    expect(page.locator("table.insight-table")).to_have_count(len(insights.TABLES))
    expect(page.locator("#insight-channels table")).to_contain_text("X")
    assert_accessible(page)
    assert page.errors == []
    assert page.failed_responses == []


def test_a_bad_range_is_named_on_the_form_in_the_browser(live_url, new_page, pat):
    page = new_page()
    log_in(page, live_url, pat, "/insights/")
    page.get_by_label("From", exact=True).fill("2026-03-02")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#insights-from-error")).to_have_text("The range must start on or before the day it ends.")
    expect(page.get_by_label("From", exact=True)).to_have_attribute("aria-invalid", "true")
    assert [error for error in page.errors if "Refused" in error] == []
