"""The demo seed's community: shares that brought visitors, members and votes, points with weeks of history,
badges, and a leaderboard, all through the services."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models.functions import TruncWeek

from community.models import Award, LedgerEntry, Reason, Share, Visit
from community.selectors import leaderboard
from demo.content import SHARES

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_community_shares_points_badges_and_a_history():
    call_command("seed_demo", stdout=StringIO())
    assert Share.objects.count() == len(SHARES)
    assert Visit.objects.count() == sum(visitors for *_rest, visitors, _signups, _votes in SHARES)
    joined = sum(signups for *_rest, signups, _votes in SHARES)
    assert Visit.objects.exclude(joined_at=None).count() == joined
    assert LedgerEntry.objects.filter(reason=Reason.SHARE_SIGNUP).count() == joined
    weeks = LedgerEntry.objects.annotate(week=TruncWeek("created_at")).values("week").distinct().count()
    assert weeks >= 8  # the points were earned over weeks, as the dashboard's charts show
    assert Award.objects.filter(badge="first_idea").exists()
    assert len(leaderboard(period="all").rows) >= 10
    counts = (Share.objects.count(), Visit.objects.count(), LedgerEntry.objects.count(), Award.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Share.objects.count(), Visit.objects.count(), LedgerEntry.objects.count(), Award.objects.count()) == counts
