"""Submitting, editing and deleting ideas through the services."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import NotAllowed
from ideas.models import BODY_MAX, TITLE_MAX, Idea, Status, Tag
from ideas.services import idea_delete, idea_edit, idea_submit
from tests.factories import CategoryFactory, IdeaFactory


def submit(author, category=None, **overrides):
    values = {"title": "Oat milk at no extra charge", "body": "Because **climate**.", "category": category}
    values.update(overrides)
    return idea_submit(actor=author, **values)


def test_member_submits_an_idea_that_starts_new_with_rendered_body(alice, drinks):
    idea = submit(alice, drinks, tags=["Dairy free", "pricing"])
    assert idea.status == Status.NEW
    assert idea.author == alice
    assert idea.body_html == "<p>Because <strong>climate</strong>.</p>"
    assert sorted(t.name for t in idea.tags.all()) == ["Dairy free", "pricing"]
    assert (idea.upvotes, idea.downvotes, idea.score, idea.comment_count) == (0, 0, 0, 0)


def test_title_and_body_are_trimmed(alice, drinks):
    idea = submit(alice, drinks, title="   Oat milk at no extra charge  ", body="\n body \n")
    assert idea.title == "Oat milk at no extra charge"
    assert idea.body == "body"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "    "}, "title"),
        ({"title": "Oat"}, "title"),
        ({"title": "\u2800" * 12}, "title"),  # braille blank
        ({"title": "\u034f" * 12}, "title"),  # combining grapheme joiner
        ({"title": "\u0301" * 12}, "title"),  # marks with nothing to sit on
        ({"title": "\u3000\u2028" * 6}, "title"),
        ({"title": "x" * (TITLE_MAX + 1)}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * (BODY_MAX + 1)}, "body"),
        ({"category": None}, "category"),
        ({"tags": [f"tag{n}" for n in range(6)]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"tags": ["!!!"]}, "tags"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_nothing_is_stored(alice, drinks, overrides, field):
    arguments = {"category": drinks, **overrides}
    with pytest.raises(ValidationError) as caught:
        submit(alice, **arguments)
    assert field in caught.value.message_dict
    assert not Idea.objects.exists()
    assert not Tag.objects.exists()


def test_title_of_exactly_the_limits_is_accepted(alice, drinks):
    assert submit(alice, drinks, title="x" * TITLE_MAX).title == "x" * TITLE_MAX
    assert submit(alice, drinks, title="Five!").title == "Five!"


def test_all_wrong_fields_are_reported_at_once(alice):
    with pytest.raises(ValidationError) as caught:
        idea_submit(actor=alice, title="", body="", category=None)
    assert set(caught.value.message_dict) == {"title", "body", "category"}


def test_closed_category_is_refused(alice):
    closed = CategoryFactory(name="Old", slug="old", is_active=False)
    with pytest.raises(ValidationError) as caught:
        submit(alice, closed)
    assert "category" in caught.value.message_dict


def test_blanks_and_line_separators_leave_titles_and_tags(alice, drinks):
    idea = submit(alice, drinks, title="\u2800Oat\u2028milk\u034f bar\u2029", tags=["\u2800x", "a\u034fb", "\u2800"])
    assert idea.title == "Oat milk bar"
    assert sorted(t.name for t in idea.tags.all()) == ["ab", "x"]


def test_duplicate_tags_are_folded(alice, drinks):
    idea = submit(alice, drinks, tags=["Pricing", "pricing", "  pricing ", ""])
    assert [t.name for t in idea.tags.all()] == ["Pricing"]


def test_author_edits_their_idea_and_the_html_is_rendered_again(alice, alices_idea, experience):
    idea_edit(idea=alices_idea, actor=alice, title="Oat milk for free", body="Now *please*.", category=experience)
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk for free"
    assert alices_idea.body_html == "<p>Now <em>please</em>.</p>"
    assert alices_idea.category == experience
    assert alices_idea.edited_at is not None


def test_edit_without_tags_keeps_the_tags(alice, alices_idea, drinks):
    idea_edit(idea=alices_idea, actor=alice, title="Oat milk", body="b", category=drinks, tags=["keep"])
    idea_edit(idea=alices_idea, actor=alice, title="Oat milk 2", body="b", category=drinks)
    assert [t.name for t in alices_idea.tags.all()] == ["keep"]


def test_member_cannot_edit_someone_elses_idea(bob, alices_idea, drinks):
    with pytest.raises(NotAllowed):
        idea_edit(idea=alices_idea, actor=bob, title="Hijacked title", body="b", category=drinks)
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk at no extra charge"


def test_moderator_cannot_edit_someone_elses_idea_through_the_author_path(mo, alices_idea, drinks):
    with pytest.raises(NotAllowed):
        idea_edit(idea=alices_idea, actor=mo, title="Changed by mo", body="b", category=drinks)


def test_bad_edit_changes_nothing(alice, alices_idea, drinks):
    with pytest.raises(ValidationError):
        idea_edit(idea=alices_idea, actor=alice, title="", body="new body", category=drinks)
    alices_idea.refresh_from_db()
    assert alices_idea.body == "Please, **yes**."


def test_author_deletes_their_idea(alice, alices_idea):
    idea_delete(idea=alices_idea, actor=alice)
    alices_idea.refresh_from_db()
    assert alices_idea.is_deleted


@pytest.mark.parametrize("who", ["mo", "pat"])
def test_staff_deletes_someone_elses_idea(request, who, alices_idea):
    idea_delete(idea=alices_idea, actor=request.getfixturevalue(who))
    alices_idea.refresh_from_db()
    assert alices_idea.is_deleted


def test_an_idea_others_were_merged_into_cannot_be_deleted(pat, alice, bob, drinks):
    from ideas.services import MergedHere
    from pipeline.services import idea_merge

    bobs = IdeaFactory(author=bob, category=drinks)
    alices = IdeaFactory(author=alice, category=drinks)
    idea_merge(actor=pat, idea=alices, into=bobs.pk, note="The same wish.")
    for actor in (bob, pat):
        with pytest.raises(MergedHere):
            idea_delete(actor=actor, idea=bobs)
    assert Idea.objects.visible().filter(pk=bobs.pk).exists()


def test_member_cannot_delete_someone_elses_idea(bob, alices_idea):
    with pytest.raises(NotAllowed):
        idea_delete(idea=alices_idea, actor=bob)
    alices_idea.refresh_from_db()
    assert not alices_idea.is_deleted


def test_visitor_cannot_delete(visitor, alices_idea):
    with pytest.raises(NotAllowed):
        idea_delete(idea=alices_idea, actor=visitor)


def test_an_idea_is_deleted_recorded_and_announced_once(mo, alices_idea, published):
    from core.models import AuditEntry

    stale = Idea.objects.get(pk=alices_idea.pk)
    with published() as events:
        idea_delete(idea=alices_idea, actor=mo, reason="Spam")
        with pytest.raises(Idea.DoesNotExist):
            idea_delete(idea=stale, actor=mo, reason="Spam again")
    assert AuditEntry.objects.filter(verb="idea.deleted").count() == 1 and len(events) == 2
