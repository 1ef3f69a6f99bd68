"""The badges on a member's profile (name, what it is for, when earned, the month of a monthly one) and a
badge's notification on the notification pages; the profile's query count with more badges."""

from datetime import UTC, datetime

import pytest

from community.models import Award
from notifications.models import Kind
from notifications.services import Notice, notify

pytestmark = pytest.mark.django_db


def badges_section(client, member) -> str:
    page = client.get(f"/members/{member.pk}/").content.decode()
    start = page.index('id="badges"')
    return page[start : page.index("</section>", start)]


def test_the_profile_shows_a_badge_with_what_it_is_for_and_the_day_earned(client, alice):
    Award.objects.create(member=alice, badge="first_idea", earned_at=datetime(2026, 11, 3, 12, tzinfo=UTC))
    section = badges_section(client, alice)
    assert "First idea" in section and "Proposed a first idea." in section
    assert "Earned on Nov. 3, 2026" in section


def test_a_monthly_badge_shows_its_month(client, alice):
    Award.objects.create(
        member=alice, badge="top_contributor", period="2026-10", earned_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    assert "Top contributor · October 2026" in badges_section(client, alice)


def test_a_member_without_badges_has_none_shown(client, alice, bob):
    Award.objects.create(member=bob, badge="first_idea")
    assert "No badges yet." in badges_section(client, alice)


def test_a_badge_no_longer_in_the_catalogue_is_left_out(client, alice):
    Award.objects.create(member=alice, badge="retired_badge")
    assert "No badges yet." in badges_section(client, alice)


def test_the_profile_reads_its_badges_in_one_query_however_many(client, alice, django_assert_num_queries):
    Award.objects.create(member=alice, badge="first_idea")
    with django_assert_num_queries(4):  # the member, their roles, their ideas, their badges
        client.get(f"/members/{alice.pk}/")
    for slug in ["first_comment", "first_launch", "supporter", "well_answered"]:
        Award.objects.create(member=alice, badge=slug)
    Award.objects.create(member=alice, badge="top_contributor", period="2026-10")
    with django_assert_num_queries(4):
        assert badges_section(client, alice).count('class="badge-item') == 6


def told(member) -> None:
    notify(
        event="badge:1",
        notices=[
            Notice(
                recipient_id=member.pk,
                kind=Kind.BADGE,
                subject="badge:1",
                link=f"/members/{member.pk}/#badges",
                excerpt="First idea",
            )
        ],
    )


def test_a_badge_notification_names_the_badge_once_in_the_list(client, alice):
    told(alice)
    client.force_login(alice)
    page = client.get("/notifications/").content.decode()
    assert "You earned the badge “First idea”" in page
    assert "notification-excerpt" not in page  # the name is in the headline, not quoted again below it


def test_opening_a_badge_notification_goes_to_the_profiles_badges(client, alice):
    told(alice)
    client.force_login(alice)
    notification = alice.notifications.get()
    assert client.get(f"/notifications/{notification.pk}/open/")["Location"] == f"/members/{alice.pk}/#badges"


def test_the_settings_page_offers_the_badges_e_mail_choice(client, alice):
    client.force_login(alice)
    page = client.get("/account/notifications/").content.decode()
    assert "Badges I earn" in page and 'name="badge"' in page
