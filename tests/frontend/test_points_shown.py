"""Points where names are: on profiles (with badges, and the member's own ledger) and beside names in threads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Award, Reason
from discussion.services import comment_post
from tests.community.helpers import ledger_line
from tests.factories import UserFactory, comment

pytestmark = pytest.mark.django_db


def test_alices_profile_shows_her_points_and_badges_to_a_visitor(client, alice):
    ledger_line(alice, 15)
    Award.objects.create(member=alice, badge="first_idea")
    page = client.get(f"/members/{alice.pk}/").content.decode()
    assert '<span class="points-total" id="points-total">15 points</span>' in page
    assert "First idea</span>" in page and "Proposed a first idea." in page
    assert 'id="ledger"' not in page


def test_alice_sees_how_she_earned_her_points_line_by_line(signed_in, alice, alices_idea):
    ledger_line(alice, 5, idea=alices_idea, reason=Reason.IDEA_SUBMITTED)
    ledger_line(alice, -10, idea=alices_idea, reason=Reason.UPVOTE_WITHDRAWN)
    page = signed_in(alice).get(f"/members/{alice.pk}/").content.decode()
    assert "How you earned them" in page and "Idea submitted" in page and "+5" in page
    assert '<td class="board-points points-taken">-10</td>' in page
    assert f'<a href="{alices_idea.get_absolute_url()}">{alices_idea.title}</a>' in page


def test_bob_does_not_see_alices_ledger(signed_in, alice, bob):
    ledger_line(alice, 5)
    assert 'id="ledger"' not in signed_in(bob).get(f"/members/{alice.pk}/").content.decode()


def test_alices_ledger_pages_on_to_older_lines(signed_in, alice):
    for _ in range(51):
        ledger_line(alice, 1)
    client = signed_in(alice)
    first = client.get(f"/members/{alice.pk}/")
    assert len(first.context["ledger"]) == 50 and first.context["ledger_next"]
    older = client.get(f"/members/{alice.pk}/", {"cursor": first.context["ledger_next"]})
    assert len(older.context["ledger"]) == 1 and older.context["ledger_next"] is None


def test_a_forged_ledger_cursor_is_named_and_the_first_page_shown(signed_in, alice):
    ledger_line(alice, 1)
    response = signed_in(alice).get(f"/members/{alice.pk}/", {"cursor": "forged"})
    assert response.status_code == 400 and len(response.context["ledger"]) == 1


def test_alices_own_profile_costs_the_same_queries_for_3_or_60_lines(signed_in, alice, django_assert_num_queries):
    client = signed_in(alice)
    for _ in range(3):
        ledger_line(alice, 1)
    # what a signed-in member's view of a profile costs, and one page of her ledger
    with django_assert_num_queries(10) as few:
        client.get(f"/members/{alice.pk}/")
    for _ in range(57):
        ledger_line(alice, 1)
    with django_assert_num_queries(len(few)):
        client.get(f"/members/{alice.pk}/")


def test_the_thread_shows_each_writers_points_beside_their_name(client, alice, bob, alices_idea):
    comment(bob, alices_idea)  # earns Bob the comment's points (settings.POINTS)
    ledger_line(alice, 40)
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert '<span class="member-points" title="40 points">40 points</span>' in page
    assert '<span class="member-points" title="2 points">2 points</span>' in page


def test_the_thread_costs_the_same_queries_for_the_points_of_2_or_20_writers(
    client, alice, alices_idea, django_assert_num_queries
):
    comment(UserFactory(), alices_idea)
    client.get(alices_idea.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(alices_idea.get_absolute_url())
    for _ in range(19):
        comment(UserFactory(), alices_idea)
    with django_assert_num_queries(len(few)):
        assert client.get(alices_idea.get_absolute_url()).content.decode().count('class="member-points"') == 21


def test_a_comment_fetched_for_the_live_thread_shows_its_writers_points(client, bob, alices_idea):
    posted = comment_post(actor=bob, idea=alices_idea, body="Me too")
    page = client.get(f"/comments/{posted.pk}/").content.decode()
    assert '<span class="member-points" title="2 points">2 points</span>' in page
