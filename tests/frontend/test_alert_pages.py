"""The early warning's pages: the open alerts (the partial the queue shows at its top) and a moderator's
Acknowledge form; permissions per role, the way back, and the query count."""

import pytest

from moderation.models import Alert
from moderation.services import alert_acknowledge
from tests.factories import IdeaFactory
from tests.moderation.history import raised

pytestmark = pytest.mark.django_db


def acknowledge(client, alert: Alert, back: str = "/moderation/alerts/"):
    return client.post(f"/moderation/alerts/{alert.pk}/acknowledge/", {"next": back})


def test_mo_sees_what_rose_by_how_much_and_the_ideas_link(client, mo, alices_idea):
    raised(alices_idea, count=30)
    client.force_login(mo)
    page = client.get("/moderation/alerts/").content.decode()
    assert "Downvotes rose on an idea" in page
    assert "30 downvotes in an hour, against 1.5 an hour usually (20×)" in page
    assert f'<a href="/ideas/{alices_idea.pk}/">Oat milk at no extra charge</a>' in page


def test_a_site_wide_alert_says_so(client, mo):
    raised(count=80)
    client.force_login(mo)
    assert "Downvotes rose across the site" in client.get("/moderation/alerts/").content.decode()


def test_the_alerts_region_is_live_on_the_moderation_topic(client, mo):
    client.force_login(mo)
    page = client.get("/moderation/alerts/").content.decode()
    assert '<section id="moderation-alerts" class="alerts" data-live-region' in page
    assert 'data-live-topics="moderation' in page


def test_acknowledged_alerts_leave_the_page(client, mo, alices_idea):
    alert_acknowledge(actor=mo, alert=raised(alices_idea))
    client.force_login(mo)
    assert "No sudden rise of flags, downvotes or comments." in client.get("/moderation/alerts/").content.decode()


def test_mo_acknowledges_an_alert_and_goes_back_to_the_queue(client, mo, alices_idea):
    alert = raised(alices_idea)
    client.force_login(mo)
    response = acknowledge(client, alert, back="/moderation/queue/?page=2")
    alert.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/moderation/queue/?page=2")
    assert alert.acknowledged_by == mo


def test_a_way_back_to_another_site_is_not_followed(client, mo, alices_idea):
    client.force_login(mo)
    response = acknowledge(client, raised(alices_idea), back="https://evil.example/")
    assert response["Location"] == "/moderation/alerts/"


def test_an_alert_acknowledged_meanwhile_is_said_not_refused(client, mo, ada, alices_idea):
    alert = raised(alices_idea)
    alert_acknowledge(actor=ada, alert=alert)
    client.force_login(mo)
    page = client.get(acknowledge(client, alert)["Location"]).content.decode()
    assert "Ada acknowledged this alert already" in page
    alert.refresh_from_db()
    assert alert.acknowledged_by == ada


def test_pat_of_the_product_team_sees_alerts_without_the_acknowledge_button(client, pat, alices_idea):
    raised(alices_idea)
    client.force_login(pat)
    page = client.get("/moderation/alerts/").content.decode()
    assert "30 downvotes in an hour" in page
    assert "/acknowledge/" not in page


def test_pat_cannot_acknowledge_an_alert(client, pat, alices_idea):
    alert = raised(alices_idea)
    client.force_login(pat)
    assert acknowledge(client, alert).status_code == 403
    alert.refresh_from_db()
    assert not alert.is_acknowledged


def test_bob_cannot_see_the_alerts(client, bob, alices_idea):
    raised(alices_idea)
    client.force_login(bob)
    response = client.get("/moderation/alerts/")
    assert response.status_code == 403
    assert "30 downvotes" not in response.content.decode()


def test_bob_cannot_acknowledge_an_alert(client, bob, alices_idea):
    alert = raised(alices_idea)
    client.force_login(bob)
    assert acknowledge(client, alert).status_code == 403
    alert.refresh_from_db()
    assert not alert.is_acknowledged


def test_a_visitor_is_sent_to_sign_in(client, alices_idea):
    alert = raised(alices_idea)
    assert client.get("/moderation/alerts/")["Location"].startswith("/accounts/login/")
    assert acknowledge(client, alert)["Location"].startswith("/accounts/login/")


def test_acknowledging_an_alert_that_is_not_there_is_404(client, mo):
    client.force_login(mo)
    assert client.post("/moderation/alerts/999/acknowledge/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_the_alerts_page_takes_the_same_queries_however_many_alerts(
    client, mo, drinks, count, django_assert_num_queries
):
    for n, idea in enumerate(IdeaFactory.create_batch(count, category=drinks)):
        raised(idea, hours_later=n)
    client.force_login(mo)
    client.get("/moderation/alerts/")  # once to warm what is cached per process
    # session, member, roles, the alerts with their ideas, the bell, the header's count of open cases
    with django_assert_num_queries(6):
        response = client.get("/moderation/alerts/")
    assert response.content.decode().count('class="alert-item"') == count
