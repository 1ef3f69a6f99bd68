"""The idea page's conversation: thread, comment box, reply, edit, delete, earlier versions, the official
mark, follow, the live fragment and the preview endpoint; their errors, permissions and query counts."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext, override_settings

from discussion.models import Comment, Mention
from discussion.services import comment_delete, comment_edit, comment_mark_official
from ideas.models import Follow, Idea
from ideas.services import idea_delete, idea_follow, idea_unfollow
from notifications.models import Notification
from notifications.services import Notice, notify
from tests.factories import IdeaFactory, comment


@pytest.fixture
def alices_comment(alice, alices_idea):
    return comment(alice, alices_idea, "Cinnamon on top, **please**.")


def _page(client, idea, **query):
    return client.get(idea.get_absolute_url(), query)


# --- The thread on the idea page ---------------------------------------------------------------


def test_idea_page_shows_the_count_and_the_thread_in_order(client, alice, bob, alices_idea):
    first = comment(alice, alices_idea, "First!")
    comment(bob, alices_idea, "Second.")
    comment(bob, alices_idea, "A reply.", parent=first)
    page = _page(client, alices_idea).content.decode()
    assert "3 comments" in page
    assert page.index("First!") < page.index("A reply.") < page.index("Second.")


def test_replies_sit_in_a_list_under_their_parent(client, alice, bob, alices_idea):
    first = comment(alice, alices_idea, "Top.")
    reply = comment(bob, alices_idea, "Under it.", parent=first)
    page = _page(client, alices_idea).content.decode()
    item = page[page.index(f'id="comment-{first.pk}"') :]
    assert item.index('<ol class="replies">') < item.index(f'id="comment-{reply.pk}"')
    assert '<h4 class="comment-by"' in item


def test_newest_first_puts_the_latest_top_level_comment_first(client, alice, bob, alices_idea):
    comment(alice, alices_idea, "Older.")
    comment(bob, alices_idea, "Newer.")
    response = _page(client, alices_idea, order="newest")
    page = response.content.decode()
    assert page.index("Newer.") < page.index("Older.")
    assert f'href="/ideas/{alices_idea.pk}/?order=newest#comments" aria-current="page"' in page


def test_an_unknown_order_is_named_and_the_default_used(client, alices_comment, alices_idea):
    response = _page(client, alices_idea, order="sideways")
    assert response.status_code == 400
    assert "Order by one of" in response.content.decode() and response.context["order"] == "oldest"


def test_more_comments_pages_on_by_cursor(client, alice, alices_idea, monkeypatch):
    monkeypatch.setattr("frontend.views.comments.THREAD_PAGE", 2)
    for n in range(3):
        comment(alice, alices_idea, f"Number {n}.")
    first = _page(client, alices_idea)
    assert "Number 1." in first.content.decode() and "Number 2." not in first.content.decode()
    second = client.get(first.context["more_url"])
    assert "Number 2." in second.content.decode() and "Number 0." not in second.content.decode()


def test_a_link_to_a_comment_on_a_later_page_opens_the_page_of_its_conversation(
    client, alice, alices_idea, monkeypatch
):
    monkeypatch.setattr("frontend.views.comments.THREAD_PAGE", 2)
    *_, third = (comment(alice, alices_idea, f"Number {n}.") for n in range(3))
    reply = comment(alice, alices_idea, "A reply to the third.", parent=third)
    response = _page(client, alices_idea, comment=reply.pk)
    assert [c.pk for c in response.context["thread"]] == [third.pk]
    assert [c.pk for c in response.context["thread"][0].replies] == [reply.pk]
    assert "Back to the first comments" in response.content.decode()


def test_a_deleted_comment_is_a_placeholder_and_its_replies_stay(client, alice, bob, alices_comment, alices_idea):
    comment(bob, alices_idea, "Still here.", parent=alices_comment)
    comment_delete(actor=alice, comment=alices_comment)
    page = _page(client, alices_idea).content.decode()
    assert "Comment deleted" in page and "Cinnamon" not in page and "Still here." in page


def test_an_edited_comment_says_so(client, alice, alices_comment, alices_idea):
    comment_edit(actor=alice, comment=alices_comment, body="Nutmeg instead.")
    page = _page(client, alices_idea).content.decode()
    assert "Nutmeg instead." in page and '<span class="edited"' in page


def test_the_official_response_is_pinned_and_badged(client, pat, alices_comment, alices_idea):
    answer = comment(pat, alices_idea, "We are testing it in Oslo.")
    comment_mark_official(actor=pat, comment=answer)
    page = _page(client, alices_idea).content.decode()
    pinned = page[page.index('id="official-response"') : page.index('id="thread"')]
    assert "We are testing it in Oslo." in pinned and "Official response" in pinned and "Product team" in pinned


def test_members_see_reply_but_not_others_edit_links(signed_in, bob, alices_comment, alices_idea):
    page = _page(signed_in(bob), alices_idea).content.decode()
    assert f"?reply={alices_comment.pk}#comment-form" in page
    assert f"/comments/{alices_comment.pk}/edit/" not in page
    assert "Mark as official response" not in page


def test_the_author_sees_edit_and_delete(signed_in, alice, alices_comment, alices_idea):
    page = _page(signed_in(alice), alices_idea).content.decode()
    assert f"/comments/{alices_comment.pk}/edit/" in page and f"/comments/{alices_comment.pk}/delete/" in page


def test_earlier_versions_link_only_for_moderators(signed_in, alice, mo, alices_comment, alices_idea):
    comment_edit(actor=alice, comment=alices_comment, body="Changed.")
    assert "Earlier versions" not in _page(signed_in(alice), alices_idea).content.decode()
    assert f"/comments/{alices_comment.pk}/history/" in _page(signed_in(mo), alices_idea).content.decode()


def test_opening_the_idea_reads_the_notifications_about_it(signed_in, alice, bob, alices_comment, alices_idea):
    notify(
        event="test:1",
        notices=[Notice(recipient_id=bob.pk, kind="reply", idea_id=alices_idea.pk, subject="comment:1")],
    )
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 1
    _page(signed_in(bob), alices_idea)
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 0


def _threads(alice, bob, idea, n):
    for _ in range(n // 4):
        top = comment(alice, idea, "Top **level**.")
        reply = comment(bob, idea, "A reply.", parent=top)
        deeper = comment(alice, idea, "Deeper.", parent=reply)
        comment(bob, idea, "Deepest, beside it.", parent=deeper)


def test_the_idea_page_costs_the_same_queries_for_20_or_200_comments(
    signed_in, alice, bob, pat, drinks, django_assert_num_queries
):
    small, large = IdeaFactory(author=alice, category=drinks), IdeaFactory(author=alice, category=drinks)
    for idea, n in ((small, 20), (large, 200)):
        _threads(alice, bob, idea, n)
        comment_mark_official(actor=pat, comment=Comment.objects.filter(idea=idea).first())
    client = signed_in(bob)
    _page(client, small)  # the session and the site's caches warm up
    with CaptureQueriesContext(connection) as few:
        _page(client, small)
    with django_assert_num_queries(len(few)):
        response = _page(client, large)
    assert len(response.context["thread"]) == 25  # 100 comments: 25 threads of 4


# --- The comment box ----------------------------------------------------------------------------


def test_visitors_are_asked_to_sign_in_to_comment(client, alices_idea):
    page = _page(client, alices_idea).content.decode()
    assert "Sign in to comment" in page and "%2523comment-form" not in page
    assert f"next=/ideas/{alices_idea.pk}/%23comment-form" in page


def test_a_visitor_posting_is_sent_to_sign_in(client, alices_idea):
    response = client.post(f"/ideas/{alices_idea.pk}/comments/", {"body": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_a_member_comments_and_lands_on_the_comment(signed_in, bob, alices_idea):
    response = signed_in(bob).post(f"/ideas/{alices_idea.pk}/comments/", {"body": "Love it."})
    posted = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ideas/{alices_idea.pk}/#comment-{posted.pk}"
    assert posted.author == bob and posted.body == "Love it."


def test_a_member_replies_without_javascript(signed_in, bob, alices_comment, alices_idea):
    client = signed_in(bob)
    page = _page(client, alices_idea, reply=alices_comment.pk).content.decode()
    assert "Replying to Alice" in page and f'name="parent" value="{alices_comment.pk}"' in page
    client.post(f"/ideas/{alices_idea.pk}/comments/", {"body": "Agreed.", "parent": alices_comment.pk})
    assert Comment.objects.get(body="Agreed.").parent == alices_comment


@pytest.mark.parametrize("reply", ["x", "-1", "0", "99999999999999999999999"])
def test_a_reply_link_to_no_comment_shows_the_plain_comment_box(signed_in, bob, alices_idea, reply):
    response = _page(signed_in(bob), alices_idea, reply=reply, comment=reply)
    assert response.status_code == 200 and "Add a comment" in response.content.decode()


def test_an_empty_comment_is_a_form_error(signed_in, bob, alices_idea):
    response = signed_in(bob).post(f"/ideas/{alices_idea.pk}/comments/", {"body": "   "})
    assert response.status_code == 400 and "Write something first." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_too_long_comment_is_a_form_error_that_keeps_the_text(signed_in, bob, alices_idea):
    text = "Long words. " * 500
    response = signed_in(bob).post(f"/ideas/{alices_idea.pk}/comments/", {"body": text})
    page = response.content.decode()
    assert response.status_code == 400 and "5,000 characters" in page and "Long words. Long words." in page
    assert not Comment.objects.exists()


def test_a_reply_to_a_deleted_comment_is_a_form_error(signed_in, alice, bob, alices_comment, alices_idea):
    comment_delete(actor=alice, comment=alices_comment)
    response = signed_in(bob).post(
        f"/ideas/{alices_idea.pk}/comments/", {"body": "Too late.", "parent": alices_comment.pk}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "no longer there" in page and "Too late." in page
    assert Comment.objects.count() == 1


def test_a_reply_to_a_comment_of_another_idea_is_a_form_error(signed_in, bob, alice, alices_idea, drinks):
    other = comment(alice, IdeaFactory(author=alice, category=drinks), "Elsewhere.")
    response = signed_in(bob).post(f"/ideas/{alices_idea.pk}/comments/", {"body": "Hm.", "parent": other.pk})
    assert response.status_code == 400 and Comment.objects.count() == 1


def test_a_parent_that_is_not_a_number_is_a_form_error(signed_in, bob, alices_idea):
    response = signed_in(bob).post(f"/ideas/{alices_idea.pk}/comments/", {"body": "Hm.", "parent": "x"})
    assert response.status_code == 400 and not Comment.objects.exists()


def test_commenting_on_a_deleted_idea_is_404(signed_in, alice, bob, alices_idea):
    idea_delete(idea=alices_idea, actor=alice)
    response = signed_in(bob).post(f"/ideas/{alices_idea.pk}/comments/", {"body": "Hello?"})
    assert response.status_code == 404 and not Comment.objects.exists()


def test_writing_too_fast_is_429_with_retry_after_and_the_text_kept(signed_in, bob, alices_idea):
    limits = {**settings.WRITE_RATE_LIMITS, "comment_post": "1/m/user"}
    client = signed_in(bob)
    with override_settings(WRITE_RATE_LIMITS=limits):
        client.post(f"/ideas/{alices_idea.pk}/comments/", {"body": "One."})
        response = client.post(f"/ideas/{alices_idea.pk}/comments/", {"body": "Two, quickly."})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "Two, quickly." in response.content.decode() and Comment.objects.count() == 1


# --- Edit, delete, earlier versions, official ---------------------------------------------------


def test_the_author_edits_a_comment(signed_in, alice, alices_comment, alices_idea):
    client = signed_in(alice)
    assert "Cinnamon on top" in client.get(f"/comments/{alices_comment.pk}/edit/").content.decode()
    response = client.post(f"/comments/{alices_comment.pk}/edit/", {"body": "Nutmeg."})
    assert response["Location"] == f"/ideas/{alices_idea.pk}/#comment-{alices_comment.pk}"
    alices_comment.refresh_from_db()
    assert alices_comment.body == "Nutmeg." and alices_comment.edited_at


def test_an_empty_edit_is_a_form_error(signed_in, alice, alices_comment):
    response = signed_in(alice).post(f"/comments/{alices_comment.pk}/edit/", {"body": ""})
    assert response.status_code == 400 and "Write something first." in response.content.decode()
    alices_comment.refresh_from_db()
    assert alices_comment.body == "Cinnamon on top, **please**."


def test_bob_cannot_edit_alices_comment(signed_in, bob, alices_comment):
    client = signed_in(bob)
    assert client.get(f"/comments/{alices_comment.pk}/edit/").status_code == 403
    assert client.post(f"/comments/{alices_comment.pk}/edit/", {"body": "Hijack"}).status_code == 403
    alices_comment.refresh_from_db()
    assert alices_comment.body == "Cinnamon on top, **please**."


def test_the_author_deletes_after_confirming(signed_in, alice, alices_comment):
    client = signed_in(alice)
    assert "Delete this comment?" in client.get(f"/comments/{alices_comment.pk}/delete/").content.decode()
    client.post(f"/comments/{alices_comment.pk}/delete/")
    alices_comment.refresh_from_db()
    assert alices_comment.is_deleted


def test_bob_cannot_delete_alices_comment(signed_in, bob, alices_comment):
    assert signed_in(bob).post(f"/comments/{alices_comment.pk}/delete/").status_code == 403
    alices_comment.refresh_from_db()
    assert not alices_comment.is_deleted


def test_a_moderator_deletes_with_a_reason(signed_in, mo, alices_comment):
    client = signed_in(mo)
    assert "Why are you deleting it?" in client.get(f"/comments/{alices_comment.pk}/delete/").content.decode()
    client.post(f"/comments/{alices_comment.pk}/delete/", {"reason": "Spam."})
    alices_comment.refresh_from_db()
    assert alices_comment.is_deleted


def test_unknown_or_deleted_comments_are_404(signed_in, alice, alices_comment):
    client = signed_in(alice)
    assert client.get("/comments/999999/edit/").status_code == 404
    comment_delete(actor=alice, comment=alices_comment)
    assert client.get(f"/comments/{alices_comment.pk}/edit/").status_code == 404
    assert client.post(f"/comments/{alices_comment.pk}/delete/").status_code == 404


def test_earlier_versions_are_for_moderators_only(signed_in, client, alice, mo, alices_comment):
    comment_edit(actor=alice, comment=alices_comment, body="Second thoughts.")
    assert signed_in(alice).get(f"/comments/{alices_comment.pk}/history/").status_code == 403
    client.logout()
    page = signed_in(mo).get(f"/comments/{alices_comment.pk}/history/").content.decode()
    assert "Cinnamon on top" in page and "Second thoughts." in page


def test_pat_marks_and_unmarks_the_official_response(signed_in, pat, alices_comment):
    client = signed_in(pat)
    client.post(f"/comments/{alices_comment.pk}/official/", {"official": "1"})
    alices_comment.refresh_from_db()
    assert alices_comment.is_official
    client.post(f"/comments/{alices_comment.pk}/official/", {"official": "0"})
    alices_comment.refresh_from_db()
    assert not alices_comment.is_official


def test_bob_cannot_mark_the_official_response(signed_in, bob, alices_comment):
    assert signed_in(bob).post(f"/comments/{alices_comment.pk}/official/", {"official": "1"}).status_code == 403
    alices_comment.refresh_from_db()
    assert not alices_comment.is_official


# --- The live fragment --------------------------------------------------------------------------


def test_the_fragment_renders_one_comment_with_the_viewers_actions(signed_in, alice, alices_comment):
    page = signed_in(alice).get(f"/comments/{alices_comment.pk}/").content.decode()
    assert page.lstrip().startswith("<li") and f'id="comment-{alices_comment.pk}"' in page
    assert f"/comments/{alices_comment.pk}/edit/" in page and "<html" not in page


def test_the_fragment_of_a_comment_on_a_deleted_idea_is_404(client, alice, alices_comment, alices_idea):
    idea_delete(idea=alices_idea, actor=alice)
    assert client.get(f"/comments/{alices_comment.pk}/").status_code == 404


def test_the_pinned_fragment_is_the_official_response(client, pat, alices_comment):
    comment_mark_official(actor=pat, comment=alices_comment)
    page = client.get(f"/comments/{alices_comment.pk}/", {"pinned": "1"}).content.decode()
    assert "official-response" in page and f'id="comment-{alices_comment.pk}"' not in page


def test_the_card_gives_its_comment_count_a_hook(client, alices_comment, alices_idea):
    page = client.get("/").content.decode()
    assert f'data-comment-count-of="{alices_idea.pk}"' in page and "1 comment" in page


# --- Follow -------------------------------------------------------------------------------------


def test_the_follow_button_shows_the_count_and_state(signed_in, bob, alices_idea):
    idea_follow(actor=bob, idea=alices_idea)
    page = _page(signed_in(bob), alices_idea).content.decode()
    assert 'aria-pressed="true"' in page and "Following" in page and "1 follower" in page


def test_a_member_follows_and_unfollows_without_javascript(signed_in, bob, alices_idea):
    client = signed_in(bob)
    response = client.post(f"/ideas/{alices_idea.pk}/follow/", {"follow": "1"})
    assert response["Location"] == f"/ideas/{alices_idea.pk}/#follow"
    assert Follow.objects.get(member=bob).following
    client.post(f"/ideas/{alices_idea.pk}/follow/", {"follow": "0"})
    assert not Follow.objects.get(member=bob).following


def test_a_visitor_following_is_sent_to_sign_in(client, alices_idea):
    response = client.post(f"/ideas/{alices_idea.pk}/follow/", {"follow": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exclude(member=alices_idea.author).exists()


def test_following_an_unknown_idea_is_404(signed_in, bob):
    assert signed_in(bob).post("/ideas/999999/follow/", {"follow": "1"}).status_code == 404


def test_an_unfollow_shows_follow_again(signed_in, bob, alices_idea):
    idea_follow(actor=bob, idea=alices_idea)
    idea_unfollow(actor=bob, idea=alices_idea)
    page = _page(signed_in(bob), alices_idea).content.decode()
    assert 'aria-pressed="false"' in page and "0 followers" in page


# --- Preview ------------------------------------------------------------------------------------


def test_preview_renders_through_the_one_renderer_with_mentions(api_as, alice, bob):
    response = api_as(alice).post(
        "/api/v1/preview/", {"body": f"Hi @[Bob](member:{bob.pk}) **now** <script>x</script>"}
    )
    html = response.json()["html"]
    assert response.status_code == 200 and "<strong>now</strong>" in html and "<script" not in html
    assert f'href="/members/{bob.pk}/"' in html


def test_the_preview_of_an_idea_does_not_link_mentions(api_as, alice, bob):
    response = api_as(alice).post("/api/v1/preview/", {"body": f"Hi @[Bob](member:{bob.pk})", "kind": "idea"})
    assert response.status_code == 200 and "/members/" not in response.json()["html"]


def test_preview_is_for_members_only(api):
    assert api.post("/api/v1/preview/", {"body": "Hi"}).status_code == 401


def test_preview_refuses_a_body_over_the_idea_maximum(api_as, alice):
    response = api_as(alice).post("/api/v1/preview/", {"body": "x" * 10_001})
    assert response.status_code == 400 and response.json()["fields"]["body"]


def test_the_comment_box_and_idea_form_offer_a_preview(signed_in, alice, alices_idea):
    client = signed_in(alice)
    assert 'data-preview-url="/api/v1/preview/"' in _page(client, alices_idea).content.decode()
    assert 'data-preview-url="/api/v1/preview/"' in client.get("/ideas/new/").content.decode()


# --- Demo data ----------------------------------------------------------------------------------


def test_seed_demo_writes_its_conversations_once_through_the_services(db):
    call_command("seed_demo", stdout=StringIO())
    counts = {idea.pk: idea.comment_count for idea in Idea.objects.filter(comment_count__gt=0)}
    call_command("seed_demo", stdout=StringIO())
    assert Comment.objects.count() == sum(counts.values()) >= 10
    assert {idea.pk: idea.comment_count for idea in Idea.objects.filter(comment_count__gt=0)} == counts
    assert Comment.objects.filter(official_at__isnull=False, official_by__email="pat@example.com").count() == 1
    assert Comment.objects.filter(depth=3).exclude(reply_to=F("parent")).exists()  # a reply to level 3
    assert Comment.objects.filter(edited_at__isnull=False).exists() and Mention.objects.exists()


@pytest.mark.parametrize("order", ["oldest", "newest"])
def test_a_link_into_the_forums_first_conversation_opens_its_page(client, alice, bob, alices_idea, order):
    first = comment(bob, alices_idea, "The forum's very first comment")
    reply = comment(alice, alices_idea, "A reply", parent=first)
    for target in (first, reply):
        response = _page(client, alices_idea, comment=target.pk, order=order)
        assert response.status_code == 200
        assert f'id="comment-{target.pk}"' in response.content.decode()


def test_a_link_to_a_late_reply_in_a_long_conversation_shows_that_reply(client, alice, alices_idea, monkeypatch):
    monkeypatch.setattr("frontend.views.comments.THREAD_PAGE", 3)
    root = comment(alice, alices_idea, "The start.")
    replies = [comment(alice, alices_idea, f"Reply {n}.", parent=root) for n in range(5)]
    response = _page(client, alices_idea, comment=replies[-1].pk)
    assert f'id="comment-{replies[-1].pk}"' in response.content.decode()
