"""At the same moment: twenty members flagging one idea, as threads against a live daphne server (every flag is
stored, the case's weight is exact, and the idea is hidden once, with one notice to its author); and a flag
beside a decision on the same idea (no deadlock)."""

import threading
import time

import pytest
from django.db import connection, connections
from rest_framework.authtoken.models import Token

from core.hiding import Hidden
from ideas.models import Idea
from moderation import services
from moderation.models import ActionKind, Case, Flag
from notifications.models import Kind, Notification
from tests.factories import IdeaFactory, UserFactory
from tests.moderation.helpers import flag
from tests.net import at_once

FLAGGERS = 20


def test_twenty_flags_at_once_are_all_stored_and_hide_the_idea_once(live_url, drinks):
    idea = IdeaFactory(category=drinks)
    tokens = [Token.objects.create(user=UserFactory()).key for _ in range(FLAGGERS)]
    body = {"target": f"idea:{idea.pk}", "reason": "spam"}
    answers = at_once(live_url, [("/api/v1/flags/", token, body) for token in tokens])
    assert [status for status, _ in answers] == [201] * FLAGGERS, answers
    case = Case.objects.get()
    assert (case.weight, case.flag_count, case.hid_content) == (FLAGGERS, FLAGGERS, True)
    assert Flag.objects.filter(case=case).count() == FLAGGERS
    assert Idea.objects.get(pk=idea.pk).hidden == Hidden.PENDING
    assert Notification.objects.filter(recipient=idea.author, kind=Kind.MODERATION, action="pending").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_flag_and_a_decision_on_one_idea_at_once_both_finish(monkeypatch, mo, drinks):
    """The flag takes its first lock and holds it a moment; the decision starts meanwhile and pauses a moment
    before it locks the idea. Were the locks taken in opposite orders (target then case, case then target),
    PostgreSQL would find a deadlock and fail one of them."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction after another: no row locks to take in an order")
    idea = IdeaFactory(category=drinks)
    case = flag(UserFactory(), idea).case
    late = UserFactory()
    lock, case_target = services._lock, services._case_target

    def lock_and_hold(target):
        locked = lock(target)
        time.sleep(0.5)
        return locked

    def pause_and_lock(case):
        time.sleep(0.5)
        return case_target(case)

    monkeypatch.setattr(services, "_lock", lock_and_hold)
    monkeypatch.setattr(services, "_case_target", pause_and_lock)
    errors: list[str] = []

    def work(call):
        try:
            call()
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    flagging = threading.Thread(target=work, args=(lambda: flag(late, idea),))
    deciding = threading.Thread(
        target=work, args=(lambda: services.case_decide(actor=mo, case=case, action=ActionKind.HIDE, reason="No."),)
    )
    flagging.start()
    time.sleep(0.2)
    deciding.start()
    flagging.join()
    deciding.join()
    assert errors == [] and not Case.objects.get(pk=case.pk).is_open
