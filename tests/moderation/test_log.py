"""The audit log: every moderator and product-team action, read by moderators and staff through the selector,
GET /api/v1/moderation/log/ and its CSV at /api/v1/moderation/log.csv."""

import csv
import io

import pytest
from asgiref.sync import async_to_sync

from accounts.models import Role
from accounts.services import account_delete, role_grant
from core.errors import NotAllowed
from core.text import csv_cell
from ideas.models import Status
from ideas.services import idea_delete
from moderation import selectors
from moderation.models import ActionKind, Series
from moderation.services import alert_acknowledge, appeal_create, case_decide
from pipeline.services import idea_transition
from tests.factories import IdeaFactory, UserFactory, comment
from tests.moderation.helpers import acted, log_entries, recorded
from tests.moderation.history import raised

pytestmark = pytest.mark.django_db

LOG = "/api/v1/moderation/log/"
CSV = "/api/v1/moderation/log.csv"


def rows(viewer, **query):
    """The log's rows as the viewer reads them, filtered by `query`."""
    return selectors.audit_log(viewer=viewer, params=selectors.log_params(query)).rows


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- Who reads it ----------------------------------------------------------------------------------


def test_bob_cannot_read_the_log(api_as, bob):
    response = api_as(bob).get(LOG)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_visitor_is_asked_to_sign_in_to_read_the_log(api):
    response = api.get(LOG)
    assert response.status_code == 401 and "WWW-Authenticate" in response


def test_the_selector_refuses_bob(bob):
    with pytest.raises(NotAllowed):
        rows(bob)


def test_pat_of_the_product_team_reads_the_log(api_as, pat, mo, alices_idea):
    acted(mo, f"idea:{alices_idea.pk}", ActionKind.HIDE, "Rude words.")
    assert [row["action"] for row in api_as(pat).get(LOG).json()["results"]] == ["moderation.hide"]


def test_bob_cannot_download_the_log(api_as, bob):
    assert api_as(bob).get(CSV).status_code == 403


def test_a_visitor_cannot_download_the_log(api):
    assert api.get(CSV).status_code == 401


# --- What it holds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "details"),
    [
        (ActionKind.DISMISS, {}),
        (ActionKind.HIDE, {}),
        (ActionKind.DELETE, {}),
        (ActionKind.EDIT, {"title": "Oat milk, gently put"}),
        (ActionKind.LOCK, {}),
        (ActionKind.WARN, {}),
        (ActionKind.SUSPEND, {"days": 3}),
        (ActionKind.BAN, {}),
    ],
)
def test_each_action_on_an_idea_appears_with_actor_action_target_and_reason(mo, alices_idea, action, details):
    acted(mo, f"idea:{alices_idea.pk}", action, f"Because of {action}.", **details)
    row = rows(mo, action=f"moderation.{action}")[0]
    # A sanction is about the author: the log names the member (the idea is in its details).
    sanction = action in {ActionKind.WARN, ActionKind.SUSPEND, ActionKind.BAN}
    assert (row.actor_id, row.actor_name, row.target, row.reason) == (
        mo.pk,
        "Mo",
        f"member:{alices_idea.author_id}" if sanction else f"idea:{alices_idea.pk}",
        f"Because of {action}.",
    )
    assert row.label == str(selectors.LOG_VERBS[f"moderation.{action}"])


def test_marking_a_duplicate_appears_with_the_original(mo, alice, alices_idea, drinks):
    original = IdeaFactory(author=alice, category=drinks)
    acted(mo, f"idea:{alices_idea.pk}", ActionKind.DUPLICATE, "Asked before.", original=original.pk)
    assert [(row.action, row.target) for row in rows(mo, action="moderation.duplicate")] == [
        ("moderation.duplicate", f"idea:{alices_idea.pk}")
    ]


def test_hiding_a_comment_appears_with_the_comment_linked(mo, bob, alices_idea):
    said = comment(bob, alices_idea)
    acted(mo, f"comment:{said.pk}", ActionKind.HIDE, "Name-calling.")
    row = rows(mo)[0]
    assert (row.target, row.target_url) == (f"comment:{said.pk}", said.get_absolute_url())
    assert "Oat milk at no extra charge" in row.target_name


def test_warning_a_member_appears_with_the_member_named(mo, bob):
    acted(mo, f"member:{bob.pk}", ActionKind.WARN, "Spam in the bio.")
    row = rows(mo)[0]
    assert (row.target, row.target_name, row.target_url) == (f"member:{bob.pk}", "Bob", bob.get_absolute_url())


def test_an_appeal_granted_appears_with_the_second_moderator(mo, ada, alice, alices_idea):
    hid = acted(mo, f"idea:{alices_idea.pk}", ActionKind.HIDE, "Rude words.")
    appeal = appeal_create(actor=alice, action=hid, text="It was a quote.")
    case_decide(actor=ada, case=appeal.case, action=ActionKind.OVERTURN, reason="A quote, fairly used.")
    row = rows(mo)[0]
    assert (row.action, row.actor_id, row.reason) == ("moderation.appeal_overturned", ada.pk, "A quote, fairly used.")


def test_an_appeal_turned_down_appears(mo, ada, alice, alices_idea):
    hid = acted(mo, f"idea:{alices_idea.pk}", ActionKind.HIDE, "Rude words.")
    appeal = appeal_create(actor=alice, action=hid, text="It was a quote.")
    case_decide(actor=ada, case=appeal.case, action=ActionKind.UPHOLD, reason="Not a quote.")
    assert rows(mo)[0].action == "moderation.appeal_upheld"


def test_a_pipeline_move_appears_with_its_note(mo, pat, alices_idea):
    idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW, note="Looking into it.")
    row = rows(mo)[0]
    assert (row.action, row.actor_name, row.target, row.reason) == (
        "idea.transition",
        "Pat",
        f"idea:{alices_idea.pk}",
        "Looking into it.",
    )


def test_account_housekeeping_is_not_in_the_log(mo, bob):
    account_delete(actor=bob, user=bob)
    assert rows(mo) == []


def test_the_log_is_newest_first(mo, pat, alices_idea):
    acted(mo, f"idea:{alices_idea.pk}", ActionKind.LOCK, "Heated.")
    idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW)
    assert [row.action for row in rows(mo)] == ["idea.transition", "moderation.lock"]


def test_a_deleted_ideas_entry_keeps_its_name_but_loses_its_link(mo, alices_idea):
    acted(mo, f"idea:{alices_idea.pk}", ActionKind.DELETE, "Spam.")
    row = rows(mo, action="moderation.delete")[0]
    assert row.target_url is None and f"{alices_idea.pk}" in row.target_name


def test_an_actor_who_left_is_a_deleted_member(mo, ada, alices_idea):
    acted(mo, f"idea:{alices_idea.pk}", ActionKind.HIDE, "Rude words.")
    account_delete(actor=ada, user=mo)
    row = rows(ada)[0]
    assert row.actor_id is not None and row.actor_name == "Deleted member"


# --- Filters -------------------------------------------------------------------------------------


@pytest.fixture
def three_acts(mo, pat, bob, alices_idea):
    """A hide by Mo on Alice's idea, a warning by Mo to Bob, a move by Pat of Alice's idea."""
    acted(mo, f"idea:{alices_idea.pk}", ActionKind.HIDE, "Rude words.")
    acted(mo, f"member:{bob.pk}", ActionKind.WARN, "Spam in the bio.")
    idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW)


def test_the_log_filters_by_actor(api_as, mo, pat, three_acts):
    results = api_as(mo).get(LOG, {"actor": pat.pk}).json()["results"]
    assert [row["action"] for row in results] == ["idea.transition"]


def test_the_log_filters_by_action(api_as, mo, three_acts):
    results = api_as(mo).get(LOG, {"action": "moderation.warn"}).json()["results"]
    assert [row["action"] for row in results] == ["moderation.warn"]


def test_the_log_filters_by_target(api_as, mo, alices_idea, three_acts):
    results = api_as(mo).get(LOG, {"target": f"idea:{alices_idea.pk}"}).json()["results"]
    assert [row["action"] for row in results] == ["idea.transition", "moderation.hide"]


def test_the_log_filters_by_a_member_target(api_as, mo, bob, three_acts):
    results = api_as(mo).get(LOG, {"target": f"member:{bob.pk}"}).json()["results"]
    assert [(row["action"], row["target_url"]) for row in results] == [
        ("moderation.warn", f"http://testserver/members/{bob.pk}/")
    ]


def test_an_unknown_action_is_a_400_naming_the_choices(api_as, mo):
    response = api_as(mo).get(LOG, {"action": "moderation.vanish"})
    assert response.status_code == 400
    message = response.json()["fields"]["action"][0]
    assert "moderation.hide" in message and "idea.transition" in message


@pytest.mark.parametrize("target", ["idea", "idea:", "idea:x", "post:3", "idea:0", "idea:99999999999999999999"])
def test_a_malformed_target_is_a_400(api_as, mo, target):
    response = api_as(mo).get(LOG, {"target": target})
    assert response.status_code == 400 and "target" in response.json()["fields"]


@pytest.mark.parametrize("actor", ["mo", "-1", "0", "1.5"])
def test_an_actor_that_is_not_a_member_number_is_a_400(api_as, mo, actor):
    response = api_as(mo).get(LOG, {"actor": actor})
    assert response.status_code == 400 and "actor" in response.json()["fields"]


def test_a_forged_cursor_is_a_400(api_as, mo):
    response = api_as(mo).get(LOG, {"cursor": "not-a-cursor"})
    assert response.status_code == 400 and "cursor" in response.json()["fields"]


# --- Paging and queries -------------------------------------------------------------------------


def test_pages_follow_one_another_without_a_gap_or_a_repeat(api_as, mo, pat, bob, alices_idea):
    log_entries(4, mo=mo, pat=pat, bob=bob, idea=alices_idea, said=comment(bob, alices_idea))
    client, seen, url = api_as(mo), [], f"{LOG}?page_size=5"
    while url:
        body = client.get(url).json()
        seen += [row["reason"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == 12 and len(set(seen)) == 12
    assert seen[0] == "Member 3" and seen[-1] == "Idea 0"


def test_a_filter_is_kept_on_the_next_page(api_as, mo, pat, bob, alices_idea):
    log_entries(3, mo=mo, pat=pat, bob=bob, idea=alices_idea, said=comment(bob, alices_idea))
    first = api_as(mo).get(LOG, {"actor": pat.pk, "page_size": 2}).json()
    later = api_as(mo).get(first["next"]).json()
    assert [row["reason"] for row in first["results"] + later["results"]] == ["Member 2", "Member 1", "Member 0"]


@pytest.mark.parametrize("count", [1, 20])
def test_the_log_api_reads_a_fixed_number_of_queries(
    api_as, mo, pat, bob, alices_idea, django_assert_num_queries, count
):
    log_entries(count, mo=mo, pat=pat, bob=bob, idea=alices_idea, said=comment(bob, alices_idea))
    client = api_as(mo)
    # The viewer's groups, the page, then members (actors and targets), ideas and comments, one query each.
    with django_assert_num_queries(5):
        response = client.get(LOG, {"page_size": 200})
    assert len(response.json()["results"]) == 3 * count


# --- CSV -----------------------------------------------------------------------------------------


def test_the_csv_has_every_field_of_every_row(api_as, mo, alices_idea):
    acted(mo, f"idea:{alices_idea.pk}", ActionKind.HIDE, "Rude words.")
    response = api_as(mo).get(CSV)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, row = csv_rows(response)
    assert header == ["time", "actor_id", "actor_name", "action", "target", "reason"]
    assert row[1:] == [str(mo.pk), "Mo", "moderation.hide", f"idea:{alices_idea.pk}", "Rude words."]


def test_the_csv_holds_every_matching_row_not_one_page(api_as, mo, pat, bob, alices_idea):
    log_entries(4, mo=mo, pat=pat, bob=bob, idea=alices_idea, said=comment(bob, alices_idea))
    assert len(csv_rows(api_as(mo).get(CSV, {"page_size": 2}))) == 1 + 12


def test_the_csv_keeps_the_filters(api_as, mo, pat, bob, alices_idea):
    log_entries(2, mo=mo, pat=pat, bob=bob, idea=alices_idea, said=comment(bob, alices_idea))
    found = csv_rows(api_as(mo).get(CSV, {"actor": pat.pk}))[1:]
    assert [row[5] for row in found] == ["Member 1", "Member 0"]


def test_a_reason_a_spreadsheet_would_run_is_written_as_text(api_as, mo, alices_idea):
    recorded(actor=mo, verb="moderation.hide", target=alices_idea, reason='=HYPERLINK("http://evil.example","x")')
    row = csv_rows(api_as(mo).get(CSV))[1]
    assert row[5] == '\'=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_each_formula_start_gets_an_apostrophe(text):
    assert csv_cell(text) == f"'{text}"


def test_a_display_name_that_looks_like_a_formula_is_escaped(api_as, alices_idea):
    sly = UserFactory(display_name="@cmd")
    role_grant(actor=None, user=sly, role=Role.MODERATOR)
    recorded(actor=sly, verb="moderation.hide", target=alices_idea, reason="ok")
    assert csv_rows(api_as(sly).get(CSV))[1][2] == "'@cmd"


def test_a_bad_filter_on_the_csv_is_a_400(api_as, mo):
    response = api_as(mo).get(CSV, {"action": "delete everything"})
    assert response.status_code == 400 and "action" in response.json()["fields"]


def test_the_export_reads_every_row_in_batches(mo, pat, bob, alices_idea):
    log_entries(3, mo=mo, pat=pat, bob=bob, idea=alices_idea, said=comment(bob, alices_idea))
    batches = list(selectors.audit_log_all(viewer=mo, params=selectors.log_params({}), batch=4))
    assert [len(batch) for batch in batches] == [4, 4, 1]


def test_the_export_refuses_bob_before_reading_anything(bob):
    with pytest.raises(NotAllowed):
        selectors.audit_log_all(viewer=bob, params=selectors.log_params({}))


@pytest.mark.django_db(transaction=True)
def test_the_csv_streams_through_the_asgi_handler(async_client, mo, alices_idea):
    idea_delete(idea=alices_idea, actor=mo, reason="Spam.")

    async def download():
        await async_client.aforce_login(mo)
        response = await async_client.get(CSV)
        return response, b"".join([chunk async for chunk in response.streaming_content])

    response, body = async_to_sync(download)()
    assert response.is_async and "idea.deleted" in body.decode()


def test_a_moderator_acknowledging_an_alert_is_in_the_log(mo, alices_idea):
    alert = raised(alices_idea, series=Series.FLAGS)
    alert_acknowledge(actor=mo, alert=alert)
    assert [row.action for row in rows(mo, actor=str(mo.pk))] == ["moderation.alert_acknowledge"]


def test_a_suspension_decided_on_an_idea_is_found_under_its_member(mo, alice, alices_idea):
    acted(mo, f"idea:{alices_idea.pk}", ActionKind.SUSPEND, "Spam again.")
    assert [row.action for row in rows(mo, target=f"member:{alice.pk}")] == ["moderation.suspend"]
