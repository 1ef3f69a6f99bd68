"""Moderation pages: flag forms, the queue with a decide form per case, a member's own actions, and what a
moderator did to a member's content and why, with the member's one appeal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import is_suspended
from core.hiding import Hidden
from core.paging import BadCursor
from frontend.forms import AppealForm, DecideForm, FlagForm
from frontend.views.common import answer, attempt, refused, requires, safe_next
from moderation import selectors, services
from moderation.models import Action, Case
from moderation.permissions import can_appeal, can_decide, can_flag, can_moderate, can_see_moderation

THANKS = gettext_lazy("Thanks: the moderators will look at it.")


def hidden_notice(*, viewer, target: str, author_id: int | None, obj) -> dict | None:
    """What the notice on hidden content says to its author or to staff (others never get the content): the
    state, the reason, and the moderator's action when one acted (one query, only then)."""
    state = obj.profile_hidden if target.startswith("member:") else obj.hidden
    if not state:
        return None
    mine = viewer.is_authenticated and author_id == viewer.pk
    reason = obj.profile_hidden_reason if target.startswith("member:") else obj.hidden_reason
    action = None
    if state == Hidden.BY_MODERATOR and (mine or can_see_moderation(user=viewer)) and author_id is not None:
        action = selectors.action_in_force(target=target, subject=User(pk=author_id))
    return {"hidden": state, "reason": reason, "action": action}


@login_required
@require_http_methods(["GET", "POST"])
def flag(request):
    """Flag an idea, a comment or a member: the small form the pages open, and its page of errors (what was
    typed is kept). Done, back to where it was opened, with thanks."""
    data = request.POST if request.method == "POST" else None
    form = FlagForm(data, initial={"target": request.GET.get("target", ""), "next": request.GET.get("next", "")})
    raw = (request.POST if data is not None else request.GET).get("target", "")
    try:
        found = services.target_of(raw, viewer=request.user)
    except services.TargetNotFound:
        raise Http404(_("There is nothing to flag there: it was deleted, or you cannot see it.")) from None
    except ValidationError:
        raise Http404(_("There is nothing to flag there.")) from None
    status, limited = 200, None
    if data is not None and form.is_valid():
        values = form.cleaned_data
        outcome = attempt(
            form,
            lambda: services.flag_create(
                actor=request.user,
                target=found.key,
                reason=values["reason"],
                note=values["note"],
                original=values["original"] or None,
            ),
        )
        if outcome.done:
            messages.success(request, THANKS)
            return redirect(safe_next(request, values["next"], found.obj.get_absolute_url()))
        if outcome.refusal is not None:
            form.add_error(None, outcome.refusal.message)
            status = outcome.refusal.status_code
        limited = outcome.limited
    if form.errors and status == 200:
        status = 400
    own = not can_flag(user=request.user, author_id=found.author.pk if found.author else None)
    context = {"form": form, "found": found, "own": own}
    return answer(render(request, "moderation/flag.html", context, status=status), limited)


def _case_view(case: Case, viewer, form: DecideForm | None = None) -> Case:
    """The case with what the page shows of it: its decide form (for moderators), its target's text."""
    case.author_suspended = case.author is not None and is_suspended(case.author)
    may_decide = can_decide(user=viewer, author_id=case.author_id)
    case.decide_form = form or (DecideForm(case=case) if case.is_open and may_decide else None)
    return case


def _paged(read, cursor: str | None):
    """One page of a list read from `cursor`, and what was wrong with it: a bad cursor is named and the
    first page shown instead."""
    try:
        return read(cursor), []
    except BadCursor as error:
        return read(None), [error.message]


@requires(can_see_moderation)
@require_GET
def queue(request):
    """The moderators' queue: open cases, heaviest then oldest, each with a form to decide it."""
    cursor = request.GET.get("cursor") or None
    page, problems = _paged(lambda cursor: selectors.queue(viewer=request.user, cursor=cursor), cursor)
    cases = [_case_view(case, request.user) for case in page.rows]
    context = {
        "alerts": selectors.open_alerts(viewer=request.user),
        "cases": cases,
        "next_cursor": page.next_cursor,
        "first_page": not cursor or bool(problems),
        "list_errors": problems,
        "may_decide": bool(can_moderate(user=request.user)),
        "live_topics": ["moderation"],
    }
    return render(request, "moderation/queue.html", context, status=400 if problems else 200)


def _get_case(request, pk: int) -> Case:
    try:
        return selectors.case_get(pk=pk, viewer=request.user)
    except Case.DoesNotExist:
        raise Http404(_("No such case.")) from None


@requires(can_see_moderation)
@require_GET
def case_detail(request, pk: int):
    """One case, open or decided: where a decision's errors and refusals are shown."""
    return render(request, "moderation/case.html", {"case": _case_view(_get_case(request, pk), request.user)})


@requires(can_moderate)
@require_POST
def case_decide(request, pk: int):
    """A moderator's decision on a case; errors come back on the case's page with what was typed, refusals
    (decided meanwhile, an appeal against one's own action, a sanction only an admin may give) with the
    case as it stands now."""
    case = _get_case(request, pk)
    form = DecideForm(request.POST, case=case)
    status, limited = 400, None
    if form.is_valid():
        outcome = attempt(form, lambda: services.case_decide(actor=request.user, case=case, **form.service_arguments()))
        if outcome.done:
            action = outcome.result
            messages.success(
                request, _("Decided: %(action)s. The author is told why.") % {"action": action.get_action_display()}
            )
            return redirect("moderation_queue")
        limited = outcome.limited
        if outcome.refusal is not None:
            status = outcome.refusal.status_code
            case = _get_case(request, pk)
            form = DecideForm(request.POST, case=case) if case.is_open else None
            if form is not None:
                form.is_valid()
                form.add_error(None, outcome.refusal.message)
            else:
                messages.error(request, outcome.refusal.message)
    page = render(request, "moderation/case.html", {"case": _case_view(case, request.user, form)}, status=status)
    return answer(page, limited)


@login_required
@require_GET
def my_actions(request):
    """What moderators did to the member's content, each linking to its reason and the appeal form."""
    cursor = request.GET.get("cursor") or None
    page, problems = _paged(lambda cursor: selectors.actions_page(member=request.user, cursor=cursor), cursor)
    context = {
        "actions": page.rows,
        "next_cursor": page.next_cursor,
        "first_page": not cursor or bool(problems),
        "list_errors": problems,
    }
    return render(request, "moderation/mine.html", context, status=400 if problems else 200)


@login_required
@require_http_methods(["GET", "POST"])
def moderation_action(request, pk: int):
    """The author reads what was done to their content and why, and may appeal it once."""
    try:
        action = selectors.action_get(pk=pk, viewer=request.user)
    except Action.DoesNotExist:
        raise Http404(_("No such moderation action.")) from None
    form, limited = AppealForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            form, lambda: services.appeal_create(actor=request.user, action=action, text=form.cleaned_data["text"])
        )
        if outcome.done:
            messages.success(request, _("Your appeal is with the moderators: another moderator decides it."))
            return redirect("moderation_action", pk=action.pk)
        if outcome.refusal is not None:
            return refused(request, outcome.refusal)
        limited = outcome.limited
    context = {
        "action": action,
        "form": form,
        "may_appeal": not hasattr(action, "appeal") and bool(can_appeal(user=request.user, action=action)),
    }
    return answer(render(request, "moderation/action.html", context, status=400 if form.errors else 200), limited)
