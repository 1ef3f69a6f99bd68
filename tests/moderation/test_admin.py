"""The admin reads moderation's records but never adds, changes or deletes them: that is the services' work."""

import pytest

from moderation.models import ActionKind, Appeal, Case, FlagReason
from moderation.services import appeal_create, case_decide, flag_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def appealed(mo, alice, alices_idea):
    """Mo hid Alice's idea on Mo's own flag, and Alice appealed."""
    flag = flag_create(actor=mo, target=f"idea:{alices_idea.pk}", reason=FlagReason.ABUSIVE)
    hid = case_decide(actor=mo, case=flag.case, action=ActionKind.HIDE, reason="Rude words.")
    return appeal_create(actor=alice, action=hid, text="It was a quote.")


@pytest.mark.parametrize("model", ["case", "flag", "action", "appeal"])
def test_the_admin_lists_each_record_with_its_filters(client, ada, appealed, model):
    client.force_login(ada)
    page = client.get(f"/admin/moderation/{model}/")
    assert page.status_code == 200 and 'id="changelist-filter"' in page.content.decode()


@pytest.mark.parametrize("model", ["case", "flag", "action", "appeal"])
def test_nothing_is_added_in_the_admin(client, ada, model):
    client.force_login(ada)
    assert client.get(f"/admin/moderation/{model}/add/").status_code == 403


def test_a_case_is_read_in_the_admin_but_not_changed(client, ada, appealed):
    case = Case.objects.exclude(appeal=None).get()
    client.force_login(ada)
    page = client.get(f"/admin/moderation/case/{case.pk}/change/").content.decode()
    assert "Save" not in page and 'name="status"' not in page
    assert client.post(f"/admin/moderation/case/{case.pk}/change/", {"status": "decided"}).status_code == 403
    case.refresh_from_db()
    assert case.status == "open"


def test_an_appeal_is_not_deleted_in_the_admin(client, ada, appealed):
    client.force_login(ada)
    assert client.post(f"/admin/moderation/appeal/{appealed.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [appealed.pk], "post": "yes"}
    client.post("/admin/moderation/appeal/", bulk)
    assert Appeal.objects.filter(pk=appealed.pk).exists()
