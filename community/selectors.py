"""Reads of community: members' points and badges, and the leaderboards."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from community.badges import Earned, shown
from community.models import Award, LedgerEntry, Share, local_midnight, week_start
from core.paging import Page, keyset_page
from ideas.filters import CategoryField
from ideas.models import Category
from ideas.selectors import BadListParameter, categories_in_order, list_cursor, page_size


def points_total(member) -> int:
    """The member's points: the sum of their ledger lines."""
    return LedgerEntry.objects.filter(member=member).aggregate(total=Sum("points"))["total"] or 0


def points_of(member_ids: Iterable[int]) -> dict[int, int]:
    """Each member's points (one query), for names shown beside their totals; members without lines get 0."""
    ids = {pk for pk in member_ids if pk is not None}
    totals = dict(
        LedgerEntry.objects.filter(member_id__in=ids).values("member_id").annotate(total=Sum("points"))
        .values_list("member_id", "total")
    )  # fmt: skip
    return {pk: totals.get(pk, 0) for pk in ids}


def ledger_of(member):
    """The member's ledger lines, newest first (paged by the caller)."""
    return LedgerEntry.objects.filter(member=member).select_related("idea")


def badges_of(member) -> list[Award]:
    """The badges the member earned, newest first."""
    return list(Award.objects.filter(member=member))


def community_export(user) -> dict:
    """The member's part of their data export: their ledger, badges and shares (never their visitors)."""
    ledger = [
        {"points": line.points, "reason": line.reason, "for": line.target, "at": line.created_at.isoformat()}
        for line in LedgerEntry.objects.filter(member=user)
    ]
    return {
        "points": sum(line["points"] for line in ledger),
        "ledger": ledger,
        "badges": [
            {"badge": award.badge, "period": award.period, "earned_at": award.earned_at.isoformat()}
            for award in Award.objects.filter(member=user)
        ],
        "shares": [
            {"idea": share.idea_id, "channel": share.channel, "shared_at": share.created_at.isoformat()}
            for share in Share.objects.filter(sharer=user).order_by("pk")
        ],
    }


# --- Leaderboards -----------------------------------------------------------------------------------

PERIODS = {"week": gettext_lazy("This week"), "month": gettext_lazy("This month"), "all": gettext_lazy("All time")}
DEFAULT_PERIOD = "week"
LEADERBOARD_SIZE = 25


class BadLeaderboard(BadListParameter):
    """A period or category a leaderboard cannot show; names the parameter and the choices."""


@dataclass(frozen=True)
class Standing:
    """A member's place on a board: competition ranking, so members with equal points share a rank (1, 1, 3)."""

    rank: int
    member: User
    points: int


@dataclass(frozen=True)
class Board:
    period: str
    category: Category | None
    since: datetime | None
    rows: list[Standing]
    me: Standing | None


def leaderboard_period(value: str | None) -> str:
    """A board's ?period=, checked: week, month or all (week when absent); BadLeaderboard names the choices."""
    if not value:
        return DEFAULT_PERIOD
    if value not in PERIODS:
        raise BadLeaderboard("period", _("Choose a period of: %(periods)s.") % {"periods": ", ".join(PERIODS)})
    return value


def leaderboard_category(value: str | None) -> Category | None:
    """A board's ?category=, a slug or an id as the idea list takes it (ideas.filters.CategoryField), or
    BadLeaderboard naming it."""
    if not value:
        return None
    try:
        return CategoryField(queryset=categories_in_order(), required=False).clean(value)
    except ValidationError:
        message = _("No category “%(value)s”: use the slug or the id of a category.") % {"value": str(value)[:100]}
        raise BadLeaderboard("category", message) from None


def period_start(period: str, *, now: datetime | None = None) -> datetime | None:
    """Where a board's window starts: this week since Monday 00:00 and this month since its first day, both
    in the site's time zone (settings.TIME_ZONE), so a board is the same for everyone; None for all time."""
    if period == "all":
        return None
    today = timezone.localdate(now)
    return local_midnight(week_start(today) if period == "week" else today.replace(day=1))


def standings(totals, *, size: int) -> list[Standing]:
    """The first `size` of ranked totals (LedgerEntry.objects.ranked) with their members, members with equal
    points sharing a rank; two queries."""
    top = list(totals.order_by("-total", "member_id").values_list("member_id", "total")[:size])
    members = User.objects.in_bulk([member_id for member_id, _total in top]) if top else {}
    rows: list[Standing] = []
    for position, (member_id, total) in enumerate(top, start=1):
        rank = rows[-1].rank if rows and rows[-1].points == total else position
        rows.append(Standing(rank, members[member_id], total))
    return rows


def leaderboard(*, period: str, category: Category | None = None, viewer=None, size: int = LEADERBOARD_SIZE) -> Board:
    """The members with the most points in the period (and category), and the viewer's own standing even
    outside the top. At most four queries whatever the number of members: the top totals, their members,
    the viewer's total, and how many members are above it."""
    since = period_start(period)
    totals = LedgerEntry.objects.ranked(since=since, category=category)
    rows = standings(totals, size=size)
    me = None
    if viewer is not None and viewer.is_authenticated:
        me = next((row for row in rows if row.member.pk == viewer.pk), None)
        mine = None if me else next(iter(totals.filter(member_id=viewer.pk).values_list("total", flat=True)), None)
        if mine is not None:
            me = Standing(totals.filter(total__gt=mine).count() + 1, viewer, mine)
    return Board(period, category, since, rows, me)


# --- A member's points and badges, shown --------------------------------------------------------------

LEDGER_PAGE = 50
LEDGER_PAGE_MAX = 200


def badges_shown(member) -> list[Earned]:
    """The member's badges as a profile shows them, newest first (one query)."""
    return shown(badges_of(member))


def ledger_params(query: Mapping[str, str]) -> tuple[str | None, int]:
    """A ledger page's ?cursor= and ?page_size=, checked (BadListParameter names a bad one)."""
    size = page_size(query, default=LEDGER_PAGE, maximum=LEDGER_PAGE_MAX)
    return list_cursor(query, key=datetime), size


def ledger_page(*, member, cursor: str | None = None, size: int = LEDGER_PAGE) -> Page:
    """One page of the member's own ledger, newest first (keyset paged, one query, the ledger_member index),
    so a total is explained line by line; each line's `idea_shown` is the idea it was for while the member
    may still see it (None once it is deleted or hidden from them)."""
    page = keyset_page(ledger_of(member), field="created_at", cursor=cursor, size=size)
    for line in page.rows:
        line.idea_shown = line.idea if line.idea is not None and line.idea.seen_by(member) else None
    return page
