"""The members admin: deletion is the account deletion (counts stay exact), roles go through the role services."""

import pytest

from accounts.models import User
from core.models import AuditEntry
from tests.factories import IdeaFactory, UserFactory
from tests.voting.test_services import assert_counts_match_votes
from voting.services import vote_cast


def test_deleting_a_voter_in_the_admin_keeps_counts_equal_to_the_vote_rows(client, ada, bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    client.force_login(ada)
    response = client.post(f"/admin/accounts/user/{bob.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not User.objects.filter(pk=bob.pk).exists()
    assert_counts_match_votes(alices_idea)
    assert alices_idea.upvotes == 0
    assert AuditEntry.objects.get(verb="account.deleted").actor_id == ada.pk


def test_bulk_deleting_voters_in_the_admin_keeps_every_count_exact(client, ada, alice, drinks):
    ideas = [IdeaFactory(author=alice, category=drinks) for _ in range(2)]
    voters = [UserFactory() for _ in range(4)]
    for n, voter in enumerate(voters):
        for idea in ideas:
            vote_cast(actor=voter, idea_id=idea.pk, value=1 if n % 2 else -1)
    client.force_login(ada)
    client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [v.pk for v in voters[:3]], "post": "yes"},
    )
    assert User.objects.filter(pk__in=[v.pk for v in voters]).count() == 1
    for idea in ideas:
        assert_counts_match_votes(idea)
        assert (idea.upvotes, idea.downvotes) == (1, 0)


def test_roles_change_in_the_admin_through_the_role_services(client, ada, alice):
    client.force_login(ada)
    form = {
        "email": alice.email,
        "display_name": alice.display_name,
        "is_active": "on",
        "roles": ["moderators"],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    response = client.post(f"/admin/accounts/user/{alice.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=alice.pk).is_moderator
    form["roles"] = []
    client.post(f"/admin/accounts/user/{alice.pk}/change/", form)
    assert not User.objects.get(pk=alice.pk).is_moderator
    verbs = list(AuditEntry.objects.filter(actor_id=ada.pk).order_by("id").values_list("verb", "data"))
    assert verbs == [("role.granted", {"role": "moderators"}), ("role.revoked", {"role": "moderators"})]


def _change_form(member, **overrides) -> dict:
    form = {
        "email": member.email,
        "display_name": member.display_name,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def test_making_a_member_an_admin_in_the_admin_is_recorded(client, ada, alice):
    client.force_login(ada)
    response = client.post(f"/admin/accounts/user/{alice.pk}/change/", _change_form(alice, is_superuser="on"))
    assert response.status_code == 302
    assert User.objects.get(pk=alice.pk).is_superuser
    entry = AuditEntry.objects.get(verb="member.flags_changed")
    assert (entry.actor_id, entry.target_id, entry.data) == (ada.pk, str(alice.pk), {"is_superuser": True})


@pytest.fixture
def sam(db):
    """Staff with every admin permission on members, but no admin (superuser) and no forum role."""
    from django.contrib.auth.models import Permission

    user = UserFactory(email="sam@example.com", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    return user


def test_staff_who_are_not_admins_cannot_make_themselves_admins(client, sam):
    client.force_login(sam)
    page = client.get(f"/admin/accounts/user/{sam.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="roles"' not in page
    client.post(f"/admin/accounts/user/{sam.pk}/change/", _change_form(sam, is_superuser="on", roles="moderators"))
    sam.refresh_from_db()
    assert not sam.is_superuser and not sam.is_moderator
    assert not AuditEntry.objects.exists()


def test_staff_who_are_not_admins_cannot_delete_members(client, sam, bob):
    client.force_login(sam)
    assert client.post(f"/admin/accounts/user/{bob.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post("/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [bob.pk], "post": "yes"})
    assert User.objects.filter(pk=bob.pk).exists()


def test_roles_are_not_groups_to_rename_or_delete_in_the_admin(client, ada):
    client.force_login(ada)
    assert client.get("/admin/auth/group/").status_code == 404


def test_the_admin_shows_the_display_name_but_never_writes_it(client, ada, alice):
    client.force_login(ada)
    data = _change_form(alice)
    data["display_name"] = "Official Moderator"
    assert client.post(f"/admin/accounts/user/{alice.pk}/change/", data).status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
