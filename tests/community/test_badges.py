"""Badges: each rule earned exactly at its threshold, awarded once (run twice or at once), told once; the
month's top contributors; earn() enqueues one check per member per transaction."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.services import member_ban, member_suspend
from community.badges import (
    BADGES,
    award_later,
    badges_award_all,
    badges_award_now,
    monthly_badges,
    top_contributors,
    top_contributors_award,
)
from community.models import Award, Channel, LedgerEntry, Reason, Share, Visit, local_midnight
from community.points import earn
from community.tasks import badges_award
from discussion.services import comment_delete, comment_mark_official, comment_post
from ideas.models import Status
from ideas.services import idea_delete, idea_submit
from moderation.models import ActionKind
from notifications.models import Delivery, EmailStatus, Kind, Notification
from tests.community.helpers import ledger_line
from tests.factories import IdeaFactory, UserFactory
from tests.moderation.helpers import decide, flag, hide_by_members
from voting.services import vote_cast

pytestmark = pytest.mark.django_db

THRESHOLDS = {"hundred_upvotes": 3, "helpful_flagger": 2, "great_sharer": 2, "conversation_starter": 3, "supporter": 3}
OCTOBER = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.BADGE_THRESHOLDS = THRESHOLDS


def held(member) -> set[str]:
    return set(Award.objects.filter(member=member).values_list("badge", flat=True))


def awarded_now(member) -> list[str]:
    return [award.badge for award in badges_award_now(member_id=member.pk)]


def upvotes(idea, n: int) -> None:
    for _ in range(n):
        vote_cast(actor=UserFactory(), idea_id=idea.pk, value=1)


def joined_visits(sharer, n: int, *, channel=Channel.LINK) -> None:
    """`n` new members who came through the sharer's link and signed up."""
    share = Share.objects.create(idea=IdeaFactory(), sharer=sharer, channel=channel)
    for number in range(n):
        Visit.objects.create(
            share=share, day=date(2026, 11, 2), visitor=f"v{number}", member=UserFactory(), joined_at=timezone.now()
        )


def line(member, points: int, at: datetime) -> LedgerEntry:
    return ledger_line(member, points, at=at, reason=Reason.IDEA_SUBMITTED)


def in_october(day: int = 15) -> datetime:
    return datetime(2026, 10, day, 12, tzinfo=UTC)


def top_contributor_awards() -> list[tuple[int, str]]:
    return list(Award.objects.filter(badge="top_contributor").values_list("member_id", "period"))


# The rules, each at its threshold and not before.


def test_a_member_without_ideas_has_no_first_idea_badge(alice):
    assert awarded_now(alice) == []


def test_a_first_idea_earns_the_first_idea_badge(alice, drinks):
    idea_submit(actor=alice, title="Oat milk for everyone", body="Please.", category=drinks)
    assert awarded_now(alice) == ["first_idea"]


def test_a_deleted_idea_earns_no_first_idea_badge(alice, alices_idea):
    idea_delete(idea=alices_idea, actor=alice)
    assert "first_idea" not in awarded_now(alice)


def test_an_idea_hidden_by_a_moderator_earns_no_first_idea_badge(alice, mo, alices_idea):
    decide(mo, hide_by_members(alices_idea), ActionKind.HIDE)
    assert "first_idea" not in awarded_now(alice)


def test_a_first_comment_earns_the_first_comment_badge(alice, bob, alices_idea):
    assert "first_comment" not in awarded_now(bob)
    comment_post(actor=bob, idea=alices_idea, body="Yes please.")
    assert awarded_now(bob) == ["first_comment"]


def test_a_deleted_comment_earns_no_first_comment_badge(bob, alices_idea):
    said = comment_post(actor=bob, idea=alices_idea, body="Yes please.")
    comment_delete(actor=bob, comment=said)
    assert awarded_now(bob) == []


def test_an_idea_coming_soon_is_not_yet_launched(alice, drinks):
    IdeaFactory(author=alice, category=drinks, status=Status.COMING_SOON)
    assert "first_launch" not in awarded_now(alice)


def test_a_launched_idea_earns_the_launched_badge(alice, drinks):
    IdeaFactory(author=alice, category=drinks, status=Status.LAUNCHED)
    assert "first_launch" in awarded_now(alice)


def test_upvotes_received_earn_the_crowd_favourite_badge_at_the_threshold(alice, alices_idea):
    upvotes(alices_idea, 2)
    assert "hundred_upvotes" not in awarded_now(alice)
    upvotes(alices_idea, 1)
    assert "hundred_upvotes" in awarded_now(alice)


def test_downvotes_count_for_no_crowd_favourite_badge(alice, alices_idea):
    upvotes(alices_idea, 2)
    vote_cast(actor=UserFactory(), idea_id=alices_idea.pk, value=-1)
    assert "hundred_upvotes" not in awarded_now(alice)


def test_upvotes_on_a_deleted_idea_count_for_no_crowd_favourite_badge(alice, alices_idea):
    upvotes(alices_idea, 3)
    idea_delete(idea=alices_idea, actor=alice)
    assert "hundred_upvotes" not in awarded_now(alice)


def test_an_official_response_earns_the_heard_badge(alice, pat, alices_idea):
    assert "well_answered" not in awarded_now(alice)
    comment_mark_official(actor=pat, comment=comment_post(actor=pat, idea=alices_idea, body="Planned."))
    assert "well_answered" in awarded_now(alice)


def test_upheld_flags_earn_the_helpful_flagger_badge_at_the_threshold(alice, bob, mo):
    decide(mo, flag(bob, IdeaFactory(author=alice)).case, ActionKind.HIDE)
    assert awarded_now(bob) == []
    decide(mo, flag(bob, IdeaFactory(author=alice)).case, ActionKind.HIDE)
    assert awarded_now(bob) == ["helpful_flagger"]


def test_dismissed_flags_earn_no_helpful_flagger_badge(alice, bob, mo):
    for _ in range(2):
        decide(mo, flag(bob, IdeaFactory(author=alice)).case, ActionKind.DISMISS)
    assert awarded_now(bob) == []


def test_new_members_brought_by_shares_earn_the_great_sharer_badge_at_the_threshold(bob):
    joined_visits(bob, 1)
    assert awarded_now(bob) == []
    joined_visits(bob, 1, channel=Channel.X)
    assert awarded_now(bob) == ["great_sharer"]


def test_visits_without_a_sign_up_earn_no_great_sharer_badge(bob):
    share = Share.objects.create(idea=IdeaFactory(), sharer=bob, channel=Channel.LINK)
    for number in range(3):
        Visit.objects.create(share=share, day=date(2026, 11, 2), visitor=f"v{number}")
    assert awarded_now(bob) == []


def test_comments_from_others_earn_the_conversation_starter_badge_at_the_threshold(alice, alices_idea):
    for _ in range(2):
        comment_post(actor=UserFactory(), idea=alices_idea, body="Agreed.")
    comment_post(actor=alice, idea=alices_idea, body="Thanks!")
    assert "conversation_starter" not in awarded_now(alice)
    comment_post(actor=UserFactory(), idea=alices_idea, body="Me too.")
    assert "conversation_starter" in awarded_now(alice)


def test_comments_spread_over_ideas_earn_no_conversation_starter_badge(alice, drinks):
    for _ in range(3):
        comment_post(actor=UserFactory(), idea=IdeaFactory(author=alice, category=drinks), body="Agreed.")
    assert "conversation_starter" not in awarded_now(alice)


def test_votes_on_ideas_earn_the_supporter_badge_at_the_threshold(bob, drinks):
    for _ in range(2):
        vote_cast(actor=bob, idea_id=IdeaFactory(category=drinks).pk, value=1)
    assert awarded_now(bob) == []
    vote_cast(actor=bob, idea_id=IdeaFactory(category=drinks).pk, value=-1)
    assert awarded_now(bob) == ["supporter"]


def test_a_badges_description_names_the_threshold_in_force(settings):
    settings.BADGE_THRESHOLDS = {**THRESHOLDS, "supporter": 40}
    assert BADGES["supporter"].description == "Voted on 40 ideas."


# Awarded once, told once.


def test_the_task_run_twice_awards_a_badge_once(alice, alices_idea):
    assert badges_award.call(member_id=alice.pk) == ["first_idea"]
    assert badges_award.call(member_id=alice.pk) == []
    assert Award.objects.filter(member=alice, badge="first_idea").count() == 1


def test_a_badge_is_told_once_in_the_app_with_its_name_and_the_profile_link(alice, alices_idea):
    badges_award.call(member_id=alice.pk)
    badges_award.call(member_id=alice.pk)
    told = Notification.objects.get(recipient=alice)
    assert (told.kind, told.headline, told.link) == (
        Kind.BADGE,
        "You earned the badge “First idea”",
        f"/members/{alice.pk}/#badges",
    )


def test_a_badge_is_not_e_mailed_unless_the_member_chose_it(alice, alices_idea):
    badges_award.call(member_id=alice.pk)
    told = Notification.objects.get(recipient=alice)
    assert (told.delivery, told.email_status) == (Delivery.NEVER, EmailStatus.NONE)


def test_a_badge_held_is_not_checked_again(alice, alices_idea, django_assert_num_queries):
    badges_award_now(member_id=alice.pk)
    others = [badge for badge in BADGES.values() if badge.rule and badge.slug != "first_idea"]
    with django_assert_num_queries(1 + len(others)):  # the badges held, then one query per rule not yet met
        assert badges_award_now(member_id=alice.pk) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite writes one transaction after another anyway")
def test_two_tasks_at_once_award_the_badge_once_and_tell_it_once(alice, drinks):
    IdeaFactory(author=alice, category=drinks)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait(10)
            results.append(badges_award.call(member_id=alice.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [[], ["first_idea"]]
    assert Award.objects.filter(member=alice).count() == Notification.objects.filter(recipient=alice).count() == 1


# Checked after commit, once per member per transaction.


def queued() -> list[int]:
    rows = DBTaskResult.objects.filter(task_path="community.tasks.badges_award").order_by("pk")
    return [row.args_kwargs["kwargs"]["member_id"] for row in rows]


def test_earn_enqueues_one_check_per_member_per_transaction(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for number in range(5):
            earn(alice.pk, Reason.IDEA_SUBMITTED, target=f"idea:{number}")
            earn(bob.pk, Reason.COMMENT_POSTED, target=f"comment:{number}")
    assert sorted(queued()) == sorted([alice.pk, bob.pk])


def test_lines_written_in_savepoints_enqueue_one_check_per_member(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        earn(bob.pk, Reason.COMMENT_POSTED, target="comment:0")
        for number in range(5):
            with transaction.atomic():
                earn(alice.pk, Reason.IDEA_SUBMITTED, target=f"idea:{number}")
                earn(bob.pk, Reason.COMMENT_POSTED, target=f"comment:{number}")
    assert sorted(queued()) == sorted([alice.pk, bob.pk])


def test_each_commit_checks_the_member_again(alice, django_capture_on_commit_callbacks):
    for number in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            earn(alice.pk, Reason.IDEA_SUBMITTED, target=f"idea:{number}")
    assert queued() == [alice.pk, alice.pk]


def test_a_savepoint_rolled_back_keeps_the_members_of_the_transaction_around_it(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                award_later(alice.pk)
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
        earn(alice.pk, Reason.IDEA_SUBMITTED, target="idea:1")
    assert queued() == [alice.pk]


def test_nothing_is_enqueued_before_the_commit(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        earn(alice.pk, Reason.IDEA_SUBMITTED, target="idea:1")
    assert queued() == [] and len(callbacks) == 1


def test_a_rolled_back_savepoint_enqueues_nothing_for_its_members(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        earn(alice.pk, Reason.IDEA_SUBMITTED, target="idea:1")
        try:
            with transaction.atomic():
                award_later(bob.pk)
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
    assert queued() == [alice.pk]


def test_a_vote_has_the_voters_badges_checked(alice, bob, alices_idea, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        vote_cast(actor=bob, idea_id=alices_idea.pk, value=-1)
    assert queued() == [bob.pk]


def test_a_comment_has_the_ideas_author_checked_too(alice, bob, alices_idea, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comment_post(actor=bob, idea=alices_idea, body="Agreed.")
    assert sorted(queued()) == sorted([alice.pk, bob.pk])


# The month's top contributors.


def test_the_member_with_the_most_points_of_the_month_is_its_top_contributor(alice, bob):
    line(alice, 30, in_october(3))
    line(bob, 20, in_october(30))
    awards = top_contributors_award(month=OCTOBER)
    assert [(a.member, a.badge, a.period) for a in awards] == [(alice, "top_contributor", "2026-10")]
    assert awards[0].earned_at == local_midnight(date(2026, 11, 1))  # the month ends in the site's time zone


def test_points_of_other_months_do_not_count(alice, bob):
    line(alice, 30, in_october())
    line(bob, 100, local_midnight(date(2026, 10, 1)) - timedelta(minutes=1))
    line(bob, 100, local_midnight(date(2026, 11, 1)))
    assert top_contributors(month=OCTOBER) == [alice.pk]


def test_reversals_count_against_the_months_points(alice, bob):
    line(alice, 30, in_october())
    line(alice, -20, in_october(20))
    line(bob, 20, in_october())
    assert top_contributors(month=OCTOBER) == [bob.pk]


def test_a_tie_makes_every_tied_member_a_top_contributor(alice, bob):
    line(alice, 30, in_october())
    line(bob, 30, in_october(2))
    line(UserFactory(), 10, in_october())
    assert top_contributors(month=OCTOBER) == sorted([alice.pk, bob.pk])


def test_staff_are_never_top_contributors(alice, pat, mo, ada):
    for member in (pat, mo, ada):
        line(member, 500, in_october())
    line(alice, 10, in_october())
    assert top_contributors(month=OCTOBER) == [alice.pk]


def test_suspended_and_banned_members_are_never_top_contributors(alice, bob):
    carol = UserFactory()
    line(bob, 500, in_october())
    line(carol, 400, in_october())
    line(alice, 10, in_october())
    member_suspend(member=bob, days=3, reason="Spam.")
    member_ban(member=carol, reason="Spam again.")
    assert top_contributors(month=OCTOBER) == [alice.pk]


def test_nobody_is_top_contributor_of_a_month_without_points(alice):
    line(alice, -10, in_october())
    assert top_contributors_award(month=OCTOBER) == []
    assert top_contributor_awards() == []


def test_the_daily_job_awards_the_month_before_once(alice, bob):
    line(alice, 30, in_october())
    monthly_badges(due=datetime(2026, 11, 1, tzinfo=UTC))
    line(bob, 100, in_october(31))  # written late (a test's fixed data): the month is settled already
    monthly_badges(due=datetime(2026, 11, 2, tzinfo=UTC))
    assert top_contributor_awards() == [(alice.pk, "2026-10")]
    assert Notification.objects.filter(recipient=alice, kind=Kind.BADGE).count() == 1


def test_the_daily_job_in_january_awards_december(alice):
    line(alice, 30, local_midnight(date(2027, 1, 1)) - timedelta(hours=1))
    monthly_badges(due=datetime(2027, 1, 1, tzinfo=UTC))
    assert top_contributor_awards() == [(alice.pk, "2026-12")]


def test_a_monthly_badge_is_told_with_its_month(alice):
    line(alice, 30, in_october())
    top_contributors_award(month=OCTOBER)
    assert Notification.objects.get(recipient=alice).headline == "You earned the badge “Top contributor, October 2026”"


def test_the_job_is_kept_daily_by_the_schedule():
    from core.schedule import _jobs

    assert _jobs["community.monthly_badges"].every == timedelta(days=1)


# Everyone at once: manage.py badges_award.


def test_the_command_awards_everyones_badges_and_past_months(alice, bob, alices_idea):
    line(bob, 30, in_october())
    call_command("badges_award", "--all")
    assert held(alice) == {"first_idea"}
    assert top_contributor_awards() == [(bob.pk, "2026-10")]


def test_everyone_awarded_again_awards_nothing_more(alice, alices_idea):
    badges_award_all()
    assert badges_award_all() == []


def test_the_command_awards_one_member_named(alice, bob, alices_idea, drinks):
    IdeaFactory(author=bob, category=drinks)
    call_command("badges_award", "--member", str(alice.pk))
    assert (held(alice), held(bob)) == ({"first_idea"}, set())


def test_the_command_needs_all_or_a_member(db):
    with pytest.raises(CommandError):
        call_command("badges_award")
