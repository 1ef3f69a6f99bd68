"""The live client through a Redis outage, in Chromium, on a daphne whose channel layer is a Redis the test
stops and starts: it backs off, says it is offline, and catches up once Redis is back."""

import pytest
from playwright.sync_api import expect

from config.settings.base import redis_channel_layer
from tests.browser.pages import api, assert_accessible, wait_subscribed
from tests.factories import IdeaFactory

pytestmark = pytest.mark.browser


def test_through_a_redis_outage_the_page_backs_off_says_offline_and_catches_up(
    own_redis, own_daphne, settings, new_page, drinks, alice, bob
):
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer(own_redis())}  # the forked daphne's too
    idea = IdeaFactory(author=alice, category=drinks, title="Cardamom buns on Fridays")
    base = f"http://127.0.0.1:{own_daphne()}"
    reader = new_page()
    opened = []
    reader.on("websocket", lambda socket: opened.append(socket.url))
    reader.goto(f"{base}/")
    wait_subscribed(reader)
    banner = reader.locator("#live-status")
    score = reader.locator(f"#idea-{idea.pk} [data-score]")
    expect(banner).to_be_hidden()
    expect(banner).to_have_attribute("role", "status")

    own_redis.stop()
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_have_text("Offline, reconnecting…")
    assert_accessible(reader)
    assert api(base, bob, "PUT", f"/api/v1/ideas/{idea.pk}/vote/", {"value": 1}) == 200

    # Each attempt now opens and is closed at once (4013): that must not reset the backoff. Counted
    # over a fixed span, so this one wait is the measurement itself.
    before = len(opened)
    reader.wait_for_timeout(10_000)
    attempts = len(opened) - before
    assert 1 <= attempts <= 5, f"{attempts} connection attempts in 10 s while Redis was down"
    expect(banner).to_be_visible()
    expect(score).to_have_text("0")

    own_redis()
    expect(banner).to_be_hidden(timeout=45_000)  # the next attempt comes within the 30-s ceiling
    expect(score).to_have_text("1")  # the vote made in the outage, caught up
    wait_subscribed(reader)
    assert api(base, bob, "PUT", f"/api/v1/ideas/{idea.pk}/vote/", {"value": -1}) == 200
    expect(score).to_have_text("-1")  # and live events flow again: the topics were subscribed anew
    assert [error for error in reader.errors if "WebSocket" not in error] == []
