"""The moderation pages: flag forms, the queue and its decide forms, hidden content on every page, a member's
own actions and the appeal form; permissions per role, bad input kept, conflicts, and query counts."""

import re

import pytest

from core.hiding import Hidden
from ideas.models import Idea, Status
from ideas.services import idea_edit
from moderation.models import Action, ActionKind, Appeal, Case, CaseStatus, Flag, FlagReason
from moderation.selectors import QUEUE_PAGE_SIZE
from moderation.services import appeal_create, case_decide
from pipeline.services import idea_transition
from tests.factories import IdeaFactory, UserFactory, comment
from tests.moderation.helpers import flagged

pytestmark = pytest.mark.django_db

QUEUE = "/moderation/"


def _case(idea) -> Case:
    return flagged(f"idea:{idea.pk}").case


def _hidden_by(mo, idea, reason="Insults in the title.") -> Action:
    return case_decide(actor=mo, case=_case(idea), action=ActionKind.HIDE, reason=reason)


def _decide(client, case, **data):
    return client.post(f"/moderation/cases/{case.pk}/decide/", data)


# --- The queue: who may see it ------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in_for_the_queue(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bob_gets_the_not_allowed_page_for_the_queue(signed_in, bob):
    response = signed_in(bob).get(QUEUE)
    assert response.status_code == 403
    assert "Only moderators and staff" in response.content.decode()


def test_pat_reads_the_queue_but_gets_no_decide_form(signed_in, pat, alices_idea):
    _case(alices_idea)
    page = signed_in(pat).get(QUEUE).content.decode()
    assert alices_idea.title in page
    assert "/decide/" not in page


def test_pat_cannot_decide_through_the_page(signed_in, pat, alices_idea):
    case = _case(alices_idea)
    response = _decide(signed_in(pat), case, action="hide", reason="No.")
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_bob_cannot_decide_through_the_page(signed_in, bob, alices_idea):
    case = _case(alices_idea)
    assert _decide(signed_in(bob), case, action="dismiss", reason="No.").status_code == 403
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_the_header_links_the_queue_with_its_open_count_for_staff(signed_in, mo, alices_idea):
    _case(alices_idea)
    page = signed_in(mo).get("/").content.decode()
    assert 'id="moderation-link"' in page and "1 open case" in page


def test_members_get_no_moderation_link(signed_in, bob):
    assert 'id="moderation-link"' not in signed_in(bob).get("/").content.decode()


# --- The queue: what a case shows --------------------------------------------------------------


def test_a_case_shows_the_idea_its_flags_and_its_authors_record(signed_in, mo, alices_idea):
    carol = UserFactory(display_name="Carol")
    flagged(f"idea:{alices_idea.pk}", carol, reason=FlagReason.OTHER, note="Looks like an advert.")
    page = signed_in(mo).get(QUEUE).content.decode()
    assert alices_idea.title in page and "<strong>yes</strong>" in page
    assert "Carol" in page and "Looks like an advert." in page and "Other" in page
    assert "0 earlier actions" in page and "account" in page


def test_a_case_hidden_by_its_flags_says_so(signed_in, mo, alices_idea):
    _case(alices_idea)
    assert "Hidden pending review" in signed_in(mo).get(QUEUE).content.decode()


def test_a_case_shows_the_ideas_earlier_versions(signed_in, mo, alice, alices_idea, drinks):
    idea_edit(idea=alices_idea, actor=alice, title="Oat milk, free", body=alices_idea.body, category=drinks)
    _case(alices_idea)
    page = signed_in(mo).get(QUEUE).content.decode()
    assert "1 earlier version" in page and "Oat milk at no extra charge" in page


def test_a_comment_case_shows_the_comment_and_its_idea(signed_in, mo, bob, alices_idea):
    reply = comment(bob, alices_idea, body="Buy my **pills**.")
    flagged(f"comment:{reply.pk}")
    page = signed_in(mo).get(QUEUE).content.decode()
    assert "<strong>pills</strong>" in page and alices_idea.title in page


def test_an_appeal_case_shows_the_action_appealed_and_the_appeal(signed_in, mo, mia, alice, alices_idea):
    appeal_create(actor=alice, action=_hidden_by(mo, alices_idea), text="It was a quote from a song.")
    page = signed_in(mia).get(QUEUE).content.decode()
    assert "Appeal" in page and "It was a quote from a song." in page
    assert "Insults in the title." in page and "Mo" in page
    assert 'value="overturn"' in page and 'value="hide"' not in page


@pytest.mark.parametrize("cases", [1, 20])
def test_the_queue_runs_a_fixed_number_of_queries(signed_in, mo, drinks, cases, django_assert_num_queries):
    for _ in range(cases):
        idea = IdeaFactory(category=drinks)
        flagged(f"idea:{idea.pk}", UserFactory())
    client = signed_in(mo)
    # session, member, their roles; the alerts; the cases, their flags, ideas' and comments' versions; the
    # header's count
    with django_assert_num_queries(9):
        assert len(client.get(QUEUE).context["cases"]) == cases


def test_more_pages_on_through_the_queue_with_its_cursor(signed_in, mo, drinks):
    for _ in range(QUEUE_PAGE_SIZE + 1):
        flagged(f"idea:{IdeaFactory(category=drinks).pk}", mo)
    client = signed_in(mo)
    first = client.get(QUEUE)
    assert len(first.context["cases"]) == QUEUE_PAGE_SIZE
    later = client.get(QUEUE, {"cursor": first.context["next_cursor"]})
    assert len(later.context["cases"]) == 1 and later.context["next_cursor"] is None


def test_a_bad_cursor_is_named_and_the_first_cases_shown(signed_in, mo, alices_idea):
    _case(alices_idea)
    response = signed_in(mo).get(QUEUE, {"cursor": "not-a-cursor"})
    assert response.status_code == 400 and alices_idea.title in response.content.decode()


# --- Deciding through the page -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("dismiss", {}),
        ("hide", {}),
        ("delete", {}),
        ("edit", {"title": "Oat milk", "body": "Please."}),
        ("lock", {}),
        ("duplicate", {}),
        ("warn", {}),
        ("suspend", {"days": "7"}),
        ("ban", {}),
    ],
)
def test_mo_decides_each_action_through_the_page(signed_in, mo, alices_idea, drinks, action, extra):
    if action == "duplicate":
        extra = {"original": str(IdeaFactory(category=drinks).pk)}
    case = _case(alices_idea)
    response = _decide(signed_in(mo), case, action=action, reason="Read the rules.", **extra)
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert Action.objects.get(case=case).action == action


def test_a_suspension_lasts_the_days_chosen(signed_in, mo, alice, alices_idea):
    _decide(signed_in(mo), _case(alices_idea), action="suspend", reason="Spam.", days="30")
    assert Action.objects.get(action="suspend").days == 30


def test_a_decision_without_a_reason_keeps_what_was_typed(signed_in, mo, alices_idea):
    case = _case(alices_idea)
    response = _decide(signed_in(mo), case, action="edit", reason=" ", title="Typed title", body="Typed body")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Typed title" in page and "Typed body" in page
    assert not Action.objects.exists()


def test_an_action_not_offered_for_the_kind_is_a_form_error(signed_in, mo, alice):
    case = flagged(f"member:{alice.pk}").case
    response = _decide(signed_in(mo), case, action="lock", reason="Why not.")
    assert response.status_code == 400 and not Action.objects.exists()


def test_a_duplicate_without_its_original_is_a_form_error(signed_in, mo, alices_idea):
    response = _decide(signed_in(mo), _case(alices_idea), action="duplicate", reason="Asked before.", original="")
    assert response.status_code == 400 and "Give the address or number" in response.content.decode()


def test_deciding_a_case_decided_meanwhile_is_a_conflict_shown_with_the_new_state(signed_in, mo, mia, alices_idea):
    case = _case(alices_idea)
    case_decide(actor=mia, case=case, action=ActionKind.DISMISS, reason="Fine.")
    response = _decide(signed_in(mo), case, action="hide", reason="Rude.")
    page = response.content.decode()
    assert response.status_code == 409
    assert "Mia decided this already" in page and "Decided by Mia" in page
    assert Action.objects.count() == 1


def test_the_moderator_who_acted_cannot_decide_the_appeal(signed_in, mo, alice, alices_idea):
    appeal = appeal_create(actor=alice, action=_hidden_by(mo, alices_idea), text="A quote.")
    response = _decide(signed_in(mo), appeal.case, action="overturn", reason="Fair.")
    assert response.status_code == 403
    assert "Another moderator decides" in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).status == "open"


def test_another_moderator_overturns_the_appeal_and_the_idea_shows_again(signed_in, mo, mia, alice, alices_idea):
    appeal = appeal_create(actor=alice, action=_hidden_by(mo, alices_idea), text="A quote.")
    assert _decide(signed_in(mia), appeal.case, action="overturn", reason="Fair use.").status_code == 302
    assert Idea.objects.get(pk=alices_idea.pk).hidden == Hidden.NO


def test_mo_cannot_suspend_another_moderator(signed_in, mo, mia, drinks):
    idea = IdeaFactory(author=mia, category=drinks)
    case = _case(idea)
    response = _decide(signed_in(mo), case, action="suspend", reason="Rude.", days="1")
    assert response.status_code == 403
    assert "Only an admin" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


# --- Flag forms ------------------------------------------------------------------------------


def _flag(client, target, **data):
    return client.post("/flags/", {"target": target, **data})


def test_bob_flags_alices_idea_and_is_thanked_back_on_its_page(signed_in, bob, alices_idea):
    client = signed_in(bob)
    url = alices_idea.get_absolute_url()
    response = _flag(client, f"idea:{alices_idea.pk}", reason="spam", next=url)
    assert response.status_code == 302 and response["Location"] == url
    assert "Thanks: the moderators will look at it." in client.get(url).content.decode()
    assert Flag.objects.get().flagger == bob


def test_the_idea_page_offers_bob_the_flag_form(signed_in, bob, alices_idea):
    page = signed_in(bob).get(alices_idea.get_absolute_url()).content.decode()
    assert 'id="flag-idea"' in page and 'value="personal_information"' in page


def test_alice_gets_no_flag_form_on_her_own_idea(signed_in, alice, alices_idea):
    assert 'id="flag-idea"' not in signed_in(alice).get(alices_idea.get_absolute_url()).content.decode()


def test_a_visitor_gets_a_sign_in_link_to_flag(client, alices_idea):
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert "Sign in to flag" in page and 'id="flag-idea"' not in page


def test_other_without_a_note_keeps_what_was_typed(signed_in, bob, alices_idea):
    response = _flag(signed_in(bob), f"idea:{alices_idea.pk}", reason="other", note="   ", original="typed 42")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Say what is wrong." in page and 'value="typed 42"' in page
    assert re.search(r'value="other"[^>]*checked', page)
    assert not Flag.objects.exists()


def test_an_over_long_note_is_a_form_error(signed_in, bob, alices_idea):
    response = _flag(signed_in(bob), f"idea:{alices_idea.pk}", reason="spam", note="x" * 1001)
    assert response.status_code == 400 and not Flag.objects.exists()


def test_a_reason_outside_the_list_is_a_form_error(signed_in, bob, alices_idea):
    response = _flag(signed_in(bob), f"idea:{alices_idea.pk}", reason="boring")
    assert response.status_code == 400 and not Flag.objects.exists()


def test_a_duplicate_flag_names_its_original(signed_in, bob, alices_idea, drinks):
    original = IdeaFactory(category=drinks)
    _flag(signed_in(bob), f"idea:{alices_idea.pk}", reason="duplicate", original=original.get_absolute_url())
    assert Flag.objects.get().original == original


def test_flagging_twice_is_a_conflict_on_the_form(signed_in, bob, alices_idea):
    client = signed_in(bob)
    _flag(client, f"idea:{alices_idea.pk}", reason="spam")
    response = _flag(client, f"idea:{alices_idea.pk}", reason="abusive", note="Kept note")
    page = response.content.decode()
    assert response.status_code == 409
    assert "You flagged this already" in page and "Kept note" in page
    assert Flag.objects.count() == 1


def test_alice_cannot_flag_her_own_idea_through_the_page(signed_in, alice, alices_idea):
    response = _flag(signed_in(alice), f"idea:{alices_idea.pk}", reason="spam")
    assert response.status_code == 400 and not Flag.objects.exists()


def test_the_flag_page_of_something_not_there_is_404(signed_in, bob):
    assert signed_in(bob).get("/flags/", {"target": "idea:999999"}).status_code == 404


def test_bob_flags_a_comment_from_its_link(signed_in, bob, alice, alices_idea):
    reply = comment(alice, alices_idea)
    client = signed_in(bob)
    assert f"/flags/?target=comment:{reply.pk}" in client.get(alices_idea.get_absolute_url()).content.decode()
    assert client.get("/flags/", {"target": f"comment:{reply.pk}"}).status_code == 200
    assert _flag(client, f"comment:{reply.pk}", reason="abusive").status_code == 302
    assert Flag.objects.get().target == f"comment:{reply.pk}"


def test_bob_flags_alice_from_her_profile(signed_in, bob, alice):
    client = signed_in(bob)
    assert 'id="flag-member"' in client.get(alice.get_absolute_url()).content.decode()
    assert _flag(client, f"member:{alice.pk}", reason="spam").status_code == 302
    assert Flag.objects.get().target == f"member:{alice.pk}"


def test_a_visitor_is_sent_to_sign_in_to_flag(client, alices_idea):
    response = _flag(client, f"idea:{alices_idea.pk}", reason="spam")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Hidden content on the pages ---------------------------------------------------------------


def test_a_visitor_gets_the_placeholder_of_a_hidden_idea_as_404(client, alices_idea):
    _case(alices_idea)
    response = client.get(alices_idea.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 404
    assert "This idea is hidden while moderators review it." in page
    assert alices_idea.title not in page and "Alice" not in page


def test_bob_gets_the_moderators_placeholder_once_a_moderator_hid_it(signed_in, bob, mo, alices_idea):
    _hidden_by(mo, alices_idea)
    response = signed_in(bob).get(alices_idea.get_absolute_url())
    assert response.status_code == 404 and "This idea is hidden by a moderator." in response.content.decode()


def test_alice_sees_her_hidden_idea_with_the_notice(signed_in, alice, alices_idea):
    _case(alices_idea)
    response = signed_in(alice).get(alices_idea.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200 and alices_idea.title in page
    assert "Only you and the moderators see this" in page
    assert "Members flagged it; a moderator will review it soon." in page


def test_alices_notice_links_to_the_moderators_action(signed_in, alice, mo, alices_idea):
    action = _hidden_by(mo, alices_idea)
    page = signed_in(alice).get(alices_idea.get_absolute_url()).content.decode()
    assert f"/moderation/actions/{action.pk}/" in page and "Insults in the title." in page


def test_staff_see_a_hidden_idea_with_its_state(signed_in, pat, alices_idea):
    _case(alices_idea)
    page = signed_in(pat).get(alices_idea.get_absolute_url()).content.decode()
    assert "Hidden pending review: members flagged it." in page


def test_staff_see_a_hidden_badge_on_the_list(signed_in, mo, alices_idea):
    _case(alices_idea)
    page = signed_in(mo).get("/").content.decode()
    assert alices_idea.title in page and "badge-hidden" in page


@pytest.mark.parametrize("path", ["/triage/", "/roadmap/"])
def test_the_product_team_sees_a_hidden_badge_on_triage_and_the_roadmap(signed_in, pat, alices_idea, path):
    if path == "/roadmap/":
        idea_transition(actor=pat, idea=alices_idea, to=Status.UNDER_REVIEW, note="")
    _case(alices_idea)
    page = signed_in(pat).get(path).content.decode()
    assert alices_idea.title in page and "badge-hidden" in page


@pytest.mark.parametrize("path", ["/", "/?q=oat", "/?category=drinks", "/roadmap/"])
def test_a_hidden_idea_is_on_no_public_list(client, alices_idea, path):
    _case(alices_idea)
    assert alices_idea.title not in client.get(path).content.decode()


def test_a_hidden_idea_is_not_on_its_authors_profile_for_bob(signed_in, bob, alice, alices_idea):
    _case(alices_idea)
    assert alices_idea.title not in signed_in(bob).get(alice.get_absolute_url()).content.decode()


def test_a_hidden_comment_is_a_placeholder_for_bob(signed_in, bob, alice, alices_idea):
    reply = comment(alice, alices_idea, body="A secret phone number.")
    flagged(f"comment:{reply.pk}")
    page = signed_in(bob).get(alices_idea.get_absolute_url()).content.decode()
    assert "This comment is hidden while moderators review it." in page
    assert "A secret phone number." not in page


def test_alice_sees_her_hidden_comment_with_the_notice(signed_in, alice, alices_idea):
    reply = comment(alice, alices_idea, body="A secret phone number.")
    flagged(f"comment:{reply.pk}")
    page = signed_in(alice).get(alices_idea.get_absolute_url()).content.decode()
    assert "A secret phone number." in page and "Only you and the moderators see this" in page


def test_alices_notice_on_a_comment_a_moderator_hid_links_to_her_actions(signed_in, alice, mo, alices_idea):
    reply = comment(alice, alices_idea, body="A secret phone number.")
    case_decide(actor=mo, case=flagged(f"comment:{reply.pk}").case, action=ActionKind.HIDE, reason="Privacy.")
    page = signed_in(alice).get(alices_idea.get_absolute_url()).content.decode()
    assert "/moderation/mine/" in page and "Privacy." in page


def test_a_reply_does_not_name_the_author_of_a_hidden_comment(client, alice, bob, alices_idea):
    carol = UserFactory(display_name="Carolyn")
    top = comment(alice, alices_idea)
    hidden = comment(carol, alices_idea, body="Rude.", parent=top)
    comment(bob, alices_idea, body="Calm down.", parent=hidden)
    flagged(f"comment:{hidden.pk}")
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert "Calm down." in page and "Carolyn" not in page


def test_a_locked_thread_says_so_instead_of_the_comment_box(signed_in, bob, mo, alices_idea):
    case_decide(actor=mo, case=_case(alices_idea), action=ActionKind.LOCK, reason="Heated.")
    page = signed_in(bob).get(alices_idea.get_absolute_url()).content.decode()
    assert "Comments are locked by a moderator." in page and "Post comment" not in page


def test_a_moderators_edit_of_an_idea_is_marked(client, mo, alices_idea):
    case_decide(actor=mo, case=_case(alices_idea), action=ActionKind.EDIT, reason="Phone number.", body="Fixed.")
    assert "edited by a moderator" in client.get(alices_idea.get_absolute_url()).content.decode()


def test_a_moderators_edit_of_a_comment_is_marked(client, mo, alice, alices_idea):
    reply = comment(alice, alices_idea)
    case = flagged(f"comment:{reply.pk}", UserFactory()).case
    case_decide(actor=mo, case=case, action=ActionKind.EDIT, reason="Phone number.", body="Fixed.")
    page = client.get(alices_idea.get_absolute_url()).content.decode()
    assert "Fixed." in page and "edited by a moderator" in page


def test_a_hidden_profile_shows_a_placeholder_for_bio_to_others(client, alice):
    alice.bio, alice.bio_html = "Call me", "<p>Call me at home</p>"
    alice.save(update_fields=["bio", "bio_html"])
    flagged(f"member:{alice.pk}")
    page = client.get(alice.get_absolute_url()).content.decode()
    assert "This profile is hidden while moderators review it." in page and "Call me at home" not in page


def test_alice_sees_her_hidden_profile_with_the_notice(signed_in, alice):
    flagged(f"member:{alice.pk}")
    assert "Only you and the moderators see this" in signed_in(alice).get(alice.get_absolute_url()).content.decode()


# --- A member's own actions and the appeal form ------------------------------------------------


def test_alice_lists_the_actions_on_her_content_from_her_account(signed_in, alice, mo, alices_idea):
    action = _hidden_by(mo, alices_idea)
    client = signed_in(alice)
    assert "/moderation/mine/" in client.get("/account/").content.decode()
    page = client.get("/moderation/mine/").content.decode()
    assert f"/moderation/actions/{action.pk}/" in page and "Insults in the title." in page


def test_alice_appeals_once_and_the_second_time_is_refused(signed_in, alice, mo, alices_idea):
    action = _hidden_by(mo, alices_idea)
    client = signed_in(alice)
    url = f"/moderation/actions/{action.pk}/"
    assert client.post(url, {"text": "It was a quote."}).status_code == 302
    assert "Your appeal: Waiting for a moderator." in client.get(url).content.decode()
    assert client.post(url, {"text": "Again."}).status_code == 409
    assert Appeal.objects.count() == 1


def test_an_empty_appeal_keeps_the_form(signed_in, alice, mo, alices_idea):
    action = _hidden_by(mo, alices_idea)
    response = signed_in(alice).post(f"/moderation/actions/{action.pk}/", {"text": ""})
    assert response.status_code == 400 and not Appeal.objects.exists()


def test_bob_gets_404_for_an_action_on_alices_content(signed_in, bob, mo, alices_idea):
    action = _hidden_by(mo, alices_idea)
    assert signed_in(bob).get(f"/moderation/actions/{action.pk}/").status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_alices_actions_page_runs_a_fixed_number_of_queries(
    signed_in, alice, mo, drinks, count, django_assert_num_queries
):
    for _ in range(count):
        _hidden_by(mo, IdeaFactory(author=alice, category=drinks))
    client = signed_in(alice)
    with django_assert_num_queries(5):  # session, member, the actions with their ideas and appeals, bell, her roles
        assert len(client.get("/moderation/mine/").context["actions"]) == count


def test_alices_actions_page_on_with_its_cursor_and_a_bad_one_is_named(signed_in, alice, mo, drinks):
    for _ in range(21):  # a page holds 20
        _hidden_by(mo, IdeaFactory(author=alice, category=drinks))
    client = signed_in(alice)
    first = client.get("/moderation/mine/")
    following = client.get("/moderation/mine/", {"cursor": first.context["next_cursor"]})
    assert len(following.context["actions"]) == 1
    assert client.get("/moderation/mine/", {"cursor": "garbage"}).status_code == 400
