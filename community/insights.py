"""The staff dashboard's figures: a rollup the worker runs into daily, weekly and quarterly buckets, and
the selectors the page, its CSV files and the API read, each a fixed number of queries however much data.

The rollup recomputes the buckets touched since its last run (everything on its first run) with GROUP BY
queries, deleting and writing them again in one transaction, so a rerun gives the same rows. A bucket's
"scope" is a category with its subcategories, or every category; additive counts are summed up from the
categories in Python, distinct members are counted by SQL for each scope. A vote withdrawn, or an idea
moved to another category, on a day no longer recomputed leaves that day's counts as they were until the
nightly full run (rollup_periodic) or `insights_rollup --full`.
"""

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, TruncDate, TruncQuarter, TruncWeek
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from community.models import (
    Channel,
    DayFigures,
    LedgerEntry,
    PipelineFigures,
    QuarterLaunched,
    RollupRun,
    StatusDays,
    Visit,
    WeekActive,
    local_midnight,
    week_start,
)
from community.selectors import standings
from discussion.models import Comment
from ideas.filters import CategoryField
from ideas.models import Category, Idea, Status
from ideas.selectors import BadListParameter
from pipeline.models import StatusChange
from voting.models import Vote

# The pipeline's steps in order: an idea "reached" a step if it was ever at it or further.
STEPS = [Status.NEW, Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED]
DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
# No figure is older than this; earlier dates are refused (a day before year 1 in UTC cannot be stored).
FIRST_DAY = date(2000, 1, 1)
TOP = 10
# Runs that overlap the last one by this much never miss a row written while it ran.
OVERLAP = timedelta(hours=1)


# ---- the rollup ---------------------------------------------------------------------------------------


def _step_rank(field: str) -> Case:
    """The step index of a status in SQL (0 for statuses off the path: declined, merged)."""
    return Case(*(When(**{field: s}, then=Value(i)) for i, s in enumerate(STEPS)), default=Value(0))


def _as_date(value) -> date:
    """A truncated date as the database returns it (a date, a datetime, or SQLite's text)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _parents() -> dict[int, int | None]:
    return dict(Category.objects.values_list("id", "parent_id"))


def _scopes(category_id: int | None, parents: Mapping[int, int | None]) -> list[int | None]:
    """The scopes a category's count goes to: itself, its parent, and every category (None)."""
    scopes: list[int | None] = [category_id]
    if parents.get(category_id):
        scopes.append(parents[category_id])
    return [*scopes, None]


def _fold(rows: Iterable[tuple[tuple, int | None, int]], parents) -> dict[tuple, int]:
    """Per-category counts keyed (bucket..., category) summed into every scope."""
    totals: dict[tuple, int] = Counter()
    for key, category_id, n in rows:
        for scope in _scopes(category_id, parents):
            totals[(*key, scope)] += n
    return totals


def _distinct_members(queries: list[QuerySet], *, scoped: bool) -> list[tuple]:
    """(bucket, scope, distinct members) over the union of `queries` (each selects bucket, m[, scope]):
    UNION drops repeated rows, so COUNT(*) per group is the distinct members."""
    union = queries[0].union(*queries[1:]) if queries[1:] else queries[0].distinct()
    sql, params = union.query.get_compiler(connection=connection).as_sql()
    group = "bucket, scope" if scoped else "bucket"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {group}, COUNT(*) FROM ({sql}) members GROUP BY {group}", params)
        rows = cursor.fetchall()
    return rows if scoped else [(bucket, None, n) for bucket, n in rows]


def _activity(qs: QuerySet, *, start: datetime, member: str, prefix: str, scope: str | None) -> QuerySet:
    """(week, member[, scope]) of one kind of activity since `start`, for the union of _week_members."""
    qs = qs.filter(created_at__gte=start, **{f"{member}__isnull": False}).annotate(
        bucket=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()), m=F(member)
    )
    if scope is None:
        return qs.order_by().values_list("bucket", "m")
    field = prefix + scope
    qs = qs.filter(**{f"{field}__isnull": False}).annotate(scope=F(field))
    return qs.order_by().values_list("bucket", "m", "scope")


def _week_members(start: datetime) -> list[tuple]:
    """Distinct active members per week since `start`, for each category, each parent and overall. A parent's
    scope is one union of its own activity and its subcategories': a member active in both counts once."""
    kinds = [
        (Idea.objects.all(), "author_id", ""),
        (Vote.objects.all(), "voter_id", "idea__"),
        (Comment.objects.all(), "author_id", "idea__"),
    ]
    scoped = [
        _activity(qs, start=start, member=member, prefix=prefix, scope=scope)
        for qs, member, prefix in kinds
        for scope in ("category_id", "category__parent_id")
    ]
    overall = [_activity(qs, start=start, member=member, prefix=prefix, scope=None) for qs, member, prefix in kinds]
    return _distinct_members(scoped, scoped=True) + _distinct_members(overall, scoped=False)


def _day_figures(start: datetime, parents) -> list[DayFigures]:
    tz = timezone.get_current_timezone()
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: {"ideas": 0, "votes": 0, "comments": 0})
    sources = [
        ("ideas", Idea.objects.all(), "category_id"),
        # Votes cast since `start` were last changed since then too: the (value, updated_at) index finds them.
        ("votes", Vote.objects.filter(value__in=[1, -1], updated_at__gte=start), "idea__category_id"),
        ("comments", Comment.objects.all(), "idea__category_id"),
    ]
    for name, qs, category in sources:
        rows = (
            qs.filter(created_at__gte=start)
            .annotate(day=TruncDate("created_at", tzinfo=tz))
            .order_by()
            .values_list("day", category)
            .annotate(n=Count("pk"))
        )
        for key, n in _fold((((_as_date(day),), cat, n) for day, cat, n in rows), parents).items():
            counts[key][name] += n
    return [DayFigures(day=day, category_id=scope, **figures) for (day, scope), figures in counts.items()]


def _pipeline_days(since: date | None, older: set[date]) -> Q:
    """The submission days the pipeline's buckets are redone for: from `since`, and older days touched."""
    return Q() if since is None else Q(day__gte=since) | Q(day__in=older)


def _pipeline_figures(days: Q, parents) -> list[PipelineFigures]:
    """Ideas of the given submission days by status now and furthest step reached."""
    tz = timezone.get_current_timezone()
    furthest_change = (
        StatusChange.objects.filter(idea=OuterRef("pk"))
        .annotate(rank=_step_rank("to_status"))
        .order_by("-rank")
        .values("rank")[:1]
    )
    ideas = Idea.objects.filter(deleted_at__isnull=True).annotate(
        day=TruncDate("created_at", tzinfo=tz),
        furthest=Greatest(Coalesce(Subquery(furthest_change, output_field=IntegerField()), 0), _step_rank("status")),
    )
    ideas = ideas.filter(days)
    rows = ideas.order_by().values_list("day", "status", "furthest", "category_id").annotate(n=Count("pk"))
    folded = _fold((((_as_date(day), status, furthest), cat, n) for day, status, furthest, cat, n in rows), parents)
    return [
        PipelineFigures(day=day, status=status, furthest=furthest, category_id=scope, ideas=n)
        for (day, status, furthest, scope), n in folded.items()
    ]


def _status_days(start: datetime | None, parents) -> list[StatusDays]:
    """For each move since `start`: how many whole days the idea had been in the status it left."""
    previous = (
        StatusChange.objects.filter(idea=OuterRef("idea"), created_at__lt=OuterRef("created_at"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    changes = StatusChange.objects.annotate(entered=Coalesce(Subquery(previous), "idea__created_at"))
    if start is not None:
        changes = changes.filter(created_at__gte=start)
    rows = changes.order_by().values_list("created_at", "entered", "from_status", "idea__category_id")
    folded = _fold(
        (
            ((timezone.localtime(left).date(), status, max((left - entered).days, 0)), cat, 1)
            for left, entered, status, cat in rows
        ),
        parents,
    )
    return [
        StatusDays(day=day, status=status, days=days, category_id=scope, ideas=n)
        for (day, status, days, scope), n in folded.items()
    ]


def _quarters(parents) -> list[QuarterLaunched]:
    """Every quarter's launched ideas and their distinct upvoters (few rows: recomputed whole each run)."""
    tz = timezone.get_current_timezone()
    launched = Idea.objects.filter(status=Status.LAUNCHED, deleted_at__isnull=True, status_changed_at__isnull=False)
    counts = launched.annotate(q=TruncQuarter("status_changed_at", tzinfo=tz)).order_by()
    ideas = _fold(
        (((_as_date(q),), cat, n) for q, cat, n in counts.values_list("q", "category_id").annotate(n=Count("pk"))),
        parents,
    )
    votes = Vote.objects.filter(value=Vote.Value.UP, idea__in=launched).annotate(
        bucket=TruncQuarter("idea__status_changed_at", tzinfo=tz), m=F("voter_id")
    )
    # Distinct upvoters per quarter and scope: a parent's is one union of its ideas' and its subcategories'.
    scoped = [
        votes.filter(**{f"{field}__isnull": False})
        .annotate(scope=F(field))
        .order_by()
        .values_list("bucket", "m", "scope")
        for field in ("idea__category_id", "idea__category__parent_id")
    ]
    overall = [votes.order_by().values_list("bucket", "m")]
    supporters = {
        (_as_date(q), scope): n
        for q, scope, n in _distinct_members(scoped, scoped=True) + _distinct_members(overall, scoped=False)
    }
    return [
        QuarterLaunched(quarter=q, category_id=scope, ideas=n, supporters=supporters.get((q, scope), 0))
        for (q, scope), n in ideas.items()
    ]


def rollup(*, since: date | None = None, full: bool = False) -> RollupRun:
    """Recompute the dashboard's buckets from `since` (a day; by default the day the last run started,
    or everything on the first run or when `full`), idempotently: the same data gives the same rows."""
    started = timezone.now()
    if since is None and not full:
        last = RollupRun.objects.order_by("-finished_at").first()
        since = timezone.localtime(last.started_at - OVERLAP).date() if last else None
    parents = _parents()
    start = local_midnight(since) if since else local_midnight(date(1970, 1, 1))
    week = week_start(since) if since else None
    # Ideas whose status or state changed since `start` may belong to older days: their days are redone.
    older: set[date] = set()
    if since is not None:
        touched = Idea.objects.filter(Q(updated_at__gte=start) | Q(status_changes__created_at__gte=start))
        days = touched.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        older = {_as_date(d) for d in days.filter(day__lt=since).order_by().values_list("day", flat=True).distinct()}
    pipeline_days = _pipeline_days(since, older)
    day_rows = _day_figures(start, parents)
    week_rows = [
        WeekActive(week=_as_date(bucket), category_id=scope, members=n)
        for bucket, scope, n in _week_members(local_midnight(week) if week else start)
    ]
    pipeline_rows = _pipeline_figures(pipeline_days, parents)
    status_rows = _status_days(start if since else None, parents)
    quarter_rows = _quarters(parents)
    with transaction.atomic():
        on_or_after = {"day__gte": since} if since else {}
        DayFigures.objects.filter(**on_or_after).delete()
        WeekActive.objects.filter(**({"week__gte": week} if week else {})).delete()
        PipelineFigures.objects.filter(pipeline_days).delete()
        StatusDays.objects.filter(**on_or_after).delete()
        QuarterLaunched.objects.all().delete()
        for model, rows in (
            (DayFigures, day_rows),
            (WeekActive, week_rows),
            (PipelineFigures, pipeline_rows),
            (StatusDays, status_rows),
            (QuarterLaunched, quarter_rows),
        ):
            model.objects.bulk_create(rows, batch_size=1000)
        run = RollupRun.objects.create(started_at=started, finished_at=timezone.now(), since=since)
        RollupRun.objects.filter(finished_at__lt=started - timedelta(days=7)).delete()
    return run


def rollup_periodic(*, due: datetime) -> None:
    """The worker's run (core.schedule): the buckets touched since the last run; the run due at the site's
    midnight redoes everything, so what an incremental run cannot see (a vote withdrawn or an idea moved
    to another category on a day it no longer recomputes) is right again within a day."""
    rollup(full=timezone.localtime(due).time() == time.min)


# ---- filters ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    category: Category | None

    def query(self) -> dict[str, str]:
        """The filters as a query string's parameters, for links (CSV files) that keep them."""
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.category is not None:
            params["category"] = self.category.slug
        return params


def _day(params: Mapping[str, str], field: str) -> date | None:
    """The date asked for in `field`, None if none; BadListParameter if unreadable or before FIRST_DAY."""
    text = (params.get(field) or "").strip()
    if not text:
        return None
    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is None:
        raise BadListParameter(field, _("Give a date as YYYY-MM-DD, for example 2026-03-31."))
    if value < FIRST_DAY:
        raise BadListParameter(field, _("Give a date from %(day)s on.") % {"day": FIRST_DAY.isoformat()})
    return value


def read_filters(params: Mapping[str, str]) -> Filters:
    """The dashboard's filters (from, to: dates; category: a slug) or BadListParameter naming the bad one."""
    today = timezone.localdate()
    end = _day(params, "to") or today
    start = _day(params, "from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if end > today:
        raise BadListParameter("to", _("The range cannot end in the future."))
    if start > end:
        raise BadListParameter("from", _("The range must start on or before the day it ends."))
    if (end - start).days >= MAX_DAYS:
        raise BadListParameter("from", _("Choose a range of at most three years."))
    asked = params.get("category")
    try:
        category = CategoryField(queryset=Category.objects.all(), required=False).clean(asked)
    except ValidationError:
        raise BadListParameter("category", _("There is no category %(slug)s.") % {"slug": str(asked)[:60]}) from None
    return Filters(start=start, end=end, category=category)


# ---- selectors ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A figure as a table (and a chart): its name in URLs, caption, column headings and rows."""

    name: str
    caption: str
    columns: list[str]
    rows: list[list]


def _scope(qs: QuerySet, filters: Filters) -> QuerySet:
    return qs.filter(category=filters.category)


def funnel(filters: Filters) -> Table:
    """Ideas submitted in the range, by the furthest step reached, with the conversion from the step before."""
    rows = _scope(PipelineFigures.objects.filter(day__range=(filters.start, filters.end)), filters)
    by_furthest = dict(rows.order_by().values_list("furthest").annotate(n=Sum("ideas")))
    reached = [sum(n for f, n in by_furthest.items() if f >= i) for i in range(len(STEPS))]
    table = []
    for i, step in enumerate(STEPS):
        before = reached[i - 1] if i else None
        conversion = "" if before is None else (f"{100 * reached[i] / before:.0f}%" if before else "–")
        table.append([step.label, reached[i], conversion])
    columns = [_("Step"), _("Ideas that reached it"), _("From the step before")]
    return Table("funnel", _("Pipeline funnel"), columns, table)


def per_status(filters: Filters) -> Table:
    """Ideas submitted in the range, by their status now."""
    rows = _scope(PipelineFigures.objects.filter(day__range=(filters.start, filters.end)), filters)
    counts = dict(rows.order_by().values_list("status").annotate(n=Sum("ideas")))
    return Table(
        "statuses",
        _("Ideas per status now"),
        [_("Status"), _("Ideas")],
        [[status.label, counts.get(status.value, 0)] for status in Status],
    )


def _median(histogram: Mapping[int, int]) -> float | None:
    values = []
    for days, n in sorted(histogram.items()):
        values.extend([days] * n)
    return statistics.median(values) if values else None


def median_days(filters: Filters) -> Table:
    """The median whole days ideas spent in each status before leaving it in the range."""
    rows = _scope(StatusDays.objects.filter(day__range=(filters.start, filters.end)), filters)
    histograms: dict[str, Counter] = defaultdict(Counter)
    for status, days, n in rows.order_by().values_list("status", "days").annotate(n=Sum("ideas")):
        histograms[status][days] += n
    table = []
    for status in STEPS[:-1]:
        median = _median(histograms[status.value])
        moves = sum(histograms[status.value].values())
        table.append([status.label, "" if median is None else f"{median:g}", moves])
    return Table(
        "median_days",
        _("Median days in each status"),
        [_("Status"), _("Median days"), _("Ideas that left it")],
        table,
    )


def _quarter_label(quarter: date) -> str:
    return f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"


def launched(filters: Filters) -> Table:
    """Ideas launched per quarter of the range and the distinct members who supported them."""
    first = date(filters.start.year, 3 * ((filters.start.month - 1) // 3) + 1, 1)
    rows = _scope(QuarterLaunched.objects.filter(quarter__range=(first, filters.end)), filters).order_by("quarter")
    return Table(
        "launched",
        _("Ideas launched and their supporters"),
        [_("Quarter"), _("Ideas launched"), _("Supporters")],
        [[_quarter_label(r.quarter), r.ideas, r.supporters] for r in rows],
    )


def weekly(filters: Filters) -> Table:
    """New ideas, votes, comments and active members per week (weeks starting on a Monday) of the range."""
    days = _scope(DayFigures.objects.filter(day__range=(filters.start, filters.end)), filters)
    # Every week of the range, quiet ones too, so the chart's lines do not skip them.
    first = week_start(filters.start)
    sums: dict[date, list[int]] = {
        first + timedelta(weeks=n): [0, 0, 0, 0] for n in range((filters.end - first).days // 7 + 1)
    }
    for day, ideas, votes, comments in days.order_by().values_list("day", "ideas", "votes", "comments"):
        week = sums[week_start(day)]
        week[0] += ideas
        week[1] += votes
        week[2] += comments
    weeks = _scope(WeekActive.objects.filter(week__range=(week_start(filters.start), filters.end)), filters)
    for week, members in weeks.values_list("week", "members"):
        sums[week][3] = members
    return Table(
        "weekly",
        _("Activity per week"),
        [_("Week of"), _("New ideas"), _("Votes"), _("Comments"), _("Active members")],
        [[week.isoformat(), *figures] for week, figures in sorted(sums.items())],
    )


def top_categories(filters: Filters) -> Table:
    """The categories (or the filter's subcategories) with the most ideas submitted in the range."""
    rows = (
        DayFigures.objects.filter(
            day__range=(filters.start, filters.end), category__isnull=False, category__parent=filters.category
        )
        .order_by()
        .values_list("category__name")
        .annotate(ideas=Sum("ideas"), votes=Sum("votes"), comments=Sum("comments"))
        .order_by("-ideas", "-votes", "category__name")[:TOP]
    )
    return Table(
        "categories",
        _("Top categories"),
        [_("Category"), _("New ideas"), _("Votes"), _("Comments")],
        [list(row) for row in rows],
    )


def top_contributors(filters: Filters) -> Table:
    """The members who earned the most points in the range, ranked as on the leaderboards (staff, banned and
    suspended members left out)."""
    since, until = local_midnight(filters.start), local_midnight(filters.end + timedelta(days=1))
    totals = LedgerEntry.objects.ranked(since=since, until=until, category=filters.category)
    rows = [[standing.member.public_name, standing.points] for standing in standings(totals, size=TOP)]
    return Table("contributors", _("Top contributors"), [_("Member"), _("Points")], rows)


def _visits(filters: Filters) -> QuerySet:
    visits = Visit.objects.filter(day__range=(filters.start, filters.end), share__idea__deleted_at__isnull=True)
    if filters.category is not None:
        visits = visits.filter(share__idea__in=Idea.objects.in_category(filters.category))
    return visits.order_by()


_VISIT_FIGURES = {
    "visits": Count("pk"),
    "signups": Count("pk", filter=Q(joined_at__isnull=False)),
    "votes": Count("pk", filter=Q(voted_at__isnull=False)),
}


def word_of_mouth_channels(filters: Filters) -> Table:
    """Visits through shares, and the sign-ups and votes they brought, per channel."""
    counts = {
        row[0]: row[1:]
        for row in _visits(filters)
        .values_list("share__channel")
        .annotate(**_VISIT_FIGURES)
        .values_list("share__channel", "visits", "signups", "votes")
    }
    return Table(
        "channels",
        _("Word of mouth per channel"),
        [_("Channel"), _("Visits"), _("Sign-ups"), _("Votes")],
        [[channel.label, *counts.get(channel.value, (0, 0, 0))] for channel in Channel],
    )


def word_of_mouth_ideas(filters: Filters) -> Table:
    """The ideas whose shares brought the most visits, with their sign-ups and votes."""
    rows = (
        _visits(filters)
        .values_list("share__idea_id", "share__idea__title")
        .annotate(**_VISIT_FIGURES)
        .order_by("-visits", "share__idea_id")[:TOP]
    )
    return Table(
        "shared_ideas",
        _("Word of mouth per idea"),
        [_("Idea"), _("Visits"), _("Sign-ups"), _("Votes")],
        [[title, visits, signups, votes] for _pk, title, visits, signups, votes in rows],
    )


TABLES = {
    "funnel": funnel,
    "statuses": per_status,
    "median_days": median_days,
    "launched": launched,
    "weekly": weekly,
    "categories": top_categories,
    "contributors": top_contributors,
    "channels": word_of_mouth_channels,
    "shared_ideas": word_of_mouth_ideas,
}


def dashboard(filters: Filters) -> dict[str, Table]:
    """Every table of the dashboard, in its order."""
    return {name: read(filters) for name, read in TABLES.items()}


def last_run() -> RollupRun | None:
    """When the figures were last computed (None before the first run)."""
    return RollupRun.objects.order_by("-finished_at").first()
