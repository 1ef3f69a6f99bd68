"""Community pages: the leaderboards and "How points work"."""

from django.conf import settings
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from community import selectors
from community.badges import BADGES
from community.models import REWARDS
from frontend.views.common import read_params
from ideas.models import Category
from ideas.selectors import categories_in_order


def _board_params(query) -> tuple[str, Category | None]:
    return selectors.leaderboard_period(query.get("period")), selectors.leaderboard_category(query.get("category"))


@require_GET
def leaderboard(request):
    """The members with the most points this week, this month or of all time, in a category or all; the
    signed-in member's own rank below the table when they are outside the top. A bad period or category is
    named, and the board shows the default in its place."""
    (period, category), _query, problems = read_params(request.GET, _board_params)
    board = selectors.leaderboard(period=period, category=category, viewer=request.user)
    keep = {"category": category.slug} if category else {}
    context = {
        "board": board,
        "tabs": [
            {"label": label, "query": urlencode({"period": value, **keep}), "current": value == period}
            for value, label in selectors.PERIODS.items()
        ],
        "categories": categories_in_order(),
        "me_outside": board.me is not None and board.me not in board.rows,
        "problems": problems,
    }
    return render(request, "community/leaderboard.html", context, status=400 if problems else 200)


@require_GET
def points_rules(request):
    """How points work, read from settings.POINTS and the ledger's reasons, so it says what the rules do today;
    and the badges there are to earn."""
    rewards = [{"reason": reason, "label": reason.label, "points": settings.POINTS[reason]} for reason in REWARDS]
    context = {
        "rewards": [reward for reward in rewards if reward["points"]],
        "points": settings.POINTS,
        "badges": list(BADGES.values()),
    }
    return render(request, "community/points.html", context)
