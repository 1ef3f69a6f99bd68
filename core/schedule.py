"""Periodic jobs, kept by the worker (`manage.py worker`): apps register a job in AppConfig.ready and
the worker runs it once per period, at the period's boundaries (whole hours for an hourly job, in UTC).

Each run is a django-tasks task due at its boundary, made together with a unique ScheduledRun row, so
however many workers keep the schedule, a job has one run per due time. A run first enqueues the next
one (so a failing job does not stop its schedule), skipping boundaries that passed while no worker ran:
a job catches up once, not once per missed period.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from core.models import ScheduledRun

logger = logging.getLogger(__name__)

KEEP_RUNS = timedelta(days=7)
KEEP_FINISHED_TASKS = timedelta(days=7)
# A task still running after this long lost its worker (killed: out of memory, a restart); no task here
# runs for minutes. It runs again: every task is written to be run twice without doing anything twice.
ABANDONED_AFTER = timedelta(minutes=15)
_EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday at midnight: weekly boundaries fall on Mondays


@dataclass(frozen=True)
class Periodic:
    name: str
    function: Callable[..., object]  # called as function(due=<aware datetime>)
    every: timedelta


_jobs: dict[str, Periodic] = {}


def register_periodic(name: str, function: Callable[..., object], *, every: timedelta) -> None:
    """Run `function(due=...)` once every `every`, at boundaries counted from a Monday midnight UTC."""
    if every <= timedelta(0):
        raise ValueError("A periodic job needs a positive period.")
    _jobs[name] = Periodic(name, function, every)


def next_boundary(every: timedelta, after: datetime) -> datetime:
    """The first boundary of the period strictly after `after`."""
    periods = (after - _EPOCH) // every
    return _EPOCH + (periods + 1) * every


def _enqueue(job: Periodic, due: datetime) -> None:
    """The run of `job` at `due`, unless there is one."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(name=job.name, due_at=due)
            run_periodic.using(run_after=due).enqueue(name=job.name, due=due.isoformat())
    except IntegrityError:
        pass  # another worker scheduled it


def keep_schedule() -> None:
    """Make sure each registered job has its next run waiting (the worker calls this as it starts)."""
    now = timezone.now()
    for job in _jobs.values():
        _enqueue(job, next_boundary(job.every, now))


@task()
def run_periodic(*, name: str, due: str) -> bool:
    """Run one periodic job for one due time, once; False if it was run already or is unknown."""
    job = _jobs.get(name)
    if job is None:
        logger.error("No periodic job named %r: its schedule ends here", name)
        return False
    due_at = datetime.fromisoformat(due)
    now = timezone.now()
    _enqueue(job, max(due_at + job.every, next_boundary(job.every, now)))
    if not ScheduledRun.objects.filter(name=name, due_at=due_at, started_at__isnull=True).update(started_at=now):
        return False
    ScheduledRun.objects.filter(name=name, due_at__lt=now - KEEP_RUNS).delete()
    job.function(due=due_at)
    return True


def prune_finished_tasks(*, due: datetime) -> None:
    """Finished tasks leave the database after a week (failed ones too: their tracebacks were logged)."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.finished().filter(finished_at__lt=due - KEEP_FINISHED_TASKS).delete()


def requeue_abandoned(*, due: datetime) -> int:
    """Tasks whose worker died while running them wait to run again; how many."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=due - ABANDONED_AFTER)
        .update(status=TaskResultStatus.READY, started_at=None)
    )
