"""The ranking formulas. Each stored sort key is recomputed only when what it depends on changes.

- hot (Reddit's): sign(s) * log10(max(|s|, 1)) + created_epoch / 45000, with s the score; a vote
  moves an idea by as much as 12.5 hours of age does, tenfold votes by another 12.5 hours.
- top: the lower bound of the Wilson score interval (95 %) of the share of upvotes, so few votes
  count for less than many with the same share.
- trending: recent activity (upvotes now, comments later), each event weighing half as much per
  day of age. Stored as log2 of the decayed sum measured in half-lives since a fixed epoch:
  adding an event at time t is max(a, b) + log2(1 + 2^-|a - b|) with b = (t - EPOCH) / HALF_LIFE,
  one row update per event, and ordering by the stored value orders by the decayed sum at any
  moment (all sums decay by the same factor). Nothing scans the votes on a request. An event's
  weight is under 1 % of a new one after 7 days, which is the window PRODUCT asks for. Taking an
  event back (a withdrawn upvote) subtracts the same term: a + log2(1 - 2^(b - a)).
"""

import math
from collections.abc import Iterable
from datetime import UTC, datetime

HOT_SECONDS = 45_000
WILSON_Z = 1.96
TRENDING_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
TRENDING_HALF_LIFE_SECONDS = 24 * 3600


def hot(score: int, created_at: datetime) -> float:
    order = math.log10(max(abs(score), 1))
    sign = (score > 0) - (score < 0)
    return round(sign * order + created_at.timestamp() / HOT_SECONDS, 7)


def wilson(upvotes: int, downvotes: int) -> float:
    n = upvotes + downvotes
    if n == 0:
        return 0.0
    z2 = WILSON_Z * WILSON_Z
    phat = upvotes / n
    centre = phat + z2 / (2 * n)
    margin = WILSON_Z * math.sqrt((phat * (1 - phat) + z2 / (4 * n)) / n)
    return (centre - margin) / (1 + z2 / n)


TRENDING_NONE = 0.0  # the stored value of no activity: one event at the epoch, long faded


def _trending_exponent(at: datetime, weight: float) -> float:
    return (at - TRENDING_EPOCH).total_seconds() / TRENDING_HALF_LIFE_SECONDS + math.log2(weight)


def trending_add(current: float, at: datetime, weight: float = 1.0) -> float:
    """The stored trending value after one more event of `weight` at time `at`."""
    a, b = current, _trending_exponent(at, weight)
    return max(a, b) + math.log2(1 + 2 ** -abs(a - b))


def trending_remove(current: float, at: datetime, weight: float = 1.0) -> float:
    """The stored trending value without an event of `weight` at `at` that was added before."""
    b = _trending_exponent(at, weight)
    if b >= current:  # it was all there was (or more, after a reset): nothing is left
        return TRENDING_NONE
    remaining = 1 - 2 ** (b - current)
    if remaining < 2**-20:  # all there was, give or take rounding: snap to none, not to a faint echo
        return TRENDING_NONE
    return current + math.log2(remaining)


def trending_add_all(current: float, times: Iterable[datetime], weight: float = 1.0) -> float:
    """The stored trending value after many events at once (the upvotes a merge brings): the same
    sum as adding them one by one, summed exactly relative to the largest term."""
    exponents = [current, *(_trending_exponent(at, weight) for at in times)]
    top = max(exponents)
    return top + math.log2(math.fsum(2 ** (e - top) for e in exponents))


def trending_remove_all(current: float, times: Iterable[datetime], weight: float = 1.0) -> float:
    """The stored trending value without many events added before (the upvotes a merge takes away)."""
    taken = math.fsum(2 ** (_trending_exponent(at, weight) - current) for at in times)
    remaining = 1 - taken
    if remaining < 2**-20:  # all there was, give or take rounding
        return TRENDING_NONE
    return current + math.log2(remaining)
