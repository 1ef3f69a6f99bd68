"""The comments admin never goes around the services: it reads comments and deletes them through comment_delete."""

from core.models import AuditEntry
from discussion.models import Comment
from tests.factories import comment


def test_deleting_a_comment_in_the_admin_leaves_a_placeholder_with_its_event_and_audit(
    client, ada, bob, alices_idea, published
):
    posted = comment(bob, alices_idea)
    client.force_login(ada)
    with published() as events:
        response = client.post(f"/admin/discussion/comment/{posted.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    posted.refresh_from_db()
    assert posted.is_deleted
    assert [e["event"] for e in events] == ["comment.changed", "comment_count.changed"]
    assert AuditEntry.objects.get(verb="comment.deleted").actor_id == ada.pk
    alices_idea.refresh_from_db()
    assert alices_idea.comment_count == 0


def test_the_admin_reads_a_comment_with_its_earlier_versions_but_cannot_change_it(client, ada, bob, alices_idea):
    from discussion.services import comment_edit

    posted = comment(bob, alices_idea, "First words")
    comment_edit(actor=bob, comment=posted, body="Second words")
    client.force_login(ada)
    page = client.get(f"/admin/discussion/comment/{posted.pk}/change/").content.decode()
    assert "First words" in page and 'name="body"' not in page
    assert client.post(f"/admin/discussion/comment/{posted.pk}/change/", {"body": "Changed"}).status_code == 403
    assert Comment.objects.get(pk=posted.pk).body == "Second words"


def test_comments_cannot_be_added_in_the_admin(client, ada):
    client.force_login(ada)
    assert client.get("/admin/discussion/comment/add/").status_code == 403
