"""Posting, editing, deleting and marking comments official through the services."""

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from core.errors import NotAllowed, NotSignedIn
from core.models import AuditEntry
from discussion.models import COMMENT_MAX, Comment, CommentRevision, Mention
from discussion.services import (
    COMMENT_TRENDING_WEIGHT,
    CommentDeleted,
    comment_delete,
    comment_edit,
    comment_mark_official,
    comment_post,
    comment_unmark_official,
)
from ideas import ranking
from ideas.models import Idea
from ideas.services import idea_delete
from tests.factories import IdeaFactory, comment


def counts(idea):
    idea.refresh_from_db()
    return idea.comment_count


def test_bob_comments_on_alices_idea_with_rendered_markdown(bob, alices_idea):
    posted = comment(bob, alices_idea, "  Yes, **please**.  ")
    assert (posted.body, posted.body_html) == ("Yes, **please**.", "<p>Yes, <strong>please</strong>.</p>")
    assert (posted.depth, posted.parent, posted.reply_to, posted.author) == (1, None, None, bob)
    assert counts(alices_idea) == 1


def test_a_comment_adds_to_trending_like_an_upvote(bob, alices_idea):
    posted = comment(bob, alices_idea)
    alices_idea.refresh_from_db()
    expected = ranking.trending_add(ranking.TRENDING_NONE, posted.created_at, COMMENT_TRENDING_WEIGHT)
    assert alices_idea.trending == pytest.approx(expected)


def test_a_deleted_comment_takes_its_count_and_trending_back(bob, alices_idea):
    first = comment(bob, alices_idea)
    alices_idea.refresh_from_db()
    with_one = alices_idea.trending
    second = comment(bob, alices_idea, "Another thought")
    comment_delete(actor=bob, comment=second)
    alices_idea.refresh_from_db()
    assert alices_idea.comment_count == 1
    assert alices_idea.trending == pytest.approx(with_one, abs=1e-6)
    comment_delete(actor=bob, comment=first)
    alices_idea.refresh_from_db()
    assert (alices_idea.comment_count, alices_idea.trending) == (0, ranking.TRENDING_NONE)


def test_replies_nest_to_three_levels_then_sit_beside_the_comment_answered(alice, bob, alices_idea):
    one = comment(bob, alices_idea, "Level one")
    two = comment(alice, alices_idea, "Level two", parent=one)
    three = comment(bob, alices_idea, "Level three", parent=two)
    four = comment(alice, alices_idea, "Answer to level three", parent=three)
    assert [c.depth for c in (one, two, three, four)] == [1, 2, 3, 3]
    assert (four.parent, four.reply_to) == (two, three)
    assert (three.parent, three.reply_to) == (two, two)


def test_a_visitor_cannot_comment(visitor, alices_idea):
    with pytest.raises(NotSignedIn):
        comment_post(actor=visitor, idea=alices_idea, body="Hello")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", ["", "   \n ", "\u200b\u200b", "x" * (COMMENT_MAX + 1)])
def test_an_empty_or_too_long_comment_is_refused(bob, alices_idea, body):
    with pytest.raises(ValidationError) as caught:
        comment_post(actor=bob, idea=alices_idea, body=body)
    assert "body" in caught.value.message_dict
    assert counts(alices_idea) == 0 and not Comment.objects.exists()


def test_a_comment_of_exactly_the_limit_is_taken(bob, alices_idea):
    assert len(comment(bob, alices_idea, "x" * COMMENT_MAX).body) == COMMENT_MAX


def test_a_parent_from_another_idea_is_refused(alice, bob, alices_idea, drinks):
    other = IdeaFactory(author=alice, category=drinks)
    elsewhere = comment(bob, other)
    with pytest.raises(ValidationError) as caught:
        comment_post(actor=bob, idea=alices_idea, body="Reply", parent=elsewhere)
    assert "parent" in caught.value.message_dict
    assert counts(alices_idea) == 0


def test_a_deleted_parent_is_refused(alice, bob, alices_idea):
    parent = comment(bob, alices_idea)
    comment_delete(actor=bob, comment=parent)
    with pytest.raises(ValidationError) as caught:
        comment_post(actor=alice, idea=alices_idea, body="Reply", parent=parent)
    assert "parent" in caught.value.message_dict


def test_a_parent_deleted_after_it_was_read_is_refused(alice, bob, alices_idea):
    parent = comment(bob, alices_idea)
    stale = Comment.objects.get(pk=parent.pk)
    comment_delete(actor=bob, comment=parent)
    with pytest.raises(ValidationError):
        comment_post(actor=alice, idea=alices_idea, body="Reply", parent=stale)
    assert Comment.objects.count() == 1


def test_commenting_on_a_deleted_idea_is_not_found(alice, bob, alices_idea):
    idea_delete(idea=alices_idea, actor=alice)
    with pytest.raises(Idea.DoesNotExist):
        comment_post(actor=bob, idea=alices_idea, body="Hello")
    assert not Comment.objects.exists()


def test_hostile_markdown_is_sanitised(bob, alices_idea):
    posted = comment(bob, alices_idea, '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="y">')
    assert "<script" not in posted.body_html and "javascript:" not in posted.body_html
    assert "onerror" not in posted.body_html


def test_a_comment_enqueues_its_fan_out_with_the_comment(bob, alices_idea):
    posted = comment(bob, alices_idea)
    [task] = DBTaskResult.objects.filter(task_path="discussion.tasks.comment_notify")
    assert task.args_kwargs["kwargs"] == {"comment_id": posted.pk}


def test_a_refused_comment_enqueues_nothing(bob, alices_idea):
    with pytest.raises(ValidationError):
        comment_post(actor=bob, idea=alices_idea, body="")
    assert not DBTaskResult.objects.exists()


def test_mentions_of_active_members_are_stored(alice, bob, alices_idea, mo):
    posted = comment(
        bob, alices_idea, f"@[Alice](member:{alice.pk}) and @[Ghost](member:999999) and `@[Mo](member:{mo.pk})`"
    )
    assert set(Mention.objects.filter(comment=posted).values_list("member_id", flat=True)) == {alice.pk}
    assert f'<a class="mention" href="/members/{alice.pk}/">@Alice</a>' in posted.body_html
    assert "@Ghost" in posted.body_html


def test_more_than_twenty_members_mentioned_is_refused(bob, alices_idea):
    body = " ".join(f"@[M{n}](member:{n})" for n in range(1, 22))
    with pytest.raises(ValidationError) as caught:
        comment_post(actor=bob, idea=alices_idea, body=body)
    assert "body" in caught.value.message_dict


def test_alice_edits_her_comment_and_the_earlier_version_is_kept(alice, alices_idea):
    posted = comment(alice, alices_idea, "First words")
    edited = comment_edit(actor=alice, comment=posted, body="Better words")
    assert (edited.body, edited.edited_at is not None) == ("Better words", True)
    [revision] = CommentRevision.objects.filter(comment=posted)
    assert (revision.body, revision.body_html, revision.created_at) == (
        "First words",
        "<p>First words</p>",
        posted.created_at,
    )


def test_an_edit_to_the_same_text_keeps_no_version(alice, alices_idea):
    posted = comment(alice, alices_idea, "Same")
    comment_edit(actor=alice, comment=posted, body="  Same ")
    assert not CommentRevision.objects.exists()


def test_bob_cannot_edit_alices_comment(alice, bob, alices_idea):
    posted = comment(alice, alices_idea, "Mine")
    with pytest.raises(NotAllowed):
        comment_edit(actor=bob, comment=posted, body="Not mine")
    posted.refresh_from_db()
    assert posted.body == "Mine" and not CommentRevision.objects.exists()


def test_a_moderator_cannot_edit_alices_comment(alice, mo, alices_idea):
    posted = comment(alice, alices_idea, "Mine")
    with pytest.raises(NotAllowed):
        comment_edit(actor=mo, comment=posted, body="Changed")


def test_an_edit_is_refused_when_empty(alice, alices_idea):
    posted = comment(alice, alices_idea, "Mine")
    with pytest.raises(ValidationError):
        comment_edit(actor=alice, comment=posted, body=" ")


def test_a_deleted_comment_cannot_be_edited(alice, alices_idea):
    posted = comment(alice, alices_idea, "Mine")
    comment_delete(actor=alice, comment=posted)
    with pytest.raises(Comment.DoesNotExist):
        comment_edit(actor=alice, comment=posted, body="Back")


def test_an_edit_enqueues_notices_for_new_mentions_only(alice, bob, mo, alices_idea):
    posted = comment(alice, alices_idea, f"Hi @[Bob](member:{bob.pk})")
    comment_edit(
        actor=alice,
        comment=posted,
        body=f"Hi @[Bob](member:{bob.pk}) and @[Mo](member:{mo.pk}) and @[Me](member:{alice.pk})",
    )
    [task] = DBTaskResult.objects.filter(task_path="discussion.tasks.mentions_notify")
    assert task.args_kwargs["kwargs"] == {
        "comment_id": posted.pk,
        "member_ids": [mo.pk],
        "revision_id": posted.revisions.get().pk,
    }
    assert set(Mention.objects.values_list("member_id", flat=True)) == {bob.pk, mo.pk, alice.pk}


def test_an_edit_that_drops_a_mention_drops_it(alice, bob, alices_idea):
    posted = comment(alice, alices_idea, f"Hi @[Bob](member:{bob.pk})")
    comment_edit(actor=alice, comment=posted, body="Hi all")
    assert not Mention.objects.exists()


def test_alice_deletes_her_comment_and_a_placeholder_keeps_the_thread(alice, bob, alices_idea):
    posted = comment(alice, alices_idea, "Mine")
    reply = comment(bob, alices_idea, "Reply", parent=posted)
    comment_delete(actor=alice, comment=posted)
    posted.refresh_from_db()
    assert posted.is_deleted and (posted.shown_body, posted.shown_body_html, posted.shown_author) == ("", "", None)
    assert Comment.objects.get(pk=reply.pk).parent_id == posted.pk
    assert counts(alices_idea) == 1


def test_deleting_twice_is_not_found(alice, alices_idea):
    posted = comment(alice, alices_idea, "Mine")
    stale = Comment.objects.get(pk=posted.pk)
    comment_delete(actor=alice, comment=posted)
    with pytest.raises(Comment.DoesNotExist):
        comment_delete(actor=alice, comment=stale)
    assert counts(alices_idea) == 0


def test_bob_cannot_delete_alices_comment(alice, bob, alices_idea):
    posted = comment(alice, alices_idea, "Mine")
    with pytest.raises(NotAllowed):
        comment_delete(actor=bob, comment=posted)
    posted.refresh_from_db()
    assert not posted.is_deleted and counts(alices_idea) == 1


def test_a_moderator_deletes_alices_comment_with_an_audit_entry(alice, mo, alices_idea):
    posted = comment(alice, alices_idea, "Mine")
    comment_delete(actor=mo, comment=posted, reason="Off topic")
    [entry] = AuditEntry.objects.filter(verb="comment.deleted")
    assert (entry.actor_id, entry.target_id, entry.reason) == (mo.pk, str(posted.pk), "Off topic")


def test_an_author_deleting_their_own_comment_leaves_no_audit_entry(alice, alices_idea):
    comment_delete(actor=alice, comment=comment(alice, alices_idea))
    assert not AuditEntry.objects.filter(verb="comment.deleted").exists()


def test_pat_marks_the_official_response_with_an_audit_entry(pat, bob, alices_idea):
    posted = comment(bob, alices_idea)
    comment_mark_official(actor=pat, comment=posted)
    posted.refresh_from_db()
    assert posted.is_official and posted.official_by == pat
    [entry] = AuditEntry.objects.filter(verb="comment.official_marked")
    assert (entry.actor_id, entry.target_id) == (pat.pk, str(posted.pk))


@pytest.mark.parametrize("who", ["bob", "mo"])
def test_members_and_moderators_cannot_mark_the_official_response(request, who, alice, alices_idea):
    posted = comment(alice, alices_idea)
    with pytest.raises(NotAllowed):
        comment_mark_official(actor=request.getfixturevalue(who), comment=posted)
    posted.refresh_from_db()
    assert not posted.is_official and not AuditEntry.objects.filter(verb="comment.official_marked").exists()


def test_marking_another_comment_moves_the_pin(pat, alice, bob, alices_idea):
    first, second = comment(bob, alices_idea), comment(alice, alices_idea, "Second")
    comment_mark_official(actor=pat, comment=first)
    comment_mark_official(actor=pat, comment=second)
    assert list(Comment.objects.filter(official_at__isnull=False)) == [second]


def test_pat_unmarks_the_official_response_with_an_audit_entry(pat, bob, alices_idea):
    posted = comment(bob, alices_idea)
    comment_mark_official(actor=pat, comment=posted)
    assert comment_unmark_official(actor=pat, idea=alices_idea) == posted
    posted.refresh_from_db()
    assert not posted.is_official
    assert AuditEntry.objects.filter(verb="comment.official_unmarked", target_id=str(posted.pk)).exists()


def test_unmarking_a_comment_that_is_no_longer_official_leaves_the_new_one(pat, alice, bob, alices_idea):
    first, second = comment(bob, alices_idea), comment(alice, alices_idea, "Second")
    comment_mark_official(actor=pat, comment=first)
    comment_mark_official(actor=pat, comment=second)
    assert comment_unmark_official(actor=pat, idea=alices_idea, comment=first) is None
    assert Comment.objects.get(pk=second.pk).is_official


def test_a_deleted_comment_cannot_be_official(pat, bob, alices_idea):
    posted = comment(bob, alices_idea)
    comment_delete(actor=bob, comment=posted)
    with pytest.raises(CommentDeleted):
        comment_mark_official(actor=pat, comment=posted)


def test_deleting_the_official_response_unmarks_it(pat, bob, alices_idea):
    posted = comment(bob, alices_idea)
    comment_mark_official(actor=pat, comment=posted)
    comment_delete(actor=bob, comment=posted)
    posted.refresh_from_db()
    assert not posted.is_official


def test_marking_enqueues_the_official_notices(pat, bob, alices_idea):
    posted = comment(bob, alices_idea)
    comment_mark_official(actor=pat, comment=posted)
    assert DBTaskResult.objects.filter(task_path="discussion.tasks.official_notify").count() == 1
