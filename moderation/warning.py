"""Early warning: a sudden rise of flags, downvotes or new comments, on an idea or across the site, raises an
alert to moderators and staff before a crisis breaks (PRODUCT.md section 6, seed 004).

The method. Each idea and the site have three hourly series: flags (by when they were made; a flag on a
comment counts for the comment's idea, one on a member for the site only), downvotes (votes that are down,
by the hour they were cast or changed to down: `Vote.updated_at`) and new comments. Every hour the worker
runs `early_warning(due=...)` for the hour just ended. It counts each series with one GROUP BY over that
hour's rows only (each on an index on its time), never over all votes, and folds the count x into the
series' baseline, an exponentially weighted mean and variance:

    diff = x - mean;   mean += alpha * diff;   variance = (1 - alpha) * (variance + alpha * diff * diff)

alpha (EARLY_WARNING_ALPHA, 0.1) is the newest hour's weight: the last day or so makes the baseline, so it
follows a slow change in traffic (a daily rhythm, a growing site) while a sudden rise stands out. A series
with no events in the hour folds in a zero, for all of them at once in ONE set-based UPDATE (the same
formula with x = 0, which needs only the row's own mean and variance); a baseline that has decayed to
almost nothing is deleted, which is the same as never having had one (a mean of 0).

The hour is a spike when BOTH

    x >= minimum (EARLY_WARNING_MIN_COUNT, per scope and series: 3 flags, 10 downvotes, 10 comments on
                  an idea; more for the whole site)
    x >  mean + k * max(sd, sqrt(mean), 1)                  (k: EARLY_WARNING_K, 4)

and the site's series have at least EARLY_WARNING_WARMUP_HOURS (24) hours of history. Why each part:
- The deviation floor. sd (the square root of the variance) is what the series' own history says; but
  counts of rare events are Poisson-like, their variance about their mean, and a few hours of history
  underestimate it, so sqrt(mean) is the least noise a count of that size has; and 1 keeps a baseline of
  zero (a quiet idea) from turning any single event into an infinite number of deviations. So steady
  traffic of ~20 downvotes an hour has a deviation of ~4.5 and alerts only beyond ~38.
- The minimum count. A quiet idea's first flag is 1 against a mean of 0: more than 4 deviations of 1, yet
  one or two flags are what the flag queue is for, not a crisis. Below the minimum, nothing alerts.
- The warm-up. When the job first runs, every baseline is zero and the site's normal traffic would look
  like a spike; an idea's baseline needs none of its own (a new idea truly had nothing before), but while
  the site's series are younger than the warm-up, nothing alerts anywhere.

Each spike raises one Alert per scope, series and hour (unique in the database: running an hour twice
raises nothing new), announced as `alert.raised` on `moderation` after commit, and shown at the top of the
queue until a moderator acknowledges it. The site's baselines, written every hour, are the job's clock: if
the worker missed hours, each is processed in order, oldest first, at most EARLY_WARNING_CATCH_UP_HOURS.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Value
from django.db.models.functions import Coalesce

from core.batching import batched
from core.live import publish
from discussion.models import Comment
from ideas.models import Idea
from moderation import events
from moderation.models import Alert, AlertScope, Baseline, Flag, Series
from voting.models import Vote

HOUR = timedelta(hours=1)
# A baseline whose mean has decayed below this is deleted: a day after an idea's one event, two after a busy hour.
FORGET_BELOW = 0.01
# Ideas read per query, under SQLite's limit on a query's parameters.
CHUNK = 2000


@dataclass(frozen=True)
class HourResult:
    """What one hour came to: its counts per series (site-wide) and the alerts it raised."""

    hour: datetime
    site: dict[str, int]
    alerts: list[Alert]


def hour_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _counts(series: str, start: datetime, end: datetime) -> dict[int | None, int]:
    """The series' count in [start, end) per idea (None: flags on members), in one GROUP BY."""
    if series == Series.FLAGS:
        rows = (
            Flag.objects.filter(created_at__gte=start, created_at__lt=end)
            .values(key=Coalesce("case__idea", "case__comment__idea"))
            .annotate(n=Count("id"))
        )
    elif series == Series.DOWNVOTES:
        rows = (
            Vote.objects.filter(value=Vote.Value.DOWN, updated_at__gte=start, updated_at__lt=end)
            .values(key=F("idea_id"))
            .annotate(n=Count("id"))
        )
    else:
        rows = (
            Comment.objects.filter(created_at__gte=start, created_at__lt=end)
            .values(key=F("idea_id"))
            .annotate(n=Count("id"))
        )
    return {row["key"]: row["n"] for row in rows.order_by()}


def deviation(mean: float, variance: float) -> float:
    """The noise a count has around this baseline: at least Poisson's sqrt(mean), and at least 1."""
    return max(math.sqrt(max(variance, 0.0)), math.sqrt(max(mean, 0.0)), 1.0)


def is_spike(*, count: int, mean: float, variance: float, minimum: int) -> bool:
    return count >= minimum and count > mean + settings.EARLY_WARNING_K * deviation(mean, variance)


def _fold(row: Baseline, count: int, hour: datetime) -> None:
    """Fold one hour's count into the baseline (exponentially weighted mean and variance)."""
    alpha = settings.EARLY_WARNING_ALPHA
    diff = count - row.mean
    row.mean += alpha * diff
    row.variance = (1 - alpha) * (row.variance + alpha * diff * diff)
    row.hours += 1
    row.hour = hour


def _fold_ideas(series: str, counts: dict[int, int], hour: datetime, *, armed: bool) -> list[Alert]:
    """Fold each idea's count into its baseline (new ones start at zero); the spikes as unsaved alerts. The
    baselines are read for the spike test, then changed in SQL: one UPDATE per distinct count (an hour's
    counts per idea are a handful of small numbers), not one per idea."""
    minimum = settings.EARLY_WARNING_MIN_COUNT[AlertScope.IDEA][series]
    ids = sorted(counts)
    known: dict[int, Baseline] = {}
    for chunk in batched(ids, CHUNK):
        known.update((row.idea_id, row) for row in Baseline.objects.filter(series=series, idea_id__in=chunk))
    spikes, new, by_count = [], [], defaultdict(list)
    for idea_id in ids:
        count = counts[idea_id]
        row = known.get(idea_id) or Baseline(scope=AlertScope.IDEA, idea_id=idea_id, series=series, hour=hour)
        if armed and is_spike(count=count, mean=row.mean, variance=row.variance, minimum=minimum):
            spikes.append(_alert(AlertScope.IDEA, idea_id, series, hour, count, row))
        if row.pk is None:
            _fold(row, count, hour)
            new.append(row)
        else:
            by_count[count].append(row.pk)
    Baseline.objects.bulk_create(new, batch_size=500)
    for count, pks in by_count.items():
        for chunk in batched(pks, CHUNK):
            Baseline.objects.filter(pk__in=chunk).update(**_folded_in_sql(count, hour))
    return spikes


def _folded_in_sql(count: int, hour: datetime) -> dict:
    """_fold as an UPDATE's right-hand sides (each reads the row as it was): the same count for every row."""
    alpha = settings.EARLY_WARNING_ALPHA
    diff = Value(float(count)) - F("mean")
    return {
        "mean": F("mean") + diff * alpha,
        "variance": (F("variance") + diff * diff * alpha) * (1 - alpha),
        "hours": F("hours") + 1,
        "hour": hour,
    }


def _alert(scope: str, idea_id: int | None, series: str, hour: datetime, count: int, row: Baseline) -> Alert:
    return Alert(
        scope=scope,
        idea_id=idea_id,
        series=series,
        hour=hour,
        count=count,
        mean=row.mean,
        deviation=deviation(row.mean, row.variance),
        factor=count / max(row.mean, 1.0),
    )


def _decay(hour: datetime) -> None:
    """Every baseline not folded this hour had no events in it: fold in a zero, all in one UPDATE (the
    right-hand sides read the row as it was), then forget the ideas' baselines that decayed to nothing."""
    Baseline.objects.filter(hour__lt=hour).update(**_folded_in_sql(0, hour))
    Baseline.objects.filter(scope=AlertScope.IDEA, hour=hour, mean__lt=FORGET_BELOW).delete()


def last_hour_done() -> datetime | None:
    """The last hour folded into the site's baselines (the job's clock); None before the first run."""
    return Baseline.objects.filter(idea__isnull=True).aggregate(last=Max("hour"))["last"]


def process_hour(hour: datetime) -> HourResult | None:
    """Count one hour's series, fold them into their baselines and raise an alert per spike, in one
    transaction (the site's rows locked: one run at a time); None if the hour was processed already."""
    end = hour + HOUR
    with transaction.atomic():
        site_rows = {row.series: row for row in Baseline.objects.select_for_update().filter(idea__isnull=True)}
        if any(row.hour >= hour for row in site_rows.values()):
            return None
        warmup = settings.EARLY_WARNING_WARMUP_HOURS
        site, spikes = {}, []
        for series in Series.values:
            counts = _counts(series, hour, end)
            site[series] = sum(counts.values())
            row = site_rows.get(series) or Baseline(scope=AlertScope.SITE, series=series, hour=hour)
            armed = row.hours >= warmup
            per_idea = {idea_id: n for idea_id, n in counts.items() if idea_id is not None}
            spikes += _fold_ideas(series, per_idea, hour, armed=armed)
            minimum = settings.EARLY_WARNING_MIN_COUNT[AlertScope.SITE][series]
            if armed and is_spike(count=site[series], mean=row.mean, variance=row.variance, minimum=minimum):
                spikes.append(_alert(AlertScope.SITE, None, series, hour, site[series], row))
            _fold(row, site[series], hour)
            row.save()
        _decay(hour)
        alerts = _raise(spikes)
    return HourResult(hour, site, alerts)


def _raise(spikes: list[Alert]) -> list[Alert]:
    """Save the spikes' alerts (not those of deleted ideas: there is nothing left to moderate) and announce
    each once the hour commits."""
    idea_ids = {alert.idea_id for alert in spikes if alert.idea_id is not None}
    ideas = Idea.objects.in_bulk(list(idea_ids)) if idea_ids else {}
    alerts = [
        alert for alert in spikes if alert.idea_id is None or not getattr(ideas.get(alert.idea_id), "is_deleted", True)
    ]
    Alert.objects.bulk_create(alerts)
    for alert in alerts:
        alert.idea = ideas.get(alert.idea_id)
    publish(*(events.alert_raised(alert) for alert in alerts))
    return alerts


def early_warning(*, due: datetime) -> list[HourResult]:
    """The hourly job (core.schedule): process the hour that just ended at `due`, and before it, oldest
    first, each hour missed since the last run (EARLY_WARNING_CATCH_UP_HOURS at most)."""
    last_hour = hour_start(due) - HOUR
    first = last_hour - (settings.EARLY_WARNING_CATCH_UP_HOURS - 1) * HOUR
    done = last_hour_done()
    hour = max(first, done + HOUR) if done is not None else last_hour
    results = []
    while hour <= last_hour:
        result = process_hour(hour)
        if result is not None:
            results.append(result)
        hour += HOUR
    return results
