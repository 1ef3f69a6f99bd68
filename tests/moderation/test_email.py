"""The moderation e-mail, delivered to a local SMTP server: always sent, it says what was done and why, links
to the action, and offers no unsubscribe link or header (its kind cannot be turned off)."""

import pytest

from moderation.models import ActionKind
from notifications.models import Delivery, Kind
from notifications.services import settings_update
from tests.moderation.helpers import decide, flag
from tests.notifications.notices import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def warned(smtp, mo, alice, alices_idea):
    """Mo warned Alice about her idea; the worker sent what there was to send."""
    action = decide(mo, flag(mo, alices_idea).case, ActionKind.WARN, "Keep it civil, please.")
    run_worker()
    [message] = [m for m in smtp.messages if "warned" in str(m["Subject"])]
    return action, message


def test_the_moderation_email_says_what_was_done_why_and_where_to_appeal(warned):
    action, message = warned
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert str(message["Subject"]).strip() == "A moderator warned you"
    assert "The reason: Keep it civil, please." in text
    assert f"http://testserver/moderation/actions/{action.pk}/" in text
    assert f'href="http://testserver/moderation/actions/{action.pk}/"' in html


def test_the_moderation_email_has_no_unsubscribe_link_or_header(warned):
    _, message = warned
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
    assert "/notifications/unsubscribe/" not in message.as_string()
    assert "cannot be turned off" in message.get_body(("plain",)).get_content()


def test_other_emails_keep_their_unsubscribe_link(smtp, alice, bob, alices_idea):
    from tests.factories import comment

    comment(bob, alices_idea, "Yes please")
    run_worker()
    [message] = smtp.messages
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://testserver/notifications/unsubscribe/")


def test_a_member_who_turned_every_email_off_still_hears_of_a_moderators_action(smtp, mo, alice, alices_idea):
    settings_update(actor=alice, delivery={kind: Delivery.NEVER for kind in Kind if kind != Kind.MODERATION})
    decide(mo, flag(mo, alices_idea).case, ActionKind.HIDE, "Advertising.")
    run_worker()
    assert any("hid what you wrote" in str(m["Subject"]) for m in smtp.messages)
