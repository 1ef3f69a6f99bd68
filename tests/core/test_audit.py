"""The audit trail: written inside services' transactions, never changed or deleted, read-only in the admin."""

import pytest
from django.db import transaction

from accounts.models import Role
from accounts.services import account_delete, role_grant, role_revoke
from core import audit
from core.errors import NotAllowed
from core.models import AppendOnly, AuditEntry
from ideas.services import idea_delete


def test_staff_deleting_alices_idea_records_who_and_why(mo, alices_idea):
    idea_delete(idea=alices_idea, actor=mo, reason="Spam link farm")
    entry = AuditEntry.objects.get(verb="idea.deleted")
    assert (entry.actor_id, entry.reason) == (mo.pk, "Spam link farm")
    assert (entry.target_type, entry.target_id) == ("ideas.idea", str(alices_idea.pk))


def test_alice_deleting_her_own_idea_records_nothing(alice, alices_idea):
    idea_delete(idea=alices_idea, actor=alice)
    assert not AuditEntry.objects.exists()


def test_a_too_long_reason_is_refused_and_nothing_changes(mo, alices_idea):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        idea_delete(idea=alices_idea, actor=mo, reason="x" * 1001)
    assert "reason" in refused.value.message_dict
    alices_idea.refresh_from_db()
    assert alices_idea.deleted_at is None and not AuditEntry.objects.filter(verb="idea.deleted").exists()


def test_role_grant_and_revoke_are_recorded_with_the_admin(ada, alice):
    role_grant(actor=ada, user=alice, role=Role.MODERATOR)
    role_revoke(actor=ada, user=alice, role=Role.MODERATOR)
    entries = list(AuditEntry.objects.order_by("id").values_list("actor_id", "verb", "target_id", "data"))
    assert entries == [
        (ada.pk, "role.granted", str(alice.pk), {"role": "moderators"}),
        (ada.pk, "role.revoked", str(alice.pk), {"role": "moderators"}),
    ]


def test_granting_a_role_twice_records_it_once(alice):
    role_grant(actor=None, user=alice, role=Role.PRODUCT_TEAM)
    role_grant(actor=None, user=alice, role=Role.PRODUCT_TEAM)
    assert AuditEntry.objects.filter(verb="role.granted").count() == 1


def test_bob_cannot_grant_roles(bob, alice):
    with pytest.raises(NotAllowed):
        role_grant(actor=bob, user=alice, role=Role.MODERATOR)
    assert not alice.is_moderator and not AuditEntry.objects.exists()


def test_account_deletion_is_recorded_without_personal_data(alice):
    member_id = alice.pk
    account_delete(actor=alice, user=alice)
    entry = AuditEntry.objects.get()
    assert entry.verb == "account.deleted" and entry.actor_id == member_id
    assert entry.data == {"member_id": member_id, "by": "self"} and entry.target_id == ""
    flat = f"{entry.reason} {entry.data} {entry.target_type}"
    assert "alice" not in flat.lower()


def test_bob_cannot_delete_alices_account(alice, bob):
    with pytest.raises(NotAllowed):
        account_delete(actor=bob, user=alice)
    alice.refresh_from_db()
    assert not AuditEntry.objects.exists()


def test_record_belongs_inside_a_transaction(transactional_db, alice):
    with pytest.raises(RuntimeError):
        audit.record(actor=alice, verb="test.outside")
    with transaction.atomic():
        audit.record(actor=alice, verb="test.inside")
    assert AuditEntry.objects.filter(verb="test.inside").exists()


@pytest.fixture
def entry(mo, alices_idea):
    idea_delete(idea=alices_idea, actor=mo, reason="Off-topic")
    return AuditEntry.objects.get(verb="idea.deleted")


def test_an_entry_cannot_be_changed(entry):
    entry.reason = "Something kinder"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="Something kinder")
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Off-topic"


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEntry._base_manager.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_bulk_writes_cannot_rewrite_an_entry(entry):
    entry.reason = "Rewritten"
    with pytest.raises(AppendOnly):
        AuditEntry.objects.bulk_update([entry], ["reason"])
    with pytest.raises(AppendOnly):
        AuditEntry.objects.bulk_create([entry], update_conflicts=True, unique_fields=["id"], update_fields=["reason"])
    with pytest.raises(AppendOnly):
        AuditEntry._base_manager.filter(pk=entry.pk).update(reason="Rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Off-topic"


def test_the_database_refuses_to_change_an_entry(entry):
    from django.db import DatabaseError, connection

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET reason = 'Rewritten' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Off-topic"


def test_the_entry_keeps_its_actor_when_the_actor_leaves(mo, entry):
    mos_number = mo.pk
    account_delete(actor=mo, user=mo)
    assert AuditEntry.objects.get(pk=entry.pk).actor_id == mos_number


def test_postgresql_refuses_to_delete_an_entry(entry):
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite leaves deletion to the application (Django's test flush deletes rows)")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_shows_entries_and_cannot_change_or_delete_them(client, ada, entry):
    client.force_login(ada)
    listing = client.get("/admin/core/auditentry/")
    assert listing.status_code == 200 and "idea.deleted" in listing.content.decode()
    assert "mo@example.com" in listing.content.decode()
    change = client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"reason": "Edited"})
    assert change.status_code in {200, 403}
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    client.post("/admin/core/auditentry/", bulk)
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Off-topic"
