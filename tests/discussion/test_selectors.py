"""Reading threads: order, placeholders, paging, history and export, in a fixed number of queries."""

import pytest

from core.errors import NotAllowed
from discussion.selectors import comment_history, comments_export, official_response, thread
from discussion.services import comment_delete, comment_edit, comment_mark_official
from tests.factories import UserFactory, comment


@pytest.fixture
def conversation(alice, bob, alices_idea):
    """first <- reply <- deep; second; third: in the order written."""
    first = comment(bob, alices_idea, "First")
    reply = comment(alice, alices_idea, "Reply to first", parent=first)
    second = comment(alice, alices_idea, "Second")
    deep = comment(bob, alices_idea, "Reply to reply", parent=reply)
    third = comment(bob, alices_idea, "Third")
    return first, reply, second, deep, third


def bodies(page):
    return [c.body for c in page.rows]


def test_the_thread_reads_top_down_with_replies_under_their_parent(alices_idea, conversation, visitor):
    page = thread(idea=alices_idea, viewer=visitor)
    assert bodies(page) == ["First", "Reply to first", "Reply to reply", "Second", "Third"]


def test_newest_first_orders_top_level_comments_newest_first_and_replies_oldest_first(
    alices_idea, conversation, visitor, alice
):
    comment(alice, alices_idea, "Second reply to first", parent=conversation[0])
    page = thread(idea=alices_idea, viewer=visitor, order="newest")
    assert bodies(page) == ["Third", "Second", "First", "Reply to first", "Reply to reply", "Second reply to first"]


@pytest.mark.parametrize("order", ["oldest", "newest"])
def test_pages_follow_on_without_gaps_or_repeats(alices_idea, conversation, visitor, order):
    whole = bodies(thread(idea=alices_idea, viewer=visitor, order=order))
    seen, cursor = [], None
    while True:
        page = thread(idea=alices_idea, viewer=visitor, order=order, cursor=cursor, size=2)
        seen += bodies(page)
        if not (cursor := page.next_cursor):
            break
    assert seen == whole


def test_a_deleted_comment_stays_as_a_placeholder(alices_idea, conversation, visitor, bob):
    comment_delete(actor=bob, comment=conversation[0])
    [first, *_rest] = thread(idea=alices_idea, viewer=visitor).rows
    assert first.is_deleted and (first.shown_body, first.shown_body_html, first.shown_author) == ("", "", None)


def test_the_viewer_may_edit_and_delete_only_their_own(alices_idea, conversation, alice):
    rows = thread(idea=alices_idea, viewer=alice).rows
    assert [(c.body, c.may_edit, c.may_delete) for c in rows[:2]] == [
        ("First", False, False),
        ("Reply to first", True, True),
    ]


def test_a_moderator_may_delete_but_not_edit(alices_idea, conversation, mo):
    first = thread(idea=alices_idea, viewer=mo).rows[0]
    assert (first.may_edit, first.may_delete) == (False, True)


def test_the_official_response_is_read_apart(alices_idea, conversation, pat, visitor):
    comment_mark_official(actor=pat, comment=conversation[2])
    assert official_response(idea=alices_idea, viewer=visitor) == conversation[2]


def test_no_official_response_is_none(alices_idea, conversation, visitor):
    assert official_response(idea=alices_idea, viewer=visitor) is None


def test_reading_a_thread_costs_the_same_for_5_or_50_comments(
    alices_idea, alice, visitor, django_assert_num_queries, mo, pat
):
    authors = [alice, mo, pat, *UserFactory.create_batch(3)]

    def read():
        with django_assert_num_queries(2):  # the comments with their authors, then all their roles
            rows = thread(idea=alices_idea, viewer=visitor, size=100).rows
            [(c.shown_author and c.shown_author.roles, c.reply_to and c.reply_to.author) for c in rows]
        return rows

    parent = None
    for n in range(5):
        parent = comment(authors[n % len(authors)], alices_idea, f"Comment {n}", parent=parent if n % 2 else None)
    assert len(read()) == 5
    for n in range(45):
        comment(authors[n % len(authors)], alices_idea, f"More {n}", parent=parent if n % 3 else None)
    assert len(read()) == 50


def test_mo_pat_and_ada_read_the_earlier_versions(alice, alices_idea, mo, pat, ada):
    posted = comment(alice, alices_idea, "First words")
    comment_edit(actor=alice, comment=posted, body="Second words")
    for staff in (mo, pat, ada):
        assert [r.body for r in comment_history(comment=posted, viewer=staff)] == ["First words"]


@pytest.mark.parametrize("who", ["alice", "bob", "visitor"])
def test_members_never_read_the_earlier_versions(request, who, alice, alices_idea):
    posted = comment(alice, alices_idea, "First words")
    comment_edit(actor=alice, comment=posted, body="Second words")
    with pytest.raises(NotAllowed):
        comment_history(comment=posted, viewer=request.getfixturevalue(who))


def test_the_export_holds_the_members_comments_with_their_earlier_versions(alice, bob, alices_idea):
    posted = comment(alice, alices_idea, "First words")
    comment_edit(actor=alice, comment=posted, body="Second words")
    comment(bob, alices_idea, "Not alice's")
    [exported] = comments_export(alice)
    assert (exported["id"], exported["body"]) == (posted.pk, "Second words")
    assert [v["body"] for v in exported["earlier_versions"]] == ["First words"]
