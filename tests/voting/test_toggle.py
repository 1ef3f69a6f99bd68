"""vote_toggle, the vote buttons' one decision: made under the idea's row lock, so quick presses apply in turn."""

import secrets
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client

from tests.factories import IdeaFactory, UserFactory
from tests.voting.test_services import assert_counts_match_votes
from voting.models import Vote
from voting.services import OwnIdea, vote_toggle


def test_a_press_votes_and_a_second_press_takes_it_back(bob, alices_idea):
    assert vote_toggle(actor=bob, idea_id=alices_idea.pk, value=1).my_vote == 1
    assert vote_toggle(actor=bob, idea_id=alices_idea.pk, value=1).my_vote is None
    assert not Vote.objects.exists()
    assert_counts_match_votes(alices_idea)


def test_pressing_the_other_arrow_changes_the_vote(bob, alices_idea):
    vote_toggle(actor=bob, idea_id=alices_idea.pk, value=1)
    result = vote_toggle(actor=bob, idea_id=alices_idea.pk, value=-1)
    assert result.my_vote == -1 and Vote.objects.get().value == -1
    assert_counts_match_votes(alices_idea)


@pytest.mark.parametrize("value", [0, 2, "1", None])
def test_only_up_or_down(bob, alices_idea, value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        vote_toggle(actor=bob, idea_id=alices_idea.pk, value=value)


def test_alice_cannot_toggle_on_her_own_idea(alice, alices_idea):
    with pytest.raises(OwnIdea):
        vote_toggle(actor=alice, idea_id=alices_idea.pk, value=1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _press(url: str, session: str, csrf: str) -> int:
    """One press of ▲ through the page's plain form, as a browser without JavaScript sends it."""
    body = urllib.parse.urlencode({"value": "1", "csrfmiddlewaretoken": csrf, "next": "/"}).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Cookie", f"sessionid={session}; csrftoken={csrf}")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_fifty_members_double_clicking_at_once_leave_no_vote_behind(live_url, drinks):
    """Two presses of the same arrow mean "vote, then take it back": after 50 members double-click
    at the same moment, no vote may remain (a decision read before the lock would keep some)."""
    idea = IdeaFactory(author=UserFactory(), category=drinks)
    presses = []
    for _ in range(50):
        client = Client()
        client.force_login(UserFactory())
        session, csrf = client.cookies["sessionid"].value, secrets.token_hex(16)
        presses += [(session, csrf)] * 2
    url = f"{live_url}/ideas/{idea.pk}/vote/"
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda press: _press(url, *press), presses))
    assert statuses == [302] * 100
    assert not Vote.objects.filter(idea=idea).exists()
    assert_counts_match_votes(idea)
