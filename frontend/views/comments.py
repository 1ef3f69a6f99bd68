"""The idea page's conversation: the thread, the comment box, reply, edit, delete, earlier versions, the
official mark, and the follow button. Each page calls the discussion and ideas services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Suspended
from core.errors import DomainError
from core.ids import is_id
from core.paging import encode_cursor
from core.ratelimit import RateLimited
from discussion import selectors, services
from discussion.models import Comment
from discussion.permissions import (
    can_delete_comment,
    can_edit_comment,
    can_mark_official,
    can_see_history,
    is_staff_deletion,
)
from frontend.forms import CommentEditForm, CommentForm, DeleteReasonForm, flag_form
from frontend.views.common import answer, attempt, get_idea, no_such_idea, read_params, refused
from frontend.views.moderation import hidden_notice
from frontend.views.pipeline_panel import idea_pipeline
from frontend.views.shares import share_panel
from ideas import events
from ideas.models import Idea
from ideas.permissions import can_delete, can_edit
from ideas.selectors import is_following
from ideas.services import idea_follow as follow_service
from ideas.services import idea_unfollow
from notifications.services import notifications_read_subjects

# Comments on one page of the thread; "More comments" pages on from the last one shown.
THREAD_PAGE = 100
THREAD_PAGE_MAX = 1000  # a link to a comment shows its conversation up to it, this many comments at most


def _no_such_comment() -> Http404:
    return Http404(_("No comment with that number."))


def _get_comment(pk: int, viewer) -> Comment:
    try:
        return selectors.comment_get(pk=pk, viewer=viewer)
    except Comment.DoesNotExist:
        raise _no_such_comment() from None


def _tree(rows: list[Comment]) -> list[Comment]:
    """The page's comments as a tree: each gets `replies`; a reply whose parent is on an earlier page
    starts its own branch. Rows come in thread order, so a parent always comes before its replies."""
    by_id: dict[int, Comment] = {}
    roots: list[Comment] = []
    for comment in rows:
        comment.replies = []
        by_id[comment.pk] = comment
        parent = by_id.get(comment.parent_id)
        (parent.replies if parent is not None else roots).append(comment)
    return roots


def _replying_to(idea: Idea, viewer, raw) -> Comment | None:
    """The comment a reply answers (?reply=<id>, or the form's parent), if it is there to answer."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    if not is_id(pk):
        return None
    try:
        comment = selectors.comment_get(pk=pk, viewer=viewer)
    except Comment.DoesNotExist:
        return None
    return comment if comment.idea_id == idea.pk and not comment.concealed else None


def _order_tabs(idea: Idea, order: str) -> list[dict]:
    labels = {"oldest": _("Oldest first"), "newest": _("Newest first")}
    base = idea.get_absolute_url()
    return [
        {"label": label, "url": f"{base}?order={value}#comments", "current": value == order}
        for value, label in labels.items()
    ]


def _from_comment(idea: Idea, viewer, raw, order: str) -> tuple[str, int] | None:
    """A cursor whose page starts with the conversation holding comment `raw` (?comment=12, where a
    link to #comment-12 leads when the comment is on a later page of a long thread), and a page size
    that reaches the comment however many replies come before it in its conversation."""
    comment = _replying_to(idea, viewer, raw) if raw else None
    if comment is None:
        return None
    field = "path" if order == "oldest" else "path_newest"
    key = getattr(comment, field)
    start = key.split("/")[0]
    before = Comment.objects.filter(idea=idea, **{f"{field}__gte": start, f"{field}__lte": key}).count()
    return encode_cursor(start, int(comment.path.split("/")[0]) - 1), min(max(THREAD_PAGE, before), THREAD_PAGE_MAX)


def idea_page(
    request,
    idea: Idea,
    *,
    form: CommentForm | None = None,
    limited: RateLimited | Suspended | None = None,
    pipeline: dict | None = None,
    status: int | None = None,
):
    """The idea page: the idea, its status and timeline, its official response, one page of its thread,
    the comment box and the follow button; for the product team the move panel, for staff the internal
    notes (`pipeline` holds a refused pipeline form, with what was typed). Opening it reads the viewer's
    notifications about this idea."""
    viewer = request.user
    params, _query, problems = read_params(
        request.GET, lambda query: selectors.thread_params(query, default_size=THREAD_PAGE)
    )
    cursor, size = params.cursor, params.size
    if not cursor and (found := _from_comment(idea, viewer, request.GET.get("comment"), params.order)):
        cursor, size = found
    page = selectors.thread(idea=idea, viewer=viewer, order=params.order, cursor=cursor, size=size)
    official = selectors.official_response(idea=idea, viewer=viewer)
    notifications_read_subjects(actor=viewer, idea_id=idea.pk)
    if form is None:
        replying = _replying_to(idea, viewer, request.GET.get("reply"))
        form = CommentForm(initial={"parent": replying.pk} if replying else None)
    else:
        replying = _replying_to(idea, viewer, form.data.get("parent"))
    more = None
    if page.next_cursor:
        more = f"{idea.get_absolute_url()}?order={params.order}&cursor={page.next_cursor}#comments"
    context = {
        "idea": idea,
        "can_edit": bool(can_edit(user=viewer, idea=idea)),
        "can_delete": bool(can_delete(user=viewer, idea=idea)),
        "live_topics": [events.idea_topic(idea.pk)],
        "thread": _tree(page.rows),
        "official": official,
        "order": params.order,
        "order_tabs": _order_tabs(idea, params.order),
        "first_page": not cursor,
        "more_url": more,
        "thread_errors": problems,
        "form": form,
        "reply_form": CommentForm(auto_id="reply_%s"),
        "replying_to": replying,
        "following": is_following(member=viewer, idea=idea),
        "may_mark_official": bool(can_mark_official(user=viewer)),
        "may_see_history": bool(can_see_history(user=viewer)),
        "hidden_notice": hidden_notice(viewer=viewer, target=f"idea:{idea.pk}", author_id=idea.author_id, obj=idea),
        "flag_form": flag_form(
            viewer, target=f"idea:{idea.pk}", author_id=idea.author_id, back=idea.get_absolute_url()
        ),
        **idea_pipeline(viewer=viewer, idea=idea, **(pipeline or {})),
        **share_panel(request, idea),
    }
    if status is None:
        status = 400 if form.errors or problems else 200
    return answer(render(request, "ideas/detail.html", context, status=status), limited)


def _written(comment: Comment):
    """After a write, back to the idea page at the comment."""
    return redirect(comment.get_absolute_url())


@require_http_methods(["GET", "POST"])
def comment_post(request, pk: int):
    """The comment box and the reply box without JavaScript; errors come back on the idea page with
    what was typed. Visitors are sent to sign in and back to the idea. Read at this address (by the
    live client refreshing a page of errors), it is the idea page."""
    idea = get_idea(pk, viewer=request.user)
    if request.method == "GET":
        return redirect(f"{idea.get_absolute_url()}#comments")
    if not request.user.is_authenticated:
        return redirect_to_login(f"{idea.get_absolute_url()}#comment-form")
    form = CommentForm(request.POST)
    limited = None
    if form.is_valid():

        def post():
            parent = None
            if form.cleaned_data["parent"]:
                parent = _replying_to(idea, request.user, form.cleaned_data["parent"])
                if parent is None:
                    raise ValidationError({"parent": [_("The comment you replied to is no longer there.")]})
            return services.comment_post(actor=request.user, idea=idea, body=form.cleaned_data["body"], parent=parent)

        outcome = attempt(form, post)
        if outcome.done:
            return _written(outcome.result)
        if outcome.refusal is not None:
            return refused(request, outcome.refusal)
        limited = outcome.limited
    return idea_page(request, idea, form=form, limited=limited)


@require_GET
def comment_fragment(request, pk: int):
    """One comment as the viewer sees it, with what they may do, for the live thread (404 if hidden
    from them); ?pinned=1 gives the official response's pinned form."""
    comment = _get_comment(pk, request.user)
    context = {
        "comment": comment,
        "idea": comment.idea,
        "may_mark_official": bool(can_mark_official(user=request.user)),
        "may_see_history": bool(can_see_history(user=request.user)),
    }
    if request.GET.get("pinned") == "1":
        # Only a comment pinned as the official response, and only while the reader may read it.
        if not comment.is_official or comment.concealed:
            raise _no_such_comment()
        return render(request, "comments/_official.html", {**context, "official": comment})
    return render(request, "comments/_comment.html", context)


def _attempt_on(form, action):
    """attempt() on a comment: a comment (or its idea) deleted meanwhile is this page's 404."""
    try:
        return attempt(form, action)
    except Http404:
        raise _no_such_comment() from None
    except Comment.DoesNotExist:
        raise _no_such_comment() from None


def _own_comment(request, pk: int, verdict_of) -> tuple[Comment, DomainError | None]:
    comment = _get_comment(pk, request.user)
    if comment.is_deleted:
        raise _no_such_comment()
    verdict = verdict_of(user=request.user, comment=comment)
    return comment, (None if verdict else verdict.error)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    comment, refusal = _own_comment(request, pk, can_edit_comment)
    if refusal is not None:
        return refused(request, refusal)
    form = CommentEditForm(request.POST if request.method == "POST" else None, initial={"body": comment.body})
    limited = None
    if request.method == "POST" and form.is_valid():
        outcome = _attempt_on(
            form, lambda: services.comment_edit(actor=request.user, comment=comment, body=form.cleaned_data["body"])
        )
        if outcome.done:
            messages.success(request, _("Your comment is saved."))
            return _written(comment)
        if outcome.refusal is not None:
            return refused(request, outcome.refusal)
        limited = outcome.limited
    page = render(request, "comments/edit.html", {"comment": comment, "form": form}, status=400 if form.errors else 200)
    return answer(page, limited)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk: int):
    """Authors confirm; staff removing someone else's comment say why, for the audit trail."""
    comment, refusal = _own_comment(request, pk, can_delete_comment)
    if refusal is not None:
        return refused(request, refusal)
    staff = is_staff_deletion(user=request.user, comment=comment)
    form = DeleteReasonForm(request.POST if request.method == "POST" else None)
    limited = None
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"] if staff else ""
        outcome = _attempt_on(form, lambda: services.comment_delete(actor=request.user, comment=comment, reason=reason))
        if outcome.done:
            messages.success(request, _("The comment is deleted."))
            return _written(comment)
        if outcome.refusal is not None:
            return refused(request, outcome.refusal)
        limited = outcome.limited
    context = {"comment": comment, "staff_action": staff, "form": form}
    page = render(request, "comments/confirm_delete.html", context, status=400 if form.errors else 200)
    return answer(page, limited)


@login_required
@require_GET
def comment_history(request, pk: int):
    """The earlier versions of an edited comment: moderators and staff only."""
    comment = _get_comment(pk, request.user)
    if comment.is_deleted:
        raise _no_such_comment()
    try:
        versions = selectors.comment_history(comment=comment, viewer=request.user)
    except DomainError as error:
        return refused(request, error)
    return render(request, "comments/history.html", {"comment": comment, "versions": versions})


@login_required
@require_POST
def comment_official(request, pk: int):
    """The product team marks a comment as the official response (official=1) or takes it back (0)."""
    comment = _get_comment(pk, request.user)
    try:
        if request.POST.get("official") == "1":
            services.comment_mark_official(actor=request.user, comment=comment)
            messages.success(request, _("The comment is marked as the official response."))
        else:
            services.comment_unmark_official(actor=request.user, idea=comment.idea, comment=comment)
            messages.success(request, _("The official mark is removed."))
    except (Comment.DoesNotExist, Idea.DoesNotExist):
        raise _no_such_comment() from None
    except DomainError as error:
        if error.status_code == 403:
            return refused(request, error)
        messages.error(request, error.message)
    return _written(comment)


@require_POST
def idea_follow(request, pk: int):
    """The follow button without JavaScript (follow=1 follows, 0 unfollows); visitors sign in first."""
    idea = get_idea(pk, viewer=request.user)
    back = f"{idea.get_absolute_url()}#follow"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    service = follow_service if request.POST.get("follow") == "1" else idea_unfollow
    try:
        service(actor=request.user, idea=idea)
    except Idea.DoesNotExist:
        raise no_such_idea() from None
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back)
