"""Reads on comments that pages and the API share, each with a fixed number of queries."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.hiding import sees_hidden
from core.paging import Page, keyset_page
from discussion.models import Comment, CommentRevision
from discussion.permissions import can_delete_comment, can_edit_comment, can_see_history
from ideas.models import Idea
from ideas.selectors import BadListParameter, list_cursor, page_size

ORDERS = {"oldest": "path", "newest": "path_newest"}
DEFAULT_ORDER = "oldest"
THREAD_PAGE_SIZE = 50
THREAD_PAGE_MAX = 200


@dataclass(frozen=True)
class ThreadParams:
    order: str
    cursor: str | None
    size: int


def thread_params(query: Mapping[str, str], *, default_size: int = THREAD_PAGE_SIZE) -> ThreadParams:
    """The order, cursor and page size of a thread, read once for pages and the API alike."""
    order = query.get("order") or DEFAULT_ORDER
    if order not in ORDERS:
        raise BadListParameter("order", _("Order by one of: %(orders)s.") % {"orders": ", ".join(ORDERS)})
    size = page_size(query, default=default_size, maximum=THREAD_PAGE_MAX)
    return ThreadParams(order, list_cursor(query, key=str), size)


def _with_relations(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """The author (with their roles, for badges) and the author of the comment answered: one query
    for the comments and one for all their authors' roles."""
    return comments.select_related("author", "reply_to__author").prefetch_related(
        Prefetch("author__groups"),
    )


def _for_viewer(comments: list[Comment], viewer) -> list[Comment]:
    """What the viewer may see of each and do with it (no query): `reader_sees_hidden` (core.hiding),
    `may_edit`, `may_delete`."""
    for comment in comments:
        comment.reader_sees_hidden = comment.is_hidden and sees_hidden(viewer, comment.author_id)
        live = not comment.concealed
        comment.may_edit = live and bool(can_edit_comment(user=viewer, comment=comment))
        comment.may_delete = live and bool(can_delete_comment(user=viewer, comment=comment))
    return comments


def thread(
    *, idea: Idea, viewer, order: str = DEFAULT_ORDER, cursor: str | None = None, size: int = THREAD_PAGE_SIZE
) -> Page:
    """One page of an idea's comments in thread order (replies under their parent, oldest first; or
    top-level comments newest first), deleted ones as placeholders. Two queries, however many comments."""
    comments = _with_relations(Comment.objects.visible_to(viewer).filter(idea=idea))
    page = keyset_page(comments, field=ORDERS[order], cursor=cursor, size=size, ascending=True)
    return Page(_for_viewer(page.rows, viewer), page.next_cursor)


def official_response(*, idea: Idea, viewer) -> Comment | None:
    """The comment the product team marked as the official response of the idea, if any the viewer may read
    (a hidden one is pinned for its author and staff only)."""
    found = list(_with_relations(Comment.objects.visible_to(viewer).filter(idea=idea, official_at__isnull=False)))
    shown = [comment for comment in _for_viewer(found, viewer) if not comment.concealed]
    return shown[0] if shown else None


def comment_get(*, pk: int, viewer) -> Comment:
    """One comment the viewer may see (a deleted one as its placeholder), or Comment.DoesNotExist."""
    return _for_viewer([_with_relations(Comment.objects.visible_to(viewer)).get(pk=pk)], viewer)[0]


def comment_history(*, comment: Comment, viewer) -> list[CommentRevision]:
    """The earlier versions of a comment, oldest first: moderators and staff only (NotAllowed for others)."""
    can_see_history(user=viewer).check()
    return list(comment.revisions.order_by("created_at", "id"))


def comments_export(user: User) -> list[dict]:
    """The member's comments with their earlier versions, deleted ones included, for their data export."""
    comments = (
        Comment.objects.filter(author=user)
        .select_related("idea")
        .prefetch_related(Prefetch("revisions", queryset=CommentRevision.objects.order_by("created_at", "id")))
        .order_by("created_at", "id")
    )
    return [
        {
            "id": comment.pk,
            "idea": comment.idea_id,
            "idea_title": None if comment.idea.is_deleted else comment.idea.title,
            "parent": comment.parent_id,
            "reply_to": comment.reply_to_id,
            "body": comment.body,
            "created_at": comment.created_at.isoformat(),
            "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            "deleted_at": comment.deleted_at.isoformat() if comment.deleted_at else None,
            "official": comment.is_official,
            "earlier_versions": [
                {"body": revision.body, "written_at": revision.created_at.isoformat()}
                for revision in comment.revisions.all()
            ],
        }
        for comment in comments
    ]


def idea_for_comments(*, pk: int, viewer) -> Idea:
    """The idea whose comments are read or written, if the viewer may see it; Idea.DoesNotExist if not."""
    return Idea.objects.visible_to(viewer).get(pk=pk)
