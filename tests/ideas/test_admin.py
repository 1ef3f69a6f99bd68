"""The ideas admin never goes around the services: it reads ideas and deletes them through idea_delete."""

from core.models import AuditEntry
from ideas.models import Idea, Status
from tests.factories import IdeaFactory


def test_deleting_one_idea_in_the_admin_soft_deletes_it_with_its_event_and_audit(client, ada, alices_idea, published):
    client.force_login(ada)
    with published() as events:
        response = client.post(f"/admin/ideas/idea/{alices_idea.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    alices_idea.refresh_from_db()
    assert alices_idea.deleted_at is not None and Idea.objects.filter(pk=alices_idea.pk).exists()
    assert {e["topic"] for e in events} == {"ideas", f"idea:{alices_idea.pk}"}
    assert AuditEntry.objects.get(verb="idea.deleted").actor_id == ada.pk


def test_the_bulk_delete_action_runs_the_service_for_each_idea(client, ada, alice, drinks, published):
    ideas = [IdeaFactory(author=alice, category=drinks) for _ in range(3)]
    client.force_login(ada)
    data = {"action": "delete_selected", "_selected_action": [i.pk for i in ideas], "post": "yes"}
    with published() as events:
        client.post("/admin/ideas/idea/", data)
    assert Idea.objects.visible().count() == 0 and Idea.objects.count() == 3
    assert AuditEntry.objects.filter(verb="idea.deleted").count() == 3
    assert sum(e["data"] == {"id": i.pk, "deleted": True} for e in events for i in ideas) == 6


def test_status_counts_and_sort_keys_cannot_be_changed_in_the_admin(client, ada, alices_idea):
    client.force_login(ada)
    page = client.get(f"/admin/ideas/idea/{alices_idea.pk}/change/").content.decode()
    assert 'name="status"' not in page and 'name="upvotes"' not in page and 'name="hot"' not in page
    response = client.post(
        f"/admin/ideas/idea/{alices_idea.pk}/change/",
        {"status": Status.LAUNCHED, "upvotes": 99, "score": 99, "hot": 1e9, "title": "Changed"},
    )
    assert response.status_code == 403
    alices_idea.refresh_from_db()
    assert (alices_idea.status, alices_idea.upvotes, alices_idea.title) == (
        Status.NEW,
        0,
        "Oat milk at no extra charge",
    )


def test_ideas_cannot_be_added_in_the_admin(client, ada, drinks):
    client.force_login(ada)
    assert client.get("/admin/ideas/idea/add/").status_code == 403


def test_staff_without_a_forum_role_cannot_delete_ideas_in_the_admin(client, alices_idea):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    sam = UserFactory(email="sam@example.com", is_staff=True)
    sam.user_permissions.set(Permission.objects.filter(content_type__app_label="ideas"))
    client.force_login(sam)
    assert client.post(f"/admin/ideas/idea/{alices_idea.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(
        "/admin/ideas/idea/", {"action": "delete_selected", "_selected_action": [alices_idea.pk], "post": "yes"}
    )
    alices_idea.refresh_from_db()
    assert alices_idea.deleted_at is None


def test_a_moderator_with_admin_access_deletes_through_the_service(client, mo, alices_idea):
    from django.contrib.auth.models import Permission

    mo.is_staff = True
    mo.save(update_fields=["is_staff"])
    mo.user_permissions.set(Permission.objects.filter(content_type__app_label="ideas"))
    client.force_login(mo)
    assert client.post(f"/admin/ideas/idea/{alices_idea.pk}/delete/", {"post": "yes"}).status_code == 302
    alices_idea.refresh_from_db()
    assert alices_idea.deleted_at is not None
