"""The pipeline's reads: an idea's public timeline, the roadmap, the Launched page, the product team's
triage list and a member's export, each in its order and with a number of queries that does not grow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from discussion.services import comment_mark_official
from ideas.models import Idea, Status
from ideas.selectors import BadListParameter
from pipeline import selectors
from pipeline.selectors import COLUMN_MAX, triage_params
from pipeline.services import idea_merge, idea_transition, internal_note_add
from tests.factories import CategoryFactory, IdeaFactory, comment
from tests.pipeline.ideas import idea_in


def walk(pat, idea, *statuses, note="On its way."):
    """Move the idea through `statuses`, one transition each, as the product team does."""
    return [idea_transition(actor=pat, idea=idea, to=status, note=note) for status in statuses]


# ------------------------------------------------------------------------------------------ timeline


def test_the_timeline_interleaves_moves_merged_ideas_and_the_official_response_by_time(pat, bob, alices_idea):
    [first] = walk(pat, alices_idea, Status.UNDER_REVIEW)
    duplicate = IdeaFactory(title="Free oat milk")
    merged = idea_merge(actor=pat, idea=duplicate, into=alices_idea.pk, note="Same wish.")
    official = comment_mark_official(actor=pat, comment=comment(pat, alices_idea, "We are on it."))
    [last] = walk(pat, alices_idea, Status.REVIEWED)
    entries = selectors.timeline(idea=alices_idea, viewer=bob)
    assert [(e.kind, e.change, e.comment) for e in entries] == [
        ("status", first, None),
        ("merged_in", merged, None),
        ("official", None, official),
        ("status", last, None),
    ]
    assert entries[1].change.idea.title == "Free oat milk"


def test_the_timeline_names_who_moved_it_with_their_role(pat, bob, alices_idea):
    walk(pat, alices_idea, Status.UNDER_REVIEW)
    [entry] = selectors.timeline(idea=alices_idea, viewer=bob)
    assert (entry.change.actor.public_name, entry.change.actor.is_product_team) == ("Pat", True)


def test_the_timeline_of_an_idea_nobody_moved_is_empty(bob, alices_idea):
    assert selectors.timeline(idea=alices_idea, viewer=bob) == []


def test_the_timeline_shows_no_merged_in_idea_that_was_deleted(pat, bob, alices_idea):
    duplicate = IdeaFactory()
    idea_merge(actor=pat, idea=duplicate, into=alices_idea.pk, note="Same wish.")
    Idea.objects.filter(pk=duplicate.pk).update(deleted_at=timezone.now())
    assert selectors.timeline(idea=alices_idea, viewer=bob) == []


@pytest.mark.parametrize("moves", [1, 4])
def test_the_timeline_costs_the_same_queries_however_long(pat, bob, alices_idea, moves, django_assert_num_queries):
    road = [Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED][:moves]
    walk(pat, alices_idea, *road)
    for _ in range(moves):
        idea_merge(actor=pat, idea=IdeaFactory(), into=alices_idea.pk, note="Same.")
    comment_mark_official(actor=pat, comment=comment(pat, alices_idea))
    with django_assert_num_queries(TIMELINE_QUERIES):
        assert len(selectors.timeline(idea=alices_idea, viewer=bob)) == 2 * moves + 1


# changes (+ their actors' roles), merged-in ideas (+ roles), the official response (+ its relations)
TIMELINE_QUERIES = 7


# ------------------------------------------------------------------------------------------- roadmap


def columns(board) -> dict:
    return {column.status: [idea.pk for idea in column.ideas] for column in board}


def test_the_roadmap_has_a_column_per_status_past_new_latest_move_first(bob, drinks):
    moved = {}
    for status in (Status.NEW, Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED):
        moved[status] = [idea_in(status, category=drinks).pk for _ in range(2)]
    board = selectors.roadmap(viewer=bob)
    assert [column.status for column in board] == [
        Status.UNDER_REVIEW,
        Status.REVIEWED,
        Status.COMING_SOON,
        Status.LAUNCHED,
    ]
    assert columns(board) == {status: moved[status][::-1] for status in moved if status != Status.NEW}
    assert [column.count for column in board] == [2, 2, 2, 2]


def test_the_roadmap_shows_not_planned_and_merged_only_on_request(bob):
    declined, merged = idea_in(Status.DECLINED), idea_in(Status.MERGED)
    assert Status.DECLINED not in columns(selectors.roadmap(viewer=bob))
    closed = columns(selectors.roadmap(viewer=bob, closed=True))
    assert (closed[Status.DECLINED], closed[Status.MERGED]) == ([declined.pk], [merged.pk])


def test_the_roadmap_of_a_category_includes_its_subcategories(bob, product, drinks, experience):
    in_product, in_drinks = idea_in(Status.REVIEWED, category=product), idea_in(Status.REVIEWED, category=drinks)
    idea_in(Status.REVIEWED, category=experience)
    board = {column.status: column for column in selectors.roadmap(viewer=bob, category=product)}
    assert [idea.pk for idea in board[Status.REVIEWED].ideas] == [in_drinks.pk, in_product.pk]
    assert board[Status.REVIEWED].count == 2


def test_a_roadmap_column_shows_at_most_50_cards_and_counts_the_rest(bob):
    for _ in range(COLUMN_MAX + 2):
        idea_in(Status.COMING_SOON)
    column = next(c for c in selectors.roadmap(viewer=bob) if c.status == Status.COMING_SOON)
    assert (len(column.ideas), column.count, column.more) == (COLUMN_MAX, COLUMN_MAX + 2, 2)


def test_the_roadmap_leaves_out_deleted_ideas(bob):
    gone = idea_in(Status.REVIEWED, deleted_at=timezone.now())
    board = selectors.roadmap(viewer=bob)
    assert gone.pk not in columns(board)[Status.REVIEWED]
    assert sum(column.count for column in board) == 0


def road_of(ideas: int) -> None:
    """`ideas` ideas over the roadmap's four columns, each in a category of its own under a parent."""
    parent = CategoryFactory(name="Parent")
    statuses = [Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED]
    for n in range(ideas):
        idea_in(statuses[n % 4], category=CategoryFactory(parent=parent))


# the counts, then per column its cards (with category and parent)
ROADMAP_QUERIES = 5


@pytest.mark.parametrize("ideas", [5, 50])
def test_the_roadmap_costs_the_same_queries_with_5_or_50_ideas(bob, ideas, django_assert_num_queries):
    road_of(ideas)
    with django_assert_num_queries(ROADMAP_QUERIES):
        board = selectors.roadmap(viewer=bob)
        assert sum(len(column.ideas) for column in board) == ideas
        assert {idea.category.parent.name for column in board for idea in column.ideas} == {"Parent"}


# ------------------------------------------------------------------------------------------ launched


def test_launched_lists_shipped_ideas_latest_launch_first_each_with_its_story(pat, bob, alices_idea):
    older = IdeaFactory()
    walk(pat, older, Status.LAUNCHED)
    walk(pat, alices_idea, Status.UNDER_REVIEW, Status.COMING_SOON, Status.LAUNCHED)
    idea_in(Status.COMING_SOON)
    page = selectors.launched(viewer=bob)
    assert [idea.pk for idea in page.rows] == [alices_idea.pk, older.pk]
    assert [change.to_status for change in page.rows[0].story] == [
        Status.UNDER_REVIEW,
        Status.COMING_SOON,
        Status.LAUNCHED,
    ]


def test_launched_pages_by_cursor(pat, bob):
    ideas = [idea_in(Status.NEW) for _ in range(3)]
    for idea in ideas:
        walk(pat, idea, Status.LAUNCHED)
    first = selectors.launched(viewer=bob, size=2)
    rest = selectors.launched(viewer=bob, cursor=first.next_cursor, size=2)
    assert [idea.pk for idea in first.rows + rest.rows] == [idea.pk for idea in reversed(ideas)]
    assert rest.next_cursor is None


def test_a_forged_launched_cursor_names_the_parameter():
    with pytest.raises(BadListParameter) as raised:
        selectors.launched_cursor({"cursor": "not-a-cursor"})
    assert raised.value.field == "cursor"


@pytest.mark.parametrize("ideas", [2, 8])
def test_launched_costs_the_same_queries_however_many_ideas(pat, bob, ideas, django_assert_num_queries):
    for _ in range(ideas):
        walk(pat, IdeaFactory(), Status.COMING_SOON, Status.LAUNCHED)
    with django_assert_num_queries(LAUNCHED_QUERIES):
        page = selectors.launched(viewer=bob)
        assert sum(len(idea.story) for idea in page.rows) == 2 * ideas


# the ideas (+ authors' roles), their changes (+ actors' roles)
LAUNCHED_QUERIES = 4


# -------------------------------------------------------------------------------------------- triage


def triage(viewer, **query):
    return [idea.pk for idea in selectors.triage(viewer=viewer, params=triage_params(query)).rows]


def test_triage_lists_new_and_under_review_ideas_most_supported_first(pat):
    low = idea_in(Status.NEW, upvotes=1, score=1)
    high = idea_in(Status.UNDER_REVIEW, upvotes=9, score=9)
    middle = idea_in(Status.NEW, upvotes=5, score=5)
    for status in (Status.REVIEWED, Status.LAUNCHED, Status.DECLINED):
        idea_in(status, upvotes=50, score=50)
    idea_in(Status.MERGED, merged_into=high, upvotes=50, score=50)
    assert triage(pat) == [high.pk, middle.pk, low.pk]


def test_triage_sorts_by_trending(pat):
    calm, busy = (
        idea_in(Status.NEW, upvotes=9, score=9, trending=1.0),
        idea_in(Status.NEW, upvotes=1, score=1, trending=5.0),
    )
    assert triage(pat, sort="trending") == [busy.pk, calm.pk]


def test_triage_filters_by_status(pat):
    idea_in(Status.NEW)
    looking = idea_in(Status.UNDER_REVIEW)
    assert triage(pat, status="under_review") == [looking.pk]


def test_triage_filters_by_category_and_its_subcategories(pat, product, drinks, experience):
    in_product, in_drinks = (
        idea_in(Status.NEW, category=product, upvotes=2, score=2),
        idea_in(Status.NEW, category=drinks),
    )
    idea_in(Status.NEW, category=experience)
    page = selectors.triage(viewer=pat, params=triage_params({}, category=product))
    assert [idea.pk for idea in page.rows] == [in_product.pk, in_drinks.pk]


@pytest.mark.parametrize(("age", "expected"), [("week", ["today"]), ("month", ["today", "weeks"]), ("older", ["old"])])
def test_triage_filters_by_age(pat, age, expected):
    now = timezone.now()
    made = {}
    for name, days, score in (("today", 0, 3), ("weeks", 20, 2), ("old", 60, 1)):
        idea = idea_in(Status.NEW, upvotes=score, score=score)
        Idea.objects.filter(pk=idea.pk).update(created_at=now - timedelta(days=days))
        made[idea.pk] = name
    assert [made[pk] for pk in triage(pat, age=age)] == expected


def test_each_triage_row_knows_its_moves_and_whether_it_can_be_merged(pat):
    idea_in(Status.UNDER_REVIEW)
    [idea] = selectors.triage(viewer=pat, params=triage_params({})).rows
    assert idea.moves == [Status.NEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED, Status.DECLINED]
    assert idea.mergeable is True


@pytest.mark.parametrize(
    ("field", "value"),
    [("sort", "hot"), ("status", "launched"), ("age", "decade"), ("cursor", "forged"), ("page_size", "1000")],
)
def test_a_bad_triage_parameter_is_named(field, value):
    with pytest.raises(BadListParameter) as raised:
        triage_params({field: value})
    assert raised.value.field == field


def test_triage_pages_by_cursor(pat):
    ideas = [idea_in(Status.NEW, upvotes=n, score=n) for n in range(5)]
    first = selectors.triage(viewer=pat, params=triage_params({"page_size": "3"}))
    rest = selectors.triage(viewer=pat, params=triage_params({"page_size": "3", "cursor": first.next_cursor}))
    assert [idea.pk for idea in first.rows + rest.rows] == [idea.pk for idea in reversed(ideas)]


# the page of ideas (with category, parent and author), the authors' roles
TRIAGE_QUERIES = 2


@pytest.mark.parametrize("ideas", [5, 60])
def test_triage_costs_the_same_queries_with_5_or_60_ideas(pat, ideas, django_assert_num_queries):
    parent = CategoryFactory(name="Parent")
    for n in range(ideas):
        idea_in((Status.NEW, Status.UNDER_REVIEW)[n % 2], category=CategoryFactory(parent=parent))
    params = triage_params({})
    with django_assert_num_queries(TRIAGE_QUERIES):
        page = selectors.triage(viewer=pat, params=params)
        assert {idea.category.parent.name for idea in page.rows} == {"Parent"}
        assert {idea.author.is_product_team for idea in page.rows} == {False}


# ------------------------------------------------------------------------------- notes and the export


def test_internal_notes_are_listed_oldest_first(pat, mo, alices_idea):
    first = internal_note_add(actor=mo, idea=alices_idea, body="Legal is worried.")
    second = internal_note_add(actor=pat, idea=alices_idea, body="Budget is tight.")
    assert selectors.internal_notes(idea=alices_idea) == [first, second]


def test_the_export_lists_the_members_moves_and_internal_notes(pat, mo, alices_idea):
    target = IdeaFactory()
    moved = idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW, note="Looking.")
    merged = idea_merge(actor=pat, idea=alices_idea, into=target.pk, note="Same.")
    note = internal_note_add(actor=pat, idea=alices_idea, body="Mine.")
    internal_note_add(actor=mo, idea=alices_idea, body="Not Pat's.")
    assert selectors.pipeline_export(pat) == {
        "status_changes": [
            {"idea": alices_idea.pk, "from": "new", "to": "under_review", "note": "Looking.", "merged_into": None,
             "at": moved.created_at.isoformat()},
            {"idea": alices_idea.pk, "from": "under_review", "to": "merged", "note": "Same.", "merged_into": target.pk,
             "at": merged.created_at.isoformat()},
        ],
        "internal_notes": [{"idea": alices_idea.pk, "note": "Mine.", "at": note.created_at.isoformat()}],
    }  # fmt: skip


def test_a_member_who_never_moved_anything_exports_nothing_of_the_pipeline(alice, pat, alices_idea):
    idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW)
    assert selectors.pipeline_export(alice) == {"status_changes": [], "internal_notes": []}
