"""The fan-out of comments, run as the worker runs it: one notice per member, the most specific kind."""

from django_tasks_db.models import DBTaskResult

from discussion.services import comment_delete, comment_edit, comment_mark_official
from discussion.tasks import comment_notify, mentions_notify, official_notify
from ideas.services import idea_follow, idea_unfollow
from notifications.models import EmailStatus, Kind, Notification
from tests.factories import UserFactory, comment


def run_queued_mentions() -> None:
    """The mention tasks the edits enqueued, as the worker runs them, in the order they were enqueued."""
    for row in DBTaskResult.objects.filter(task_path="discussion.tasks.mentions_notify").order_by("enqueued_at"):
        mentions_notify.call(**row.args_kwargs["kwargs"])


def received(comment_):
    """Who got what about this comment."""
    return dict(Notification.objects.filter(subject=f"comment:{comment_.pk}").values_list("recipient_id", "kind"))


def test_a_comment_tells_the_idea_author(alice, bob, alices_idea):
    posted = comment(bob, alices_idea, "Yes **please**")
    comment_notify.call(comment_id=posted.pk)
    [notice] = Notification.objects.all()
    assert (notice.recipient, notice.kind, notice.actor, notice.idea) == (
        alice,
        Kind.COMMENT_ON_MY_IDEA,
        bob,
        alices_idea,
    )
    assert (notice.link, notice.excerpt) == (f"/ideas/{alices_idea.pk}/#comment-{posted.pk}", "Yes please")


def test_the_author_of_a_comment_is_never_told_of_it(alice, alices_idea):
    comment_notify.call(comment_id=comment(alice, alices_idea).pk)
    assert not Notification.objects.exists()


def test_a_reply_tells_the_author_answered_as_a_reply(alice, bob, mo, alices_idea):
    first = comment(bob, alices_idea, "First")
    reply = comment(mo, alices_idea, "Reply", parent=first)
    comment_notify.call(comment_id=reply.pk)
    assert received(reply) == {bob.pk: Kind.REPLY, alice.pk: Kind.COMMENT_ON_MY_IDEA}


def test_a_mention_wins_over_every_other_kind(alice, bob, mo, alices_idea):
    first = comment(alice, alices_idea, "First")
    reply = comment(bob, alices_idea, f"@[Alice](member:{alice.pk}) and @[Mo](member:{mo.pk})", parent=first)
    comment_notify.call(comment_id=reply.pk)
    assert received(reply) == {alice.pk: Kind.MENTION, mo.pk: Kind.MENTION}


def test_followers_hear_of_new_comments(alice, bob, mo, alices_idea):
    idea_follow(actor=mo, idea=alices_idea)
    posted = comment(bob, alices_idea)
    comment_notify.call(comment_id=posted.pk)
    assert received(posted) == {alice.pk: Kind.COMMENT_ON_MY_IDEA, mo.pk: Kind.FOLLOWED_IDEA}


def test_a_member_who_unfollowed_hears_nothing(alice, bob, mo, alices_idea):
    idea_unfollow(actor=alice, idea=alices_idea)
    idea_follow(actor=mo, idea=alices_idea)
    idea_unfollow(actor=mo, idea=alices_idea)
    posted = comment(bob, alices_idea)
    comment_notify.call(comment_id=posted.pk)
    assert received(posted) == {alice.pk: Kind.COMMENT_ON_MY_IDEA}


def test_a_mention_of_a_deleted_account_tells_nobody(alice, bob, alices_idea):
    gone = UserFactory(is_active=False)
    posted = comment(bob, alices_idea, f"@[Gone](member:{gone.pk})")
    comment_notify.call(comment_id=posted.pk)
    assert received(posted) == {alice.pk: Kind.COMMENT_ON_MY_IDEA}


def test_a_comment_deleted_before_the_worker_came_tells_nobody(bob, alices_idea):
    posted = comment(bob, alices_idea)
    comment_delete(actor=bob, comment=posted)
    comment_notify.call(comment_id=posted.pk)
    assert not Notification.objects.exists()


def test_a_retried_fan_out_writes_nothing_twice(alice, bob, mo, alices_idea):
    idea_follow(actor=mo, idea=alices_idea)
    posted = comment(bob, alices_idea)
    comment_notify.call(comment_id=posted.pk)
    comment_notify.call(comment_id=posted.pk)
    assert Notification.objects.count() == 2
    assert Notification.objects.get(recipient=mo).count == 1


def test_many_followers_are_told_in_a_fixed_number_of_queries(alice, bob, alices_idea, django_assert_max_num_queries):
    for member in UserFactory.create_batch(60):
        idea_follow(actor=member, idea=alices_idea)
    posted = comment(bob, alices_idea)
    with django_assert_max_num_queries(20):
        comment_notify.call(comment_id=posted.pk)
    assert Notification.objects.filter(kind=Kind.FOLLOWED_IDEA).count() == 60


def test_an_edit_tells_only_the_members_newly_mentioned(alice, bob, mo, alices_idea):
    posted = comment(alice, alices_idea, f"Hi @[Bob](member:{bob.pk})")
    comment_notify.call(comment_id=posted.pk)
    comment_edit(actor=alice, comment=posted, body=f"Hi @[Bob](member:{bob.pk}) and @[Mo](member:{mo.pk})")
    run_queued_mentions()
    assert received(posted) == {bob.pk: Kind.MENTION, mo.pk: Kind.MENTION}
    assert Notification.objects.filter(recipient=bob).count() == 1


def test_a_later_edits_mention_tells_again_but_a_retry_does_not(alice, bob, alices_idea):
    posted = comment(alice, alices_idea, "Hi")
    comment_edit(actor=alice, comment=posted, body=f"Hi @[Bob](member:{bob.pk})")
    run_queued_mentions()
    first_edit = posted.revisions.get().pk
    mentions_notify.call(comment_id=posted.pk, member_ids=[bob.pk], revision_id=first_edit)  # a retry
    assert Notification.objects.filter(recipient=bob).count() == 1
    comment_edit(actor=alice, comment=posted, body="Hi all")
    comment_edit(actor=alice, comment=posted, body=f"Hi again @[Bob](member:{bob.pk})")
    run_queued_mentions()
    assert Notification.objects.filter(recipient=bob).count() == 2


def test_two_quick_edits_tell_each_member_they_newly_mention(alice, bob, mo, alices_idea):
    posted = comment(alice, alices_idea, "Hi")
    comment_edit(actor=alice, comment=posted, body=f"Hi @[Mo](member:{mo.pk})")
    comment_edit(actor=alice, comment=posted, body=f"Hi @[Mo](member:{mo.pk}) and @[Bob](member:{bob.pk})")
    run_queued_mentions()  # both edits' tasks, after both edits
    assert received(posted) == {mo.pk: Kind.MENTION, bob.pk: Kind.MENTION}


def test_an_official_response_tells_the_followers_but_not_who_marked_it(alice, bob, mo, pat, alices_idea):
    for member in (alice, mo, pat):
        idea_follow(actor=member, idea=alices_idea)
    posted = comment(bob, alices_idea)
    comment_mark_official(actor=pat, comment=posted)
    official_notify.call(comment_id=posted.pk)
    official = Notification.objects.filter(kind=Kind.OFFICIAL_RESPONSE)
    assert set(official.values_list("recipient_id", flat=True)) == {alice.pk, bob.pk, mo.pk}
    assert set(official.values_list("actor_id", flat=True)) == {pat.pk}


def test_an_official_mark_taken_back_before_the_worker_came_tells_nobody(bob, pat, alices_idea):
    from discussion.services import comment_unmark_official

    posted = comment(bob, alices_idea)
    comment_mark_official(actor=pat, comment=posted)
    comment_unmark_official(actor=pat, idea=alices_idea)
    official_notify.call(comment_id=posted.pk)
    assert not Notification.objects.exists()


def test_a_mention_of_oneself_tells_nobody(alice, alices_idea):
    posted = comment(alice, alices_idea, f"Note to @[Alice](member:{alice.pk})")
    comment_notify.call(comment_id=posted.pk)
    assert not Notification.objects.exists()


def test_deleting_a_comment_takes_its_words_out_of_the_notifications(alice, bob, alices_idea):
    posted = comment(bob, alices_idea, "Words to forget")
    comment_notify.call(comment_id=posted.pk)
    comment_delete(actor=bob, comment=posted)
    assert list(Notification.objects.values_list("excerpt", flat=True)) == [""]


def test_an_edit_takes_the_earlier_words_out_of_the_notifications(alice, bob, alices_idea):
    posted = comment(bob, alices_idea, "My phone is 555-0199, call me")
    comment_notify.call(comment_id=posted.pk)
    comment_edit(actor=bob, comment=posted, body="Sorry, wrong idea")
    assert Notification.objects.get(recipient=alice).excerpt == "Sorry, wrong idea"


def test_a_member_an_edit_no_longer_mentions_gets_no_email_of_the_mention(alice, bob, alices_idea):
    posted = comment(alice, alices_idea, f"Ask @[Bob](member:{bob.pk})")
    comment_notify.call(comment_id=posted.pk)
    comment_edit(actor=alice, comment=posted, body="Ask someone else")
    assert Notification.objects.get(recipient=bob).email_status == EmailStatus.NONE
