"""The notifications API: the list (paged, ?unread=), marking read, the e-mail settings; who may."""

import pytest

from notifications.models import Delivery, Kind, Notification
from notifications.selectors import settings_of
from notifications.services import notify
from tests.factories import UserFactory
from tests.notifications.notices import comment_notice


def tell(member, idea, n=1, actor=None):
    notify(event=f"comment.created:{n}", notices=[comment_notice(member, idea, comment_id=n, actor=actor)])
    return Notification.objects.filter(recipient=member).latest("id")


def test_alice_lists_her_notifications(api_as, alice, bob, alices_idea):
    notification = tell(alice, alices_idea, actor=bob)
    [item] = api_as(alice).get("/api/v1/notifications/").json()["results"]
    assert item["id"] == notification.pk and item["kind"] == "comment_on_my_idea"
    assert item["headline"] == "Bob commented on your idea “Oat milk at no extra charge”"
    assert item["link"] == f"http://testserver/ideas/{alices_idea.pk}/#comment-1"
    assert (item["idea"], item["actor"], item["read"], item["count"]) == (
        alices_idea.pk,
        {"id": bob.pk, "name": "Bob"},
        False,
        1,
    )


def test_bob_sees_none_of_alices_notifications(api_as, alice, bob, alices_idea):
    tell(alice, alices_idea)
    assert api_as(bob).get("/api/v1/notifications/").json()["results"] == []


def test_the_list_filters_unread(api_as, alice, alices_idea):
    tell(alice, alices_idea, 1)
    read = tell(alice, alices_idea, 2)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    results = api_as(alice).get("/api/v1/notifications/?unread=true").json()["results"]
    assert [item["id"] for item in results] == [Notification.objects.unread().get().pk]


def test_the_list_pages_by_cursor(api_as, alice, alices_idea):
    for n in range(5):
        tell(alice, alices_idea, n)
    client = api_as(alice)
    first = client.get("/api/v1/notifications/?page_size=3").json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 3 and len(second["results"]) == 2 and second["next"] is None


@pytest.mark.parametrize("query", ["unread=maybe", "cursor=forged", "page_size=0", "page_size=101"])
def test_bad_list_parameters_are_400(api_as, alice, query):
    assert api_as(alice).get(f"/api/v1/notifications/?{query}").status_code == 400


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_a_fixed_number_of_queries(api_as, alice, alices_idea, rows, django_assert_num_queries):
    actors = UserFactory.create_batch(3)
    for n in range(rows):
        tell(alice, alices_idea, n, actor=actors[n % 3])
    client = api_as(alice)
    with django_assert_num_queries(1):  # the notifications with their actors and ideas
        assert client.get("/api/v1/notifications/?page_size=30").status_code == 200


def test_marking_some_read_answers_the_unread_count(api_as, alice, alices_idea):
    first = tell(alice, alices_idea, 1)
    tell(alice, alices_idea, 2)
    response = api_as(alice).post("/api/v1/notifications/read/", {"ids": [first.pk]})
    assert response.json() == {"unread": 1}


def test_marking_all_read(api_as, alice, alices_idea):
    tell(alice, alices_idea, 1)
    tell(alice, alices_idea, 2)
    assert api_as(alice).post("/api/v1/notifications/read/", {"all": True}).json() == {"unread": 0}


def test_bob_cannot_mark_alices_notification_read_and_nothing_is_marked(api_as, alice, bob, alices_idea):
    alices = tell(alice, alices_idea, 1)
    bobs = tell(bob, alices_idea, 2)
    response = api_as(bob).post("/api/v1/notifications/read/", {"ids": [bobs.pk, alices.pk]})
    assert response.status_code == 400 and response.json()["fields"]["ids"]
    assert Notification.objects.unread().count() == 2


@pytest.mark.parametrize(
    "body", [{}, {"ids": []}, {"ids": [1], "all": True}, {"ids": ["x"]}, {"all": False}, {"ids": [2**63]}]
)
def test_a_read_request_names_ids_or_all(api_as, alice, body):
    assert api_as(alice).post("/api/v1/notifications/read/", body).status_code == 400


def test_settings_are_read_with_their_defaults(api_as, alice):
    assert api_as(alice).get("/api/v1/me/notification-settings/").json() == {
        "email": {
            "comment_on_my_idea": "immediately",
            "reply": "immediately",
            "mention": "immediately",
            "followed_idea": "daily",
            "official_response": "immediately",
            "status_change": "immediately",
            "badge": "never",
        },
        "time_zone": "",
    }


def test_put_changes_the_kinds_sent_and_the_time_zone(api_as, alice):
    response = api_as(alice).put(
        "/api/v1/me/notification-settings/", {"email": {"mention": "weekly"}, "time_zone": "Asia/Tokyo"}
    )
    assert response.status_code == 200
    assert response.json()["email"]["mention"] == "weekly" and response.json()["email"]["reply"] == "immediately"
    chosen = settings_of(member=alice)
    assert (chosen.delivery_of(Kind.MENTION), chosen.time_zone) == (Delivery.WEEKLY, "Asia/Tokyo")


@pytest.mark.parametrize(
    "body",
    [
        {"email": {"weather": "daily"}},
        {"email": {"mention": "hourly"}},
        {"time_zone": "Mars/Olympus"},
        {"email": "daily"},
        {"email": {"mention": ["daily"]}},
    ],
)
def test_bad_settings_are_400_with_nothing_saved(api_as, alice, body):
    assert api_as(alice).put("/api/v1/me/notification-settings/", body, format="json").status_code == 400
    assert settings_of(member=alice).pk is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications/"),
        ("post", "/api/v1/notifications/read/"),
        ("get", "/api/v1/me/notification-settings/"),
        ("put", "/api/v1/me/notification-settings/"),
    ],
)
def test_visitors_get_401(api, db, method, path):
    assert getattr(api, method)(path, {}, format="json").status_code == 401
