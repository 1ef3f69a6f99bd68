"""The moderation log page: moderators and staff read every staff action, filter it, page on and download it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.models import ActionKind
from tests.factories import comment
from tests.moderation.helpers import acted, log_entries

pytestmark = pytest.mark.django_db

PAGE = "/moderation/log/"


@pytest.fixture
def hidden(mo, alices_idea):
    """Mo hid Alice's idea."""
    return acted(mo, f"idea:{alices_idea.pk}", ActionKind.HIDE, "Rude words.")


def test_mo_reads_who_did_what_to_which_idea_and_why(client, mo, alices_idea, hidden):
    client.force_login(mo)
    page = client.get(PAGE).content.decode()
    row = page[page.index('data-action="moderation.hide"') :]
    row = row[: row.index("</tr>")]
    assert f'href="?actor={mo.pk}">Mo</a>' in row
    assert f'href="/ideas/{alices_idea.pk}/">Oat milk at no extra charge</a>' in row
    assert "Hid" in row and "Rude words." in row


def test_pat_of_the_product_team_reads_the_log(client, pat, hidden):
    client.force_login(pat)
    assert client.get(PAGE).status_code == 200


def test_bob_gets_the_403_page(client, bob, hidden):
    client.force_login(bob)
    response = client.get(PAGE)
    assert response.status_code == 403 and "Rude words." not in response.content.decode()


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE, {"action": "moderation.hide"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/moderation/log/%3Faction%3Dmoderation.hide")


def test_the_page_filters_by_action_and_keeps_the_choice_in_the_form(client, mo, bob, hidden):
    acted(mo, f"member:{bob.pk}", ActionKind.WARN, "Spam in the bio.")
    client.force_login(mo)
    response = client.get(PAGE, {"action": "moderation.warn"})
    assert [row.action for row in response.context["rows"]] == ["moderation.warn"]
    assert '<option value="moderation.warn" selected>' in response.content.decode()


def test_the_page_filters_by_target(client, mo, bob, alices_idea, hidden):
    acted(mo, f"member:{bob.pk}", ActionKind.WARN, "Spam in the bio.")
    client.force_login(mo)
    response = client.get(PAGE, {"target": f"member:{bob.pk}"})
    assert [row.target for row in response.context["rows"]] == [f"member:{bob.pk}"]


def test_a_bad_filter_is_named_and_left_out(client, mo, hidden):
    client.force_login(mo)
    response = client.get(PAGE, {"action": "moderation.vanish", "actor": mo.pk})
    assert response.status_code == 400 and "moderation.hide" in response.context["problems"][0]
    assert [row.action for row in response.context["rows"]] == ["moderation.hide"]
    assert response.context["csv_url"] == f"/api/v1/moderation/log.csv?actor={mo.pk}"


def test_the_csv_link_keeps_the_filters(client, mo, hidden):
    client.force_login(mo)
    page = client.get(PAGE, {"action": "moderation.hide", "actor": mo.pk}).content.decode()
    assert f'href="/api/v1/moderation/log.csv?action=moderation.hide&amp;actor={mo.pk}" download' in page


def test_the_csv_link_downloads_with_the_session(client, mo, hidden):
    client.force_login(mo)
    response = client.get("/api/v1/moderation/log.csv", {"action": "moderation.hide"})
    assert response.status_code == 200 and b"Rude words." in b"".join(response.streaming_content)


def test_more_pages_on_with_the_filters(client, mo, pat, bob, alices_idea):
    log_entries(2, mo=mo, pat=pat, bob=bob, idea=alices_idea, said=comment(bob, alices_idea))
    client.force_login(mo)
    first = client.get(PAGE, {"actor": mo.pk, "page_size": 3})
    assert [row.reason for row in first.context["rows"]] == ["Comment 1", "Idea 1", "Comment 0"]
    assert 'rel="next"' in first.content.decode()
    later = client.get(f"{PAGE}?{first.context['next_query']}")
    assert [row.reason for row in later.context["rows"]] == ["Idea 0"]
    assert later.context["next_query"] is None and "Back to the start" in later.content.decode()


def test_the_page_costs_the_same_queries_for_3_or_60_rows(client, mo, pat, bob, alices_idea, django_assert_num_queries):
    said = comment(bob, alices_idea)
    log_entries(1, mo=mo, pat=pat, bob=bob, idea=alices_idea, said=said)
    client.force_login(mo)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    log_entries(19, mo=mo, pat=pat, bob=bob, idea=alices_idea, said=said)
    with django_assert_num_queries(len(few)):
        assert len(client.get(PAGE).context["rows"]) == 50


def test_the_queue_links_to_the_log(client, mo):
    client.force_login(mo)
    assert 'href="/moderation/log/"' in client.get("/moderation/").content.decode()
