"""Reads on ideas that pages and the API share, each with a fixed number of queries."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import F, FilteredRelation, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import DomainError
from core.hiding import Hidden
from core.paging import BadCursor, Page, decode_cursor, key_type, keyset_page
from ideas.models import Category, Follow, Idea, Tag, readers_of_hidden

_WORD = re.compile(r"\w+", re.UNICODE)
# Words too common in idea titles to say two ideas are alike.
_STOPWORDS = (
    "a an and are as at be by for from have in is it of on or that the this to with you your we our can "
    "should would could more less make add let please option new better"
)
SIMILAR_STOPWORDS = frozenset(_STOPWORDS.split())


def _with_relations(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    """The author (with their roles, for the badges beside their name), category and tags: one query for
    the ideas, one for all their tags, one for all their authors' roles."""
    return ideas.select_related("author", "category__parent").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")), "author__groups"
    )


def search_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())[:10]


def idea_list(*, viewer=None) -> QuerySet[Idea]:
    """Ideas the viewer may see, newest first, with what a list shows of each (and the viewer's vote);
    ideas.filters narrows it, idea_page sorts and pages it."""
    return with_my_vote(_with_relations(Idea.objects.visible_to(viewer)), viewer).order_by("-created_at", "-id")


def with_my_vote(ideas: QuerySet[Idea], viewer) -> QuerySet[Idea]:
    """Annotate `my_vote` (1, -1 or None) for a signed-in viewer, in the same query: a join on the
    reverse relation `votes` limited to the viewer's row (one vote per member and idea), so this app
    reads votes without importing the voting app above it."""
    if viewer is None or not viewer.is_authenticated:
        return ideas
    mine = FilteredRelation("votes", condition=Q(votes__voter=viewer))
    return ideas.annotate(my_vote_row=mine, my_vote=F("my_vote_row__value"))


def member_ideas(*, member, viewer=None) -> QuerySet[Idea]:
    """A member's ideas that the viewer may see, newest first, with what a card shows."""
    return idea_list(viewer=viewer).filter(author=member)


@dataclass(frozen=True)
class Sort:
    name: str
    label: str
    field: str  # the stored key it orders by, descending, then by id descending; each has an index


SORTS = {
    sort.name: sort
    for sort in [
        Sort("hot", _("Hot"), "hot"),
        Sort("top", _("Top"), "wilson"),
        Sort("new", _("New"), "created_at"),
        Sort("trending", _("Trending"), "trending"),
        Sort("discussed", _("Most discussed"), "comment_count"),
    ]
}
DEFAULT_SORT = "hot"
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class BadListParameter(DomainError):
    """A sort, cursor or page size that a list cannot use; names the parameter."""

    code = "invalid"

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def page_size(query: Mapping[str, str], *, default: int, maximum: int) -> int:
    """A list's ?page_size=, from 1 to `maximum`, else BadListParameter naming it (the default when absent)."""
    if not query.get("page_size"):
        return default
    try:
        size = int(query["page_size"])
    except ValueError:
        size = 0
    if not 1 <= size <= maximum:
        raise BadListParameter("page_size", _("The page size is a whole number from 1 to %(max)d.") % {"max": maximum})
    return size


def list_cursor(query: Mapping[str, str], *, key: type) -> str | None:
    """A list's ?cursor=, checked against the type of its sort key (BadListParameter names it)."""
    cursor = query.get("cursor") or None
    if cursor:
        try:
            decode_cursor(cursor, key=key)
        except BadCursor as error:
            raise BadListParameter("cursor", error.message) from None
    return cursor


@dataclass(frozen=True)
class ListParams:
    sort: str
    cursor: str | None
    size: int


def list_params(query: Mapping[str, str], *, default_size: int = PAGE_SIZE) -> ListParams:
    """The sort, cursor and page size of an idea list, read once for pages and the API alike."""
    sort = query.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        raise BadListParameter("sort", _("Sort by one of: %(sorts)s.") % {"sorts": ", ".join(SORTS)})
    size = page_size(query, default=default_size, maximum=MAX_PAGE_SIZE)
    return ListParams(sort, list_cursor(query, key=key_type(Idea, SORTS[sort].field)), size)


def idea_page(ideas: QuerySet[Idea], params: ListParams) -> Page:
    """One page of ideas in a sort, by keyset: the page after a cursor costs the same as the first."""
    return keyset_page(ideas, field=SORTS[params.sort].field, cursor=params.cursor, size=params.size)


def idea_get(*, pk: int, viewer=None) -> Idea:
    """One idea the viewer may see (with their vote), or Idea.DoesNotExist."""
    return idea_list(viewer=viewer).get(pk=pk)


def idea_hidden(*, pk: int) -> Idea | None:
    """An idea hidden by moderation (not deleted), as the viewer who may not see it meets it: its page is a
    placeholder saying so, not "no such idea". Only its state is read, never its text."""
    return Idea.objects.filter(pk=pk, deleted_at__isnull=True).exclude(hidden=Hidden.NO).only("pk", "hidden").first()


def idea_as_written(*, pk: int, viewer=None) -> Idea:
    """An idea as a write just left it, for the answer to that write: deleted or not, since a
    delete that commits a moment after an edit does not undo the edit."""
    return with_my_vote(_with_relations(Idea.objects.all()), viewer).get(pk=pk)


def idea_similar(*, title: str, viewer=None, exclude_pk: int | None = None, limit: int = 5) -> list[Idea]:
    """Ideas whose titles share meaningful whole words with a title being typed, most shared first.

    One shared word is enough for a one-word title; longer titles need two, so a common word
    such as "free" alone does not pull in every idea that mentions it.
    """
    words = {w for w in search_words(title) if len(w) > 2 and w not in SIMILAR_STOPWORDS}
    if not words:
        return []
    needed = min(len(words), 2)
    match = Q()
    for word in words:
        match |= Q(title__icontains=word)
    candidates = Idea.objects.visible_to(viewer).filter(match).order_by("-score", "-created_at")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = [(len(words & set(search_words(idea.title))), idea) for idea in candidates[:100]]
    scored = [pair for pair in scored if pair[0] >= needed]
    scored.sort(key=lambda pair: pair[0], reverse=True)
    return [idea for _shared, idea in scored[:limit]]


def categories_in_order() -> QuerySet[Category]:
    """Active categories, each parent followed by its children, for menus, filters and forms."""
    return (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by(
            Coalesce("parent__position", "position"),
            Coalesce("parent_id", "id"),
            F("parent_id").asc(nulls_first=True),
            "position",
            "name",
        )
    )


def category_list() -> list[Category]:
    return list(categories_in_order())


def ideas_export(user) -> list[dict]:
    """The member's ideas, deleted ones included, for their data export."""
    ideas = (
        Idea.objects.filter(author=user)
        .select_related("category")
        .prefetch_related("tags")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": idea.pk,
            "title": idea.title,
            "body": idea.body,
            "category": idea.category.name,
            "tags": [tag.name for tag in idea.tags.all()],
            "status": idea.status,
            "created_at": idea.created_at.isoformat(),
            "edited_at": idea.edited_at.isoformat() if idea.edited_at else None,
            "deleted_at": idea.deleted_at.isoformat() if idea.deleted_at else None,
        }
        for idea in ideas
    ]


def follower_ids(*, idea_id: int) -> QuerySet:
    """The ids of the active members following an idea, for the fan-out of its news (one query)."""
    return Follow.objects.filter(idea_id=idea_id, following=True, member__is_active=True).values_list(
        "member_id", flat=True
    )


def members_who_may_see(*, idea: Idea, member_ids: Iterable[int]) -> set[int]:
    """The members among `member_ids` who may see the idea, for a fan-out of its news: all of them when
    everyone may, none when it is deleted, and while it is hidden those the visibility rule lets see it
    (one query for any number)."""
    member_ids = set(member_ids)
    if idea.is_public:
        return member_ids
    if idea.is_deleted:
        return set()
    return set(User.objects.filter(readers_of_hidden(idea), pk__in=member_ids).values_list("pk", flat=True))


def is_following(*, member, idea: Idea) -> bool:
    """Whether the member follows the idea now (a visitor follows nothing)."""
    if not member.is_authenticated:
        return False
    return Follow.objects.filter(idea=idea, member=member, following=True).exists()


def follows_export(user) -> list[dict]:
    """The member's follows and explicit unfollows, for their data export (titles of ideas still shown)."""
    rows = Follow.objects.filter(member=user).select_related("idea").order_by("created_at", "id")
    return [
        {
            "idea": row.idea_id,
            "idea_title": None if row.idea.is_deleted else row.idea.title,
            "following": row.following,
            "since": row.created_at.isoformat(),
        }
        for row in rows
    ]
