"""What the moderation tests share: a synthetic history for the early warning (members, downvotes, comments
and flags at given times, written in bulk, not waited for) and the job run over a run of hours."""

import math
import random
from datetime import UTC, datetime, timedelta

from accounts.models import User
from core.models import ScheduledRun
from core.schedule import run_periodic
from discussion.models import Comment
from ideas.models import Idea
from moderation.models import Alert, AlertScope, Case, CaseStatus, Flag, FlagReason, Series
from moderation.warning import early_warning
from tests.moderation.helpers import key
from voting.models import Vote

HOUR = timedelta(hours=1)
# The hour the synthetic histories start at: a Monday, long enough ago that nothing else happened then.
START = datetime(2026, 3, 2, tzinfo=UTC)
_made = 0


def members(count: int) -> list[User]:
    """`count` new members, in one INSERT."""
    global _made
    first, _made = _made, _made + count
    return User.objects.bulk_create(
        [User(email=f"history-{n}@example.com", password="!", display_name=f"History {n}") for n in range(first, _made)]
    )


def _within(model, pks: list[int], hour: datetime, **fields: str) -> None:
    """Date the rows inside the hour starting at `hour`: half at its first second, half at its last (each
    `field` named to a role: "at" for the moment, "before" for a day earlier), in two UPDATEs."""
    edges = (hour, hour + HOUR - timedelta(seconds=1))
    for half, at in zip((pks[::2], pks[1::2]), edges, strict=True):
        moments = {"at": at, "before": at - timedelta(days=1)}
        model.objects.filter(pk__in=half).update(**{field: moments[role] for field, role in fields.items()})


def downvotes(idea: Idea, voters: list[User], hour: datetime) -> None:
    """Each voter downvotes the idea within the hour (a vote's hour is when it became down: updated_at)."""
    made = Vote.objects.bulk_create([Vote(idea=idea, voter=voter, value=Vote.Value.DOWN) for voter in voters])
    _within(Vote, [vote.pk for vote in made], hour, created_at="before", updated_at="at")


def comments(idea: Idea, author: User, count: int, hour: datetime) -> None:
    """`count` comments on the idea within the hour."""
    made = Comment.objects.bulk_create(
        [Comment(idea=idea, author=author, body="Hm.", body_html="<p>Hm.</p>") for _ in range(count)]
    )
    _within(Comment, [comment.pk for comment in made], hour, created_at="at")


def flags(target: Idea | Comment | User, flaggers: list[User], hour: datetime) -> None:
    """Each flagger flags the target within the hour, written straight to the target's open case (through
    the service, the third flag would hide it from the next flaggers)."""
    named = key(target)
    kind = named.split(":")[0]
    case, _created = Case.objects.get_or_create(
        target=named, status=CaseStatus.OPEN, appeal=None, defaults={"kind": kind, kind: target}
    )
    made = Flag.objects.bulk_create(
        [Flag(case=case, target=named, flagger=flagger, reason=FlagReason.SPAM, weight=1) for flagger in flaggers]
    )
    _within(Flag, [flag.pk for flag in made], hour, created_at="at")


def run(first: datetime, hours: int) -> list:
    """The hourly job, as the worker runs it, for each of `hours` hours from `first`; what each run did."""
    return [result for n in range(hours) for result in early_warning(due=first + (n + 1) * HOUR)]


def warmed_up(hours: int = 24) -> datetime:
    """The job run over `hours` quiet hours from START (the warm-up); the next hour to fill."""
    run(START, hours)
    return START + hours * HOUR


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson-distributed count (Knuth's method): the noise of steady traffic."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def raised(idea: Idea | None = None, *, series: str = Series.DOWNVOTES, hours_later: int = 0, count: int = 30) -> Alert:
    """An alert as the job raises it (on the idea, or site-wide without one), `hours_later` hours after START."""
    return Alert.objects.create(
        scope=AlertScope.IDEA if idea else AlertScope.SITE,
        idea=idea,
        series=series,
        hour=START + timedelta(hours=hours_later),
        count=count,
        mean=1.5,
        deviation=1.2,
        factor=count / 1.5,
    )


def scheduled(due: datetime) -> None:
    """The early warning's run at `due` waiting for the worker, as core.schedule leaves it."""
    ScheduledRun.objects.create(name="moderation.early_warning", due_at=due)
    run_periodic.enqueue(name="moderation.early_warning", due=due.isoformat())
