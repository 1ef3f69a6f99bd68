"""Share links: codes, visits counted without personal data, and what a share brings its sharer (never farmed)."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from community.models import Channel, DailySalt, LedgerEntry, Reason, Share, Visit
from community.permissions import SignInToShare
from community.shares import (
    parse_code,
    prune_salts,
    share_bind,
    share_code,
    share_record,
    share_sources,
    share_visit,
)
from core.hiding import Hidden
from ideas.models import Idea
from tests.community.helpers import CLIENT, visit_by
from tests.factories import IdeaFactory, UserFactory
from voting.services import vote_cast, vote_withdraw

pytestmark = pytest.mark.django_db


def share_lines(member) -> list[tuple[str, int]]:
    reasons = [Reason.SHARE_SIGNUP, Reason.SHARE_VOTE, Reason.SHARE_VOTE_WITHDRAWN]
    lines = LedgerEntry.objects.filter(member=member, reason__in=reasons).order_by("pk")
    return list(lines.values_list("reason", "points"))


@pytest.fixture
def nina(db):
    """A newcomer, who signs up after following a shared link (made when the test needs her)."""
    return lambda: UserFactory(email="nina@example.com", display_name="Nina")


# Codes


@pytest.mark.parametrize("channel", Channel.values)
def test_a_code_round_trips_to_its_sharer_and_channel(channel):
    assert parse_code(share_code(12345, channel)) == (12345, channel)


def test_codes_are_short_and_url_safe():
    code = share_code(987654, Channel.FACEBOOK)
    assert len(code) <= 13 and code.replace("-", "").replace("_", "").isalnum()


@pytest.mark.parametrize(
    "code",
    ["", "x", "zzzzzzzzzzzzzzzzzzzzzzzzzzzz", "1c", "0cAAAAAA", "1c!!!!!!", "1q" + "A" * 6, "1" * 40 + "cAAAAAA"],
)
def test_malformed_codes_are_refused(code):
    assert parse_code(code) is None


def test_a_forged_mac_is_refused():
    code = share_code(7, Channel.LINK)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert parse_code(forged) is None


def test_a_code_moved_to_another_channel_is_refused():
    code = share_code(7, Channel.LINK)
    assert parse_code(code[:-7] + "f" + code[-6:]) is None


def test_a_code_moved_to_another_sharer_is_refused():
    code = share_code(7, Channel.LINK)
    assert parse_code("8" + code[1:]) is None


def test_a_code_with_a_trailing_newline_is_refused():
    assert parse_code(share_code(7, Channel.LINK) + "\n") is None


# Recording a share


def test_pressing_share_twice_counts_once(bob, alices_idea):
    first = share_record(actor=bob, idea=alices_idea, channel=Channel.X)
    again = share_record(actor=bob, idea=alices_idea, channel=Channel.X)
    assert first == again and Share.objects.count() == 1


def test_a_visitor_cannot_record_a_share(alices_idea):
    with pytest.raises(SignInToShare):
        share_record(actor=AnonymousUser(), idea=alices_idea, channel=Channel.X)
    assert not Share.objects.exists()


def test_an_idea_the_member_may_not_see_cannot_be_shared(bob, alices_idea):
    Idea.objects.filter(pk=alices_idea.pk).update(hidden=Hidden.BY_MODERATOR)
    with pytest.raises(Idea.DoesNotExist):
        share_record(actor=bob, idea=alices_idea, channel=Channel.X)


# Visits


def test_a_visit_through_a_link_counts_and_makes_the_share(bob, alices_idea):
    visit = visit_by(alices_idea, bob, channel=Channel.EMAIL)
    assert visit.share.sharer == bob and visit.share.channel == Channel.EMAIL and visit.member is None


def test_a_visit_is_counted_once_per_visitor_per_day(bob, alices_idea):
    for _ in range(20):
        visit_by(alices_idea, bob)
    assert Visit.objects.count() == 1


def test_another_client_is_another_visitor(bob, alices_idea):
    visit_by(alices_idea, bob)
    visit_by(alices_idea, bob, client="198.51.100.4|Firefox")
    assert Visit.objects.count() == 2


def test_the_same_client_tomorrow_is_a_visit_of_tomorrow(bob, alices_idea):
    visit_by(alices_idea, bob)
    Visit.objects.update(day=timezone.localdate() - timedelta(days=1))
    DailySalt.objects.update(day=timezone.localdate() - timedelta(days=1))
    visit_by(alices_idea, bob)
    assert Visit.objects.count() == 2


def test_no_column_keeps_the_ip_or_the_user_agent(bob, alices_idea):
    visit_by(alices_idea, bob)
    ip, agent = CLIENT.split("|")
    for model in (Visit, Share, DailySalt):
        for row in model.objects.values():
            stored = " ".join(str(value) for value in row.values())
            assert ip not in stored and agent not in stored


def test_the_visitor_is_a_salted_hash_not_the_plain_hash_of_the_client(bob, alices_idea):
    import hashlib

    visit = visit_by(alices_idea, bob)
    assert len(visit.visitor) == 32 and visit.visitor not in hashlib.sha256(CLIENT.encode()).hexdigest()


def test_a_code_used_by_its_own_sharer_counts_nothing(bob, alices_idea):
    assert visit_by(alices_idea, bob, viewer=bob) is None
    assert not Share.objects.exists() and not Visit.objects.exists()


@pytest.mark.parametrize("code", ["", "nonsense", "1cAAAAAA", "<script>", "9" * 200])
def test_forged_or_unknown_codes_count_nothing(alices_idea, code):
    assert share_visit(idea=alices_idea, code=code, viewer=AnonymousUser(), client=CLIENT) is None
    assert not Visit.objects.exists()


def test_a_code_of_a_member_who_no_longer_exists_counts_nothing(alices_idea):
    code = share_code(999_999, Channel.LINK)
    assert share_visit(idea=alices_idea, code=code, viewer=AnonymousUser(), client=CLIENT) is None


def test_a_banned_sharers_links_count_nothing(bob, alices_idea):
    type(bob).objects.filter(pk=bob.pk).update(banned_at=timezone.now(), is_active=False)
    assert visit_by(alices_idea, bob) is None


def test_a_hidden_idea_counts_no_visit(bob, alices_idea):
    Idea.objects.filter(pk=alices_idea.pk).update(hidden=Hidden.PENDING)
    assert visit_by(alices_idea, bob) is None


def test_a_signed_in_viewer_is_the_visits_member(bob, alices_idea, mo):
    assert visit_by(alices_idea, bob, viewer=mo).member == mo


def test_yesterdays_salts_are_deleted(bob, alices_idea):
    visit_by(alices_idea, bob)
    DailySalt.objects.create(day=timezone.localdate() - timedelta(days=1), salt="old")
    assert prune_salts(due=timezone.now()) == 1
    assert list(DailySalt.objects.values_list("day", flat=True)) == [timezone.localdate()]


# Sign-ups


def test_signing_up_after_a_visit_earns_the_sharer_once(bob, alices_idea, nina):
    visit = visit_by(alices_idea, bob)
    member = nina()
    share_bind(member=member, visit_ids=[visit.pk])
    share_bind(member=member, visit_ids=[visit.pk])  # a second sign-in in the same session
    visit.refresh_from_db()
    assert visit.member == member and visit.joined_at is not None
    assert share_lines(bob) == [(Reason.SHARE_SIGNUP, 20)]
    assert LedgerEntry.objects.get(member=bob).by == member


def test_a_new_member_is_brought_by_one_share_only(bob, mo, alices_idea, nina):
    first = visit_by(alices_idea, bob)
    second = visit_by(alices_idea, mo, channel=Channel.X)
    member = nina()
    share_bind(member=member, visit_ids=[first.pk, second.pk])
    assert Visit.objects.filter(joined_at__isnull=False).get() == first
    assert share_lines(bob) == [(Reason.SHARE_SIGNUP, 20)] and share_lines(mo) == []


def test_a_later_visit_of_a_member_already_brought_earns_nothing(bob, mo, alices_idea, nina):
    first = visit_by(alices_idea, bob)
    member = nina()
    share_bind(member=member, visit_ids=[first.pk])
    later = visit_by(alices_idea, mo, client="198.51.100.4|Firefox")
    Visit.objects.filter(pk=later.pk).update(created_at=member.date_joined - timedelta(seconds=1))
    share_bind(member=member, visit_ids=[later.pk])
    assert share_lines(mo) == [] and Visit.objects.filter(joined_at__isnull=False).count() == 1


def test_signing_in_as_an_older_member_is_no_sign_up(bob, mo, alices_idea):
    visit = visit_by(alices_idea, bob)
    share_bind(member=mo, visit_ids=[visit.pk])
    visit.refresh_from_db()
    assert visit.member == mo and visit.joined_at is None and share_lines(bob) == []


def test_the_sharer_signing_in_never_binds_their_own_visit(bob, alices_idea):
    visit = visit_by(alices_idea, bob)
    assert share_bind(member=bob, visit_ids=[visit.pk]) == 0
    visit.refresh_from_db()
    assert visit.member is None


def test_a_visit_bound_to_another_member_stays_theirs(bob, mo, pat, alices_idea):
    visit = visit_by(alices_idea, bob, viewer=mo)
    assert share_bind(member=pat, visit_ids=[visit.pk]) == 0


# Votes


def test_an_upvote_after_a_visit_earns_the_sharer(bob, mo, alices_idea):
    visit_by(alices_idea, bob, viewer=mo)
    vote_cast(actor=mo, idea_id=alices_idea.pk, value=1)
    assert share_lines(bob) == [(Reason.SHARE_VOTE, 3)]
    assert Visit.objects.get().voted_at is not None


def test_withdrawing_the_upvote_takes_it_back(bob, mo, alices_idea):
    visit_by(alices_idea, bob, viewer=mo)
    vote_cast(actor=mo, idea_id=alices_idea.pk, value=1)
    vote_withdraw(actor=mo, idea_id=alices_idea.pk)
    assert share_lines(bob) == [(Reason.SHARE_VOTE, 3), (Reason.SHARE_VOTE_WITHDRAWN, -3)]
    assert Visit.objects.get().voted_at is None


def test_turning_the_upvote_down_takes_it_back(bob, mo, alices_idea):
    visit_by(alices_idea, bob, viewer=mo)
    vote_cast(actor=mo, idea_id=alices_idea.pk, value=1)
    vote_cast(actor=mo, idea_id=alices_idea.pk, value=-1)
    assert sum(points for _reason, points in share_lines(bob)) == 0


def test_a_downvote_earns_nothing(bob, mo, alices_idea):
    visit_by(alices_idea, bob, viewer=mo)
    vote_cast(actor=mo, idea_id=alices_idea.pk, value=-1)
    assert share_lines(bob) == []


def test_an_upvote_counts_for_one_share_however_many_were_followed(bob, pat, mo, alices_idea):
    visit_by(alices_idea, bob, viewer=mo)
    visit_by(alices_idea, pat, viewer=mo, channel=Channel.X)
    vote_cast(actor=mo, idea_id=alices_idea.pk, value=1)
    assert len(share_lines(bob)) + len(share_lines(pat)) == 1


def test_a_vote_after_share_vote_hours_earns_nothing(bob, mo, alices_idea):
    visit_by(alices_idea, bob, viewer=mo)
    Visit.objects.update(created_at=timezone.now() - timedelta(hours=25))
    vote_cast(actor=mo, idea_id=alices_idea.pk, value=1)
    assert share_lines(bob) == []


def test_the_sharers_own_vote_earns_nothing(bob, alices_idea):
    visit_by(alices_idea, bob, viewer=bob)
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    assert share_lines(bob) == []


def test_voting_again_and_again_never_earns_more_than_one_vote(bob, mo, alices_idea):
    visit_by(alices_idea, bob, viewer=mo)
    for value in (1, -1, 1, -1, 1):
        vote_cast(actor=mo, idea_id=alices_idea.pk, value=value)
    assert sum(points for _reason, points in share_lines(bob)) == 3


# Sources


def test_the_sources_count_shares_visits_sign_ups_and_votes_per_channel(bob, mo, alices_idea, nina):
    share_record(actor=mo, idea=alices_idea, channel=Channel.FACEBOOK)
    visit = visit_by(alices_idea, bob)
    visit_by(alices_idea, bob, client="198.51.100.4|Firefox")
    member = nina()
    share_bind(member=member, visit_ids=[visit.pk])
    vote_cast(actor=member, idea_id=alices_idea.pk, value=1)
    rows = {row["channel"]: row for row in share_sources(alices_idea)}
    assert list(rows) == Channel.values
    assert {key: rows["link"][key] for key in ("shares", "visits", "signups", "votes")} == {
        "shares": 1,
        "visits": 2,
        "signups": 1,
        "votes": 1,
    }
    assert (rows["facebook"]["shares"], rows["facebook"]["visits"]) == (1, 0)
    assert rows["x"]["shares"] == 0


def test_the_sources_cost_one_query_however_many_visits(bob, alices_idea, django_assert_num_queries):
    for n in range(5):
        visit_by(alices_idea, bob, client=f"198.51.100.{n}|Firefox")
    with django_assert_num_queries(1):
        share_sources(alices_idea)


@pytest.mark.django_db(transaction=True)
def test_one_visit_bound_by_two_new_members_at_once_earns_its_sharer_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction after another anyway")
    bob = UserFactory()
    visit = visit_by(IdeaFactory(), bob)
    first, second = UserFactory(), UserFactory()  # both joined after the visit, on one computer
    holding = threading.Event()

    def bind_and_hold(member, hold: bool) -> None:
        try:
            with transaction.atomic():
                share_bind(member=member, visit_ids=[visit.pk])
                if hold:
                    holding.set()
                    _wait_for_a_lock_waiter()
        finally:
            connection.close()

    first_thread = threading.Thread(target=bind_and_hold, args=(first, True))
    first_thread.start()
    holding.wait(10)
    second_thread = threading.Thread(target=bind_and_hold, args=(second, False))
    second_thread.start()
    for thread in (first_thread, second_thread):
        thread.join(20)
    assert LedgerEntry.objects.filter(member=bob, reason=Reason.SHARE_SIGNUP).count() == 1
    assert Visit.objects.get(pk=visit.pk).member == first


def _wait_for_a_lock_waiter() -> None:
    """Until another session waits on a row lock this one holds (the second bind, blocked)."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
