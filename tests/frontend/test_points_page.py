"""How points work: generated from the settings and the catalogues, so it says what the rules do."""

import pytest
from django.conf import settings
from django.test import override_settings

from community.badges import BADGES

pytestmark = pytest.mark.django_db


def test_the_page_shows_each_rewards_points_from_the_settings(client):
    page = client.get("/points/").content.decode()
    assert (
        '<tr id="reward-upvote_received"><th scope="row">Upvote received</th><td class="board-points">10</td>' in page
    )


def test_the_page_follows_a_change_of_the_settings(client):
    with override_settings(POINTS={**settings.POINTS, "upvote_received": 7, "share_vote": 0}):
        page = client.get("/points/").content.decode()
    assert '<td class="board-points">7</td>' in page
    assert "takes back the 7 points it earned" in page
    assert 'id="reward-share_vote"' not in page  # a reward worth nothing is not offered


def test_the_page_lists_every_badge_of_the_catalogue(client):
    page = client.get("/points/").content.decode()
    assert all(f"<dt>{badge.name}</dt>" in page for badge in BADGES.values())


def test_the_page_costs_no_query_for_a_visitor(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/points/").status_code == 200
