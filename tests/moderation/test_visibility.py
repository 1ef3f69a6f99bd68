"""Hidden content through the API: absent for the public in lists, detail, search, similar ideas, comments and
notifications; shown to its author (and staff) with the state and the reason; moderators' marks on ideas."""

import pytest

from discussion.models import Comment, CommentRevision
from discussion.services import comment_delete, comment_edit, comment_mark_official
from discussion.tasks import comment_notify, mentions_notify
from ideas.models import Idea
from ideas.selectors import members_who_may_see
from ideas.services import idea_submit
from moderation.models import ActionKind
from notifications.models import Notification
from pipeline.services import idea_merge
from tests.factories import IdeaFactory, UserFactory, comment
from tests.moderation.helpers import decide, flag, hide_by_members
from tests.notifications.notices import run_worker

pytestmark = pytest.mark.django_db

IDEAS = "/api/v1/ideas/"
PENDING_REASON = "Members flagged it; a moderator will review it soon."


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def thread(idea) -> str:
    return f"/api/v1/ideas/{idea.pk}/comments/"


@pytest.fixture
def hidden_idea(alices_idea):
    hide_by_members(alices_idea)
    return alices_idea


def test_a_hidden_idea_is_not_in_the_list_for_a_visitor_or_bob(api, api_as, bob, hidden_idea):
    assert ids(api.get(IDEAS)) == []
    assert ids(api_as(bob).get(IDEAS)) == []


def test_a_hidden_idea_is_in_alices_list_with_the_state_and_the_reason(api_as, alice, hidden_idea):
    [row] = api_as(alice).get(IDEAS).json()["results"]
    assert (row["id"], row["hidden"], row["hidden_reason"]) == (hidden_idea.pk, "pending", PENDING_REASON)


def test_a_moderator_lists_a_hidden_idea_with_its_state(api_as, mo, hidden_idea):
    [row] = api_as(mo).get(IDEAS).json()["results"]
    assert row["hidden"] == "pending"


def test_a_hidden_idea_is_404_for_a_visitor_and_bob(api, api_as, bob, hidden_idea):
    assert api.get(f"{IDEAS}{hidden_idea.pk}/").status_code == 404
    assert api_as(bob).get(f"{IDEAS}{hidden_idea.pk}/").status_code == 404


def test_alice_reads_her_hidden_idea_with_the_moderators_reason(api_as, mo, alice, hidden_idea):
    decide(mo, hidden_idea.moderation_cases.get(), ActionKind.HIDE, "Advertising a shop.")
    data = api_as(alice).get(f"{IDEAS}{hidden_idea.pk}/").json()
    assert (data["hidden"], data["hidden_reason"]) == ("moderator", "Advertising a shop.")


def test_a_shown_idea_says_it_is_not_hidden(api, alices_idea):
    data = api.get(f"{IDEAS}{alices_idea.pk}/").json()
    assert (data["hidden"], data["hidden_reason"], data["comments_locked"], data["moderated"]) == (
        None,
        None,
        False,
        False,
    )


def test_a_hidden_idea_is_not_found_by_search(api, api_as, bob, alice, hidden_idea):
    assert ids(api.get(IDEAS, {"q": "oat milk"})) == []
    assert ids(api_as(bob).get(IDEAS, {"q": "oat milk"})) == []
    assert ids(api_as(alice).get(IDEAS, {"q": "oat milk"})) == [hidden_idea.pk]


def test_a_hidden_idea_is_no_similar_idea_for_bob(api_as, bob, hidden_idea):
    assert api_as(bob).get(f"{IDEAS}similar/", {"title": "Oat milk at no extra charge"}).json() == []


def test_a_shown_idea_is_a_similar_idea(api_as, bob, alices_idea):
    similar = api_as(bob).get(f"{IDEAS}similar/", {"title": "Oat milk at no extra charge"}).json()
    assert [row["id"] for row in similar] == [alices_idea.pk]


def test_locked_and_moderated_ideas_say_so(api, mo, alices_idea):
    decide(mo, flag(mo, alices_idea).case, ActionKind.EDIT, body="Please.")
    decide(mo, flag(mo, alices_idea).case, ActionKind.LOCK)
    data = api.get(f"{IDEAS}{alices_idea.pk}/").json()
    assert (data["comments_locked"], data["moderated"], data["body"]) == (True, True, "Please.")


@pytest.fixture
def hidden_comment(bob, alices_idea):
    said = comment(bob, alices_idea, "Buy cheap watches at example.com")
    hide_by_members(said)
    return said


@pytest.mark.parametrize("reader", ["visitor", "alice"])
def test_a_hidden_comment_is_a_placeholder_for_everyone_else(request, api, api_as, hidden_comment, reader):
    client = api if reader == "visitor" else api_as(request.getfixturevalue(reader))
    [row] = client.get(thread(hidden_comment.idea)).json()["results"]
    assert (row["id"], row["concealed"], row["body"], row["body_html"], row["author"]) == (
        hidden_comment.pk,
        True,
        "",
        "",
        None,
    )
    assert (row["hidden"], row["hidden_reason"], row["deleted"]) == (None, None, False)


def test_bob_reads_his_hidden_comment_with_the_reason(api_as, bob, hidden_comment):
    [row] = api_as(bob).get(thread(hidden_comment.idea)).json()["results"]
    assert (row["body"], row["concealed"]) == ("Buy cheap watches at example.com", False)
    assert (row["hidden"], row["hidden_reason"]) == ("pending", PENDING_REASON)


def test_a_moderator_reads_a_hidden_comment(api_as, mo, hidden_comment):
    [row] = api_as(mo).get(thread(hidden_comment.idea)).json()["results"]
    assert (row["body"], row["hidden"]) == ("Buy cheap watches at example.com", "pending")


def test_a_reply_to_a_hidden_comment_does_not_name_its_author(api_as, alice, hidden_comment):
    comment(alice, hidden_comment.idea, "What is this?", parent=hidden_comment)
    rows = api_as(UserFactory()).get(thread(hidden_comment.idea)).json()["results"]
    reply = next(row for row in rows if row["id"] != hidden_comment.pk)
    assert reply["reply_to"] == hidden_comment.pk and reply["reply_to_name"] is None


def test_dismissing_shows_the_comment_again(api, mo, hidden_comment):
    decide(mo, hidden_comment.moderation_cases.get(), ActionKind.DISMISS, "Fine.")
    [row] = api.get(thread(hidden_comment.idea)).json()["results"]
    assert (row["body"], row["concealed"], row["hidden"]) == ("Buy cheap watches at example.com", False, None)


def test_a_hidden_profile_says_so_to_its_member(api_as, bob):
    hide_by_members(bob)
    bob.refresh_from_db()  # as a request loads it
    data = api_as(bob).get("/api/v1/me/").json()
    assert (data["profile_hidden"], data["profile_hidden_reason"]) == (True, PENDING_REASON)


@pytest.mark.django_db(transaction=True)
def test_a_reply_notification_about_a_hidden_comment_leaves_the_notifications_api(api_as, alice, bob, drinks):
    idea = idea_submit(actor=alice, title="Oat milk at no extra charge", body="Please", category=drinks)
    mine = comment(alice, idea, "Who agrees?")
    reply = comment(bob, idea, "Buy cheap watches", parent=mine)
    run_worker()
    client = api_as(alice)
    before = client.get("/api/v1/notifications/").json()["results"]
    assert any(row["link"].endswith(f"#comment-{reply.pk}") for row in before)
    hide_by_members(Comment.objects.get(pk=reply.pk))
    rows = client.get("/api/v1/notifications/").json()["results"]
    assert not any(row["link"].endswith(f"#comment-{reply.pk}") for row in rows)


def test_a_suspension_shows_on_the_members_own_record(api_as, mo, alice, alices_idea):
    decide(mo, flag(mo, alices_idea).case, ActionKind.SUSPEND, "Spam.")
    alice.refresh_from_db()  # as a request loads it
    data = api_as(alice).get("/api/v1/me/").json()
    assert data["suspended_until"] is not None and data["suspension_reason"] == "Spam."


# What a hidden comment or idea must not give away elsewhere.


def test_the_pinned_form_of_a_hidden_comment_is_not_given_to_a_visitor(client, bob, mo, alices_idea):
    said = comment(bob, alices_idea, "Buy cheap watches at example.net")
    flag(mo, said)
    response = client.get(f"/comments/{said.pk}/?pinned=1")
    assert response.status_code == 404 and "cheap watches" not in response.content.decode()


def test_the_pinned_form_of_a_deleted_comment_is_not_given(client, bob, alices_idea):
    said = comment(bob, alices_idea, "Buy cheap watches")
    comment_delete(actor=bob, comment=said)
    response = client.get(f"/comments/{said.pk}/?pinned=1")
    assert response.status_code == 404 and "cheap watches" not in response.content.decode()


def test_a_hidden_official_response_is_not_pinned_for_a_visitor_but_is_for_its_author(
    client, bob, mo, pat, alices_idea
):
    said = comment(bob, alices_idea, "Buy cheap watches at example.net")
    comment_mark_official(actor=pat, comment=said)
    flag(mo, Comment.objects.get(pk=said.pk))
    assert "cheap watches" not in client.get(f"/ideas/{alices_idea.pk}/").content.decode()
    client.force_login(bob)
    assert 'class="official-response"' in client.get(f"/ideas/{alices_idea.pk}/").content.decode()


def test_a_comment_hidden_before_the_worker_comes_to_it_tells_nobody_its_words(alice, bob, mo, alices_idea):
    said = comment(bob, alices_idea, "Buy cheap watches")
    flag(mo, said)
    comment_notify.call(comment_id=said.pk)
    assert not Notification.objects.filter(recipient=alice, subject=f"comment:{said.pk}").exists()


def test_mentions_added_to_a_hidden_comment_tell_nobody_its_words(alice, bob, mo, alices_idea):
    said = comment(bob, alices_idea, "Buy cheap watches")
    flag(mo, said)
    comment_edit(actor=bob, comment=Comment.objects.get(pk=said.pk), body=f"Cheap @[Alice](member:{alice.pk})")
    revision = CommentRevision.objects.get(comment=said)
    mentions_notify.call(comment_id=said.pk, member_ids=[alice.pk], revision_id=revision.pk)
    assert not Notification.objects.filter(recipient=alice).exists()


def test_an_idea_merged_into_a_hidden_one_does_not_name_it(client, alice, bob, pat, drinks):
    target = IdeaFactory(author=alice, category=drinks, title="Secret spam title")
    source = IdeaFactory(author=bob, category=drinks, title="Oat milk for all")
    idea_merge(actor=pat, idea=source, into=target.pk, note="Same wish.")
    hide_by_members(Idea.objects.get(pk=target.pk))
    page = client.get(f"/ideas/{source.pk}/").content.decode()
    assert "Secret spam title" not in page and "merged into another idea" in page


def test_a_moderation_notice_does_not_name_an_idea_hidden_from_its_reader(api_as, bob, mo, alices_idea):
    said = comment(bob, alices_idea, "Rude words")
    hide_by_members(alices_idea)
    decide(mo, flag(mo, Comment.objects.get(pk=said.pk)).case, ActionKind.HIDE, "Rude.")
    results = api_as(bob).get("/api/v1/notifications/").json()["results"]
    headlines = [row["headline"] for row in results if row["kind"] == "moderation"]
    assert headlines and all(
        alices_idea.title not in headline and "an idea under review" in headline for headline in headlines
    )


def test_of_the_members_told_of_a_hidden_idea_only_its_author_and_staff_remain_in_one_query(
    alice, bob, mo, pat, ada, alices_idea, django_assert_num_queries
):
    hide_by_members(alices_idea)
    idea = Idea.objects.get(pk=alices_idea.pk)
    members = [alice.pk, bob.pk, mo.pk, pat.pk, ada.pk, *(UserFactory().pk for _ in range(5))]
    with django_assert_num_queries(1):
        allowed = members_who_may_see(idea=idea, member_ids=members)
    assert allowed == {alice.pk, mo.pk, pat.pk, ada.pk}
