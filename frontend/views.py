"""Idea pages: list, detail, submit, edit, delete. Each calls the shared services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import DomainError
from frontend.forms import IdeaForm
from ideas import events, selectors, services
from ideas.filters import IdeaFilter
from ideas.models import Idea

PAGE_SIZE = 20


def _get_idea(pk: int) -> Idea:
    try:
        return selectors.idea_get(pk=pk)
    except Idea.DoesNotExist:
        raise Http404(_("No idea with that number.")) from None


def idea_list(request):
    filters = IdeaFilter(request.GET, queryset=selectors.idea_list())
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ideas/list.html",
        {
            "filters": filters,
            "page": page,
            "ideas": page.object_list,
            "query": query.urlencode(),
            "live_topics": [events.ALL_IDEAS],
        },
    )


@require_GET
def idea_card(request, pk: int):
    """One idea's card for the live list, only if it matches the list's filters (else 204)."""
    filters = IdeaFilter(request.GET, queryset=selectors.idea_list().filter(pk=pk))
    idea = next(iter(filters.qs), None)
    if idea is None:
        if not selectors.idea_list().filter(pk=pk).exists():
            raise Http404(_("No idea with that number."))
        return HttpResponse(status=204)
    return render(request, "ideas/_idea_card.html", {"idea": idea, "is_new": request.GET.get("new") == "1"})


def idea_detail(request, pk: int):
    idea = _get_idea(pk)
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
