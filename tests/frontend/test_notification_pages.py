"""The notification pages: the bell, the list by day, opening and marking read, the settings page;
their permissions and query counts."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Delivery, Kind, Notification
from notifications.selectors import settings_of
from notifications.services import notify, settings_update
from tests.factories import UserFactory
from tests.notifications.notices import comment_notice


def tell(member, idea, n=1, kind=Kind.COMMENT_ON_MY_IDEA, actor=None):
    notify(event=f"comment.created:{n}", notices=[comment_notice(member, idea, kind, n, actor)])
    return Notification.objects.filter(recipient=member).latest("id")


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def test_the_bell_says_how_many_are_unread(as_alice, alice, alices_idea):
    tell(alice, alices_idea, 1)
    tell(alice, alices_idea, 2)
    page = as_alice.get("/").content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    assert '<span class="bell-count" id="bell-count" aria-hidden="true">2</span>' in page


def test_the_bells_badge_is_hidden_at_zero(as_alice):
    page = as_alice.get("/").content.decode()
    assert 'aria-label="Notifications"' in page and 'id="bell-count" aria-hidden="true" hidden>0<' in page


def test_visitors_have_no_bell_and_watch_no_member(client, alices_idea):
    page = client.get("/").content.decode()
    assert 'id="bell"' not in page and "user:" not in page


def test_every_page_of_a_member_watches_their_own_topic_beside_the_pages(as_alice, alice, alices_idea):
    assert (
        f'data-live-topics="idea:{alices_idea.pk} user:{alice.pk}"'
        in as_alice.get(f"/ideas/{alices_idea.pk}/").content.decode()
    )
    assert f'data-live-topics="user:{alice.pk}"' in as_alice.get("/account/").content.decode()


def test_the_list_groups_by_day_in_the_members_time_zone(as_alice, alice, alices_idea):
    settings_update(actor=alice, time_zone="Pacific/Auckland")
    now = datetime.now(UTC)
    for n, age in enumerate([timedelta(0), timedelta(days=1), timedelta(days=3)], start=1):
        Notification.objects.filter(pk=tell(alice, alices_idea, n).pk).update(updated_at=now - age)
    days = as_alice.get("/notifications/").context["days"]
    assert [day["label"] for day in days][:2] == ["Today", "Yesterday"]
    assert len(days) == 3


def test_unread_ones_are_marked_in_words(as_alice, alice, bob, alices_idea):
    tell(alice, alices_idea, actor=bob)
    page = as_alice.get("/notifications/").content.decode()
    assert "Unread</span> Bob commented on your idea" in page
    assert "“Yes please”" in page


def test_opening_one_marks_it_read_and_goes_to_the_comment(as_alice, alice, alices_idea):
    notification = tell(alice, alices_idea)
    response = as_alice.get(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/ideas/{alices_idea.pk}/#comment-1"
    notification.refresh_from_db()
    assert notification.is_read


def test_bob_cannot_open_alices_notification(client, bob, alice, alices_idea):
    notification = tell(alice, alices_idea)
    client.force_login(bob)
    assert client.get(f"/notifications/{notification.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert client.get(f"/notifications/{notification.pk}/item/").status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_mark_one_read_without_javascript(as_alice, alice, alices_idea):
    notification = tell(alice, alices_idea)
    response = as_alice.post(f"/notifications/{notification.pk}/read/", {"next": "/notifications/"})
    assert response["Location"] == f"/notifications/#notification-{notification.pk}"
    notification.refresh_from_db()
    assert notification.is_read


def test_mark_all_read_without_javascript(as_alice, alice, alices_idea):
    tell(alice, alices_idea, 1)
    tell(alice, alices_idea, 2)
    as_alice.post("/notifications/read/")
    assert not Notification.objects.unread().exists()


def test_mark_read_goes_back_only_to_the_notifications_pages(as_alice, alice, alices_idea):
    for elsewhere in ["https://evil.example/notifications/", "//evil.example/", "/ideas/", "/notifications/1/item/"]:
        assert as_alice.post("/notifications/read/", {"next": elsewhere})["Location"] == "/notifications/"


@pytest.mark.parametrize("path", ["/notifications/", "/account/notifications/", "/notifications/1/open/"])
def test_visitors_are_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_older_notifications_are_on_the_next_page(as_alice, alice, alices_idea):
    for n in range(35):
        tell(alice, alices_idea, n)
    first = as_alice.get("/notifications/")
    cursor = first.context["next_cursor"]
    assert "Older notifications" in first.content.decode()
    second = as_alice.get("/notifications/", {"cursor": cursor})
    assert sum(len(day["items"]) for day in second.context["days"]) == 5


def test_a_forged_cursor_is_named_and_the_first_page_shown(as_alice, alice, alices_idea):
    tell(alice, alices_idea)
    response = as_alice.get("/notifications/", {"cursor": "forged"})
    assert response.status_code == 400
    assert "This link to a later page is not valid" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_page_costs_a_fixed_number_of_queries(as_alice, alice, alices_idea, rows, django_assert_num_queries):
    actors = UserFactory.create_batch(3)
    for n in range(rows):
        tell(alice, alices_idea, n, actor=actors[n % 3])
    # session, member, their time zone, the notifications with actors and ideas, the bell, their roles (the nav)
    with django_assert_num_queries(6):
        assert as_alice.get("/notifications/").status_code == 200


def test_the_item_fragment_renders_one_notification(as_alice, alice, alices_idea, django_assert_num_queries):
    notification = tell(alice, alices_idea)
    with django_assert_num_queries(4):  # session, member, the notification, their time zone
        page = as_alice.get(f"/notifications/{notification.pk}/item/").content.decode()
    assert page.startswith(f'<li class="notification is-unread" id="notification-{notification.pk}">')


def test_the_item_fragments_mark_read_form_returns_to_the_list(as_alice, alice, alices_idea):
    notification = tell(alice, alices_idea)
    page = as_alice.get(f"/notifications/{notification.pk}/item/").content.decode()
    assert '<input type="hidden" name="next" value="/notifications/">' in page


def test_mark_read_keeps_the_page_the_member_was_on(as_alice, alice, alices_idea):
    notification = tell(alice, alices_idea)
    response = as_alice.post(f"/notifications/{notification.pk}/read/", {"next": "/notifications/?cursor=abc"})
    assert response["Location"] == f"/notifications/?cursor=abc#notification-{notification.pk}"


def test_the_settings_page_shows_each_kind_as_a_group_of_choices(as_alice, django_assert_num_queries):
    with django_assert_num_queries(5):  # session, member, their settings, the bell, their roles (the nav)
        page = as_alice.get("/account/notifications/").content.decode()
    assert "<legend>Mentions of me</legend>" in page
    assert 'value="weekly"' in page and "Europe/Copenhagen" in page


def test_the_settings_page_saves_through_the_service(as_alice, alice):
    data = {kind.value: Delivery.DAILY for kind in Kind} | {"time_zone": "Asia/Tokyo"}
    response = as_alice.post("/account/notifications/", data)
    assert response.status_code == 302
    chosen = settings_of(member=alice)
    assert (chosen.delivery_of(Kind.MENTION), chosen.time_zone) == (Delivery.DAILY, "Asia/Tokyo")


@pytest.mark.parametrize("bad", [{Kind.MENTION.value: "hourly"}, {"time_zone": "Mars/Olympus"}, {Kind.REPLY.value: ""}])
def test_bad_settings_are_form_errors_and_nothing_is_saved(as_alice, alice, bad):
    data = {kind.value: Delivery.DAILY for kind in Kind} | {"time_zone": ""} | bad
    response = as_alice.post("/account/notifications/", data)
    assert response.status_code == 400
    assert settings_of(member=alice).pk is None


def test_the_account_and_notifications_pages_link_to_the_settings(as_alice):
    assert 'href="/account/notifications/"' in as_alice.get("/account/").content.decode()
    assert 'href="/account/notifications/"' in as_alice.get("/notifications/").content.decode()
