"""The moderation API: shapes, permissions for every endpoint, bad input (nothing changed), paging, query counts."""

import pytest
from rest_framework.authtoken.models import Token

from core.hiding import Hidden
from moderation.models import NOTE_MAX, Action, ActionKind, Appeal, Case, Flag, FlagReason
from moderation.services import appeal_create
from tests.factories import IdeaFactory, UserFactory, comment
from tests.moderation.helpers import decide, flag, hide_by_members, key

pytestmark = pytest.mark.django_db

FLAGS = "/api/v1/flags/"
QUEUE = "/api/v1/moderation/queue/"
APPEALS = "/api/v1/appeals/"
ACTIONS = "/api/v1/moderation/actions/"


def case_url(case, tail: str = "") -> str:
    return f"{QUEUE}{case.pk}/{tail}"


def post(client, path: str, body: dict):
    return client.post(path, body, format="json")


# Flagging


def test_bob_flags_alices_idea_and_reads_his_flag_without_its_weight(api_as, bob, alices_idea):
    response = post(api_as(bob), FLAGS, {"target": key(alices_idea), "reason": "spam", "note": "Ads"})
    assert response.status_code == 201
    made = Flag.objects.get()
    assert response.json() == {
        "id": made.pk,
        "target": key(alices_idea),
        "reason": "spam",
        "note": "Ads",
        "status": "open",
        "created_at": response.json()["created_at"],
    }


def test_bob_flags_a_comment_and_a_member(api_as, alice, bob, alices_idea):
    said = comment(alice, alices_idea, "Hm")
    for target in (key(said), key(alice)):
        assert post(api_as(bob), FLAGS, {"target": target, "reason": "abusive"}).status_code == 201
    assert Flag.objects.count() == 2


def test_a_visitor_cannot_flag(api, alices_idea):
    response = post(api, FLAGS, {"target": key(alices_idea), "reason": "spam"})
    assert response.status_code == 401 and not Flag.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "spam"}, "target"),
        ({"target": "idea"}, "reason"),
        ({"target": "{idea}", "reason": "rude"}, "reason"),
        ({"target": "{idea}", "reason": "other"}, "note"),
        ({"target": "{idea}", "reason": "other", "note": "   "}, "note"),
        ({"target": "{idea}", "reason": "other", "note": "x" * (NOTE_MAX + 1)}, "note"),
        ({"target": "{idea}", "reason": "other", "note": "x" * (NOTE_MAX * 2 + 1)}, "note"),
        ({"target": "{idea}", "reason": "duplicate"}, "original"),
        ({"target": "{idea}", "reason": "duplicate", "original": "javascript:alert(1)"}, "original"),
        ({"target": "idea:abc", "reason": "spam"}, "target"),
        ({"target": "idea:0", "reason": "spam"}, "target"),
        ({"target": "idea:99999999999999999999999", "reason": "spam"}, "target"),
        ({"target": ["idea:1"], "reason": "spam"}, "target"),
    ],
)
def test_bad_flags_are_400_naming_the_field_and_store_nothing(api_as, bob, alices_idea, body, field):
    body = {k: v.replace("{idea}", key(alices_idea)) if isinstance(v, str) else v for k, v in body.items()}
    response = post(api_as(bob), FLAGS, body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not Flag.objects.exists()


def test_flagging_ones_own_idea_is_400(api_as, alice, alices_idea):
    response = post(api_as(alice), FLAGS, {"target": key(alices_idea), "reason": "spam"})
    assert (response.status_code, response.json()["code"]) == (400, "own_content")
    assert not Flag.objects.exists()


def test_flagging_twice_is_409(api_as, bob, alices_idea):
    post(api_as(bob), FLAGS, {"target": key(alices_idea), "reason": "spam"})
    response = post(api_as(bob), FLAGS, {"target": key(alices_idea), "reason": "abusive"})
    assert (response.status_code, response.json()["code"]) == (409, "already_flagged")
    assert Flag.objects.count() == 1


def test_flagging_an_idea_that_is_not_there_is_404(api_as, bob):
    response = post(api_as(bob), FLAGS, {"target": "idea:424242", "reason": "spam"})
    assert response.status_code == 404


# Who reads the queue and decides


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", QUEUE), ("get", QUEUE + "{case}/"), ("post", QUEUE + "{case}/decide/")],
)
def test_a_visitor_gets_401_from_the_moderator_endpoints(api, mo, alices_idea, method, path):
    case = flag(mo, alices_idea).case
    response = getattr(api, method)(path.format(case=case.pk), {"action": "dismiss", "reason": "x"}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", QUEUE), ("get", QUEUE + "{case}/"), ("post", QUEUE + "{case}/decide/")],
)
def test_a_member_gets_403_from_the_moderator_endpoints(api_as, bob, mo, alices_idea, method, path):
    case = flag(mo, alices_idea).case
    client = api_as(bob)
    response = getattr(client, method)(path.format(case=case.pk), {"action": "dismiss", "reason": "x"}, format="json")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.is_open


def test_the_product_team_reads_the_queue_but_cannot_decide(api_as, pat, mo, alices_idea):
    case = flag(mo, alices_idea).case
    assert api_as(pat).get(QUEUE).status_code == 200
    assert post(api_as(pat), case_url(case, "decide/"), {"action": "dismiss", "reason": "x"}).status_code == 403
    case.refresh_from_db()
    assert case.is_open


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "1.5", "99999999999999999999999999", str(2**63)])
@pytest.mark.parametrize(("method", "tail"), [("get", ""), ("post", "decide/")])
def test_a_case_id_that_is_no_case_is_404(api_as, mo, bad_id, method, tail):
    response = getattr(api_as(mo), method)(f"{QUEUE}{bad_id}/{tail}", {"action": "dismiss", "reason": "x"})
    assert response.status_code == 404


def test_a_missing_case_is_404(api_as, mo):
    assert api_as(mo).get(f"{QUEUE}424242/").status_code == 404
    assert post(api_as(mo), f"{QUEUE}424242/decide/", {"action": "dismiss", "reason": "x"}).status_code == 404


# The queue


def test_the_queue_shows_the_content_its_history_the_authors_record_and_the_flags(api_as, mo, alice, bob, alices_idea):
    from ideas.services import idea_edit

    idea_edit(idea=alices_idea, actor=alice, title="Oat milk for free")
    flag(bob, alices_idea, FlagReason.OTHER, note="Off brand")
    [case] = api_as(mo).get(QUEUE).json()["results"]
    assert (case["kind"], case["target"], case["weight"], case["flag_count"]) == ("idea", key(alices_idea), 1, 1)
    assert case["idea"]["title"] == "Oat milk for free"
    assert [r["title"] for r in case["idea"]["revisions"]] == ["Oat milk at no extra charge"]
    assert (case["author"]["id"], case["author"]["warnings"], case["author"]["suspensions"]) == (alice.pk, 0, 0)
    assert [(f["flagger"]["name"], f["reason"], f["note"]) for f in case["flags"]] == [("Bob", "other", "Off brand")]
    assert case["appeal"] is None and "dismiss" in case["actions"]


def test_the_queue_shows_the_authors_earlier_actions(api_as, mo, alice, alices_idea, drinks):
    decide(mo, flag(mo, IdeaFactory(author=alice, category=drinks)).case, ActionKind.WARN)
    flag(mo, alices_idea)
    [case] = api_as(mo).get(QUEUE).json()["results"]
    assert (case["author"]["warnings"], case["author"]["actions"]) == (1, 1)


def test_an_action_undone_on_appeal_leaves_the_authors_record(api_as, mo, mia, alice, alices_idea, drinks):
    warned = decide(mo, flag(mo, IdeaFactory(author=alice, category=drinks)).case, ActionKind.WARN)
    decide(mia, appeal_create(actor=alice, action=warned, text="Not me.").case, ActionKind.OVERTURN, "Right.")
    flag(mo, alices_idea)
    [case] = api_as(mo).get(QUEUE).json()["results"]
    assert (case["author"]["warnings"], case["author"]["actions"]) == (0, 0)


def test_the_queue_puts_the_heaviest_first_then_the_oldest(api_as, mo, bob, drinks):
    light, heavy, older = (IdeaFactory(category=drinks) for _ in range(3))
    flag(bob, older)
    flag(bob, light)
    flag(mo, heavy)
    results = api_as(mo).get(QUEUE).json()["results"]
    assert [c["target"] for c in results] == [key(heavy), key(older), key(light)]


def test_the_queue_pages_with_a_cursor(api_as, mo, bob, drinks):
    ideas = [IdeaFactory(category=drinks) for _ in range(3)]
    for idea in ideas:
        flag(bob, idea)
    first = api_as(mo).get(QUEUE, {"page_size": 2}).json()
    second = api_as(mo).get(first["next"]).json()
    assert [c["target"] for c in first["results"] + second["results"]] == [key(i) for i in ideas]
    assert second["next"] is None


@pytest.mark.parametrize(("param", "value"), [("page_size", "0"), ("page_size", "201"), ("cursor", "garbage")])
def test_bad_queue_parameters_are_400(api_as, mo, param, value):
    response = api_as(mo).get(QUEUE, {param: value})
    assert response.status_code == 400 and param in response.json()["fields"]


def test_an_appeal_in_the_queue_shows_the_text_the_action_and_who_acted(api_as, mo, mia, alice, alices_idea):
    from moderation.services import appeal_create

    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE, "Rude.")
    appeal_create(actor=alice, action=action, text="It was a quote.")
    [case] = api_as(mia).get(QUEUE).json()["results"]
    assert case["appeal"]["text"] == "It was a quote."
    assert (case["appeal"]["action"]["action"], case["appeal"]["action"]["actor"]["name"]) == ("hide", "Mo")
    assert case["actions"] == ["uphold", "overturn"]


@pytest.mark.parametrize("cases", [1, 30])
def test_the_queue_runs_a_fixed_number_of_queries(api_as, mo, bob, alice, drinks, cases, django_assert_num_queries):
    for _ in range(cases):
        idea = IdeaFactory(author=alice, category=drinks)
        flag(bob, idea)
        flag(mo, comment(alice, idea, "Spam"))
    client = api_as(mo)
    # The open cases with content, author and appeal; their flags; the ideas' and the comments' earlier versions.
    with django_assert_num_queries(4):
        assert len(client.get(QUEUE, {"page_size": 200}).json()["results"]) == cases * 2


def test_one_case_reads_decided_too(api_as, mo, alices_idea):
    case = flag(mo, alices_idea).case
    decide(mo, case, ActionKind.DISMISS)
    data = api_as(mo).get(case_url(case)).json()
    assert (data["status"], data["decided_by"]["name"]) == ("decided", "Mo")


# Deciding


def test_mo_hides_an_idea_with_a_reason(api_as, mo, alice, alices_idea):
    case = hide_by_members(alices_idea)
    response = post(api_as(mo), case_url(case, "decide/"), {"action": "hide", "reason": "Advertising."})
    assert response.status_code == 200
    assert (response.json()["action"], response.json()["reason"]) == ("hide", "Advertising.")
    alices_idea.refresh_from_db()
    assert alices_idea.hidden == Hidden.BY_MODERATOR


def test_deciding_twice_is_409(api_as, mo, alices_idea):
    case = flag(mo, alices_idea).case
    post(api_as(mo), case_url(case, "decide/"), {"action": "dismiss", "reason": "Fine."})
    response = post(api_as(mo), case_url(case, "decide/"), {"action": "delete", "reason": "Not fine."})
    assert (response.status_code, response.json()["code"]) == (409, "already_decided")
    alices_idea.refresh_from_db()
    assert not alices_idea.is_deleted and Action.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "hide"}, "reason"),
        ({"action": "hide", "reason": "  "}, "reason"),
        ({"action": "hide", "reason": "x" * 1001}, "reason"),
        ({"action": "explode", "reason": "x"}, "action"),
        ({"action": "overturn", "reason": "x"}, "action"),
        ({"action": "suspend", "reason": "x", "days": 2}, "days"),
        ({"action": "suspend", "reason": "x", "days": "many"}, "days"),
        ({"action": "suspend", "reason": "x", "days": 10**30}, "days"),
        ({"action": "edit", "reason": "x"}, "body"),
        ({"action": "duplicate", "reason": "x", "original": "nowhere"}, "original"),
    ],
)
def test_bad_decisions_are_400_and_leave_the_case_open(api_as, mo, alices_idea, body, field):
    case = flag(mo, alices_idea).case
    response = post(api_as(mo), case_url(case, "decide/"), body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    case.refresh_from_db()
    assert case.is_open and not Action.objects.exists()


def test_a_moderator_suspending_a_moderator_is_403(api_as, mo, mia, drinks):
    case = flag(mo, IdeaFactory(author=mia, category=drinks)).case
    response = post(api_as(mo), case_url(case, "decide/"), {"action": "suspend", "reason": "x"})
    assert (response.status_code, response.json()["code"]) == (403, "staff_member")
    mia.refresh_from_db()
    assert mia.suspended_until is None


def test_an_admin_suspends_a_moderator(api_as, ada, mia, drinks):
    case = flag(ada, IdeaFactory(author=mia, category=drinks)).case
    response = post(api_as(ada), case_url(case, "decide/"), {"action": "suspend", "reason": "x", "days": 3})
    assert (response.status_code, response.json()["days"]) == (200, 3)


# Appeals and a member's actions


def test_alice_appeals_mos_action_once(api_as, mo, alice, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    response = post(api_as(alice), APPEALS, {"action": action.pk, "text": "It was a quote."})
    assert response.status_code == 201
    assert (response.json()["action"], response.json()["status"]) == (action.pk, "open")
    again = post(api_as(alice), APPEALS, {"action": action.pk, "text": "Please."})
    assert (again.status_code, again.json()["code"]) == (409, "already_appealed")
    assert Appeal.objects.count() == 1


def test_bob_cannot_appeal_alices_action(api_as, mo, bob, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    assert post(api_as(bob), APPEALS, {"action": action.pk, "text": "Unfair."}).status_code == 404
    assert not Appeal.objects.exists()


def test_a_visitor_cannot_appeal(api, mo, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    assert post(api, APPEALS, {"action": action.pk, "text": "Unfair."}).status_code == 401


def test_a_dismissal_cannot_be_appealed(api_as, mo, alice, bob, alices_idea):
    action = decide(mo, flag(bob, alices_idea).case, ActionKind.DISMISS)
    response = post(api_as(alice), APPEALS, {"action": action.pk, "text": "Thanks?"})
    assert (response.status_code, response.json()["code"]) == (403, "not_appealable")
    assert not Appeal.objects.filter(member=alice).exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"action": "x", "text": "t"}, {"action": 0, "text": "t"}, {"action": 2**63, "text": "t"}, {"action": 1}],
)
def test_bad_appeals_are_400(api_as, alice, body):
    assert post(api_as(alice), APPEALS, body).status_code == 400


def test_the_moderator_who_acted_cannot_decide_the_appeal_but_another_can(api_as, mo, mia, alice, alices_idea):
    from moderation.services import appeal_create

    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    case = appeal_create(actor=alice, action=action, text="It was a quote.").case
    refused = post(api_as(mo), case_url(case, "decide/"), {"action": "overturn", "reason": "Mine."})
    assert (refused.status_code, refused.json()["code"]) == (403, "same_moderator")
    granted = post(api_as(mia), case_url(case, "decide/"), {"action": "overturn", "reason": "A quote."})
    assert granted.status_code == 200
    alices_idea.refresh_from_db()
    assert alices_idea.hidden == Hidden.NO


def test_alice_lists_the_actions_on_her_content_and_only_hers(api_as, mo, alice, bob, alices_idea, drinks):
    mine = decide(mo, flag(mo, alices_idea).case, ActionKind.WARN, "Be kind.")
    decide(mo, flag(mo, IdeaFactory(author=bob, category=drinks)).case, ActionKind.WARN)
    [listed] = api_as(alice).get(ACTIONS).json()["results"]
    assert (listed["id"], listed["action"], listed["reason"], listed["appeal"]) == (mine.pk, "warn", "Be kind.", None)
    assert listed["url"] == f"http://testserver/moderation/actions/{mine.pk}/"


def test_alice_reads_her_action_and_bob_gets_404(api_as, mo, alice, bob, alices_idea):
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE)
    assert api_as(alice).get(f"{ACTIONS}{action.pk}/").json()["id"] == action.pk
    assert api_as(bob).get(f"{ACTIONS}{action.pk}/").status_code == 404


@pytest.mark.parametrize("bad_id", ["abc", "0", "99999999999999999999999999"])
def test_an_action_id_that_is_no_action_is_404(api_as, alice, bad_id):
    assert api_as(alice).get(f"{ACTIONS}{bad_id}/").status_code == 404


def test_a_visitor_cannot_list_actions(api):
    assert api.get(ACTIONS).status_code == 401


@pytest.mark.parametrize("actions", [1, 20])
def test_the_actions_list_runs_a_fixed_number_of_queries(api_as, mo, alice, drinks, actions, django_assert_num_queries):
    for _ in range(actions):
        decide(mo, flag(mo, IdeaFactory(author=alice, category=drinks)).case, ActionKind.WARN)
    client = api_as(alice)
    with django_assert_num_queries(1):
        assert len(client.get(ACTIONS, {"page_size": 50}).json()["results"]) == actions


def test_three_members_flagging_through_the_api_hide_the_idea(api_as, drinks):
    idea = IdeaFactory(category=drinks)
    for _ in range(3):
        post(api_as(UserFactory()), FLAGS, {"target": key(idea), "reason": "spam"})
    case = Case.objects.get()
    idea.refresh_from_db()
    assert (case.weight, case.flag_count, idea.hidden) == (3, 3, Hidden.PENDING)


def test_a_suspended_member_flagging_is_403(api_as, mo, bob, alices_idea):
    decide(mo, flag(mo, bob).case, ActionKind.SUSPEND)
    bob.refresh_from_db()  # as a request loads it
    response = post(api_as(bob), FLAGS, {"target": key(alices_idea), "reason": "spam"})
    assert (response.status_code, response.json()["code"]) == (403, "suspended")
    assert not Flag.objects.filter(flagger=bob).exists()


def test_a_banned_members_token_is_refused(api, mo, alice, alices_idea):
    token = Token.objects.create(user=alice).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(ACTIONS).status_code == 200
    decide(mo, flag(mo, alices_idea).case, ActionKind.BAN, "Spam account.")
    assert api.get(ACTIONS).status_code == 401
