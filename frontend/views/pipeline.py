"""The pipeline's pages: the roadmap, the Launched page, the product team's triage list, and the forms of
the idea page's move panel (move, merge, internal note). Each calls the pipeline's services and selectors."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from core.ids import id_from
from frontend.forms import BulkMoveForm, InternalNoteForm, MergeForm, MoveForm
from frontend.views.comments import idea_page
from frontend.views.common import answer, attempt, get_idea, read_params, refused, safe_next
from frontend.views.pipeline_panel import merge_candidates
from ideas.filters import CategoryField
from ideas.models import Category, Idea, Status
from ideas.selectors import BadListParameter, categories_in_order
from pipeline import selectors, services
from pipeline.events import PIPELINE
from pipeline.moves import NOTE_REQUIRED, allowed_moves, can_merge_from
from pipeline.permissions import can_move, can_see_internal_notes

# Where the triage list's bulk move may send ideas: anywhere a New or Under review idea may go.
# Where a bulk move may take the ideas triage lists: any status one of them may move to.
BULK_STATUSES = [status for status in Status if any(status in allowed_moves(shown) for shown in selectors.TRIAGE)]


def _category(query: QueryDict) -> tuple[Category | None, list[str]]:
    """The ?category= of a pipeline page (a slug or id, as on the idea list); a bad one is named and ignored."""
    raw = query.get("category") or ""
    if not raw:
        return None, []
    try:
        return CategoryField(queryset=categories_in_order(), required=False).clean(raw), []
    except forms.ValidationError:
        return None, [_("There is no category “%(category)s”: showing every category.") % {"category": raw[:100]}]


def _query_without(query: QueryDict, *names: str) -> str:
    rest = query.copy()
    for name in names:
        rest.pop(name, None)
    return rest.urlencode()


# --- What the public sees ------------------------------------------------------------------------


@require_GET
def roadmap(request):
    """The roadmap: a column per status from Under review to Launched (Not planned and Merged on
    request), the latest move first; live, so a move shows on every open roadmap."""
    category, problems = _category(request.GET)
    closed = request.GET.get("closed") == "1"
    columns = selectors.roadmap(viewer=request.user, category=category, closed=closed)
    context = {
        "columns": columns,
        "category": category,
        "categories": categories_in_order(),
        "closed": closed,
        "problems": problems,
        "closed_query": _query_without(request.GET, "closed"),
        "live_topics": [PIPELINE],
    }
    return render(request, "pipeline/roadmap.html", context, status=400 if problems else 200)


@require_GET
def launched(request):
    """The ideas that shipped, the latest launch first, each with the story of its moves and how many
    people supported it; "More" pages on."""
    problems = []
    try:
        cursor = selectors.launched_cursor(request.GET)
    except BadListParameter as error:
        cursor, problems = None, [error.message]
    page = selectors.launched(viewer=request.user, cursor=cursor)
    context = {"ideas": page.rows, "next_cursor": page.next_cursor, "first_page": not cursor, "problems": problems}
    return render(request, "pipeline/launched.html", context, status=400 if problems else 200)


# --- What the product team sees ------------------------------------------------------------------


def _triage_url(request) -> str:
    """The triage list with the query it was showing."""
    query = request.GET.urlencode()
    return f"{reverse('triage')}?{query}" if query else reverse("triage")


def _team_only(request):
    """Visitors are sent to sign in (and then to the triage list, which a form's address is not); members
    and moderators get the 403 page; None for the product team."""
    if not request.user.is_authenticated:
        return redirect_to_login(_triage_url(request))
    verdict = can_move(user=request.user)
    return None if verdict else refused(request, verdict.error)


def _triage_page(request, *, bulk_form: BulkMoveForm | None = None, selected=(), status: int | None = None):
    category, problems = _category(request.GET)
    params, query, more_problems = read_params(
        request.GET, lambda query: selectors.triage_params(query, category=category)
    )
    if problems:  # a bad category is left out of the links, as a bad sort, status or age is by read_params
        query.pop("category", None)
    problems += more_problems
    page = selectors.triage(viewer=request.user, params=params)
    query.pop("cursor", None)
    sorts = []
    for value, (_field, label) in selectors.TRIAGE_SORTS.items():
        tab = query.copy()
        tab["sort"] = value
        sorts.append({"label": label, "query": tab.urlencode(), "current": value == params.sort})
    following = query.copy()
    following["cursor"] = page.next_cursor or ""
    context = {
        "ideas": page.rows,
        "params": params,
        "problems": problems,
        "sorts": sorts,
        "categories": categories_in_order(),
        "statuses": list(selectors.TRIAGE),
        "ages": {value: label for value, (label, _newer, _older) in selectors.TRIAGE_AGES.items()},
        "next_query": following.urlencode() if page.next_cursor else None,
        "first_page": not params.cursor,
        "start_query": query.urlencode(),
        "bulk_form": bulk_form or BulkMoveForm(statuses=BULK_STATUSES),
        "selected": {str(pk) for pk in selected},
        "note_required": [status.value for status in NOTE_REQUIRED],
        "return_to": _triage_url(request),
    }
    if status is None:
        status = 400 if problems else 200
    return render(request, "pipeline/triage.html", context, status=status)


@require_GET
def triage(request):
    """New and under-review ideas, the most supported first, with quick moves and a bulk move."""
    if (refusal := _team_only(request)) is not None:
        return refusal
    return _triage_page(request)


def _ids(values: list[str]) -> tuple[list[int], bool]:
    """The ticked idea numbers, and whether any was not a number at all."""
    ids = [id_from(value) for value in values]
    return [pk for pk in ids if pk is not None], None in ids


def _seen(values: list[str]) -> dict[int, str]:
    """The status each listed idea had when the list was shown ("12:new"), so a batch made on a list
    that is out of date is refused rather than undoing a colleague's move; malformed pairs are left out."""
    seen = {}
    for value in values:
        pk, _colon, status = value.partition(":")
        if (number := id_from(pk)) is not None and status in Status.values:
            seen[number] = status
    return seen


@require_http_methods(["GET", "POST"])
def triage_move(request):
    """The bulk move: every ticked idea to one status with one note, or none of them, with the reason;
    a refused batch shows the list again with the same ideas ticked and the note as typed. Read at its
    own address (by the live client, after a refusal), it is the triage list."""
    if request.method == "GET":
        return redirect(_triage_url(request))
    if (refusal := _team_only(request)) is not None:
        return refusal
    form = BulkMoveForm(request.POST, statuses=BULK_STATUSES)
    ids, bad = _ids(request.POST.getlist("ids"))
    limited, code = None, 400
    if bad:
        form.add_error(None, _("Some of the ticked ideas are not idea numbers: nothing was moved."))
    if form.is_valid():
        outcome = attempt(
            form,
            lambda: services.idea_bulk_transition(
                actor=request.user,
                ids=ids,
                to=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                seen=_seen(request.POST.getlist("seen")),
            ),
        )
        if outcome.done:
            label = Status(form.cleaned_data["status"]).label
            messages.success(
                request, _("%(n)d ideas moved to %(status)s.") % {"n": len(outcome.result), "status": label}
            )
            return redirect(_back(request, reverse("triage")))
        if (error := outcome.refusal) is not None:
            if error.status_code == 403:
                return refused(request, error)
            form.add_error(None, error.message)
            code = error.status_code
        limited = outcome.limited
    page = _triage_page(request, bulk_form=form, selected=request.POST.getlist("ids"), status=code)
    return answer(page, limited)


# --- The idea page's move panel ------------------------------------------------------------------


def _back(request, default: str) -> str:
    """Where a move came from (the triage list), if it is one of our pages, else `default`."""
    return safe_next(request, request.POST.get("next", ""), default)


def _panel_request(request, pk: int, verdict_of):
    """The idea and None, or None and the answer for someone who may not use the panel."""
    idea = get_idea(pk, viewer=request.user)
    if not request.user.is_authenticated:
        return idea, redirect_to_login(f"{idea.get_absolute_url()}#move")
    verdict = verdict_of(user=request.user)
    return idea, (None if verdict else refused(request, verdict.error))


def _moved(request, change) -> str:
    idea = change.idea
    messages.success(
        request, _("“%(title)s” is now %(status)s.") % {"title": idea.title, "status": idea.get_status_display()}
    )
    return _back(request, f"{idea.get_absolute_url()}#{change.anchor}")


def _conflict(request, pk: int, error: DomainError, *, typed: dict, merging: bool = False):
    """The page as it is now (status 409), saying who moved it meanwhile, with the form as typed (its
    choices those of the idea now)."""
    idea = get_idea(pk, viewer=request.user)
    initial = {**typed, "from_status": idea.status}
    if merging:
        form = MergeForm(idea=idea, candidates=merge_candidates(idea=idea, viewer=request.user), initial=initial)
        return idea_page(request, idea, pipeline={"merge_form": form, "conflict": error.message}, status=409)
    form = MoveForm(idea=idea, initial=initial)
    return idea_page(request, idea, pipeline={"move_form": form, "conflict": error.message}, status=409)


def _refusal(request, pk: int, error: DomainError):
    """A refusal that no form on the page can show (the idea can no longer move or be merged), said at
    the top of the panel, on the idea as it is now."""
    idea = get_idea(pk, viewer=request.user)
    return idea_page(request, idea, pipeline={"conflict": error.message}, status=error.status_code)


def _to_panel(request, pk: int):
    """A page refused at a form's address is read again by the live client (and after signing in) at
    that address: it is the idea page."""
    return redirect(f"{get_idea(pk, viewer=request.user).get_absolute_url()}#move")


@require_http_methods(["GET", "POST"])
def idea_move(request, pk: int):
    """Move an idea (the panel, or a quick move from the triage list); a refused move comes back with
    what was typed, a move made meanwhile with the idea as it is now (409)."""
    if request.method == "GET":
        return _to_panel(request, pk)
    idea, refusal = _panel_request(request, pk, can_move)
    if refusal is not None:
        return refusal
    # The choices are those of the status the mover saw, so a stale form reaches the service's 409.
    seen = request.POST.get("from_status", "")
    form = MoveForm(request.POST, idea=Idea(status=seen) if seen in Status.values else idea)
    quick = "next" in request.POST
    limited = None
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            form,
            lambda: services.idea_transition(
                actor=request.user, idea=idea, to=data["status"], note=data["note"], from_status=data["from_status"]
            ),
        )
        if outcome.done:
            return redirect(_moved(request, outcome.result))
        error = outcome.refusal
        if isinstance(error, services.MovedMeanwhile):
            if quick:
                messages.error(request, error.message)
                return redirect(_back(request, idea.get_absolute_url()))
            return _conflict(request, pk, error, typed={"note": data["note"]})
        if error is not None:
            if error.status_code == 403:
                return refused(request, error)
            if not quick and not form.fields["status"].choices:
                return _refusal(request, pk, error)
            form.add_error(None, error.message)
        limited = outcome.limited
    if quick:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(request, idea.get_absolute_url()))
    return answer(idea_page(request, idea, pipeline={"move_form": form}, status=400), limited)


@require_http_methods(["GET", "POST"])
def idea_merge(request, pk: int):
    """Merge the idea into another; a refused merge comes back with what was typed."""
    if request.method == "GET":
        return _to_panel(request, pk)
    idea, refusal = _panel_request(request, pk, can_move)
    if refusal is not None:
        return refusal
    form = MergeForm(request.POST, idea=idea, candidates=merge_candidates(idea=idea, viewer=request.user))
    limited = None
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            form,
            lambda: services.idea_merge(
                actor=request.user,
                idea=idea,
                into=data["target"],
                note=data["note"],
                from_status=data["from_status"] or None,
            ),
        )
        if outcome.done:
            return redirect(_moved(request, outcome.result))
        error = outcome.refusal
        if isinstance(error, services.MovedMeanwhile):
            typed = {"note": data["note"], "number": data["number"], "into": data["into"]}
            return _conflict(request, pk, error, typed=typed, merging=True)
        if error is not None:
            if error.status_code == 403:
                return refused(request, error)
            if not can_merge_from(idea.status):
                return _refusal(request, pk, error)
            form.add_error(None, error.message)
        limited = outcome.limited
    return answer(idea_page(request, idea, pipeline={"merge_form": form}, status=400), limited)


@require_http_methods(["GET", "POST"])
def internal_note_add(request, pk: int):
    """Staff add an internal note; a refused one comes back with what was typed."""
    if request.method == "GET":
        return _to_panel(request, pk)
    idea, refusal = _panel_request(request, pk, can_see_internal_notes)
    if refusal is not None:
        return refusal
    form = InternalNoteForm(request.POST)
    limited = None
    if form.is_valid():
        outcome = attempt(
            form, lambda: services.internal_note_add(actor=request.user, idea=idea, body=form.cleaned_data["body"])
        )
        if outcome.done:
            messages.success(request, _("Your internal note is saved."))
            return redirect(f"{idea.get_absolute_url()}#internal-notes")
        if outcome.refusal is not None:
            return refused(request, outcome.refusal)
        limited = outcome.limited
    return answer(idea_page(request, idea, pipeline={"note_form": form}, status=400), limited)
