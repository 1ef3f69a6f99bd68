"""Alerts of the early warning: a moderator acknowledges one once; the API lists them for staff only."""

import pytest

from core.models import AuditEntry
from moderation.models import Alert
from moderation.services import AlreadyAcknowledged, alert_acknowledge
from tests.factories import IdeaFactory
from tests.moderation.history import raised

pytestmark = pytest.mark.django_db


def test_mo_acknowledges_an_alert(mo, alices_idea):
    alert = alert_acknowledge(actor=mo, alert=raised(alices_idea))
    alert.refresh_from_db()
    assert (alert.is_acknowledged, alert.acknowledged_by) == (True, mo)


def test_acknowledging_writes_the_audit_trail(mo, alices_idea):
    alert = alert_acknowledge(actor=mo, alert=raised(alices_idea))
    entry = AuditEntry.objects.get(verb="moderation.alert_acknowledge")
    assert (entry.actor_id, entry.target_id, entry.data["idea"]) == (mo.pk, str(alert.pk), alices_idea.pk)


def test_acknowledging_is_announced_on_moderation_only(mo, alices_idea, published):
    alert = raised(alices_idea)
    with published() as events:
        alert_acknowledge(actor=mo, alert=alert)
    assert [(event["topic"], event["event"], event["data"]["id"]) for event in events] == [
        ("moderation", "alert.acknowledged", alert.pk)
    ]


def test_acknowledging_twice_is_a_conflict_naming_who_did_it(mo, ada, alices_idea):
    alert = raised(alices_idea)
    alert_acknowledge(actor=mo, alert=alert)
    with pytest.raises(AlreadyAcknowledged, match="Mo acknowledged this alert already"):
        alert_acknowledge(actor=ada, alert=alert)


def url(alert: Alert) -> str:
    return f"/api/v1/moderation/alerts/{alert.pk}/acknowledge/"


def test_mo_acknowledges_an_alert_through_the_api(api_as, mo, alices_idea):
    alert = raised(alices_idea)
    response = api_as(mo).post(url(alert))
    assert response.status_code == 200
    assert (response.json()["acknowledged_by"], response.json()["idea"]["id"]) == (
        {"id": mo.pk, "name": "Mo"},
        alices_idea.pk,
    )


def test_a_second_acknowledgement_through_the_api_is_409(api_as, mo, alices_idea):
    alert = raised(alices_idea)
    api_as(mo).post(url(alert))
    response = api_as(mo).post(url(alert))
    assert (response.status_code, response.json()["code"]) == (409, "already_acknowledged")


def test_bob_cannot_acknowledge_an_alert(api_as, bob, alices_idea):
    alert = raised(alices_idea)
    assert api_as(bob).post(url(alert)).status_code == 403
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()


def test_pat_of_the_product_team_reads_alerts_but_cannot_acknowledge(api_as, pat, alices_idea):
    alert = raised(alices_idea)
    assert api_as(pat).get("/api/v1/moderation/alerts/").status_code == 200
    assert api_as(pat).post(url(alert)).status_code == 403


def test_a_visitor_cannot_acknowledge_an_alert(api, alices_idea):
    response = api.post(url(raised(alices_idea)))
    assert response.status_code == 401
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()


def test_acknowledging_an_alert_that_is_not_there_is_404(api_as, mo):
    assert api_as(mo).post("/api/v1/moderation/alerts/999/acknowledge/").status_code == 404


def test_bob_cannot_list_alerts(api_as, bob):
    assert api_as(bob).get("/api/v1/moderation/alerts/").status_code == 403


def test_a_visitor_cannot_list_alerts(api):
    assert api.get("/api/v1/moderation/alerts/").status_code == 401


def test_alerts_are_listed_newest_hour_first(api_as, mo, alices_idea):
    older, site, newer = raised(alices_idea), raised(hours_later=1), raised(alices_idea, hours_later=2)
    results = api_as(mo).get("/api/v1/moderation/alerts/").json()["results"]
    assert [row["id"] for row in results] == [newer.pk, site.pk, older.pk]
    assert (results[1]["scope"], results[1]["idea"]) == ("site", None)


def test_the_list_filters_by_acknowledged(api_as, mo, alices_idea):
    seen, fresh = raised(alices_idea), raised(alices_idea, hours_later=1)
    alert_acknowledge(actor=mo, alert=seen)
    client = api_as(mo)
    assert [row["id"] for row in client.get("/api/v1/moderation/alerts/?acknowledged=0").json()["results"]] == [
        fresh.pk
    ]
    assert [row["id"] for row in client.get("/api/v1/moderation/alerts/?acknowledged=1").json()["results"]] == [seen.pk]


def test_the_list_pages_by_cursor(api_as, mo, alices_idea):
    made = [raised(alices_idea, hours_later=n) for n in range(5)]
    client = api_as(mo)
    first = client.get("/api/v1/moderation/alerts/?page_size=3").json()
    second = client.get(first["next"]).json()
    assert [row["id"] for row in first["results"] + second["results"]] == [alert.pk for alert in reversed(made)]
    assert second["next"] is None


def test_a_bad_acknowledged_filter_is_400(api_as, mo):
    response = api_as(mo).get("/api/v1/moderation/alerts/?acknowledged=maybe")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["acknowledged"])


def test_a_forged_cursor_is_400(api_as, mo):
    assert api_as(mo).get("/api/v1/moderation/alerts/?cursor=bm9wZQ").status_code == 400


@pytest.mark.parametrize("count", [2, 30])
def test_the_list_takes_the_same_queries_however_many_alerts(api_as, mo, ada, drinks, count, django_assert_num_queries):
    for n, idea in enumerate(IdeaFactory.create_batch(count, category=drinks)):
        alert = raised(idea, hours_later=n)
        if n % 2:
            alert_acknowledge(actor=mo, alert=alert)
    client = api_as(mo)
    with django_assert_num_queries(1):  # the page of alerts with their ideas and acknowledgers, in one join
        response = client.get("/api/v1/moderation/alerts/")
    assert len(response.json()["results"]) == count
