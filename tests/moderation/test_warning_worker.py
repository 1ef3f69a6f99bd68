"""The early warning's hourly job through the real worker process (`manage.py worker`, as the run command
starts it): the run core.schedule left for the hour raises the alert of the spike in it."""

import time

from moderation.models import Alert, AlertScope, Series
from tests.moderation.history import HOUR, downvotes, members, scheduled, warmed_up


def test_the_worker_runs_the_hourly_job_and_raises_the_spikes_alert(worker, alices_idea):
    hour = warmed_up()
    downvotes(alices_idea, members(12), hour)
    scheduled(hour + HOUR)
    process = worker()
    deadline = time.monotonic() + 30
    while not Alert.objects.exists():
        assert process.poll() is None, worker.log.read_text()
        assert time.monotonic() < deadline, "no alert within 30 s"
        time.sleep(0.05)
    assert list(Alert.objects.values_list("scope", "idea_id", "series", "hour", "count")) == [
        (AlertScope.IDEA, alices_idea.pk, Series.DOWNVOTES, hour, 12)
    ]
