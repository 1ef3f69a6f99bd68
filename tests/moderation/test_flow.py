"""The moderation flow end to end through the services: flags hide, a moderator decides, the author appeals."""

import pytest

from core.hiding import Hidden
from ideas.models import Idea
from moderation.models import ActionKind, AppealStatus, CaseStatus, FlagReason
from moderation.services import AlreadyDecided, appeal_create, case_decide, flag_create
from notifications.models import Kind, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_three_member_flags_hide_an_idea_pending_review(alices_idea):
    for _ in range(3):
        flag_create(actor=UserFactory(), target=f"idea:{alices_idea.pk}", reason=FlagReason.SPAM)
    alices_idea.refresh_from_db()
    assert alices_idea.hidden == Hidden.PENDING


def test_two_member_flags_do_not_hide_an_idea(alices_idea):
    for _ in range(2):
        flag_create(actor=UserFactory(), target=f"idea:{alices_idea.pk}", reason=FlagReason.SPAM)
    alices_idea.refresh_from_db()
    assert alices_idea.hidden == Hidden.NO


def test_a_hidden_idea_is_seen_by_its_author_and_moderators_only(alices_idea, alice, bob, mo, visitor):
    flag_create(actor=mo, target=f"idea:{alices_idea.pk}", reason=FlagReason.ABUSIVE)
    assert set(Idea.objects.visible_to(alice)) == {alices_idea}
    assert set(Idea.objects.visible_to(mo)) == {alices_idea}
    assert not Idea.objects.visible_to(bob).exists()
    assert not Idea.objects.visible_to(visitor).exists()


def test_dismissing_restores_and_an_appeal_is_decided_by_another_moderator(alices_idea, alice, bob, mo, ada):
    flag = flag_create(actor=mo, target=f"idea:{alices_idea.pk}", reason=FlagReason.ABUSIVE)
    action = case_decide(actor=mo, case=flag.case, action=ActionKind.HIDE, reason="Rude words.")
    with pytest.raises(AlreadyDecided):
        case_decide(actor=mo, case=flag.case, action=ActionKind.DISMISS, reason="Changed my mind.")
    assert Notification.objects.filter(recipient=alice, kind=Kind.MODERATION, action="hide").exists()
    appeal = appeal_create(actor=alice, action=action, text="It was a quote.")
    case = appeal.case
    assert case.status == CaseStatus.OPEN and case.is_appeal
    ada.groups.add(*mo.groups.all())
    case_decide(actor=ada, case=case, action=ActionKind.OVERTURN, reason="A quote, fairly used.")
    alices_idea.refresh_from_db()
    appeal.refresh_from_db()
    assert alices_idea.hidden == Hidden.NO
    assert appeal.status == AppealStatus.OVERTURNED


def test_the_whole_flow_through_the_api(api, api_as, alice, mo, ada, alices_idea):
    for _ in range(3):
        api_as(UserFactory()).post("/api/v1/flags/", {"target": f"idea:{alices_idea.pk}", "reason": "spam"})
    assert api.get(f"/api/v1/ideas/{alices_idea.pk}/").status_code == 404
    [case] = api_as(mo).get("/api/v1/moderation/queue/").json()["results"]
    decided = api_as(mo).post(
        f"/api/v1/moderation/queue/{case['id']}/decide/", {"action": "hide", "reason": "Ads."}, format="json"
    )
    [action] = api_as(alice).get("/api/v1/moderation/actions/").json()["results"]
    assert action["id"] == decided.json()["id"] and action["reason"] == "Ads."
    api_as(alice).post("/api/v1/appeals/", {"action": action["id"], "text": "Not an ad."}, format="json")
    [appeal] = api_as(ada).get("/api/v1/moderation/queue/").json()["results"]
    assert appeal["appeal"]["text"] == "Not an ad."
    overturned = api_as(ada).post(
        f"/api/v1/moderation/queue/{appeal['id']}/decide/", {"action": "overturn", "reason": "Fair."}, format="json"
    )
    assert overturned.status_code == 200
    assert api.get(f"/api/v1/ideas/{alices_idea.pk}/").status_code == 200
    assert api_as(alice).get(f"/api/v1/moderation/actions/{action['id']}/").json()["appeal"]["status"] == "overturned"
