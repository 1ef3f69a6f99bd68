"""Twenty members flagging one idea at the same moment, as threads against a live daphne server: every flag
is stored, the case's weight is exact, and the idea is hidden once, with one notice to its author."""

from rest_framework.authtoken.models import Token

from core.hiding import Hidden
from ideas.models import Idea
from moderation.models import Case, Flag
from notifications.models import Kind, Notification
from tests.factories import IdeaFactory, UserFactory
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
