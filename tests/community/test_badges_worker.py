"""Badges through the real worker process (`manage.py worker`, as the run command starts it): a member's
first idea, once committed, leads to the First idea badge and its notification."""

import time

from community.models import Award
from ideas.services import idea_submit
from notifications.models import Kind, Notification


def test_the_worker_awards_a_first_idea_its_badge_and_tells_the_member(worker, alice, drinks):
    idea_submit(actor=alice, title="Oat milk for everyone", body="Please.", category=drinks)
    process = worker()
    deadline = time.monotonic() + 30
    while not Notification.objects.filter(recipient=alice, kind=Kind.BADGE).exists():
        assert process.poll() is None, worker.log.read_text()
        assert time.monotonic() < deadline, "no badge within 30 s\n" + worker.log.read_text()
        time.sleep(0.05)
    assert list(Award.objects.filter(member=alice).values_list("badge", flat=True)) == ["first_idea"]
    assert Notification.objects.get(recipient=alice, kind=Kind.BADGE).headline == "You earned the badge “First idea”"
