"""Idea pages: list, detail, submit, edit, delete, vote buttons. Each calls the shared services and selectors."""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from frontend.forms import DeleteReasonForm, IdeaForm
from frontend.views.comments import idea_page
from frontend.views.common import answer, attempt, get_idea, no_such_idea, read_params, refused, safe_next
from frontend.views.shares import followed_share
from ideas import events, selectors, services
from ideas.filters import IdeaFilter
from ideas.models import Idea
from ideas.permissions import can_delete, can_edit, is_staff_action
from voting.models import Vote
from voting.services import vote_cast, vote_toggle

PENDING_VOTE = "pending_vote"
PENDING_VOTE_SECONDS = 15 * 60  # long enough to sign up; a vote pressed long ago is nobody's intent now


def idea_list(request):
    filters = IdeaFilter(request.GET, queryset=selectors.idea_list(viewer=request.user))
    params, query, problems = read_params(request.GET, selectors.list_params)
    page = selectors.idea_page(filters.qs, params)
    query.pop("cursor", None)
    tabs = []
    for sort in selectors.SORTS.values():
        tab_query = query.copy()
        tab_query["sort"] = sort.name
        tabs.append(
            {
                "value": sort.name,
                "label": sort.label,
                "query": tab_query.urlencode(),
                "current": sort.name == params.sort,
            }
        )
    following = query.copy()
    following["cursor"] = page.next_cursor or ""
    return render(
        request,
        "ideas/list.html",
        {
            "filters": filters,
            "list_errors": problems,
            "ideas": page.rows,
            "sort": params.sort,
            "tabs": tabs,
            "first_page": not params.cursor,
            "start_query": query.urlencode(),
            "next_query": following.urlencode() if page.next_cursor else None,
            "live_newest": not params.cursor and params.sort in {"new", "hot"},
            "live_topics": [events.ALL_IDEAS],
        },
        status=400 if problems else 200,
    )


def _vote_value(raw) -> int | None:
    return int(raw) if raw in {"1", "-1"} else None


@require_POST
def idea_vote(request, pk: int):
    """The vote buttons without JavaScript: a press votes; pressing one's current vote takes it back.
    A visitor is sent to sign in, and the vote they pressed is cast once they have."""
    value = _vote_value(request.POST.get("value"))
    back = safe_next(request, request.POST.get("next", ""), reverse("idea_detail", args=[pk]))
    if value is None:
        messages.error(request, _("Choose up or down."))
        return redirect(back)
    if not request.user.is_authenticated:
        get_idea(pk)
        request.session[PENDING_VOTE] = {"idea": pk, "value": value, "next": back, "at": time.time()}
        return redirect_to_login(reverse("idea_vote_after_sign_in", args=[pk]))
    try:
        vote_toggle(actor=request.user, idea_id=pk, value=value)
    except Idea.DoesNotExist:
        raise no_such_idea() from None
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back)


@login_required
@require_GET
def idea_vote_after_sign_in(request, pk: int):
    """Cast the vote a visitor pressed before signing in (kept in their session by idea_vote), or
    say why it cannot be. Only a vote pressed through the form, with its CSRF token, is ever cast."""
    pending = request.session.pop(PENDING_VOTE, None)
    if (
        not pending
        or pending.get("idea") != pk
        or _vote_value(str(pending.get("value"))) is None
        or not 0 <= time.time() - pending.get("at", 0) <= PENDING_VOTE_SECONDS
    ):
        return redirect("idea_detail", pk=pk)
    try:
        result = vote_cast(actor=request.user, idea_id=pk, value=int(pending["value"]))
    except Idea.DoesNotExist:
        messages.error(request, _("Your vote was not counted: the idea has been removed."))
        return redirect("idea_list")
    except DomainError as error:
        messages.error(request, _("Your vote was not counted: %(why)s") % {"why": error.message})
    else:
        up = result.my_vote == Vote.Value.UP
        messages.success(request, _("Your vote up is counted.") if up else _("Your vote down is counted."))
    return redirect(safe_next(request, pending.get("next", ""), reverse("idea_detail", args=[pk])))


@require_GET
def idea_card(request, pk: int):
    """One idea's card for the live list, only if it matches the list's filters (else 204)."""
    filters = IdeaFilter(request.GET, queryset=selectors.idea_list(viewer=request.user).filter(pk=pk))
    idea = next(iter(filters.qs), None)
    if idea is None:
        if not selectors.idea_list(viewer=request.user).filter(pk=pk).exists():
            raise no_such_idea()
        return HttpResponse(status=204)
    query = request.GET.copy()
    query.pop("new", None)
    return_to = reverse("idea_list") + (f"?{query.urlencode()}" if query else "")
    context = {"idea": idea, "is_new": request.GET.get("new") == "1", "return_to": return_to}
    return render(request, "ideas/_idea_card.html", context)


def idea_detail(request, pk: int):
    """The idea page; for a hidden idea the viewer may not see, a placeholder saying so, answered as 404 (it
    is not there for them, as the API and the live topic say too, and search engines drop it), with no title,
    text or author."""
    try:
        idea = selectors.idea_get(pk=pk, viewer=request.user)
    except Idea.DoesNotExist:
        hidden = selectors.idea_hidden(pk=pk)
        if hidden is None:
            raise no_such_idea() from None
        return render(request, "ideas/hidden.html", {"idea": hidden}, status=404)
    if "s" in request.GET:
        return followed_share(request, idea)
    return idea_page(request, idea)


def _idea_form_page(request, idea: Idea | None, save, success: str):
    """The submit and edit pages: on POST, run the service with the form's input; its field
    errors land on the form, and nothing is stored half-way."""
    form = IdeaForm(request.POST or None, idea=idea)
    limited = None
    if request.method == "POST" and form.is_valid():
        outcome = attempt(form, lambda: save(**form.service_arguments()))
        if outcome.done:
            messages.success(request, success)
            return redirect(outcome.result)
        if outcome.refusal is not None:
            return refused(request, outcome.refusal)
        limited = outcome.limited
    return answer(render(request, "ideas/form.html", {"form": form, "idea": idea}), limited)


@login_required
@require_http_methods(["GET", "POST"])
def idea_submit(request):
    return _idea_form_page(
        request,
        None,
        lambda **values: services.idea_submit(actor=request.user, **values),
        _("Your idea is posted. Thank you!"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_edit(request, pk: int):
    idea = get_idea(pk, viewer=request.user)
    verdict = can_edit(user=request.user, idea=idea)
    if not verdict:
        return refused(request, verdict.error)
    return _idea_form_page(
        request,
        idea,
        lambda **values: services.idea_edit(idea=idea, actor=request.user, **values),
        _("Your changes are saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_delete(request, pk: int):
    """Authors confirm; staff removing someone else's idea say why, for the audit trail."""
    idea = get_idea(pk, viewer=request.user)
    verdict = can_delete(user=request.user, idea=idea)
    if not verdict:
        return refused(request, verdict.error)
    staff = is_staff_action(user=request.user, idea=idea)
    form = DeleteReasonForm(request.POST if request.method == "POST" else None)
    limited = None
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"] if staff else ""
        outcome = attempt(form, lambda: services.idea_delete(idea=idea, actor=request.user, reason=reason))
        if outcome.done:
            messages.success(request, _("The idea “%(title)s” is deleted.") % {"title": idea.title})
            return redirect("idea_list")
        if outcome.refusal is not None:
            return refused(request, outcome.refusal)
        limited = outcome.limited
    context = {"idea": idea, "staff_action": staff, "form": form}
    page = render(request, "ideas/confirm_delete.html", context, status=400 if form.errors else 200)
    return answer(page, limited)
