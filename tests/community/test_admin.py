"""The admin reads community's records but never adds, changes or deletes them: the ledger stays explainable."""

import pytest

from community.models import LedgerEntry
from voting.services import vote_cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["ledgerentry", "award", "share", "visit"])
def test_the_admin_lists_each_record_and_adds_none(client, ada, model):
    client.force_login(ada)
    assert client.get(f"/admin/community/{model}/").status_code == 200
    assert client.get(f"/admin/community/{model}/add/").status_code == 403


def test_a_ledger_line_is_read_in_the_admin_but_not_changed_or_deleted(client, ada, bob, alices_idea):
    vote_cast(actor=bob, idea_id=alices_idea.pk, value=1)
    line = LedgerEntry.objects.get()
    client.force_login(ada)
    page = client.get(f"/admin/community/ledgerentry/{line.pk}/change/").content.decode()
    assert "Save" not in page and 'name="points"' not in page
    assert client.post(f"/admin/community/ledgerentry/{line.pk}/change/", {"points": 1000}).status_code == 403
    assert client.post(f"/admin/community/ledgerentry/{line.pk}/delete/", {"post": "yes"}).status_code == 403
    line.refresh_from_db()
    assert line.points == 10
