"""Idea pages: list, detail, submit, edit, delete. Each calls the shared services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import DomainError
from frontend.forms import IdeaForm
from ideas import events, selectors, services
from ideas.filters import SORT_CHOICES, IdeaFilter
from ideas.models import Idea
from voting.services import vote_cast, vote_withdraw

PAGE_SIZE = 20


def _get_idea(pk: int, viewer=None) -> Idea:
    try:
        return selectors.idea_get(pk=pk, viewer=viewer)
    except Idea.DoesNotExist:
        raise Http404(_("No idea with that number.")) from None


def idea_list(request):
    filters = IdeaFilter(request.GET, queryset=selectors.idea_list(viewer=request.user))
    sort = filters.form.cleaned_data.get("sort") if filters.is_valid() else None
    sort = sort or selectors.DEFAULT_SORT
    cursor = request.GET.get("cursor")
    try:
        page = selectors.idea_page(filters.qs, sort=sort, cursor=cursor, size=PAGE_SIZE)
    except selectors.BadCursor:
        cursor, page = None, selectors.idea_page(filters.qs, sort=sort, size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    tabs = []
    for value, label in SORT_CHOICES:
        tab_query = query.copy()
        tab_query["sort"] = value
        tabs.append({"value": value, "label": label, "query": tab_query.urlencode(), "current": value == sort})
    following = query.copy()
    following["cursor"] = page.next_cursor or ""
    return render(
        request,
        "ideas/list.html",
        {
            "filters": filters,
            "ideas": page.ideas,
            "sort": sort,
            "tabs": tabs,
            "first_page": not cursor,
            "start_query": query.urlencode(),
            "next_query": following.urlencode() if page.next_cursor else None,
            "live_newest": not cursor and sort in {"new", "hot"},
            "live_topics": [events.ALL_IDEAS],
        },
    )


@require_http_methods(["POST"])
def idea_vote(request, pk: int):
    """The vote buttons without JavaScript: a click votes; clicking one's current vote takes it back."""
    if not request.user.is_authenticated:
        return redirect_to_login(_get_idea(pk).get_absolute_url())
    value = request.POST.get("value")
    current = _get_idea(pk, viewer=request.user).my_vote
    try:
        if value in {"1", "-1"} and int(value) != current:
            vote_cast(voter=request.user, idea_id=pk, value=int(value))
        elif value in {"1", "-1"}:
            vote_withdraw(voter=request.user, idea_id=pk)
        else:
            messages.error(request, _("Choose up or down."))
    except DomainError as error:
        messages.error(request, error.message)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("idea_detail", args=[pk])
    return redirect(back)


@require_GET
def idea_card(request, pk: int):
    """One idea's card for the live list, only if it matches the list's filters (else 204)."""
    filters = IdeaFilter(request.GET, queryset=selectors.idea_list(viewer=request.user).filter(pk=pk))
    idea = next(iter(filters.qs), None)
    if idea is None:
        if not selectors.idea_list().filter(pk=pk).exists():
            raise Http404(_("No idea with that number."))
        return HttpResponse(status=204)
    return render(request, "ideas/_idea_card.html", {"idea": idea, "is_new": request.GET.get("new") == "1"})


def idea_detail(request, pk: int):
    idea = _get_idea(pk, viewer=request.user)
    return render(
        request,
        "ideas/detail.html",
        {
            "idea": idea,
            "can_edit": services.can_edit(idea, request.user),
            "can_delete": services.can_delete(idea, request.user),
            "live_topics": [events.idea_topic(idea.pk)],
        },
    )


def _idea_form_page(request, idea: Idea | None, save, success: str):
    """The submit and edit pages: on POST, run the service with the form's input; its field
    errors land on the form, and nothing is stored half-way."""
    form = IdeaForm(request.POST or None, idea=idea)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(**form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect(saved)
    return render(request, "ideas/form.html", {"form": form, "idea": idea})


@login_required
@require_http_methods(["GET", "POST"])
def idea_submit(request):
    return _idea_form_page(
        request,
        None,
        lambda **values: services.idea_submit(author=request.user, **values),
        _("Your idea is posted. Thank you!"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_edit(request, pk: int):
    idea = _get_idea(pk)
    if not services.can_edit(idea, request.user):
        return render(request, "403.html", {"message": _("Only the author can edit this idea.")}, status=403)
    return _idea_form_page(
        request,
        idea,
        lambda **values: services.idea_edit(idea=idea, editor=request.user, **values),
        _("Your changes are saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_delete(request, pk: int):
    idea = _get_idea(pk)
    if request.method == "POST":
        try:
            services.idea_delete(idea=idea, actor=request.user)
        except DomainError as error:
            return render(request, "403.html", {"message": error.message}, status=error.status_code)
        messages.success(request, _("The idea “%(title)s” is deleted.") % {"title": idea.title})
        return redirect("idea_list")
    if not services.can_delete(idea, request.user):
        return render(request, "403.html", {"message": _("Only the author or staff can delete this idea.")}, status=403)
    return render(request, "ideas/confirm_delete.html", {"idea": idea})
