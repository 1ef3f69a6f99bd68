"""The periodic schedule the worker keeps: one run per job and due time, however many workers, and a
schedule that goes on after a failure or a long stop."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import schedule
from core.models import ScheduledRun

HOUR = timedelta(hours=1)


@pytest.fixture
def job(monkeypatch):
    """An hourly job of the test's own, alone in the registry; its calls are listed."""
    calls: list[datetime] = []
    monkeypatch.setattr(schedule, "_jobs", {})
    schedule.register_periodic("test.hourly", lambda *, due: calls.append(due), every=HOUR)
    return calls


def waiting_runs() -> list[str]:
    return sorted(r.args_kwargs["kwargs"]["due"] for r in DBTaskResult.objects.filter(status="READY"))


def test_boundaries_are_whole_periods_and_weeks_start_on_monday():
    at = datetime(2026, 11, 26, 14, 53, tzinfo=UTC)  # a Thursday
    assert schedule.next_boundary(HOUR, at) == datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    assert schedule.next_boundary(timedelta(days=7), at) == datetime(2026, 11, 30, tzinfo=UTC)
    assert schedule.next_boundary(HOUR, datetime(2026, 11, 26, 15, tzinfo=UTC)).hour == 16  # strictly after


def test_keeping_the_schedule_twice_leaves_one_run_waiting(db, job):
    schedule.keep_schedule()
    schedule.keep_schedule()
    assert waiting_runs() == [schedule.next_boundary(HOUR, timezone.now()).isoformat()]


def test_a_run_calls_the_job_once_and_schedules_the_next(db, job):
    due = schedule.next_boundary(HOUR, timezone.now()) - HOUR
    ScheduledRun.objects.create(name="test.hourly", due_at=due)
    assert schedule.run_periodic.call(name="test.hourly", due=due.isoformat()) is True
    assert schedule.run_periodic.call(name="test.hourly", due=due.isoformat()) is False
    assert job == [due]
    assert waiting_runs() == [(due + HOUR).isoformat()]


def test_after_a_long_stop_the_next_run_is_the_next_boundary_not_every_missed_one(db, job):
    long_ago = schedule.next_boundary(HOUR, timezone.now()) - 48 * HOUR
    ScheduledRun.objects.create(name="test.hourly", due_at=long_ago)
    schedule.run_periodic.call(name="test.hourly", due=long_ago.isoformat())
    assert waiting_runs() == [schedule.next_boundary(HOUR, timezone.now()).isoformat()]


def test_a_failing_job_still_has_its_next_run_scheduled(db, monkeypatch):
    monkeypatch.setattr(schedule, "_jobs", {})

    def fails(*, due):
        raise RuntimeError("broken")

    schedule.register_periodic("test.fails", fails, every=HOUR)
    due = schedule.next_boundary(HOUR, timezone.now()) - HOUR
    ScheduledRun.objects.create(name="test.fails", due_at=due)
    with pytest.raises(RuntimeError):
        schedule.run_periodic.call(name="test.fails", due=due.isoformat())
    assert waiting_runs() == [(due + HOUR).isoformat()]


def test_an_unknown_job_ends_its_schedule(db, job):
    assert schedule.run_periodic.call(name="test.gone", due=timezone.now().isoformat()) is False
    assert not DBTaskResult.objects.exists()


def test_a_period_must_be_positive(job):
    with pytest.raises(ValueError):
        schedule.register_periodic("test.never", lambda *, due: None, every=timedelta(0))


def test_finished_tasks_leave_after_a_week_and_waiting_ones_stay(db, job):
    schedule.keep_schedule()
    DBTaskResult.objects.create(
        args_kwargs={}, task_path="x", backend_name="default", run_after=timezone.now(), status="SUCCESSFUL",
        finished_at=timezone.now() - timedelta(days=8),
    )  # fmt: skip
    schedule.prune_finished_tasks(due=timezone.now())
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]


def test_a_task_left_running_by_a_killed_worker_runs_again_and_a_recent_one_is_left_alone(db, job):
    now = timezone.now()
    for minutes in (30, 1):
        DBTaskResult.objects.create(
            args_kwargs={}, task_path=f"x{minutes}", backend_name="default", run_after=now, status="RUNNING",
            started_at=now - timedelta(minutes=minutes),
        )  # fmt: skip
    assert schedule.requeue_abandoned(due=now) == 1
    assert dict(DBTaskResult.objects.values_list("task_path", "status")) == {"x30": "READY", "x1": "RUNNING"}
