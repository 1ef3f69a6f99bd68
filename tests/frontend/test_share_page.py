"""The idea page's share links: a coded visit and its redirect, the buttons, the sources section, Open Graph tags,
and the middleware that makes a session's visits the member's who signs up in it."""

import re

import pytest
from django.contrib.auth import get_user
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from community.middleware import ShareVisitsMiddleware
from community.models import Channel, LedgerEntry, Reason, Visit
from community.shares import SESSION_KEY, share_bind, share_code, share_record
from core.hiding import Hidden
from ideas.models import Idea
from tests.community.helpers import visit_by
from tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSPHRASE = "a-long-passphrase"
SIGN_UP = {"email": "nina@example.com", "display_name": "Nina", "password1": PASSPHRASE, "password2": PASSPHRASE}


def coded(idea, sharer, channel=Channel.LINK, extra: str = "") -> str:
    return f"{idea.get_absolute_url()}?s={share_code(sharer.pk, channel)}{extra}"


# Following a link


def test_a_coded_link_counts_a_visit_and_redirects_to_the_clean_url(client, bob, alices_idea):
    response = client.get(coded(alices_idea, bob))
    assert response.status_code == 302 and response["Location"] == alices_idea.get_absolute_url()
    visit = Visit.objects.get()
    assert visit.share.sharer == bob and client.session[SESSION_KEY] == [visit.pk]


def test_the_redirect_keeps_the_other_parameters(client, bob, alices_idea):
    response = client.get(coded(alices_idea, bob, extra="&order=new"))
    assert response["Location"] == f"{alices_idea.get_absolute_url()}?order=new"


@pytest.mark.parametrize("code", ["", "forged", "1cAAAAAA", "%00", "<script>alert(1)</script>", "9" * 500])
def test_a_forged_code_redirects_and_counts_nothing(client, alices_idea, code):
    response = client.get(alices_idea.get_absolute_url(), {"s": code})
    assert response.status_code == 302 and response["Location"] == alices_idea.get_absolute_url()
    assert not Visit.objects.exists() and SESSION_KEY not in client.session


def test_the_sharer_following_their_own_link_counts_nothing(signed_in, bob, alices_idea):
    assert signed_in(bob).get(coded(alices_idea, bob)).status_code == 302
    assert not Visit.objects.exists()


def test_a_signed_in_members_visit_is_theirs_at_once(signed_in, bob, mo, alices_idea):
    client = signed_in(mo)
    client.get(coded(alices_idea, bob))
    assert Visit.objects.get().member == mo and SESSION_KEY not in client.session


def test_many_links_in_one_session_keep_the_last_ten(client, alices_idea, drinks, bob):
    ideas = [IdeaFactory(author=bob, category=drinks) for _ in range(12)]
    for idea in ideas:
        client.get(coded(idea, bob))
    assert len(client.session[SESSION_KEY]) == 10


def test_a_hidden_idea_followed_through_a_link_is_404_and_counts_nothing(client, bob, alices_idea):
    Idea.objects.filter(pk=alices_idea.pk).update(hidden=Hidden.BY_MODERATOR)
    assert client.get(coded(alices_idea, bob)).status_code == 404
    assert not Visit.objects.exists()


# Signing up or in after following a link


def test_signing_up_after_following_a_link_earns_the_sharer(client, bob, alices_idea, mailoutbox):
    client.get(coded(alices_idea, bob))
    client.post("/accounts/signup/", SIGN_UP)
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[0].body).group(1)
    client.post(link)  # confirming signs her in, in the same session
    client.get("/")
    visit = Visit.objects.get()
    assert visit.member.email == "nina@example.com" and visit.joined_at is not None
    assert LedgerEntry.objects.get(member=bob).reason == Reason.SHARE_SIGNUP
    assert SESSION_KEY not in client.session


def test_signing_in_after_following_a_link_then_voting_earns_the_sharer_a_vote(client, bob, mo, alices_idea):
    client.get(coded(alices_idea, bob))
    client.post("/accounts/login/", {"login": "mo@example.com", "password": "correct-horse-battery"})
    client.post(f"/ideas/{alices_idea.pk}/vote/", {"value": "1"})
    assert list(LedgerEntry.objects.filter(member=bob).values_list("reason", flat=True)) == [Reason.SHARE_VOTE]
    assert Visit.objects.get().member == mo


# The middleware


def _request(session):
    request = RequestFactory().get("/")
    request.session = session
    request.user = SimpleLazyObject(lambda: get_user(request))
    return request


def test_the_middleware_reads_nothing_without_a_session(django_assert_num_queries):
    middleware = ShareVisitsMiddleware(lambda request: HttpResponse())
    with django_assert_num_queries(0):
        middleware(_request(SessionStore()))


def test_the_middleware_reads_only_the_session_without_the_key(signed_in, alice, django_assert_num_queries):
    key = signed_in(alice).session.session_key
    middleware = ShareVisitsMiddleware(lambda request: HttpResponse())
    request = _request(SessionStore(session_key=key))
    with django_assert_num_queries(1):  # the session, which every page reads anyway; not the member
        middleware(request)
    assert "_cached_user" not in request.__dict__


# The buttons


def test_a_members_share_links_carry_their_codes(signed_in, bob, alices_idea):
    page = signed_in(bob).get(alices_idea.get_absolute_url()).content.decode()
    for channel in Channel.values:
        assert share_code(bob.pk, channel) in page
    assert 'href="https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Fideas%2F' in page
    assert 'target="_blank" rel="noopener noreferrer"' in page
    assert f'data-share-api="/api/v1/ideas/{alices_idea.pk}/shares/"' in page


def test_a_visitors_share_links_carry_no_code_and_post_nothing(client, alices_idea):
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert "?s=" not in page and "%3Fs%3D" not in page and "data-share-api" not in page
    assert "https://twitter.com/intent/tweet?url=http%3A%2F%2Ftestserver%2Fideas%2F" in page


def test_the_page_says_how_often_the_idea_was_shared(client, bob, mo, alices_idea):
    share_record(actor=bob, idea=alices_idea, channel=Channel.X)
    share_record(actor=mo, idea=alices_idea, channel=Channel.X)
    assert "Shared 2 times" in client.get(alices_idea.get_absolute_url()).content.decode()


# The sources section


@pytest.mark.parametrize("who", ["alice", "pat", "mo"])
def test_the_author_and_staff_see_where_visitors_came_from(signed_in, bob, alices_idea, who, request):
    visit_by(alices_idea, bob, channel=Channel.EMAIL)
    page = signed_in(request.getfixturevalue(who)).get(alices_idea.get_absolute_url()).content.decode()
    assert 'id="share-sources"' in page
    assert re.search(r'id="source-email"><th scope="row">E-mail</th><td data-shares>1</td><td data-visits>1</td>', page)


def test_bob_does_not_see_where_alices_visitors_came_from(signed_in, bob, alices_idea):
    assert 'id="share-sources"' not in signed_in(bob).get(alices_idea.get_absolute_url()).content.decode()


def test_a_visitor_does_not_see_where_visitors_came_from(client, alices_idea):
    assert 'id="share-sources"' not in client.get(alices_idea.get_absolute_url()).content.decode()


# Bob's page counts the shares (one query); Alice's sums them from the sources instead (one query); the
# points of the names shown are one query.
@pytest.mark.parametrize(("who", "queries"), [("bob", 16), ("alice", 16)])
def test_the_page_costs_the_same_queries_with_few_or_many_shares(
    signed_in, alices_idea, bob, mo, who, queries, request, django_assert_num_queries
):
    client = signed_in(request.getfixturevalue(who))
    visit_by(alices_idea, mo)
    with django_assert_num_queries(queries):
        client.get(alices_idea.get_absolute_url())
    for n in range(20):
        visit_by(alices_idea, mo, channel=Channel.FACEBOOK, client=f"198.51.100.{n}|Firefox")
        share_record(actor=IdeaFactory(category=alices_idea.category).author, idea=alices_idea, channel=Channel.X)
    with django_assert_num_queries(queries):
        client.get(alices_idea.get_absolute_url())


# Open Graph


def test_the_idea_page_has_open_graph_and_twitter_card_tags(client, alices_idea):
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    url = f"http://testserver{alices_idea.get_absolute_url()}"
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="Oat milk at no extra charge">' in page
    assert '<meta property="og:description" content="New · Please, yes.">' in page
    assert '<meta property="og:image" content="http://testserver/static/frontend/og-default.png">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="article:tag" content="New">' in page


def test_open_graph_tags_are_escaped(client, alice, drinks):
    idea = IdeaFactory(author=alice, category=drinks, title='"><script>alert(1)</script>', body="1 < 2 & <b>bold</b>")
    page = client.get(idea.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">' in page
    assert "<script>alert(1)" not in page
    assert 'content="New · 1 &lt; 2 &amp; bold"' in page


def test_the_open_graph_url_has_no_share_code(signed_in, bob, alices_idea):
    page = signed_in(bob).get(alices_idea.get_absolute_url()).content.decode()
    assert re.search(r'property="og:url" content="[^"]*\?s=', page) is None


def test_a_hidden_idea_leaks_no_metadata(client, alices_idea):
    Idea.objects.filter(pk=alices_idea.pk).update(hidden=Hidden.BY_MODERATOR)
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert "og:" not in page and alices_idea.title not in page


# Floods, robots and shared computers


def test_one_address_changing_its_user_agent_counts_one_visit(client, bob, alices_idea):
    followed = coded(alices_idea, bob)
    for n in range(30):
        client.cookies.clear()
        client.get(followed, HTTP_USER_AGENT=f"Mozilla/5.0 ({n})", REMOTE_ADDR="198.51.100.9")
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    "agent",
    ["facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "Twitterbot/1.0", "LinkedInBot/1.0"],
)
def test_a_link_preview_robot_counts_no_visit(client, bob, alices_idea, agent):
    followed = coded(alices_idea, bob, Channel.FACEBOOK)
    assert client.get(followed, HTTP_USER_AGENT=agent).status_code == 302
    assert not Visit.objects.exists()


def test_a_visit_someone_gone_joined_through_never_fails_a_later_sign_in(client, bob, alices_idea):
    earlier = visit_by(IdeaFactory(), bob, client="198.51.100.1")
    carol = UserFactory()  # brought by another share already
    share_bind(member=carol, visit_ids=[earlier.pk])
    followed = coded(alices_idea, bob)
    client.get(followed, REMOTE_ADDR="198.51.100.2")  # on a shared computer, someone joins through Bob's link
    gone = UserFactory()
    share_bind(member=gone, visit_ids=[Visit.objects.latest("pk").pk])
    gone.delete()
    client.logout()
    client.get(followed, REMOTE_ADDR="198.51.100.2")  # Carol, the same day on that computer, then signs in
    client.force_login(carol)
    client.raise_request_exception = False
    assert [client.get(path).status_code for path in ["/", "/", alices_idea.get_absolute_url()]] == [200, 200, 200]
    assert LedgerEntry.objects.filter(member=bob, reason=Reason.SHARE_SIGNUP).count() == 2
